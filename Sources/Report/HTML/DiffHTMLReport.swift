import Analysis
import Foundation
import InputPipeline
import ModelGraph
import Render
import Trace

/// The diff report as one self-contained HTML page: both inputs, both top-k
/// charts and the largest changes in probability, then every layer with A and B
/// on one shared scale (viridis), B − A in RdBu_r (white at zero) and the
/// metrics; hover, zoom and the searchable layer list as in the trace report.
public enum DiffHTMLReport {
    /// The page of `diff`, as UTF-8 bytes. Maps are encoded on all cores.
    public static func render(modelPath: String, model: Model, a: DiffSide, b: DiffSide, diff: ActivationDiff,
                              options: HTMLReportOptions = HTMLReportOptions()) throws -> Data {
        let layers = try concurrentMap(diff.layers.count) { index in
            Result { try layer(index, diff: diff, model: model, prediction: a.prediction, options: options) }
        }.map { try $0.get() }
        let name = { (path: String) in URL(fileURLWithPath: path).lastPathComponent }
        var page = HTMLPage(kind: "diff", title: "LayerLens diff: \(name(a.input.path)) vs \(name(b.input.path))")
        page.sections.append(HTMLPage.header(DiffReport.headerLines(modelPath: modelPath, model: model, a: a, b: b, layers: nil)))
        let panels: [(String, Raster?)] = [("A raw", a.input.raw), ("A model input", a.input.processed ?? DiffReport.imageOf(diff.a)),
                                           ("B raw", b.input.raw), ("B model input", b.input.processed ?? DiffReport.imageOf(diff.b))]
        var inputs = try HTMLPage.inputs(panels.compactMap { title, raster in raster.map { (title, $0) } }, warnings: [])
        if let difference = try inputDifferencePanel(diff) { inputs = inputs.replacingOccurrences(of: "</div></section>", with: difference + "</div></section>") }
        page.sections.append(inputs)
        let top = min(options.top, a.prediction.probabilities.count)
        page.sections.append("<section id=\"prediction\"><h2>Prediction</h2><div class=\"charts\">"
                             + HTMLPage.topK(a.prediction, top: options.top, title: "A: top \(top)")
                             + HTMLPage.topK(b.prediction, top: options.top, title: "B: top \(top)")
                             + probabilityChanges(a.prediction, b.prediction, count: min(8, a.prediction.probabilities.count)) + "</div></section>")
        return try page.document(layers: layers, groups: model.layerGroups)
    }

    /// The model inputs' B − A as an image panel (RdBu_r over ±max |Δ|, white at
    /// zero, a colour image's channels averaged), as the PNG report's input row
    /// shows it; nil when the input is not an image.
    static func inputDifferencePanel(_ diff: ActivationDiff, box: Int = 224) throws -> String? {
        let a = diff.a.input.scalars(ofSample: 0), b = diff.b.input.scalars(ofSample: 0)
        guard let image = ReportParts.imageOfModelInput(a, shape: diff.a.input.sampleShape), a.count == b.count else { return nil }
        let pixels = image.width * image.height, channels = image.channels
        let delta = (0..<pixels).map { pixel in
            (0..<channels).reduce(Float(0)) { $0 + b[pixel * channels + $1] - a[pixel * channels + $1] } / Float(channels)
        }
        let extent = max(delta.filter(\.isFinite).map(abs).max() ?? 0, 1e-30)
        let scale = ColorScale(low: -extent, high: extent)
        let rgb = delta.flatMap { value -> [UInt8] in
            let color = Colormap.redBlue.color(scale.position(value))
            return [color.red, color.green, color.blue].map { UInt8(($0 * 255).rounded()) }
        }
        let uri = "data:image/png;base64," + (try encodePNG(rgb: rgb, width: image.width, height: image.height)).base64EncodedString()
        let zoom = Double(box) / Double(max(image.width, image.height))
        let changed = zip(a, b).filter { $0 != $1 }.count
        return "<figure class=\"input-panel\" id=\"input-difference\"><figcaption>model input B − A</figcaption>"
            + "<img alt=\"model input B − A\" src=\"\(uri)\" style=\"width:\(Int(Double(image.width) * zoom))px;height:\(Int(Double(image.height) * zoom))px\">"
            + "<p>RdBu_r over ±\(formatNumber(extent)), white at 0 · \(groupedDigits(changed)) of \(groupedDigits(a.count)) values differ</p></figure>"
    }

