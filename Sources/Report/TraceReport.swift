import Analysis
import Foundation
import InputPipeline
import ModelGraph
import Render
import Trace

/// How activation maps are coloured.
public enum ColorScaleMode: String, Sendable, CaseIterable {
    /// Each layer over its own min...max (the seed case's choice).
    case layer
    /// Every layer over the min...max of all layers, so layers compare.
    case global
    /// Each layer over −max|v|...max|v|, so zero sits mid-scale.
    case symmetric
}

/// Everything the trace report shows besides the trace itself.
public struct TraceReportContent {
    public var modelPath: String
    public var model: Model
    /// The input as it was read and preprocessed.
    public var input: PreparedInput
    /// The true label's name, for a CSV row.
    public var groundTruth: String?
    /// The files of the model's other inputs, for a model of several.
    public var otherInputPaths: [String]
    /// Warnings beside those the trace itself notices (`RunWarning.of`): a profile's verdict.
    public var extraWarnings: [RunWarning] = []

    /// Everything the report warns of.
    public func warnings(prediction: Prediction) -> [RunWarning] { RunWarning.of(input, prediction: prediction) + extraWarnings }

    public init(modelPath: String, model: Model, input: PreparedInput, groundTruth: String?, otherInputPaths: [String] = []) {
        self.modelPath = modelPath
        self.model = model
        self.input = input
        self.groundTruth = groundTruth
        self.otherInputPaths = otherInputPaths
    }
}

/// Report settings from the command line.
public struct TraceReportOptions: Sendable {
    public var scale: ColorScaleMode
    /// A fixed cell size for the maps; nil sizes each map to about 180 pixels.
    public var cellPixels: Int?
    /// How many classes the bar chart shows.
    public var top: Int
    /// At most this many channels of a convolutional layer are drawn.
    public var maxChannels: Int
    /// The layers whose maps are drawn; nil draws every layer.
    public var layers: LayerSelection?

    public init(scale: ColorScaleMode = .layer, cellPixels: Int? = nil, top: Int = 5, maxChannels: Int = 64, layers: LayerSelection? = nil) {
        self.scale = scale
        self.cellPixels = cellPixels
        self.top = top
        self.maxChannels = maxChannels
        self.layers = layers
    }
}

/// The one-PNG trace report: a header with the pipeline and the prediction; the
/// raw and the preprocessed input side by side with their value ranges and
/// histograms; the top-k bar chart; then the layers. A small model's layers are
/// all drawn in full. A deeper one gets the overview of every layer, grouped by
/// block, and below it in full the layers a debugger looks at first (the output,
/// the last layers, dead or saturated ones, the first NaN) or those `--layers`
/// chose, so the picture stays within about `pageLimit` pixels at any depth.
public enum TraceReport {
    static let margin = 24.0, imageBox = 224.0, blockGap = 30.0, mapTarget = 180.0
    /// The long side a report keeps within, where the model allows.
    static let pageLimit = 4000.0
    /// The content width of a report with an overview.
    static let overviewWidth = 2400.0
    /// Models of up to this many layers are drawn in full when they fit the page.
    static let wholeModelLimit = 24

