import Foundation
import ModelGraph

/// A grid of values shrunk to fit a square of a few dozen pixels: blocks of
/// cells averaged (by an integer factor) while the grid is larger than the
/// square, then scaled to fill it. Painted as one bitmap, so hundreds of them
/// draw fast.
public struct Thumbnail {
    /// The bitmap: `rows × columns` cells, 3 bytes each.
    let rgb: [UInt8]
    public let rows: Int
    public let columns: Int
    /// Screen pixels per cell.
    public let cell: Double
    /// The colour scale the cells were painted on.
    public let scale: ColorScale

    /// The thumbnail of `values` laid out as `layout`, at most `side` pixels a
    /// side; coloured over the finite min..max of the averaged cells, or, when
    /// `centredOnZero`, over ±their largest magnitude. Padding cells are light
    /// grey, blocks holding NaN or infinity magenta.
    public init(values: [Float], layout: GridLayout, side: Int, centredOnZero: Bool = false, colormap: Colormap = .viridis) {
        let factor = max(1, (max(layout.rows, layout.columns) + side - 1) / max(side, 1))
        rows = (layout.rows + factor - 1) / factor
        columns = (layout.columns + factor - 1) / factor
        cell = Double(side) / Double(max(rows, columns, 1))
        // Block means; nil for all-padding blocks, NaN for blocks with a non-finite value.
        var means = [Float?](repeating: nil, count: rows * columns)
        for row in 0..<rows {
            for column in 0..<columns {
                var sum = 0.0, count = 0, finite = true
                for sourceRow in (row * factor)..<min((row + 1) * factor, layout.rows) {
                    for sourceColumn in (column * factor)..<min((column + 1) * factor, layout.columns) {
                        guard let unit = layout.unit(row: sourceRow, column: sourceColumn) else { continue }
                        let value = values[unit]
                        if value.isFinite { sum += Double(value) } else { finite = false }
                        count += 1
                    }
                }
                if count > 0 { means[row * columns + column] = finite ? Float(sum / Double(count)) : .nan }
            }
        }
        let finiteMeans = means.compactMap { $0 }.filter(\.isFinite)
        let extent = max(finiteMeans.lazy.map(abs).max() ?? 0, 1e-30)
        let scale = centredOnZero ? ColorScale(low: -extent, high: extent) : ColorScale(low: finiteMeans.min() ?? 0, high: finiteMeans.max() ?? 0)
        self.scale = scale
        var rgb = [UInt8](repeating: 0, count: rows * columns * 3)
        for (index, mean) in means.enumerated() {
            let color = mean.map { $0.isFinite ? colormap.color(scale.position($0)) : Palette.nonFinite } ?? Palette.paddingBackground
            rgb[index * 3] = color.byte(\.red)
            rgb[index * 3 + 1] = color.byte(\.green)
            rgb[index * 3 + 2] = color.byte(\.blue)
        }
        self.rgb = rgb
    }

    /// The drawn width and height in pixels.
    public var width: Double { Double(columns) * cell }
    public var height: Double { Double(rows) * cell }

    /// Paints the thumbnail with its top-left corner at (x, y), framed.
    public func draw(on canvas: Canvas, x: Double, y: Double) {
        canvas.image(rgb: rgb, width: columns, height: rows, x: x, y: y, scale: cell)
        canvas.stroke(x: x - 0.5, y: y - 0.5, width: width + 1, height: height + 1, .gray(0.75))
    }
}

extension RGB {
    /// One channel as a byte, 0...255.
    func byte(_ channel: KeyPath<RGB, Double>) -> UInt8 {
        UInt8(max(0, min(255, (self[keyPath: channel] * 255).rounded())))
    }
}
