import Analysis
import Foundation
import InputPipeline
import ModelGraph
import Render
import Trace

/// Settings of the HTML reports.
public struct HTMLReportOptions: Sendable {
    /// Maps of up to this many values are embedded as exact float32; larger
    /// ones as 8-bit codes over their own min..max (within ± half a step).
    public var exactLimit: Int
    /// How many classes the top-k chart shows.
    public var top: Int
    /// How the trace report colours its maps (the 8-bit codes are always over each map's own range).
    public var scale: ColorScaleMode

    public init(exactLimit: Int = 4_096, top: Int = 5, scale: ColorScaleMode = .layer) {
        self.exactLimit = exactLimit
        self.top = top
        self.scale = scale
    }
}

/// The trace report as one self-contained HTML page: the header, the input
/// panels, the top-k chart, the layers to look at first, and every layer with
/// its full map (every channel of a convolutional layer), a hover read-out of
/// each value, zoom, and its connections; a searchable layer list grouped by
/// the model's blocks.
public enum TraceHTMLReport {
    /// The page for sample 0 of `trace`, as UTF-8 bytes. Maps are encoded on all cores.
    public static func render(_ content: TraceReportContent, trace: Trace, prediction: Prediction,
                              options: HTMLReportOptions = HTMLReportOptions()) throws -> Data {
        let model = content.model
        let health = trace.layers.map(LayerHealth.init(of:))
        let notable = NotableLayer.find(in: trace, model: model, health: health)
        let global = options.scale == .global
            ? trace.layers.reduce(into: (low: Float.infinity, high: -Float.infinity)) { range, layer in
                let own = HTMLMap.finiteRange(layer.output.scalars(ofSample: 0))
                range = (min(range.low, own.low), max(range.high, own.high))
            } : nil
        let layers = try concurrentMap(trace.layers.count) { index in
            Result { try layer(index, trace: trace, model: model, prediction: prediction, health: health[index], global: global, options: options) }
        }.map { try $0.get() }

        var page = HTMLPage(kind: "trace", title: "LayerLens trace: \(URL(fileURLWithPath: content.input.path).lastPathComponent)")
        page.sections.append(HTMLPage.header(TraceReport.headerLines(content, prediction: prediction, layers: nil)))
        let processed = content.input.processed ?? ReportParts.imageOfModelInput(trace.input.scalars(ofSample: 0), shape: model.inputShape)
        var panels: [(title: String, raster: Raster)] = []
        if let raw = content.input.raw { panels.append(("Raw input (decoded)", raw)) }
        if let processed { panels.append((content.input.raw == nil ? "Model input" : "Model input (after preprocessing)", processed)) }
        page.sections.append(try HTMLPage.inputs(panels, warnings: content.warnings(prediction: prediction).map(\.sentence)))
        page.sections.append("<section id=\"prediction\"><h2>Prediction</h2><div class=\"charts\">" + HTMLPage.topK(prediction, top: options.top)
                             + lookFirst(notable, model: model) + "</div></section>")
        return try page.document(layers: layers, groups: model.layerGroups)
    }

    /// The layers a debugger looks at first, each a link, with why.
    static func lookFirst(_ notable: [NotableLayer], model: Model) -> String {
        let items = notable.map { layer in
            "<li><a href=\"#\(HTMLLayer.anchor(layer.index))\">#\(layer.index) \(HTMLPage.escape(model.nodes[layer.index].name))</a> "
                + "(\(HTMLPage.escape(model.nodes[layer.index].typeName))): \(HTMLPage.escape(layer.reasons.map(\.description).joined(separator: "; ")))</li>"
        }
        return "<figure class=\"look-first\"><figcaption>Look here first</figcaption><ul>\(items.joined())</ul></figure>"
    }

    /// Layer `index`: its lines, connections and map.
    static func layer(_ index: Int, trace: Trace, model: Model, prediction: Prediction, health: LayerHealth,
                      global: (low: Float, high: Float)?, options: HTMLReportOptions) throws -> HTMLLayer {
        let traced = trace.layers[index]
        let values = traced.output.scalars(ofSample: 0)
        let shape = traced.output.sampleShape
        let statistics = ValueStatistics(of: values)
        let own = HTMLMap.finiteRange(values)
        let scale: ColorScale = switch options.scale {
        case .layer: ColorScale(low: own.low, high: own.high)
        case .global: ColorScale(low: global?.low ?? own.low, high: global?.high ?? own.high)
        case .symmetric: ColorScale(low: -max(abs(own.low), abs(own.high)), high: max(abs(own.low), abs(own.high)))
        }
        let isOutput = model.outputs.first == .node(index)
        let layout = GridLayout(sampleShape: shape)
        let kind = [traced.className, traced.activation].compactMap { $0 }.joined(separator: " · ")
        let padding = shape.count != 3 && layout.padding > 0 ? " · drawn \(layout.rows)×\(layout.columns), \(layout.padding) cells padding" : ""
        let mapTitle = shape.count == 3 ? "\(shape[2]) channel\(shape[2] == 1 ? "" : "s"), \(shape[0])×\(shape[1]) each" : "\(layout.units) units, row-major"
        let map = try HTMLMap(title: mapTitle, values: values, sampleShape: shape, scale: scale, exactLimit: options.exactLimit,
                              labels: isOutput ? prediction.labels : nil)
        return HTMLLayer(index: index, name: traced.name, className: model.nodes[index].typeName,
                         lines: ["\(kind) · \(shape.map(String.init).joined(separator: "×"))\(padding)",
                                 "min \(formatNumber(statistics.min)) · max \(formatNumber(statistics.max)) · mean \(formatNumber(Float(statistics.mean)))"],
                         alert: alert(health), inputs: HTMLLayer.inputs(of: model.nodes[index], in: model), maps: [map])
    }

    /// What is wrong with a layer, if anything: NaN/inf, most units dead or saturated.
    static func alert(_ health: LayerHealth) -> String? {
        if health.nonFiniteCount > 0 { return "\(health.nonFiniteCount) NaN/inf values (magenta)" }
        if health.zeroFraction >= 0.5 { return NotableLayer.Reason.dead(units: health.zeroUnits, of: health.units, kind: health.unitKind).description }
        if health.saturatedFraction >= 0.5 {
            return NotableLayer.Reason.saturated(units: health.saturatedUnits, of: health.units, kind: health.unitKind).description
        }
        return nil
    }
}