    /// Draws the report for sample 0 of `trace` and returns its PNG bytes.
    public static func render(_ content: TraceReportContent, trace: Trace, prediction: Prediction,
                              options: TraceReportOptions) throws -> Data {
        let measure = try Canvas(width: 1, height: 1)
        let health = trace.layers.map(LayerHealth.init(of:))
        let notable = NotableLayer.find(in: trace, model: content.model, health: health)
        let header = headerLines(content, prediction: prediction, layers: options.layers)
        let inputPanelWidth = 2 * imageBox + 48
        let chartWidth = 420.0
        let headerWidth = header.map { measure.textWidth($0.text, size: $0.size, bold: $0.bold) }.max() ?? 0
        let headerHeight = ReportParts.height(of: header) + 10
        let warnings = content.warnings(prediction: prediction)
        let inputPanelHeight = ImagePanel.height(box: imageBox) + 14 + 18 * Double(max(0, warnings.count - 1))
        let chartHeight = 40 + Double(min(options.top, prediction.probabilities.count)) * BarChart.rowHeight + 40

        // Every layer in full when the model is small enough and no --layers was given.
        let everyLayer = options.layers == nil && trace.layers.count <= wholeModelLimit
            ? mapBlocks(Array(trace.layers.indices), trace: trace, model: content.model, prediction: prediction, options: options) : nil
        let fullWidth = max(inputPanelWidth + 40 + chartWidth, headerWidth,
                            min(1500, (everyLayer ?? []).reduce(0) { $0 + $1.width(on: measure) + blockGap }))
        let topHeight = margin + headerHeight + max(inputPanelHeight, chartHeight) + 30
        if let everyLayer, case let height = topHeight + 28 + rowsHeight(everyLayer, width: fullWidth, on: measure) + 30, height <= pageLimit {
            let canvas = try Canvas(width: Int(fullWidth + 2 * margin), height: Int(height))
            drawTop(content, trace: trace, prediction: prediction, warnings: warnings, options: options, header: header, notable: nil, on: canvas)
            canvas.text("Activations, layer by layer (colour scale: \(scaleDescription(options.scale)); hatched cells are padding, not units)",
                        x: margin, y: topHeight, size: 14, bold: true)
            drawRows(everyLayer, width: fullWidth, on: canvas, y: topHeight + 26)
            return try canvas.pngData()
        }

        // The overview of every layer, then the chosen layers in full.
        let width = max(overviewWidth, headerWidth)
        let chosen = options.layers?.nodeIndexes ?? notable.map(\.index)
        let details = mapBlocks(chosen, trace: trace, model: content.model, prediction: prediction, options: options)
        let detailHeight = 60 + rowsHeight(details, width: width, on: measure)
        let overview = NetworkOverview(model: content.model, tiles: overviewTiles(trace: trace, health: health), detailed: Set(chosen), width: width)
        let overviewTop = topHeight + 30
        let geometry = overview.geometry(fittingHeight: max(600, pageLimit - overviewTop - detailHeight - 30))
        let overviewHeight = overview.layout(geometry).height
        let canvas = try Canvas(width: Int(width + 2 * margin), height: Int(overviewTop + overviewHeight + 30 + detailHeight + 30))
        drawTop(content, trace: trace, prediction: prediction, warnings: warnings, options: options, header: header,
                notable: options.layers == nil ? notable : nil, on: canvas)
        canvas.text("Every layer, input to output, grouped by block: each tile is the layer over its own min..max (viridis); a map shows its mean over channels "
                    + "and under it its three most active channels; ← names the inputs of a layer that takes more than the one before it",
                    x: margin, y: topHeight, size: 14, bold: true)
        overview.draw(on: canvas, x: margin, y: overviewTop, geometry: geometry)
        var y = overviewTop + overviewHeight + 40
        let detailTitle = options.layers.map { "In full: the layers --layers \($0.selector) chose (framed blue above)" }
            ?? "In full: the layers to look at first (framed blue above); choose others with --layers"
        canvas.text(detailTitle + " · colour scale: \(scaleDescription(options.scale)); hatched cells are padding", x: margin, y: y, size: 14, bold: true)
        y += 26
        drawRows(details, width: width, on: canvas, y: y)
        return try canvas.pngData()
    }

    /// Header, input panels, the top-k chart and, when given, the layers to look at first with why.
    static func drawTop(_ content: TraceReportContent, trace: Trace, prediction: Prediction, warnings: [RunWarning], options: TraceReportOptions,
                        header: [ReportParts.Line], notable: [NotableLayer]?, on canvas: Canvas) {
        let y = ReportParts.draw(header, on: canvas, x: margin, y: margin) + 14
        drawInputs(content, trace: trace, warnings: warnings, on: canvas, x: margin, y: y)
        let chartX = margin + 2 * imageBox + 48 + 40
        ReportParts.drawTopK(prediction, top: options.top, on: canvas, x: chartX, y: y, width: 420)
        guard let notable else { return }
        let x = chartX + 420 + 40
        canvas.text("Look here first (drawn in full below)", x: x, y: y + 12, size: 13, bold: true)
        for (row, layer) in notable.enumerated() {
            let node = content.model.nodes[layer.index]
            let reasons = layer.reasons.map(\.description).joined(separator: "; ")
            let warning = layer.reasons.contains { if case .output = $0 { false } else if case .nearOutput = $0 { false } else { true } }
            canvas.text("#\(layer.index) \(node.name) (\(node.typeName)): \(reasons)", x: x, y: y + 34 + Double(row) * 19, size: 12,
                        color: warning ? RGB(0.75, 0.1, 0.1) : .gray(0.15), bold: warning)
        }
    }

