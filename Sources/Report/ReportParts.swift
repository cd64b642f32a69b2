import Foundation
import InputPipeline
import ModelGraph
import Render
import Trace

/// Pieces the trace and diff reports share: text lines, input panels, the top-k
/// chart and number formats.
enum ReportParts {
    /// One line of header text.
    struct Line {
        let text: String
        let size: Double
        var bold = false
        var color = RGB.gray(0.1)
    }

    /// `Layers drawn: conv5_* (12 of 176)`: the header line of a report drawing a selection of layers.
    static func layersLine(_ selection: LayerSelection) -> Line {
        Line(text: "Layers drawn: \(selection)", size: 13)
    }

    /// The height `lines` take when drawn by `draw(_:on:x:y:)`.
    static func height(of lines: [Line]) -> Double { lines.reduce(0) { $0 + $1.size * 1.55 } }

    /// Draws header lines from (x, y) down; returns the y below them.
    static func draw(_ lines: [Line], on canvas: Canvas, x: Double, y: Double) -> Double {
        var y = y
        for line in lines {
            y += line.size * 1.2
            canvas.text(line.text, x: x, y: y, size: line.size, color: line.color, bold: line.bold)
            y += line.size * 0.35
        }
        return y
    }

    /// `text` cut with an ellipsis to fit `width` pixels.
    static func fitted(_ text: String, width: Double, size: Double, bold: Bool = false, on canvas: Canvas) -> String {
        guard canvas.textWidth(text, size: size, bold: bold) > width else { return text }
        var characters = Array(text)
        while characters.count > 1, canvas.textWidth(String(characters) + "…", size: size, bold: bold) > width { characters.removeLast() }
        return String(characters) + "…"
    }

    /// An `.npy` input shown as an image when the model's input shape is one.
    static func imageOfModelInput(_ values: [Float], shape: [Int]) -> Raster? {
        guard let image = try? Preprocessor.imageShape(for: shape) else { return nil }
        let statistics = ValueStatistics(of: values)
        guard statistics.min.isFinite, statistics.max.isFinite else {
            return Raster(height: image.height, width: image.width, channels: image.channels, values: values, range: 0...255)
        }
        let range: ClosedRange<Float> = statistics.min >= 0 && statistics.max <= 1 ? 0...1 : min(0, statistics.min)...max(255, statistics.max)
        return Raster(height: image.height, width: image.width, channels: image.channels, values: values, range: range)
    }

    /// Draws a model input (one sample's values of shape `shape`) as an image in a
    /// `side`-pixel square, or a hatched square when the shape is not an image's.
    static func drawModelInput(_ values: [Float], shape: [Int], on canvas: Canvas, x: Double, y: Double, side: Double) {
        guard let raster = imageOfModelInput(values, shape: shape) else {
            canvas.hatch(x: x, y: y, width: side, height: side, background: .gray(0.93), lines: .gray(0.72))
            return
        }
        ImagePainter.draw(on: canvas, x: x, y: y, values: raster.values, height: raster.height, width: raster.width, channels: raster.channels,
                          low: raster.range.lowerBound, high: raster.range.upperBound, scale: side / Double(max(raster.width, raster.height)))
    }

    /// The pipeline as one line: steps joined by arrows, implicit ones starred.
    static func pipelineText(_ steps: [StepRecord], isDefault: Bool) -> String {
        guard !steps.isEmpty else { return "none (an .npy array goes into the model as it is)" }
        let text = steps.map { $0.implicit ? $0.text + "*" : $0.text }.joined(separator: " → ")
        let prefix = isDefault ? "(no --preprocess given; only what the input shape forces) " : ""
        let footnote = steps.contains { $0.implicit } ? "   (* added: the model's input shape forces it)" : ""
        return prefix + text + footnote
    }

    /// How the probabilities were made, in words.
    static func kindText(_ kind: ProbabilityKind) -> String {
        switch kind {
        case .softmax: "softmax of the logits"
        case .none: "the model's softmax output"
        case .sigmoid: "sigmoid: independent per class"
        }
    }

    /// `X  99.2%`, or why there is no prediction.
    static func verdict(_ prediction: Prediction) -> String {
        let best = prediction.best
        guard best.probability.isFinite else { return "no prediction: the outputs are NaN or infinite" }
        return "\(best.label)  \(percent(best.probability))"
    }

    /// The top-k bar chart with its title.
    static func drawTopK(_ prediction: Prediction, top: Int, title: String? = nil, on canvas: Canvas, x: Double, y: Double, width: Double) {
        let count = min(top, prediction.probabilities.count)
        let heading = title ?? (prediction.kind == .sigmoid ? "Top \(count): sigmoid outputs (independent, need not sum to 1)"
                                                            : "Top \(count): \(kindText(prediction.kind))")
        canvas.text(heading, x: x, y: y + 12, size: 13, bold: true)
        let rows = prediction.top(top).map { score in
            BarChart.Row(label: score.label, fraction: Double(score.probability),
                         caption: percent(score.probability) + (score.logit.map { "  (logit \(formatNumber($0)))" } ?? ""))
        }
        BarChart(rows: rows).draw(on: canvas, x: x, y: y + 24, labelWidth: 60, barWidth: max(60, width - 220), highlightFirst: true)
    }

    static func percent(_ probability: Float) -> String {
        let value = Double(probability) * 100
        return value >= 99.95 && value < 100 ? String(format: "%.4f%%", value) : String(format: "%.1f%%", value)
    }
}
