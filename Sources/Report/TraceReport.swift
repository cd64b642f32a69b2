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
/// histograms; the top-k bar chart; every layer's activation map.
public enum TraceReport {
    static let margin = 24.0, imageBox = 224.0, blockGap = 30.0, mapTarget = 180.0

    /// Draws the report for sample 0 of `trace` and returns its PNG bytes.
    public static func render(_ content: TraceReportContent, trace: Trace, prediction: Prediction,
                              options: TraceReportOptions) throws -> Data {
        let measure = try Canvas(width: 1, height: 1)
        let header = headerLines(content, prediction: prediction, layers: options.layers)
        let maps = mapBlocks(trace: trace, model: content.model, prediction: prediction, options: options)
        let mapWidths = maps.map { $0.width(on: measure) }
        let inputPanelWidth = 2 * imageBox + 48
        let chartWidth = 420.0
        let contentWidth = max(inputPanelWidth + 40 + chartWidth, min(1500, mapWidths.reduce(0) { $0 + $1 + blockGap }),
                               header.map { measure.textWidth($0.text, size: $0.size, bold: $0.bold) }.max() ?? 0)
        // Lay the map blocks out in rows no wider than the content.
        var rows: [[Int]] = [[]]
        var rowWidth = 0.0
        for (index, width) in mapWidths.enumerated() {
            if rowWidth > 0, rowWidth + width > contentWidth { rows.append([]); rowWidth = 0 }
            rows[rows.count - 1].append(index)
            rowWidth += width + blockGap
        }
        let rowHeights = rows.map { row in row.map { maps[$0].height }.max() ?? 0 }
        let headerHeight = ReportParts.height(of: header) + 10
        let inputPanelHeight = ReportParts.inputPanelHeight(box: imageBox) + 14
        let chartHeight = 40 + Double(min(options.top, prediction.probabilities.count)) * BarChart.rowHeight + 40
        let mapsTop = margin + headerHeight + max(inputPanelHeight, chartHeight) + 30
        let height = mapsTop + 28 + rowHeights.reduce(0) { $0 + $1 + 26 } + 30
        let canvas = try Canvas(width: Int(contentWidth + 2 * margin), height: Int(height))

        var y = ReportParts.draw(header, on: canvas, x: margin, y: margin) + 14
        drawInputs(content, trace: trace, on: canvas, x: margin, y: y)
        ReportParts.drawTopK(prediction, top: options.top, on: canvas, x: margin + inputPanelWidth + 40, y: y, width: chartWidth)

        y = mapsTop
        canvas.text("Activations, layer by layer (colour scale: \(scaleDescription(options.scale)); hatched cells are padding, not units)",
                    x: margin, y: y, size: 14, bold: true)
        y += 26
        for (row, indices) in rows.enumerated() {
            var x = margin
            for index in indices {
                maps[index].draw(on: canvas, x: x, y: y)
                x += mapWidths[index] + blockGap
            }
            y += rowHeights[row] + 26
        }
        return try canvas.pngData()
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

    static func drawInputs(_ content: TraceReportContent, trace: Trace, on canvas: Canvas, x: Double, y: Double) {
        let processed = content.input.processed
            ?? ReportParts.imageOfModelInput(trace.input.scalars(ofSample: 0), shape: content.model.inputShape)
        var panels: [(title: String, raster: Raster)] = []
        if let raw = content.input.raw { panels.append(("Raw input (decoded)", raw)) }
        if let processed { panels.append((content.input.raw == nil ? "Model input" : "Model input (after preprocessing)", processed)) }
        for (index, panel) in panels.enumerated() {
            ReportParts.drawImagePanel(panel.title, panel.raster, box: imageBox, on: canvas, x: x + Double(index) * (imageBox + 48), y: y)
        }
        if let warning = rangeWarning(content) {
            canvas.text(warning, x: x, y: y + ReportParts.inputPanelHeight(box: imageBox) + 10, size: 13, color: RGB(0.75, 0.1, 0.1), bold: true)
        }
    }

    /// The warning printed under the input panels when preprocessing changed the
    /// value range: the seed case's bug (0..1 fed to a model trained on 0..255).
    public static func rangeWarning(_ content: TraceReportContent) -> String? {
        guard let raw = content.input.raw, let processed = content.input.processed, raw.range != processed.range else { return nil }
        return "Value range changed: raw \(ReportParts.rangeText(raw.range)) → model input \(ReportParts.rangeText(processed.range)). Is that the range the model was trained on?"
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

    static func mapBlocks(trace: Trace, model: Model, prediction: Prediction, options: TraceReportOptions) -> [MapBlock] {
        let samples = trace.layers.map { $0.output.scalars(ofSample: 0) }
        let all = ValueStatistics(of: samples.flatMap { $0 })  // every layer's, drawn or not, so scales agree across selections
        return ReportParts.drawnIndexes(options.layers, count: trace.layers.count).map { index in
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
