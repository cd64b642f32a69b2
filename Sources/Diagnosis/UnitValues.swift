import ModelGraph

/// A layer output seen as units: each element of a vector output, or each
/// channel (last axis) of a map, whose value for a sample is its mean over the
/// positions.
struct UnitLayout: Sendable, Equatable {
    let units: Int
    /// Positions per sample (1 for a vector).
    let positions: Int

    init(sampleShape: [Int]) {
        if sampleShape.count <= 1 {
            units = max(1, sampleShape.first ?? 1)
            positions = 1
        } else {
            units = max(1, sampleShape.last!)
            positions = max(1, sampleShape.dropLast().reduce(1, *))
        }
    }

    /// The unit values of every sample of `output` (`batch × units`, row-major)
    /// and, for a map, per unit how many of its values (over samples and positions)
    /// are above 0; nil for a vector, whose values are the units themselves.
    func values(of output: Tensor) -> (values: [Float], positive: [Int]?) {
        guard positions > 1 else { return (output.scalars, nil) }
        let batch = output.batchSize
        var values = [Float](repeating: 0, count: batch * units)
        var positive = [Int](repeating: 0, count: units)
        var sums = [Double](repeating: 0, count: units)
        output.scalars.withUnsafeBufferPointer { scalars in
            for sample in 0..<batch {
                let base = sample * units * positions
                for unit in 0..<units { sums[unit] = 0 }
                for position in 0..<positions {
                    let row = base + position * units
                    for unit in 0..<units {
                        let v = scalars[row + unit]
                        sums[unit] += Double(v)
                        if v > 0 { positive[unit] += 1 }
                    }
                }
                for unit in 0..<units { values[sample * units + unit] = Float(sums[unit] / Double(positions)) }
            }
        }
        return (values, positive)
    }
}
