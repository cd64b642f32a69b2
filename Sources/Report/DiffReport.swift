import Analysis
import Foundation
import InputPipeline
import ModelGraph
import Render
import Trace

/// One side of a diff report: an input as prepared, and what the model made of it.
public struct DiffSide {
    public var input: PreparedInput
    public var prediction: Prediction

    public init(input: PreparedInput, prediction: Prediction) {
        self.input = input
        self.prediction = prediction
    }
}

/// The diff report PNG: both inputs raw and preprocessed; both top-k charts and
/// the per-class change in probability; then per layer A and B on one shared
/// scale, B − A in matplotlib's RdBu_r centred on white at zero, and the metrics.
public enum DiffReport {
    static let margin = 24.0, box = 150.0, mapTarget = 150.0, gap = 24.0, metricsWidth = 330.0
    /// Room for an input panel and its captions, which are wider than the image.
    static let panelStep = box + 80

    /// Draws the report of `diff` and returns its PNG bytes; `layers` chooses the
    /// layer rows drawn (nil: every layer).
    public static func render(modelPath: String, model: Model, a: DiffSide, b: DiffSide, diff: ActivationDiff,
                              top: Int, cellPixels: Int?, layers: LayerSelection? = nil) throws -> Data {
        let header = headerLines(modelPath: modelPath, model: model, a: a, b: b, layers: layers)
        let rows = ReportParts.drawnIndexes(layers, count: diff.layers.count).map { LayerRow(index: $0, diff: diff, cellPixels: cellPixels) }
        let measure = try Canvas(width: 1, height: 1)
        let rowWidth = rows.map { $0.width(on: measure) }.max() ?? 0
        let panels = [a.input.raw, a.input.processed ?? imageOf(diff.a), b.input.raw, b.input.processed ?? imageOf(diff.b)].compactMap { $0 }.count
        let width = max(rowWidth, Double(panels) * panelStep + 20, 3 * 330 + 2 * gap,
                        header.map { measure.textWidth($0.text, size: $0.size, bold: $0.bold) }.max() ?? 0)
        let changes = min(8, a.prediction.probabilities.count)
        let chartHeight = 40 + Double(max(min(top, a.prediction.probabilities.count), changes)) * BarChart.rowHeight + 20
        let headerHeight = ReportParts.height(of: header) + 10
        let layersTop = margin + headerHeight + ReportParts.inputPanelHeight(box: box) + 16 + chartHeight + 36
        let height = layersTop + rows.reduce(0) { $0 + $1.height + 26 } + 20
        let canvas = try Canvas(width: Int(width + 2 * margin), height: Int(height))

        var y = ReportParts.draw(header, on: canvas, x: margin, y: margin) + 10
        var x = margin
        for (title, raster) in [("A raw", a.input.raw), ("A model input", a.input.processed ?? imageOf(diff.a)),
                                ("B raw", b.input.raw), ("B model input", b.input.processed ?? imageOf(diff.b))] {
            guard let raster else { continue }
            ReportParts.drawImagePanel(title, raster, box: box, on: canvas, x: x, y: y)
            x += panelStep
        }
        y += ReportParts.inputPanelHeight(box: box) + 16
        ReportParts.drawTopK(a.prediction, top: top, title: "A: top \(min(top, a.prediction.probabilities.count))", on: canvas, x: margin, y: y, width: 330)
        ReportParts.drawTopK(b.prediction, top: top, title: "B: top \(min(top, b.prediction.probabilities.count))", on: canvas, x: margin + 330 + gap, y: y, width: 330)
        drawProbabilityChanges(a.prediction, b.prediction, count: changes, on: canvas, x: margin + 2 * (330 + gap), y: y)

        y = layersTop
        canvas.text("Layers: A and B on one shared scale (viridis); B − A in RdBu_r, white at zero, red where B is higher; hatched cells are padding",
                    x: margin, y: y - 14, size: 14, bold: true)
        for row in rows {
            row.draw(on: canvas, x: margin, y: y)
            y += row.height + 26
        }
        return try canvas.pngData()
    }

    static func headerLines(modelPath: String, model: Model, a: DiffSide, b: DiffSide, layers: LayerSelection?) -> [ReportParts.Line] {
        let name = { (path: String) in URL(fileURLWithPath: path).lastPathComponent }
        return [
            .init(text: "LayerLens diff: \(name(a.input.path)) (A) vs \(name(b.input.path)) (B)", size: 20, bold: true),
            .init(text: "Model \(modelPath)  (\(model.source.producer) \(model.source.producerVersion), input \(batchShapeDescription(model.inputShape)))", size: 13),
            .init(text: "A \(a.input.path) · pipeline: " + ReportParts.pipelineText(a.input.steps, isDefault: a.input.isDefaultPipeline), size: 13),
            .init(text: "B \(b.input.path) · pipeline: " + ReportParts.pipelineText(b.input.steps, isDefault: b.input.isDefaultPipeline), size: 13),
            .init(text: "A → \(ReportParts.verdict(a.prediction))     B → \(ReportParts.verdict(b.prediction))     (\(ReportParts.kindText(a.prediction.kind)))",
                  size: 17, bold: true),
        ] + (rangeWarning(a: a, b: b).map { [.init(text: $0, size: 13, bold: true, color: RGB(0.75, 0.1, 0.1))] } ?? [])
            + (layers.map { [ReportParts.layersLine($0)] } ?? [])
    }

