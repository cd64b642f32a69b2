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

    /// Draws the report of `diff` and returns its PNG bytes. A small model's
    /// layers are all drawn as rows; a deeper one gets the overview of every
    /// layer's B − A, grouped by block, and below it the rows of the layers
    /// `layers` chose, or of the output and the three layers that change most.
    public static func render(modelPath: String, model: Model, a: DiffSide, b: DiffSide, diff: ActivationDiff,
                              top: Int, cellPixels: Int?, layers: LayerSelection? = nil) throws -> Data {
        let header = headerLines(modelPath: modelPath, model: model, a: a, b: b, layers: layers)
        let measure = try Canvas(width: 1, height: 1)
        let panels = [a.input.raw, a.input.processed ?? imageOf(diff.a), b.input.raw, b.input.processed ?? imageOf(diff.b)].compactMap { $0 }.count
        let topWidth = max(Double(panels) * panelStep + 20, 3 * 330 + 2 * gap, header.map { measure.textWidth($0.text, size: $0.size, bold: $0.bold) }.max() ?? 0)
        let changes = min(8, a.prediction.probabilities.count)
        let chartHeight = 40 + Double(max(min(top, a.prediction.probabilities.count), changes)) * BarChart.rowHeight + 20
        let layersTop = margin + ReportParts.height(of: header) + 10 + ImagePanel.height(box: box) + 16 + chartHeight + 36

        if layers == nil, diff.layers.count <= TraceReport.wholeModelLimit {
            let rows = [LayerRow(inputsOf: diff, cellPixels: cellPixels)]
                + diff.layers.indices.map { LayerRow(index: $0, diff: diff, cellPixels: cellPixels, classNames: classNames(of: $0, in: diff, a.prediction)) }
            let height = layersTop + rows.reduce(0) { $0 + $1.height + 26 } + 20
            if height <= TraceReport.pageLimit {
                let width = max(rows.map { $0.width(on: measure) }.max() ?? 0, topWidth)
                let canvas = try Canvas(width: Int(width + 2 * margin), height: Int(height))
                drawTop(header: header, a: a, b: b, diff: diff, top: top, changes: changes, on: canvas)
                canvas.text("Layers: A and B on one shared scale (viridis); B − A in RdBu_r, white at zero, red where B is higher; hatched cells are padding",
                            x: margin, y: layersTop - 14, size: 14, bold: true)
                drawRows(rows, on: canvas, y: layersTop)
                return try canvas.pngData()
            }
        }

        let chosen = layers?.nodeIndexes ?? layersToLookAt(diff, model: model)
        let rows = [LayerRow(inputsOf: diff, cellPixels: cellPixels)]
            + chosen.map { LayerRow(index: $0, diff: diff, cellPixels: cellPixels, classNames: classNames(of: $0, in: diff, a.prediction)) }
        let width = max(TraceReport.overviewWidth, topWidth, rows.map { $0.width(on: measure) }.max() ?? 0)
        let rowsHeight = rows.reduce(0) { $0 + $1.height + 26 }
        let overview = NetworkOverview(model: model, tiles: overviewTiles(diff), detailed: Set(chosen), width: width)
        let overviewTop = layersTop + 14
        let geometry = overview.geometry(fittingHeight: max(600, TraceReport.pageLimit - overviewTop - rowsHeight - 90))
        let overviewHeight = overview.layout(geometry).height
        let canvas = try Canvas(width: Int(width + 2 * margin), height: Int(overviewTop + overviewHeight + 70 + rowsHeight + 20))
        drawTop(header: header, a: a, b: b, diff: diff, top: top, changes: changes, on: canvas)
        canvas.text("Every layer's B − A, input to output, grouped by block: RdBu_r, white at zero, red where B is higher, each tile over its own ±max; "
                    + "a map shows the mean change over channels and under it the three channels that change most; rel = relative L2 change",
                    x: margin, y: layersTop - 14, size: 14, bold: true)
        overview.draw(on: canvas, x: margin, y: overviewTop, geometry: geometry)
        let rowsTop = overviewTop + overviewHeight + 56
        let title = layers.map { "In full: the layers --layers \($0.selector) chose (framed blue above)" }
            ?? "In full: the output, the two layers before it and where the change grows most (framed blue above); choose others with --layers"
        canvas.text(title + " · A and B on one shared scale (viridis), B − A in RdBu_r", x: margin, y: rowsTop - 16, size: 14, bold: true)
        drawRows(rows, on: canvas, y: rowsTop)
        return try canvas.pngData()
    }

    /// Header, the four input panels, both top-k charts and the largest probability changes.
    static func drawTop(header: [ReportParts.Line], a: DiffSide, b: DiffSide, diff: ActivationDiff, top: Int, changes: Int, on canvas: Canvas) {
        var y = ReportParts.draw(header, on: canvas, x: margin, y: margin) + 10
        var x = margin
        let images: [(title: String, raster: Raster?)] = [("A raw", a.input.raw), ("A model input", a.input.processed ?? imageOf(diff.a)),
                                                          ("B raw", b.input.raw), ("B model input", b.input.processed ?? imageOf(diff.b))]
        for panel in ImagePanel.prepare(images.compactMap { image in image.raster.map { (image.title, $0) } }, box: box) {
            panel.draw(on: canvas, x: x, y: y, box: box)
            x += panelStep
        }
        y += ImagePanel.height(box: box) + 16
        ReportParts.drawTopK(a.prediction, top: top, title: "A: top \(min(top, a.prediction.probabilities.count))", on: canvas, x: margin, y: y, width: 330)
        ReportParts.drawTopK(b.prediction, top: top, title: "B: top \(min(top, b.prediction.probabilities.count))", on: canvas, x: margin + 330 + gap, y: y, width: 330)
        drawProbabilityChanges(a.prediction, b.prediction, count: changes, on: canvas, x: margin + 2 * (330 + gap), y: y)
    }

    /// The class names for layer `index`'s units when it is the output or the layer
    /// before it (the logits beneath a softmax), else nil.
    static func classNames(of index: Int, in diff: ActivationDiff, _ prediction: Prediction) -> [String]? {
        index >= diff.layers.count - 2 ? prediction.labels : nil
    }

    /// A changed unit as the reports name it: `X (unit 23)` with class names, else `unit 23 (row 3, col 2)`.
    static func unitText(_ change: LayerDifference.UnitChange, names: [String]?) -> String {
        names.map { "\($0[change.unit]) (unit \(change.unit))" } ?? "unit \(change.unit) (row \(change.row), col \(change.column))"
    }

    /// Draws layer rows one under another from `y` down.
    static func drawRows(_ rows: [LayerRow], on canvas: Canvas, y top: Double) {
        var y = top
        for row in rows {
            row.draw(on: canvas, x: margin, y: y)
            y += row.height + 26
        }
    }

    /// The layers a diff draws in full when none are chosen, in model order:
    /// the output, the two layers before it, and the layer where the change
    /// grows most (its relative L2 over the largest of its inputs', at least 1.5×).
    static func layersToLookAt(_ diff: ActivationDiff, model: Model) -> [Int] {
        guard case let .node(output)? = model.outputs.first else { return [] }
        var chosen = Set([output] + NotableLayer.layersBefore(output, count: 2, trace: diff.a, model: model))
        let growth = diff.layers.compactMap { difference -> (index: Int, ratio: Double)? in
            let inputs = model.nodes[difference.index].inputs.compactMap { source -> Double? in
                if case let .node(input) = source { diff.layers[input].relativeL2 } else { nil }
            }
            guard let relative = difference.relativeL2, let before = inputs.max(), before > 0, relative.isFinite else { return nil }
            return (difference.index, relative / before)
        }
        if let grows = growth.max(by: { ($0.ratio, -$0.index) < ($1.ratio, -$1.index) }), grows.ratio >= 1.5 { chosen.insert(grows.index) }
        return chosen.sorted()
    }

    /// One overview tile per layer: B − A, its relative change, and NaN/inf in red.
    static func overviewTiles(_ diff: ActivationDiff) -> [OverviewTile] {
        diff.layers.map { difference in
            let outputA = diff.a.layers[difference.index].output, outputB = diff.b.layers[difference.index].output
            let delta = zip(outputA.scalars(ofSample: 0), outputB.scalars(ofSample: 0)).map { $1 - $0 }
            let relative = difference.relativeL2.map { "rel " + String(format: "%.3g", $0) } ?? (difference.l2 == 0 ? "no change" : "A is 0")
            return OverviewTile(values: delta, sampleShape: outputA.sampleShape, note: relative,
                                alert: difference.maxAbsDelta.isFinite ? nil : "NaN/inf", centredOnZero: true, colormap: .redBlue)
        }
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
        ] + warnings(a: a, b: b).map { .init(text: $0.sentence, size: 13, bold: true, color: RGB(0.75, 0.1, 0.1)) }
            + (layers.map { [ReportParts.layersLine($0)] } ?? [])
    }

    /// What a diff warns of, in its header, on stderr and in `--json`: A and B entering
    /// the model on different value ranges (the diff then mixes a range change with
    /// whatever else differs), and each side's own warnings (`RunWarning.of`), named A or B.
    public static func warnings(a: DiffSide, b: DiffSide) -> [RunWarning] {
        var warnings: [RunWarning] = []
        if let first = a.input.processed?.range, let second = b.input.processed?.range, first != second {
            warnings.append(RunWarning(kind: "value_range", message: "A enters the model on \(rangeDescription(first)), B on "
                + "\(rangeDescription(second)): this diff mixes a value-range change with the other steps"))
        }
        for (name, side) in [("A", a), ("B", b)] {
            warnings += RunWarning.of(side.input, prediction: side.prediction).map { RunWarning(kind: $0.kind, message: "\(name): \($0.message)") }
        }
        return warnings
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

    /// One layer, or the model input: A, B and B − A maps, and the metrics.
    struct LayerRow {
        let maps: [any LayerPicture]
        let titles: [String]
        let metrics: [String]

        /// A and B (one sample's values of `sampleShape`) on one shared scale, B − A over ±`maxAbsDelta`,
        /// beside `metrics`; `cellLabels` name a vector's units (an output's classes).
        init(a: [Float], b: [Float], sampleShape: [Int], maxAbsDelta: Double, metrics: [String], cellPixels: Int?, cellLabels: [String]? = nil) {
            let both = ValueStatistics(of: a + b)
            let shared = ColorScale(low: both.min, high: both.max)
            let delta = zip(a, b).map { $1 - $0 }
            let extent = Float(maxAbsDelta)
            let deltaScale = ColorScale(low: -max(extent, 1e-30), high: max(extent, 1e-30))
            maps = [(a, shared, Colormap.viridis), (b, shared, .viridis), (delta, deltaScale, .redBlue)].map { values, scale, colormap in
                layerPicture(values: values, sampleShape: sampleShape, scale: scale, colormap: colormap,
                             mapTarget: DiffReport.mapTarget, cellPixels: cellPixels, cellLabels: cellLabels)
            }
            titles = ["A", "B", "B − A"]
            self.metrics = metrics
        }

        /// Layer `index` of `diff`; an output's units are named by `classNames` when there is one per unit.
        init(index: Int, diff: ActivationDiff, cellPixels: Int?, classNames: [String]?) {
            let difference = diff.layers[index]
            let outputA = diff.a.layers[index].output, outputB = diff.b.layers[index].output
            let width = outputA.sampleShape.reduce(1, *)
            let names = outputA.sampleShape.count == 1 && classNames?.count == width ? classNames : nil
            let kind = [difference.className, difference.activation].compactMap { $0 }.joined(separator: " · ")
            func value(_ number: Double?, _ undefined: String) -> String { number.map { String(format: "%.4g", $0) } ?? undefined }
            var lines = [
                "#\(difference.index) \(difference.name)  (\(kind), \(width) units)",
                "L2 \(value(difference.l2, "")) · relative \(value(difference.relativeL2, "undefined (A is zero)"))",
                "cosine \(value(difference.cosine, "")) · Pearson \(value(difference.pearson, "undefined (constant)"))",
                "max |Δ| \(value(difference.maxAbsDelta, ""))",
            ]
            if let on = difference.switchedOn, let off = difference.switchedOff { lines.append("switched on \(on) · off \(off)") }
            lines += difference.topChanges.prefix(3).map { "\(DiffReport.unitText($0, names: names)): \(formatNumber($0.a)) → \(formatNumber($0.b))" }
            self.init(a: outputA.scalars(ofSample: 0), b: outputB.scalars(ofSample: 0), sampleShape: outputA.sampleShape,
                      maxAbsDelta: difference.maxAbsDelta, metrics: lines, cellPixels: cellPixels, cellLabels: names)
        }

        /// The model inputs A and B as the model takes them, after preprocessing.
        init(inputsOf diff: ActivationDiff, cellPixels: Int?) {
            let a = diff.a.input.scalars(ofSample: 0), b = diff.b.input.scalars(ofSample: 0)
            let delta = zip(a, b).map { Double($1) - Double($0) }.filter(\.isFinite)
            let maxAbsDelta = delta.map(abs).max() ?? 0
            let changed = delta.filter { $0 != 0 }.count
            let lines = [
                "model input  (shape \(shapeDescription(diff.a.input.sampleShape)), after preprocessing)",
                "L2 \(String(format: "%.4g", delta.reduce(0) { $0 + $1 * $1 }.squareRoot())) · max |Δ| \(String(format: "%.4g", maxAbsDelta))",
                "\(groupedDigits(changed)) of \(groupedDigits(a.count)) values differ",
            ]
            self.init(a: a, b: b, sampleShape: diff.a.input.sampleShape, maxAbsDelta: maxAbsDelta, metrics: lines, cellPixels: cellPixels)
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
