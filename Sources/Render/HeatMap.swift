/// A matrix drawn as coloured cells — rows labelled on the left, columns on top,
/// optional text in the cells — with a colour bar: the confusion matrix and
/// the class × unit maps of the eval report.
public struct HeatMap {
    public let rows: Int
    public let columns: Int
    /// Row-major, `rows × columns`; NaN draws as a hatched empty cell.
    public let values: [Float]
    public let scale: ColorScale
    public let colormap: Colormap
    public let cellWidth: Double
    public let cellHeight: Double
    public let rowLabels: [String]
    /// Column labels; when cells are too narrow for them, every few columns get their index instead.
    public let columnLabels: [String]?
    /// Text for each cell (row-major; empty for none), in black or white to contrast with the cell.
    public let cellTexts: [String]?

    public init(rows: Int, columns: Int, values: [Float], scale: ColorScale, colormap: Colormap = .viridis,
                cellWidth: Double, cellHeight: Double, rowLabels: [String], columnLabels: [String]?, cellTexts: [String]? = nil) {
        precondition(values.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.values = values
        self.scale = scale
        self.colormap = colormap
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.cellTexts = cellTexts
    }

    static let labelSize = 10.0, labelGap = 4.0
    /// The band above the grid that holds the column labels.
    public static let headerHeight = 16.0

    var colorBar: ColorBar { ColorBar(scale: scale, colormap: colormap) }
    var gridWidth: Double { Double(columns) * cellWidth }
    var gridHeight: Double { Double(rows) * cellHeight }

    func rowLabelWidth(on canvas: Canvas) -> Double {
        (rowLabels.map { canvas.textWidth($0, size: Self.labelSize) }.max() ?? 0) + Self.labelGap
    }

    /// The width of the row labels, the grid and the colour bar.
    public func width(on canvas: Canvas) -> Double {
        rowLabelWidth(on: canvas) + gridWidth + ColorBar.gap + colorBar.width(on: canvas)
    }

    /// The height of the column header and the grid.
    public var height: Double { Self.headerHeight + gridHeight }

    /// Draws the map with its top-left corner (of the row labels and column header) at (x, y).
    public func draw(on canvas: Canvas, x: Double, y: Double) {
        let left = x + rowLabelWidth(on: canvas), top = y + Self.headerHeight
        canvas.withoutAntialiasing {
            for row in 0..<rows {
                for column in 0..<columns {
                    let value = values[row * columns + column]
                    let cellX = left + Double(column) * cellWidth, cellY = top + Double(row) * cellHeight
                    if value.isNaN {
                        canvas.hatch(x: cellX, y: cellY, width: cellWidth, height: cellHeight, background: Palette.paddingBackground,
                                     lines: Palette.paddingLines, spacing: max(3, min(cellWidth, cellHeight) / 3))
                    } else {
                        canvas.fill(x: cellX, y: cellY, width: cellWidth, height: cellHeight, colormap.color(scale.position(value)))
                    }
                }
            }
        }
        // Small enough for the longest text to fit its cell (DejaVu digits are about 0.64 em wide).
        let longest = Double(cellTexts?.map(\.count).max() ?? 1)
        let textSize = min(cellHeight * 0.5, (cellWidth - 2) / (0.64 * max(longest, 2)), 11)
        if let cellTexts, textSize >= 6 {
            for (index, text) in cellTexts.enumerated() where !text.isEmpty {
                let row = index / columns, column = index % columns
                let color = values[index].isNaN ? Palette.text : colormap.color(scale.position(values[index])).contrastingText
                canvas.text(text, x: left + (Double(column) + 0.5) * cellWidth, y: top + (Double(row) + 0.5) * cellHeight + textSize * 0.36,
                            size: textSize, color: color, align: .center)
            }
        }
        for (row, label) in rowLabels.enumerated() {
            canvas.text(label, x: left - Self.labelGap, y: top + (Double(row) + 0.5) * cellHeight + Self.labelSize * 0.36,
                        size: Self.labelSize, color: Palette.text, align: .right)
        }
        if let columnLabels, cellWidth >= Self.labelSize {
            // A label wider than its cell would run into the next one: such labels are
            // drawn only where they clear the last one drawn.
            var clear = -Double.infinity
            for (column, label) in columnLabels.enumerated() {
                let center = left + (Double(column) + 0.5) * cellWidth, halfWidth = canvas.textWidth(label, size: Self.labelSize) / 2
                guard center - halfWidth >= clear else { continue }
                canvas.text(label, x: center, y: y + Self.headerHeight - 4, size: Self.labelSize, color: Palette.text, align: .center)
                clear = center + halfWidth + 3
            }
        } else {
            // Narrow cells: a tick and the column index every `step` columns.
            let step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].first { Double($0) * cellWidth >= 36 } ?? max(columns, 1)
            for column in stride(from: 0, to: columns, by: step) {
                let tickX = left + (Double(column) + 0.5) * cellWidth
                canvas.line(from: (tickX, top - 3), to: (tickX, top), Palette.frame)
                canvas.text("\(column)", x: tickX, y: y + Self.headerHeight - 5, size: Self.labelSize - 1, color: Palette.secondaryText, align: .center)
            }
        }
        canvas.stroke(x: left - 0.5, y: top - 0.5, width: gridWidth + 1, height: gridHeight + 1, Palette.frame)
        colorBar.draw(on: canvas, x: left + gridWidth + ColorBar.gap, y: top, height: gridHeight)
    }
}
