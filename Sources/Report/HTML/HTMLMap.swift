import Foundation
import ModelGraph
import Render

/// One map of an HTML report as the page's script reads it: a set of values (a
/// layer's output, B − A, the units' means over a data set), how they are laid
/// out and coloured, and the values themselves — exact float32 for small maps,
/// 8-bit codes over the map's own min..max in a grayscale PNG for large ones.
struct HTMLMap: Encodable, Sendable {
    /// How the values are laid out.
    enum Layout: Encodable, Sendable {
        /// An `[H, W, C]` map: one `H × W` tile per channel, `columns` tiles a row,
        /// `gap` pixels between tiles.
        case tiles(height: Int, width: Int, channels: Int, columns: Int, gap: Int)
        /// Units in a grid, row-major (`GridLayout`); cells past `units` are padding;
        /// each cell `cell` pixels square.
        case grid(rows: Int, columns: Int, units: Int, cell: Int)

        private enum CodingKeys: String, CodingKey { case kind, height, width, channels, columns, gap, rows, units, cell }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case let .tiles(height, width, channels, columns, gap):
                try container.encode("tiles", forKey: .kind)
                try container.encode(height, forKey: .height)
                try container.encode(width, forKey: .width)
                try container.encode(channels, forKey: .channels)
                try container.encode(columns, forKey: .columns)
                try container.encode(gap, forKey: .gap)
            case let .grid(rows, columns, units, cell):
                try container.encode("grid", forKey: .kind)
                try container.encode(rows, forKey: .rows)
                try container.encode(columns, forKey: .columns)
                try container.encode(units, forKey: .units)
                try container.encode(cell, forKey: .cell)
            }
        }

        /// The layout the PNG reports use for a sample of `shape`: tiles for
        /// `[H, W, C]`, else `GridLayout`'s rows × columns.
        init(sampleShape shape: [Int]) {
            if shape.count == 3 {
                var columns = 1
                while columns * columns < shape[2] { columns += 1 }
                self = .tiles(height: shape[0], width: shape[1], channels: shape[2], columns: columns,
                              gap: min(shape[0], shape[1]) >= 4 ? 1 : 0)
            } else {
                let grid = GridLayout(sampleShape: shape)
                self = .grid(rows: grid.rows, columns: grid.columns, units: grid.units,
                             cell: max(grid.rows, grid.columns) <= 64 ? 4 : 1)
            }
        }

        /// The canvas size in pixels.
        var pixelSize: (width: Int, height: Int) {
            switch self {
            case let .tiles(height, width, channels, columns, gap):
                let rows = (channels + columns - 1) / columns
                return (columns * (width + gap) - gap, rows * (height + gap) - gap)
            case let .grid(rows, columns, _, cell):
                return (columns * cell, rows * cell)
            }
        }

        /// The 8-bit atlas of the codes: tiles side by side without gaps, or the
        /// grid one pixel per cell (padding 0); returns its width and height.
        func atlas(_ codes: [UInt8]) -> (pixels: [UInt8], width: Int, height: Int) {
            switch self {
            case let .tiles(height, width, channels, columns, _):
                let rows = (channels + columns - 1) / columns
                let atlasWidth = columns * width
                var pixels = [UInt8](repeating: 0, count: atlasWidth * rows * height)
                codes.withUnsafeBufferPointer { codes in
                    pixels.withUnsafeMutableBufferPointer { pixels in
                        for row in 0..<height {
                            for column in 0..<width {
                                let source = (row * width + column) * channels
                                for channel in 0..<channels {
                                    let y = (channel / columns) * height + row, x = (channel % columns) * width + column
                                    pixels[y * atlasWidth + x] = codes[source + channel]
                                }
                            }
                        }
                    }
                }
                return (pixels, atlasWidth, rows * height)
            case let .grid(rows, columns, units, _):
                return (codes + [UInt8](repeating: 0, count: rows * columns - units), columns, rows)
            }
        }
    }

    /// How a map is coloured.
    enum Palette: String, Encodable, Sendable {
        /// matplotlib's viridis over low...high.
        case viridis
        /// matplotlib's RdBu_r over low...high, white at the middle.
        case redBlue
    }

    let title: String
    let palette: Palette
    /// The colour scale's ends (finite).
    let low: Float
    let high: Float
    let layout: Layout
    /// `f32`: `data` is the values as float32, little-endian, base64; `u8`:
    /// `data` is a PNG data URI of the codes' atlas.
    let encoding: String
    let data: String
    /// For `u8`: value = `quantLow` + code × `step`, codes 0...254; code 255 marks
    /// a NaN or infinite value, listed in `nonFinite` as [index, kind] (0 NaN, 1 +inf, 2 −inf).
    let quantLow: Float?
    let step: Float?
    let nonFinite: [[Int]]?
    /// A name per unit (the class labels of the output layer).
    let labels: [String]?
    /// A name per grid row (the classes of a class × unit map).
    let rowLabels: [String]?

    /// Everything but `data`, which the page keeps in a script element of its own.
    private enum CodingKeys: String, CodingKey { case title, palette, low, high, layout, encoding, quantLow, step, nonFinite, labels, rowLabels }

    /// The code marking a NaN or infinite value in an 8-bit map.
    static let nonFiniteCode: UInt8 = 255
    /// How many codes finite values use: 0...254.
    static let levels = 255

    /// Encodes `values` (one sample, laid out by `sampleShape`): exact float32 up to
    /// `exactLimit` values, else 8-bit over their own finite min..max. `scale` is
    /// the colour scale (nil: the values' own finite min..max).
    init(title: String, values: [Float], sampleShape: [Int], palette: Palette = .viridis, scale: ColorScale? = nil,
         exactLimit: Int, labels: [String]? = nil, rowLabels: [String]? = nil) throws {
        let layout = Layout(sampleShape: sampleShape)
        let range = Self.finiteRange(values)
        self.title = title
        self.palette = palette
        let scale = scale.flatMap { $0.low.isFinite && $0.high.isFinite ? $0 : nil } ?? ColorScale(low: range.low, high: range.high)
        low = scale.low
        high = scale.high
        self.layout = layout
        self.labels = labels
        self.rowLabels = rowLabels
        if values.count <= exactLimit {
            encoding = "f32"
            data = Self.base64Float32(values)
            quantLow = nil
            step = nil
            nonFinite = nil
            return
        }
        // In Double, where the span of finite floats (±3e38 included) stays finite.
        let start = Double(range.low)
        let step = range.high > range.low ? (Double(range.high) - start) / Double(Self.levels - 1) : 0
        var codes = [UInt8](repeating: 0, count: values.count)
        var nonFinite: [[Int]] = []
        for (index, value) in values.enumerated() {
            if value.isFinite {
                codes[index] = step > 0 ? UInt8(min(max(((Double(value) - start) / step).rounded(), 0), Double(Self.levels - 1))) : 0
            } else {
                codes[index] = Self.nonFiniteCode
                nonFinite.append([index, value.isNaN ? 0 : value > 0 ? 1 : 2])
            }
        }
        let atlas = layout.atlas(codes)
        encoding = "u8"
        data = "data:image/png;base64," + (try encodePNG(gray: atlas.pixels, width: atlas.width, height: atlas.height)).base64EncodedString()
        quantLow = range.low
        self.step = Float(step)
        self.nonFinite = nonFinite
    }

    /// The finite min and max of `values`; 0...0 when none is finite.
    static func finiteRange(_ values: [Float]) -> (low: Float, high: Float) {
        let statistics = ValueStatistics(of: values)
        return statistics.min.isFinite ? (statistics.min, statistics.max) : (0, 0)
    }

    /// `values` as little-endian float32 bytes in base64.
    static func base64Float32(_ values: [Float]) -> String {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        for (index, value) in values.enumerated() {
            let bits = value.bitPattern
            for byte in 0..<4 { bytes[index * 4 + byte] = UInt8(truncatingIfNeeded: bits >> (8 * UInt32(byte))) }
        }
        return Data(bytes).base64EncodedString()
    }
}
