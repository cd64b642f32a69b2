import ModelGraph

/// A vertical colour bar labelled with its scale's low, middle and high values.
public struct ColorBar {
    public let scale: ColorScale
    public let colormap: Colormap

    public init(scale: ColorScale, colormap: Colormap) {
        self.scale = scale
        self.colormap = colormap
    }

    /// The space between a map and its bar.
    public static let gap = 8.0
    static let barWidth = 12.0, tickLength = 3.0, tickTextSize = 10.0

    /// The scale's high, middle and low values, as the bar labels them top to bottom.
    func tickLabels() -> [String] {
        [scale.high, (scale.low + scale.high) / 2, scale.low].map(formatNumber)
    }

    /// The width of the bar and its numbers.
    public func width(on canvas: Canvas) -> Double {
        Self.barWidth + Self.tickLength + 3 + (tickLabels().map { canvas.textWidth($0, size: Self.tickTextSize) }.max() ?? 0)
    }

    /// Draws the bar, `height` pixels tall, with its top-left corner at (x, y).
    public func draw(on canvas: Canvas, x: Double, y: Double, height: Double) {
        let steps = max(Int(height), 1)
        for step in 0..<steps {
            let t = 1 - (Double(step) + 0.5) / Double(steps)
            canvas.fill(x: x, y: y + Double(step), width: Self.barWidth, height: 1, colormap.color(t))
        }
        canvas.stroke(x: x - 0.5, y: y - 0.5, width: Self.barWidth + 1, height: height + 1, Palette.frame)
        for (index, label) in tickLabels().enumerated() {
            let tickY = y + height * Double(index) / 2
            canvas.line(from: (x + Self.barWidth, tickY), to: (x + Self.barWidth + Self.tickLength, tickY), Palette.frame)
            canvas.text(label, x: x + Self.barWidth + Self.tickLength + 3, y: tickY + Self.tickTextSize * 0.36,
                        size: Self.tickTextSize, color: Palette.secondaryText)
        }
    }
}

extension RGB {
    /// Black or white, whichever reads better on this colour (by its luma).
    public var contrastingText: RGB { 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 ? .black : .white }
}
