import Foundation
import ModelGraph


/// Colours used for everything that is not data.
public enum Palette {
    static let paddingBackground = RGB.gray(0.93)
    static let paddingLines = RGB.gray(0.72)
    static let text = RGB.gray(0.1)
    static let secondaryText = RGB.gray(0.38)
    static let frame = RGB.gray(0.55)
    static let highlight = RGB(0.9, 0.1, 0.1)
    /// NaN and infinite values: magenta, which no colormap here contains.
    public static let nonFinite = RGB(1, 0, 1)
}

/// One layer drawn as a grid of cells painted with a colormap, with a colour
/// bar beside it that gives the scale's numbers.
public struct ActivationMap {
    public let layout: GridLayout
    /// One value per unit.
    public let values: [Float]
    public let scale: ColorScale
    public let colormap: Colormap
    /// The side of one cell in pixels.
    public let cell: Double
    /// Text written in each unit's cell (class labels of the output layer).
    public let cellLabels: [String]?
    /// A unit to outline (the argmax of the output layer).
    public let outlined: Int?

    public init(layout: GridLayout, values: [Float], scale: ColorScale, colormap: Colormap = .viridis,
                cell: Double, cellLabels: [String]? = nil, outlined: Int? = nil) {
        self.layout = layout
        self.values = values
        self.scale = scale
        self.colormap = colormap
        self.cell = cell
        self.cellLabels = cellLabels
        self.outlined = outlined
    }

    static let colorBarGap = 8.0, colorBarWidth = 12.0, tickLength = 3.0, tickTextSize = 10.0

    public var gridWidth: Double { Double(layout.columns) * cell }
    public var gridHeight: Double { Double(layout.rows) * cell }

    /// The width of the grid, the colour bar and its numbers.
    public func width(on canvas: Canvas) -> Double {
        let labels = tickLabels().map { canvas.textWidth($0, size: Self.tickTextSize) }.max() ?? 0
        return gridWidth + Self.colorBarGap + Self.colorBarWidth + Self.tickLength + 3 + labels
    }

    /// Draws the grid with its top-left corner at (x, y), then the colour bar.
    public func draw(on canvas: Canvas, x: Double, y: Double) {
        canvas.pixels(x: x, y: y, rows: layout.rows, columns: layout.columns, cell: cell) { row, column in
            guard let unit = layout.unit(row: row, column: column) else { return Palette.paddingBackground }
            return values[unit].isFinite ? colormap.color(scale.position(values[unit])) : Palette.nonFinite
        }
        for row in 0..<layout.rows {
            for column in 0..<layout.columns where layout.unit(row: row, column: column) == nil {
                canvas.hatch(x: x + Double(column) * cell, y: y + Double(row) * cell, width: cell, height: cell,
                             background: Palette.paddingBackground, lines: Palette.paddingLines, spacing: max(3, cell / 3))
            }
        }
        if let cellLabels {
            let size = min(cell * 0.45, 13)
            for (unit, label) in cellLabels.enumerated() where unit < layout.units {
                let (row, column) = layout.position(of: unit)
                let color = colormap.color(scale.position(values[unit]))
                let luminance = 0.299 * color.red + 0.587 * color.green + 0.114 * color.blue
                canvas.text(label, x: x + (Double(column) + 0.5) * cell, y: y + (Double(row) + 0.5) * cell + size * 0.36,
                            size: size, color: luminance > 0.5 ? .black : .white, align: .center)
            }
        }
        canvas.stroke(x: x - 0.5, y: y - 0.5, width: gridWidth + 1, height: gridHeight + 1, Palette.frame)
        if let outlined, outlined < layout.units {
            let (row, column) = layout.position(of: outlined)
            canvas.stroke(x: x + Double(column) * cell + 1, y: y + Double(row) * cell + 1,
                          width: cell - 2, height: cell - 2, Palette.highlight, lineWidth: 2)
        }
        drawColorBar(on: canvas, x: x + gridWidth + Self.colorBarGap, y: y, height: gridHeight)
    }

    /// The scale's low, middle and high values, as the bar labels them.
    func tickLabels() -> [String] {
        [scale.high, (scale.low + scale.high) / 2, scale.low].map(formatNumber)
    }

    /// The colour bar with the scale's low, middle and high values.
    func drawColorBar(on canvas: Canvas, x: Double, y: Double, height: Double) {
        let steps = max(Int(height), 1)
        for step in 0..<steps {
            let t = 1 - (Double(step) + 0.5) / Double(steps)
            canvas.fill(x: x, y: y + Double(step), width: Self.colorBarWidth, height: 1, colormap.color(t))
        }
        canvas.stroke(x: x - 0.5, y: y - 0.5, width: Self.colorBarWidth + 1, height: height + 1, Palette.frame)
        for (index, label) in tickLabels().enumerated() {
            let tickY = y + height * Double(index) / 2
            canvas.line(from: (x + Self.colorBarWidth, tickY), to: (x + Self.colorBarWidth + Self.tickLength, tickY), Palette.frame)
            canvas.text(label, x: x + Self.colorBarWidth + Self.tickLength + 3, y: tickY + Self.tickTextSize * 0.36,
                        size: Self.tickTextSize, color: Palette.secondaryText)
        }
    }
}

/// An integer with thousands separators: 208,626.
public func groupedDigits(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var groups: [String] = []
    var end = digits.endIndex
    while end > digits.startIndex {
        let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
        groups.insert(String(digits[start..<end]), at: 0)
        end = start
    }
    return (value < 0 ? "-" : "") + groups.joined(separator: ",")
}

/// A number in at most four significant digits: `1.93e+03`, `0.0421`, `-2.5`.
public func formatNumber(_ value: Float) -> String {
    if value == 0 { return "0" }
    if !value.isFinite { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
    return String(format: "%.3g", Double(value))
}