    /// Said when A and B enter the model on different value ranges: the diff then
    /// mixes a range change with whatever else differs.
    public static func rangeWarning(a: DiffSide, b: DiffSide) -> String? {
        guard let first = a.input.processed?.range, let second = b.input.processed?.range, first != second else { return nil }
        return "A enters the model on \(ReportParts.rangeText(first)), B on \(ReportParts.rangeText(second)): this diff mixes a value-range change with the other steps"
    }

    static func imageOf(_ trace: Trace) -> Raster? {
        ReportParts.imageOfModelInput(trace.input.scalars(ofSample: 0), shape: trace.input.sampleShape)
    }

    /// Diverging bars for the classes whose probability changes most, B − A in percentage points.
    static func drawProbabilityChanges(_ a: Prediction, _ b: Prediction, count: Int, on canvas: Canvas, x: Double, y: Double) {
        canvas.text("Largest changes in probability (B − A)", x: x, y: y + 12, size: 13, bold: true)
        let deltas = zip(a.probabilities, b.probabilities).map { Double($1) - Double($0) }
        let order = deltas.indices.sorted { abs(deltas[$0]) != abs(deltas[$1]) ? abs(deltas[$0]) > abs(deltas[$1]) : $0 < $1 }.prefix(count)
        let labelWidth = 60.0, half = 110.0
        let centre = x + labelWidth + half
        for (row, index) in order.enumerated() {
            let top = y + 24 + Double(row) * BarChart.rowHeight
            canvas.text(a.labels[index], x: x + labelWidth - 6, y: top + 15, size: 13, align: .right)
            canvas.fill(x: x + labelWidth, y: top + 3, width: 2 * half, height: BarChart.rowHeight - 6, .gray(0.95))
            let delta = deltas[index].isFinite ? deltas[index] : 0
            let length = half * min(abs(delta), 1)
            canvas.fill(x: delta >= 0 ? centre : centre - length, y: top + 3, width: length, height: BarChart.rowHeight - 6,
                        Colormap.redBlue.color(delta >= 0 ? 0.85 : 0.15))
            canvas.text(String(format: "%+.1f pp", deltas[index] * 100), x: x + labelWidth + 2 * half + 8, y: top + 15, size: 12)
        }
        canvas.line(from: (centre, y + 24), to: (centre, y + 24 + Double(order.count) * BarChart.rowHeight), .gray(0.4))
    }

    /// One layer: A, B and B − A maps, and the metrics.
    struct LayerRow {
        let maps: [any LayerPicture]
        let titles: [String]
        let metrics: [String]

        init(index: Int, diff: ActivationDiff, cellPixels: Int?) {
            let difference = diff.layers[index]
            let outputA = diff.a.layers[index].output, outputB = diff.b.layers[index].output
            let width = outputA.sampleShape.reduce(1, *)
            let a = outputA.scalars(ofSample: 0), b = outputB.scalars(ofSample: 0)
            let both = ValueStatistics(of: a + b)
            let shared = ColorScale(low: both.min, high: both.max)
            let delta = zip(a, b).map { $1 - $0 }
            let extent = Float(difference.maxAbsDelta)
            let deltaScale = ColorScale(low: -max(extent, 1e-30), high: max(extent, 1e-30))
            maps = [(a, shared, Colormap.viridis), (b, shared, .viridis), (delta, deltaScale, .redBlue)].map { values, scale, colormap in
                layerPicture(values: values, sampleShape: outputA.sampleShape, scale: scale, colormap: colormap,
                             mapTarget: DiffReport.mapTarget, cellPixels: cellPixels)
            }
            titles = ["A", "B", "B − A"]
            let kind = [difference.className, difference.activation].compactMap { $0 }.joined(separator: " · ")
            func value(_ number: Double?, _ undefined: String) -> String { number.map { String(format: "%.4g", $0) } ?? undefined }
            var lines = [
                "#\(difference.index) \(difference.name)  (\(kind), \(width) units)",
                "L2 \(value(difference.l2, "")) · relative \(value(difference.relativeL2, "undefined (A is zero)"))",
                "cosine \(value(difference.cosine, "")) · Pearson \(value(difference.pearson, "undefined (constant)"))",
                "max |Δ| \(value(difference.maxAbsDelta, ""))",
            ]
            if let on = difference.switchedOn, let off = difference.switchedOff { lines.append("switched on \(on) · off \(off)") }
            lines += difference.topChanges.prefix(3).map { change in
                "unit \(change.unit) (row \(change.row), col \(change.column)): \(formatNumber(change.a)) → \(formatNumber(change.b))"
            }
            metrics = lines
        }

        var height: Double { max(18 + (maps.first?.height ?? 0), Double(metrics.count) * 16 + 4) }

        /// The maps side by side, then the metrics column: its usual width, or
        /// wider when a line (a long layer title) would not fit in it.
        func width(on canvas: Canvas) -> Double {
            let widest = metrics.enumerated().map { index, line in canvas.textWidth(line, size: index == 0 ? 12 : 11, bold: index == 0) }.max() ?? 0
            return maps.reduce(0) { $0 + $1.width(on: canvas) + DiffReport.gap } + max(DiffReport.metricsWidth, widest + DiffReport.gap)
        }

        func draw(on canvas: Canvas, x: Double, y: Double) {
            var left = x
            for (map, title) in zip(maps, titles) {
                canvas.text(title, x: left, y: y + 12, size: 12, bold: true)
                map.draw(on: canvas, x: left, y: y + 18)
                left += map.width(on: canvas) + DiffReport.gap
            }
            for (index, line) in metrics.enumerated() {
                canvas.text(line, x: left, y: y + 14 + Double(index) * 16, size: index == 0 ? 12 : 11,
                            color: index == 0 ? .gray(0.1) : .gray(0.3), bold: index == 0)
            }
        }
    }
}
