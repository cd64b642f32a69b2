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

    var colorBar: ColorBar { ColorBar(scale: scale, colormap: colormap) }

    public var gridWidth: Double { Double(layout.columns) * cell }
    public var gridHeight: Double { Double(layout.rows) * cell }

    /// The width of the grid, the colour bar and its numbers.
    public func width(on canvas: Canvas) -> Double {
        gridWidth + ColorBar.gap + colorBar.width(on: canvas)
    }

    /// Draws the grid with its top-left corner at (x, y), then the colour bar.
    public func draw(on canvas: Canvas, x: Double, y: Double) {
        drawGrid(on: canvas, x: x, y: y)
        colorBar.draw(on: canvas, x: x + gridWidth + ColorBar.gap, y: y, height: gridHeight)
    }

    /// Draws the grid alone (cells, padding, labels, frame, outline), its top-left corner at (x, y).
    public func drawGrid(on canvas: Canvas, x: Double, y: Double) {
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
                canvas.text(label, x: x + (Double(column) + 0.5) * cell, y: y + (Double(row) + 0.5) * cell + size * 0.36,
                            size: size, color: colormap.color(scale.position(values[unit])).contrastingText, align: .center)
            }
        }
        canvas.stroke(x: x - 0.5, y: y - 0.5, width: gridWidth + 1, height: gridHeight + 1, Palette.frame)
        if let outlined, outlined < layout.units {
            let (row, column) = layout.position(of: outlined)
            canvas.stroke(x: x + Double(column) * cell + 1, y: y + Double(row) * cell + 1,
                          width: cell - 2, height: cell - 2, Palette.highlight, lineWidth: 2)
        }
    }
}
