import InputPipeline
import ModelGraph
import Render

/// One input panel of a report: an image with its title, shape, nominal range,
/// min/max/mean and a histogram of its values. Large photos are shrunk by area
/// averaging; small inputs stay crisp. Everything is computed before drawing, so a
/// report prepares its panels together on all cores (a phone photo's shrinking and
/// its million-value statistics are most of a small model's report time).
struct ImagePanel {
    let title: String
    /// The image as given: its shape and range are printed.
    let raster: Raster
    /// The image at its drawn size, and the scale it is drawn at.
    let shown: Raster
    let scale: Double
    let statistics: ValueStatistics
    let histogram: Histogram

    /// The height a panel of a `box`-pixel image takes.
    static func height(box: Double) -> Double { 18 + box + 62 + histogramHeight + 20 }
    static let histogramHeight = 46.0

    /// The panels of `images`, each fitted to a `box`-pixel square. Each image's
    /// shrinking and its statistics run as separate tasks, all at once.
    static func prepare(_ images: [(title: String, raster: Raster)], box: Double) -> [ImagePanel] {
        let parts = concurrentMap(2 * images.count) { task -> Part in
            let raster = images[task / 2].raster
            return task % 2 == 0 ? displayed(raster, box: box) : summarized(raster)
        }
        return images.indices.map { index in
            guard case let .displayed(shown, scale) = parts[2 * index], case let .summarized(statistics, histogram) = parts[2 * index + 1] else {
                preconditionFailure("tasks come in pairs: displayed, then summarized")
            }
            return ImagePanel(title: images[index].title, raster: images[index].raster, shown: shown, scale: scale,
                              statistics: statistics, histogram: histogram)
        }
    }

    /// Draws the panel with its top-left corner at (x, y) in a `box`-pixel square.
    func draw(on canvas: Canvas, x: Double, y: Double, box: Double) {
        canvas.text(title, x: x, y: y + 12, size: 13, bold: true)
        let top = y + 18
        ImagePainter.draw(on: canvas, x: x, y: top, values: shown.values, height: shown.height, width: shown.width,
                          channels: shown.channels, low: shown.range.lowerBound, high: shown.range.upperBound, scale: scale)
        let shape = raster.shape.map(String.init).joined(separator: "×")
        canvas.text("\(shape) · range \(rangeDescription(raster.range))", x: x, y: top + box + 18, size: 12)
        let nonFinite = statistics.nonFiniteCount > 0 ? " · \(statistics.nonFiniteCount) NaN/inf (magenta)" : ""
        canvas.text("min \(formatNumber(statistics.min)) · max \(formatNumber(statistics.max)) · mean \(formatNumber(Float(statistics.mean)))" + nonFinite,
                    x: x, y: top + box + 34, size: 12, color: statistics.nonFiniteCount > 0 ? RGB(0.75, 0.1, 0.1) : .gray(0.35))
        histogram.draw(on: canvas, x: x, y: top + box + 44, width: box, height: Self.histogramHeight, color: Colormap.viridis.color(0.3))
    }

    /// The result of one preparation task.
    private enum Part {
        case displayed(Raster, scale: Double)
        case summarized(ValueStatistics, Histogram)
    }

    /// `raster` shrunk to fit the box, or as it is with the scale that enlarges it.
    private static func displayed(_ raster: Raster, box: Double) -> Part {
        let (shown, scale) = fitted(raster, box: box)
        return .displayed(shown, scale: scale)
    }

    /// `raster` shrunk by area averaging to fit a `box`-pixel square, with scale 1;
    /// or, when it already fits, as it is with the scale that enlarges it (drawn crisp).
    static func fitted(_ raster: Raster, box: Double) -> (raster: Raster, scale: Double) {
        let scale = box / Double(max(raster.width, raster.height))
        guard scale < 1 else { return (raster, scale) }
        let shrunk = raster.resized(width: max(1, Int(Double(raster.width) * scale)),
                                    height: max(1, Int(Double(raster.height) * scale)), method: .area)
        return (shrunk, 1)
    }

    /// The statistics of `raster`'s values and their histogram over its nominal range, widened to hold them all.
    private static func summarized(_ raster: Raster) -> Part {
        let counts = raster.byteCounts
        let statistics = counts.map(ValueStatistics.init(byteCounts:)) ?? ValueStatistics(of: raster.values)
        let low = statistics.min.isFinite ? min(raster.range.lowerBound, statistics.min) : raster.range.lowerBound
        let high = statistics.max.isFinite ? max(raster.range.upperBound, statistics.max) : raster.range.upperBound
        let histogram = counts.map { Histogram(byteCounts: $0, bins: 64, low: low, high: high) }
            ?? Histogram(raster.values, bins: 64, low: low, high: high)
        return .summarized(statistics, histogram)
    }
}
