/// A histogram of values over a fixed range, drawn as bars with its range printed below.
public struct Histogram {
    public let counts: [Int]
    public let low: Float
    public let high: Float

    /// Counts `values` into `bins` equal bins over `low...high` (values outside are clamped in).
    public init(_ values: [Float], bins: Int, low: Float, high: Float) {
        var counts = [Int](repeating: 0, count: bins)
        let (low, high) = low.isFinite && high.isFinite ? (low, high) : (0, 1)
        let scale = high > low ? Float(bins) / (high - low) : 0
        values.withUnsafeBufferPointer { buffer in
            for value in buffer where value.isFinite {
                counts[min(max(Int((value - low) * scale), 0), bins - 1)] += 1
            }
        }
        self.counts = counts
        self.low = low
        self.high = high
    }

    /// Draws the bars in a `width × height` box at (x, y), with the range's ends labelled below.
    public func draw(on canvas: Canvas, x: Double, y: Double, width: Double, height: Double, color: RGB) {
        canvas.fill(x: x, y: y, width: width, height: height, .gray(0.97))
        let peak = Double(counts.max() ?? 1)
        let barWidth = width / Double(counts.count)
        for (index, count) in counts.enumerated() where count > 0 {
            // Square-root heights keep a dominant background bin from flattening the rest.
            let barHeight = max(1, height * (Double(count) / peak).squareRoot())
            canvas.fill(x: x + Double(index) * barWidth, y: y + height - barHeight, width: max(barWidth - 0.5, 1), height: barHeight, color)
        }
        canvas.stroke(x: x - 0.5, y: y - 0.5, width: width + 1, height: height + 1, Palette.frame)
        canvas.text(formatNumber(low), x: x, y: y + height + 12, size: 10, color: Palette.secondaryText)
        canvas.text(formatNumber(high), x: x + width, y: y + height + 12, size: 10, color: Palette.secondaryText, align: .right)
    }
}

/// Horizontal bars, one per row: a label, a bar proportional to a value in 0...1, and a caption.
public struct BarChart {
    public struct Row {
        public let label: String
        public let fraction: Double
        public let caption: String

        public init(label: String, fraction: Double, caption: String) {
            self.label = label
            self.fraction = fraction
            self.caption = caption
        }
    }

    public let rows: [Row]
    public static let rowHeight = 22.0

    public init(rows: [Row]) { self.rows = rows }

    public var height: Double { Double(rows.count) * Self.rowHeight }

    /// Draws the chart at (x, y); `barWidth` is the length of a full bar.
    public func draw(on canvas: Canvas, x: Double, y: Double, labelWidth: Double, barWidth: Double, highlightFirst: Bool) {
        for (index, row) in rows.enumerated() {
            let top = y + Double(index) * Self.rowHeight
            canvas.text(row.label, x: x + labelWidth - 6, y: top + 15, size: 13, color: Palette.text, bold: index == 0 && highlightFirst, align: .right)
            canvas.fill(x: x + labelWidth, y: top + 3, width: barWidth, height: Self.rowHeight - 6, .gray(0.92))
            let color = index == 0 && highlightFirst ? Colormap.viridis.color(0.85) : Colormap.viridis.color(0.35)
            canvas.fill(x: x + labelWidth, y: top + 3, width: barWidth * min(max(row.fraction, 0), 1), height: Self.rowHeight - 6, color)
            canvas.text(row.caption, x: x + labelWidth + barWidth + 8, y: top + 15, size: 12, color: Palette.text)
        }
    }
}
