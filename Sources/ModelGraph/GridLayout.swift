/// Where each unit of a layer sits in its picture.
///
/// A layer whose sample is a vector of n units becomes a square of side ⌈√n⌉,
/// filled row-major: unit i at row ⌊i / side⌋, column i mod side; the last
/// side² − n cells are padding. A 2-D sample (H × W) keeps its own grid.
public struct GridLayout: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// The number of real units; cells past it are padding.
    public let units: Int

    /// The layout for a layer whose one-sample output has `sampleShape`.
    public init(sampleShape: [Int]) {
        if sampleShape.count == 2 {
            rows = sampleShape[0]
            columns = sampleShape[1]
            units = rows * columns
        } else {
            units = sampleShape.reduce(1, *)
            var side = Int(Double(units).squareRoot())
            while side * side < units { side += 1 }
            rows = max(side, 1)
            columns = max(side, 1)
        }
    }

    /// The row and column of `unit`.
    public func position(of unit: Int) -> (row: Int, column: Int) { (unit / columns, unit % columns) }

    /// The unit at a cell, or nil for a padding cell.
    public func unit(row: Int, column: Int) -> Int? {
        let index = row * columns + column
        return index < units ? index : nil
    }

    /// How many cells are padding.
    public var padding: Int { rows * columns - units }
}
