import Analysis
import Foundation
import ModelGraph
import Render

/// The contact sheet of `layerlens logits -o FILE.png`: every input as the model
/// saw it, after preprocessing, with its top classes, so that a pipeline that
/// feeds the model something unlike its training data shows at a glance.
public enum LogitsSheet {
    /// The most inputs a sheet draws; the run's first ones.
    public static let inputLimit = 200
    /// The most classes a cell lists, whatever `--top` asks: 25 rows of cells then stay
    /// well inside a canvas's largest side.
    public static let classLimit = 10
    static let margin = 24.0, columns = 8, cellWidth = 190.0, thumbnail = 112.0

    /// Draws the first `inputLimit` inputs of `run` (kept by `LogitsRun(keptInputs:)`)
    /// with their `top` classes (at most `classLimit`), under a header naming `modelPath`, as PNG bytes.
    public static func render(_ run: LogitsRun, modelPath: String, top requested: Int) throws -> Data {
        let top = min(requested, classLimit)
        let shown = min(run.inputs.count, run.entries.count, inputLimit)
        let rows = (shown + columns - 1) / columns
        let cellHeight = thumbnail + 62 + BarChart.rowHeight * Double(top)
        let width = 2 * margin + Double(columns) * cellWidth
        let header = headerLines(run, modelPath: modelPath, shown: shown)
        let headerHeight = ReportParts.draw(header, on: try Canvas(width: 1, height: 1), x: margin, y: margin) + 14
        let canvas = try Canvas(width: Int(width), height: Int(headerHeight + Double(rows) * cellHeight + margin))
        _ = ReportParts.draw(header, on: canvas, x: margin, y: margin)
        for index in 0..<shown {
            let x = margin + Double(index % columns) * cellWidth, y = headerHeight + Double(index / columns) * cellHeight
            drawCell(run.entries[index], input: run.inputs[index], shape: run.inputShape, top: top, on: canvas, x: x, y: y)
        }
        return try canvas.pngData()
    }

    static func headerLines(_ run: LogitsRun, modelPath: String, shown: Int) -> [ReportParts.Line] {
        let kind = run.entries.first.map { ReportParts.kindText($0.statistics.prediction.kind) } ?? "none"
        let count = run.entries.count
        let shownText = shown < count ? " · the first \(groupedDigits(shown)) drawn" : ""
        var counts: [String: Int] = [:]
        for warning in run.entries.flatMap(\.warnings) { counts[warning.kind, default: 0] += 1 }
        let inputWarnings = counts.keys.sorted().map { "\(groupedDigits(counts[$0]!)) of \(groupedDigits(count)) inputs: \(RunWarning.summary(of: $0))" }
        return [
            .init(text: "LayerLens logits: \(modelPath)", size: 20, bold: true),
            .init(text: "\(groupedDigits(count)) input\(count == 1 ? "" : "s") as the model sees them (after preprocessing)\(shownText) · probabilities: \(kind)",
                  size: 13),
        ] + (run.warnings.map(\.sentence) + inputWarnings).map { .init(text: "Warning: " + $0, size: 13, bold: true, color: RGB(0.75, 0.1, 0.1)) }
    }

    /// One input: its picture, its name and its top classes with a bar each.
    private static func drawCell(_ entry: LogitsRun.Entry, input: [Float], shape: [Int], top: Int, on canvas: Canvas, x: Double, y: Double) {
        ReportParts.drawModelInput(input, shape: shape, on: canvas, x: x, y: y, side: thumbnail)
        canvas.text(EvalReport.shortName(entry.input), x: x, y: y + thumbnail + 16, size: 11, color: .gray(0.3), bold: true)
        // The range the values come in: what tells 0..1 from 0..255 data, which the picture scales away.
        let values = ValueStatistics(of: input)
        canvas.text("values \(formatNumber(values.min))..\(formatNumber(values.max))", x: x, y: y + thumbnail + 30, size: 10, color: .gray(0.4))
        let rows = entry.statistics.prediction.top(top).map { score in
            BarChart.Row(label: score.label.count > 8 ? String(score.label.prefix(7)) + "…" : score.label,
                         fraction: score.probability.isFinite ? Double(score.probability) : 0,
                         caption: score.probability.isFinite ? String(format: "%.1f%%", Double(score.probability) * 100) : "NaN")
        }
        // The warnings' kinds in a word each (the header says them in full): `range · uniform`.
        let kinds = entry.warnings.map { $0.kind.split(separator: "_").last.map(String.init) ?? $0.kind }
        if !kinds.isEmpty { canvas.text("warning: " + kinds.joined(separator: " · "), x: x, y: y + thumbnail + 44, size: 10, color: RGB(0.75, 0.1, 0.1), bold: true) }
        BarChart(rows: rows).draw(on: canvas, x: x, y: y + thumbnail + 50, labelWidth: 64, barWidth: 60, highlightFirst: true)
    }
}