    /// The classes whose probability changes most, B − A in percentage points.
    static func probabilityChanges(_ a: Prediction, _ b: Prediction, count: Int) -> String {
        let deltas = zip(a.probabilities, b.probabilities).map { Double($1) - Double($0) }
        let order = deltas.indices.sorted { abs(deltas[$0]) != abs(deltas[$1]) ? abs(deltas[$0]) > abs(deltas[$1]) : $0 < $1 }.prefix(count)
        return HTMLPage.bars("Largest changes in probability (B − A)",
                             rows: order.map { (a.labels[$0], abs(deltas[$0]), String(format: "%+.1f pp", deltas[$0] * 100)) })
    }

    /// Layer `index`; the output's units are named by `prediction`'s classes.
    static func layer(_ index: Int, diff: ActivationDiff, model: Model, prediction: Prediction, options: HTMLReportOptions) throws -> HTMLLayer {
        let difference = diff.layers[index]
        let outputA = diff.a.layers[index].output, outputB = diff.b.layers[index].output
        let shape = outputA.sampleShape
        let a = outputA.scalars(ofSample: 0), b = outputB.scalars(ofSample: 0)
        let rangeA = HTMLMap.finiteRange(a), rangeB = HTMLMap.finiteRange(b)
        let shared = ColorScale(low: min(rangeA.low, rangeB.low), high: max(rangeA.high, rangeB.high))
        let extent = max(Float(difference.maxAbsDelta), 1e-30)
        let maps = try [
            HTMLMap(title: "A", values: a, sampleShape: shape, scale: shared, exactLimit: options.exactLimit),
            HTMLMap(title: "B", values: b, sampleShape: shape, scale: shared, exactLimit: options.exactLimit),
            HTMLMap(title: "B − A", values: zip(a, b).map { $1 - $0 }, sampleShape: shape, palette: .redBlue,
                    scale: ColorScale(low: -extent, high: extent), exactLimit: options.exactLimit),
        ]
        func value(_ number: Double?, _ undefined: String) -> String { number.map { String(format: "%.4g", $0) } ?? undefined }
        let kind = [difference.className, difference.activation].compactMap { $0 }.joined(separator: " · ")
        var lines = [
            "\(kind) · \(shape.map(String.init).joined(separator: "×"))",
            "L2 \(value(difference.l2, "")) · relative \(value(difference.relativeL2, "undefined (A is zero)")) · "
                + "cosine \(value(difference.cosine, "")) · Pearson \(value(difference.pearson, "undefined (constant)")) · max |Δ| \(value(difference.maxAbsDelta, ""))",
        ]
        if let on = difference.switchedOn, let off = difference.switchedOff { lines.append("switched on \(on) · off \(off)") }
        if !difference.topChanges.isEmpty {
            let names = shape.count == 1 ? DiffReport.classNames(of: index, in: diff, prediction).flatMap { $0.count == a.count ? $0 : nil } : nil
            lines.append("most changed: " + difference.topChanges.prefix(3).map { change in
                "\(DiffReport.unitText(change, names: names)) \(formatNumber(change.a)) → \(formatNumber(change.b))"
            }.joined(separator: "; "))
        }
        return HTMLLayer(index: index, name: difference.name, className: model.nodes[index].typeName, lines: lines, alert: nil,
                         inputs: HTMLLayer.inputs(of: model.nodes[index], in: model), maps: maps)
    }
}