    /// The height of `blocks` laid out in rows no wider than `width`.
    static func rowsHeight(_ blocks: [MapBlock], width: Double, on measure: Canvas) -> Double {
        rows(blocks, width: width, on: measure).reduce(0) { total, row in total + (row.map { blocks[$0].height }.max() ?? 0) + 26 }
    }

    /// The indexes of `blocks` in rows no wider than `width`.
    static func rows(_ blocks: [MapBlock], width: Double, on measure: Canvas) -> [[Int]] {
        var rows: [[Int]] = [[]]
        var rowWidth = 0.0
        for (index, block) in blocks.enumerated() {
            let blockWidth = block.width(on: measure)
            if rowWidth > 0, rowWidth + blockWidth > width { rows.append([]); rowWidth = 0 }
            rows[rows.count - 1].append(index)
            rowWidth += blockWidth + blockGap
        }
        return rows.filter { !$0.isEmpty }
    }

    /// Draws `blocks` in rows from `y` down.
    static func drawRows(_ blocks: [MapBlock], width: Double, on canvas: Canvas, y top: Double) {
        var y = top
        for row in rows(blocks, width: width, on: canvas) {
            var x = margin
            for index in row {
                blocks[index].draw(on: canvas, x: x, y: y)
                x += blocks[index].width(on: canvas) + blockGap
            }
            y += (row.map { blocks[$0].height }.max() ?? 0) + 26
        }
    }

    /// One overview tile per layer: its picture, its shape, and what is wrong with it.
    static func overviewTiles(trace: Trace, health: [LayerHealth]) -> [OverviewTile] {
        zip(trace.layers, health).map { layer, health in
            let shape = layer.output.sampleShape.map(String.init).joined(separator: "×")
            var alert: String?
            if health.nonFiniteCount > 0 { alert = "NaN/inf" }
            else if health.zeroFraction >= 0.5 { alert = "\(percentText(health.zeroUnits, health.units)) dead" }
            else if health.saturatedFraction >= 0.5 { alert = "\(percentText(health.saturatedUnits, health.units)) saturated" }
            return OverviewTile(values: layer.output.scalars(ofSample: 0), sampleShape: layer.output.sampleShape, note: shape, alert: alert)
        }
    }

    // MARK: - Header

    static func headerLines(_ content: TraceReportContent, prediction: Prediction, layers: LayerSelection?) -> [ReportParts.Line] {
        let source = content.model.source
        var lines = [
            ReportParts.Line(text: "LayerLens trace: \(URL(fileURLWithPath: content.input.path).lastPathComponent)", size: 20, bold: true),
            ReportParts.Line(text: "Model \(content.modelPath)  (\(source.description), "
                + content.model.inputs.map { "input " + (content.model.inputs.count > 1 ? "\($0.name) " : "") + batchShapeDescription($0.shape) }
                    .joined(separator: ", ")
                + ", \(groupedDigits(content.model.parameterCount)) parameters)", size: 13),
            ReportParts.Line(text: "Input " + zip([content.input.path] + content.otherInputPaths, content.model.inputs)
                .map { content.model.inputs.count > 1 ? "\($0) (\($1.name))" : $0 }.joined(separator: ", "), size: 13),
        ]
        lines.append(ReportParts.Line(text: "Pipeline: " + ReportParts.pipelineText(content.input.steps, isDefault: content.input.isDefaultPipeline), size: 13))
        for note in content.input.notes where !note.hasPrefix("warning") { lines.append(ReportParts.Line(text: "Decoding: " + note, size: 13)) }
        if let layers { lines.append(ReportParts.layersLine(layers)) }
        let best = prediction.best
        guard best.probability.isFinite else {
            lines.append(ReportParts.Line(text: "No prediction: the outputs are NaN or infinite (magenta cells below); look for NaN or infinite input values",
                              size: 17, bold: true, color: RGB(0.75, 0.1, 0.1)))
            return lines
        }
        var verdict = "Prediction: \(ReportParts.verdict(prediction))  (\(ReportParts.kindText(prediction.kind)))"
        if let truth = content.groundTruth { verdict += "   ·   true label: \(truth)" + (truth == best.label ? "  ✓" : "  ✗") }
        lines.append(ReportParts.Line(text: verdict, size: 17, bold: true))
        return lines
    }

    // MARK: - Inputs

