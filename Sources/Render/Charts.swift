import ModelGraph

/// A histogram of values over a fixed range, drawn as bars with its range printed below.
public struct Histogram {
    public let counts: [Int]
    public let low: Float
    public let high: Float

    /// Counts `values` into `bins` equal bins over `low...high` (values outside are clamped in).
    public init(_ values: [Float], bins: Int, low: Float, high: Float) {
        let binning = Binning(bins: bins, low: low, high: high)
        var counts = [Int](repeating: 0, count: bins)
        values.withUnsafeBufferPointer { buffer in
            counts.withUnsafeMutableBufferPointer { counts in
                for value in buffer where value.isFinite { counts[binning.bin(of: value)] += 1 }
            }
        }
        self.init(counts: counts, binning: binning)
    }

    /// The same histogram of samples that take only the values 0...255, given as
    /// how many samples hold each (`byteCounts[v]` of value v).
    public init(byteCounts: [Int], bins: Int, low: Float, high: Float) {
        let binning = Binning(bins: bins, low: low, high: high)
        var counts = [Int](repeating: 0, count: bins)
        for (value, count) in byteCounts.enumerated() { counts[binning.bin(of: Float(value))] += count }
        self.init(counts: counts, binning: binning)
    }

    private init(counts: [Int], binning: Binning) {
        self.counts = counts
        (low, high) = (binning.low, binning.high)
    }

    /// Which of `bins` equal bins over `low...high` a value falls in. In Double, where
    /// `high − low` of finite floats (±3e38 included) cannot overflow to ∞ and make
    /// 0 × ∞ = NaN; clamped before the conversion to Int, which traps out of range.
    private struct Binning {
        let low: Float, high: Float
        let start: Double, scale: Double, last: Double

        init(bins: Int, low: Float, high: Float) {
            (self.low, self.high) = low.isFinite && high.isFinite ? (low, high) : (0, 1)
            start = Double(self.low)
            scale = self.high > self.low ? Double(bins) / (Double(self.high) - start) : 0
            last = Double(bins - 1)
        }

        @inline(__always) func bin(of value: Float) -> Int { Int(min(max((Double(value) - start) * scale, 0), last)) }
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

/// A reliability diagram: per confidence bin, the accuracy as a bar against the
/// diagonal of perfect calibration, the gap to the bin's mean confidence shaded,
/// and the share of samples per bin as a strip below.
public struct ReliabilityDiagram {
    /// One bin: its confidence range, sample count, accuracy and mean confidence (nil when empty).
    public struct Bin {
        public let low: Double
        public let high: Double
        public let count: Int
        public let accuracy: Double?
        public let confidence: Double?

        public init(low: Double, high: Double, count: Int, accuracy: Double?, confidence: Double?) {
            self.low = low
            self.high = high
            self.count = count
            self.accuracy = accuracy
            self.confidence = confidence
        }
    }

    public let bins: [Bin]
    static let countStrip = 44.0, axisRoom = 30.0

    public init(bins: [Bin]) { self.bins = bins }

    /// The height of a diagram whose plot is `side` pixels square, with its axes and the count strip.
    public static func height(side: Double) -> Double { side + axisRoom + countStrip + 16 }

    /// Draws the plot (`side` pixels square) with its top-left corner at (x, y) and labels on the left of it.
    public func draw(on canvas: Canvas, x: Double, y: Double, side: Double) {
        let left = x + Self.axisRoom
        canvas.fill(x: left, y: y, width: side, height: side, .gray(0.97))
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let tickY = y + side * (1 - tick), tickX = left + side * tick
            canvas.line(from: (left, tickY), to: (left + side, tickY), .gray(0.88))
            canvas.text(String(format: "%.2g", tick), x: left - 4, y: tickY + 3.5, size: 10, color: Palette.secondaryText, align: .right)
            canvas.text(String(format: "%.2g", tick), x: tickX, y: y + side + 13, size: 10, color: Palette.secondaryText, align: .center)
        }
        for bin in bins {
            guard let accuracy = bin.accuracy, let confidence = bin.confidence else { continue }
            let barX = left + side * bin.low, barWidth = side * (bin.high - bin.low)
            canvas.fill(x: barX + 1, y: y + side * (1 - accuracy), width: barWidth - 2, height: side * accuracy, Colormap.viridis.color(0.35))
            // The gap between accuracy and confidence: red where the model is over-confident.
            let top = max(accuracy, confidence), bottom = min(accuracy, confidence)
            canvas.fill(x: barX + 1, y: y + side * (1 - top), width: barWidth - 2, height: max(side * (top - bottom), 1),
                        confidence > accuracy ? RGB(0.85, 0.25, 0.2) : RGB(0.95, 0.7, 0.2))
        }
        canvas.line(from: (left, y + side), to: (left + side, y), .gray(0.3), lineWidth: 1.5)
        canvas.stroke(x: left - 0.5, y: y - 0.5, width: side + 1, height: side + 1, Palette.frame)
        canvas.text("confidence (top probability)", x: left + side / 2, y: y + side + 27, size: 11, color: Palette.text, align: .center)
        canvas.text("accuracy", x: left, y: y - 5, size: 11, color: Palette.text)
        // Samples per bin, on a square-root scale so that sparse bins still show.
        let stripTop = y + side + Self.axisRoom + 4
        let total = Double(max(bins.reduce(0) { $0 + $1.count }, 1)), peak = Double(max(bins.map(\.count).max() ?? 1, 1))
        for bin in bins where bin.count > 0 {
            let barHeight = max(1, Self.countStrip * (Double(bin.count) / peak).squareRoot())
            canvas.fill(x: left + side * bin.low + 1, y: stripTop + Self.countStrip - barHeight, width: side * (bin.high - bin.low) - 2,
                        height: barHeight, .gray(0.55))
            canvas.text(String(format: "%.0f%%", Double(bin.count) / total * 100), x: left + side * (bin.low + bin.high) / 2,
                        y: stripTop + Self.countStrip + 11, size: 9, color: Palette.secondaryText, align: .center)
        }
        canvas.text("share", x: left - 4, y: stripTop + Self.countStrip / 2 + 3.5, size: 10, color: Palette.secondaryText, align: .right)
    }
}