    static func drawInputs(_ content: TraceReportContent, trace: Trace, warnings: [RunWarning], on canvas: Canvas, x: Double, y: Double) {
        let processed = content.input.processed
            ?? ReportParts.imageOfModelInput(trace.input.scalars(ofSample: 0), shape: content.model.inputShape)
        var panels: [(title: String, raster: Raster)] = []
        if let raw = content.input.raw { panels.append(("Raw input (decoded)", raw)) }
        if let processed { panels.append((content.input.raw == nil ? "Model input" : "Model input (after preprocessing)", processed)) }
        for (index, panel) in ImagePanel.prepare(panels, box: imageBox).enumerated() {
            panel.draw(on: canvas, x: x + Double(index) * (imageBox + 48), y: y, box: imageBox)
        }
        for (line, warning) in warnings.enumerated() {
            canvas.text(warning.sentence, x: x, y: y + ImagePanel.height(box: imageBox) + 10 + 18 * Double(line), size: 13,
                        color: RGB(0.75, 0.1, 0.1), bold: true)
        }
    }

    // MARK: - Maps

    /// A layer's picture with its three title lines.
    struct MapBlock {
        let titles: [String]
        let map: any LayerPicture

        var height: Double { 3 * 15 + 6 + map.height }

        func width(on canvas: Canvas) -> Double {
            max(map.width(on: canvas), titles.enumerated().map { canvas.textWidth($1, size: $0 == 0 ? 12 : 11, bold: $0 == 0) }.max() ?? 0)
        }

        func draw(on canvas: Canvas, x: Double, y: Double) {
            for (index, title) in titles.enumerated() {
                canvas.text(title, x: x, y: y + 12 + Double(index) * 15, size: index == 0 ? 12 : 11,
                            color: index == 0 ? .gray(0.1) : .gray(0.35), bold: index == 0)
            }
            map.draw(on: canvas, x: x, y: y + 3 * 15 + 6)
        }
    }

    /// The full pictures of the layers at `indexes`.
    static func mapBlocks(_ indexes: [Int], trace: Trace, model: Model, prediction: Prediction, options: TraceReportOptions) -> [MapBlock] {
        let samples = trace.layers.map { $0.output.scalars(ofSample: 0) }
        let all = ValueStatistics(of: samples.flatMap { $0 })  // every layer's, drawn or not, so scales agree across selections
        return indexes.map { index in
            let layer = trace.layers[index]
            let values = samples[index]
            let statistics = ValueStatistics(of: values)
            let scale: ColorScale = switch options.scale {
            case .layer: ColorScale(low: statistics.min, high: statistics.max)
            case .global: ColorScale(low: all.min, high: all.max)
            case .symmetric: ColorScale(low: -max(abs(statistics.min), abs(statistics.max)), high: max(abs(statistics.min), abs(statistics.max)))
            }
            let isOutput = model.outputs.first == .node(index)  // the output the prediction is about
            let map = layerPicture(values: values, sampleShape: layer.output.sampleShape, scale: scale, mapTarget: mapTarget,
                                   cellPixels: options.cellPixels, cellLabels: isOutput ? prediction.labels : nil,
                                   outlined: isOutput ? prediction.best.index : nil, maxChannels: options.maxChannels)
            let layout = GridLayout(sampleShape: layer.output.sampleShape)
            let shape = layer.output.sampleShape.map(String.init).joined(separator: "×")
            let kind = [layer.className, layer.activation].compactMap { $0 }.joined(separator: " · ")
            let padding = layer.output.sampleShape.count != 3 && layout.padding > 0 ? ", \(layout.rows)×\(layout.columns) with \(layout.padding) padding" : ""
            let nonFinite = statistics.nonFiniteCount > 0 ? " · \(statistics.nonFiniteCount) NaN/inf (magenta)" : ""
            let node = model.nodes[index]
            let takes = model.isGraph ? " ← " + node.inputs.map(model.name(of:)).joined(separator: ", ") : ""
            return MapBlock(titles: ["#\(layer.index) \(layer.name)\(takes)", "\(kind) · \(shape) units\(padding)",
                                     "min \(formatNumber(statistics.min)) · max \(formatNumber(statistics.max))\(nonFinite)"], map: map)
        }
    }

    static func scaleDescription(_ mode: ColorScaleMode) -> String {
        switch mode {
        case .layer: "each layer over its own min..max"
        case .global: "one scale over all layers"
        case .symmetric: "each layer over ±max|value|, zero mid-scale"
        }
    }

}
