import Analysis
import Foundation
import ModelGraph
import Render

/// The eval report as one self-contained HTML page: the headline numbers, the
/// confusion matrix beside per-class precision, recall, F1 and support, the
/// most confused pairs, calibration, the misclassified inputs, then every layer
/// with its units' mean, standard deviation and share above 0 over the set and
/// the class × unit means, each with hover and zoom.
public enum EvalHTMLReport {
    /// The page of `metrics`, as UTF-8 bytes. With the `model` the layers are
    /// grouped by block and show their connections; without it (a merge of
    /// part files) they are one list.
    public static func render(_ metrics: EvalMetrics, model: Model? = nil, options: HTMLReportOptions = HTMLReportOptions()) throws -> Data {
        let layers = try concurrentMap(metrics.layers.count) { index in
            Result { try layer(index, metrics: metrics, model: model, options: options) }
        }.map { try $0.get() }
        let groups = model.flatMap { $0.nodes.count == layers.count ? $0.layerGroups : nil }
            ?? [LayerGroup(title: "layers", isNamed: false, nodes: 0..<layers.count)]
        var page = HTMLPage(kind: "eval", title: "LayerLens eval: \(metrics.statistics.data)")
        page.sections.append(HTMLPage.header(EvalReport.headerLines(metrics)))
        page.sections.append(classes(metrics))
        page.sections.append(confusions(metrics))
        page.sections.append(try gallery(metrics))
        return try page.document(layers: layers, groups: groups)
    }

    /// The confusion matrix (colour: share of the true class; numbers: counts) and the per-class scores.
    static func classes(_ metrics: EvalMetrics) -> String {
        let statistics = metrics.statistics, names = statistics.classNames, count = statistics.classCount
        let shown = EvalReport.shownClasses(metrics)
        var matrix = "<table class=\"confusion\"><thead><tr><th>true ↓ predicted →</th>" + shown.map { "<th>\(HTMLPage.escape(names[$0]))</th>" }.joined() + "</tr></thead><tbody>"
        for row in shown {
            matrix += "<tr><th>\(HTMLPage.escape(names[row]))</th>"
            for column in shown {
                let share = metrics.normalizedConfusion[row][column], cases = statistics.confusion[row * count + column]
                let colour = Colormap.viridis.color(share.isFinite ? share : 0)
                let text = colour.contrastingText == .black ? "#000" : "#fff"
                matrix += "<td style=\"background:\(css(colour));color:\(text)\" title=\"true \(HTMLPage.escape(names[row])), predicted "
                    + "\(HTMLPage.escape(names[column])): \(cases) (\(String(format: "%.1f%%", share * 100)) of the true class)\">"
                    + (cases == 0 ? "" : EvalReport.compactCount(cases)) + "</td>"
            }
            matrix += "</tr>"
        }
        matrix += "</tbody></table>"
        let rows = metrics.perClass.map { result in
            "<tr><th>\(HTMLPage.escape(result.label))</th><td>\(String(format: "%.3f", result.precision))</td><td>\(String(format: "%.3f", result.recall))</td>"
                + "<td class=\"f1\"><div style=\"width:\(Int(result.f1 * 100))px\"></div>\(String(format: "%.3f", result.f1))</td><td>\(groupedDigits(result.support))</td></tr>"
        }
        let scores = "<table class=\"scores\"><thead><tr><th>class</th><th>precision</th><th>recall</th><th class=\"f1\">F1</th><th>support</th></tr></thead>"
            + "<tbody>\(rows.joined())</tbody></table>"
        return "<section id=\"classes\"><h2>Confusion matrix (rows: true class; colour: share of the true class; numbers: counts)"
            + HTMLPage.escape(EvalReport.shownClassesNote(shown, classCount: count)) + "; every class's scores</h2>"
            + "<div class=\"panels\"><figure>\(matrix)</figure><figure>\(scores)</figure></div></section>"
    }

    /// The most confused pairs and the reliability bins.
    static func confusions(_ metrics: EvalMetrics) -> String {
        let pairs = metrics.confusedPairs.prefix(12)
        let peak = pairs.map(\.rate).max() ?? 1
        let pairBars = pairs.isEmpty ? "<figure><figcaption>Most confused</figcaption><p>No sample was misclassified.</p></figure>"
            : HTMLPage.bars("Most confused (true → predicted): count and share of the true class",
                            rows: pairs.map { ("\($0.trueLabel) → \($0.predictedLabel)", $0.rate / max(peak, 1e-12), String(format: "%d  (%.1f%%)", $0.count, $0.rate * 100)) })
        let bins = metrics.reliability.map { bin in
            let accuracy = bin.accuracy.map { String(format: "%.1f%%", $0 * 100) } ?? "–"
            return (String(format: "%.1f–%.1f", bin.low, bin.high), bin.accuracy ?? 0,
                    "accuracy \(accuracy) · confidence \(bin.confidence.map { String(format: "%.1f%%", $0 * 100) } ?? "–") · \(groupedDigits(bin.count)) samples")
        }
        let reliability = HTMLPage.bars(String(format: "Reliability: accuracy per confidence bin (ECE %.4f)", metrics.expectedCalibrationError), rows: bins)
        return "<section id=\"calibration\"><h2>Confusions and calibration</h2><div class=\"charts\">\(pairBars)\(reliability)</div></section>"
    }

    /// The first misclassified inputs as the model saw them, with their top 3.
    static func gallery(_ metrics: EvalMetrics) throws -> String {
        let statistics = metrics.statistics, names = statistics.classNames
        let items = try statistics.gallery.map { entry -> String in
            let image = try ReportParts.imageOfModelInput(entry.input, shape: entry.inputShape)
                .map { "<img src=\"\(try HTMLPage.pngDataURI($0))\" alt=\"\" style=\"width:64px;height:64px\">" } ?? ""
            let guesses = zip(entry.top, entry.topProbabilities).map { "\(names[$0]) \(String(format: "%.0f%%", Double($1) * 100))" }.joined(separator: " ")
            return "<figure class=\"input-panel\">\(image)<p class=\"warning\">\(HTMLPage.escape(names[entry.trueClass])) → \(HTMLPage.escape(names[entry.top[0]]))</p>"
                + "<p>\(HTMLPage.escape(guesses))</p><p>\(HTMLPage.escape(EvalReport.shortName(entry.name)))</p></figure>"
        }
        return "<section id=\"gallery\"><h2>Misclassified: the first \(statistics.gallery.count), as the model saw them (true → predicted, top 3)</h2>"
            + "<div class=\"panels\">\(items.isEmpty ? "<p>None.</p>" : items.joined())</div></section>"
    }

    /// Layer `index`: its units' mean, spread, share above 0 and class × unit means.
    static func layer(_ index: Int, metrics: EvalMetrics, model: Model?, options: HTMLReportOptions) throws -> HTMLLayer {
        let layer = metrics.layers[index], units = layer.mean.count, unitKind = layer.unitKind
        let classes = metrics.statistics.classNames
        let classMeansNote = EvalReport.classMeansNote(layer, classCount: classes.count)
        let rowClasses = classMeansNote == nil ? EvalReport.shownClasses(metrics) : []
        let means = rowClasses.flatMap { layer.classMeans[$0].map { $0.map(Float.init) } ?? Array(repeating: .nan, count: units) }
        let maps = try [
            HTMLMap(title: "mean per \(unitKind)", values: layer.mean.map(Float.init), sampleShape: [units], exactLimit: options.exactLimit),
            HTMLMap(title: "standard deviation", values: layer.std.map(Float.init), sampleShape: [units], exactLimit: options.exactLimit),
            HTMLMap(title: "share of samples > 0", values: layer.activeFraction.map(Float.init), sampleShape: [units],
                    scale: ColorScale(low: 0, high: 1), exactLimit: options.exactLimit),
        ] + (classMeansNote != nil ? [] : [
            HTMLMap(title: "mean per class (rows\(rowClasses.count < classes.count ? ": the \(rowClasses.count) with the most errors" : "")) and \(unitKind) (columns)",
                    values: means, sampleShape: [rowClasses.count, units], exactLimit: options.exactLimit, rowLabels: rowClasses.map { classes[$0] }),
        ])
        let shape = layer.sampleShape.map(String.init).joined(separator: "×")
        let dead = layer.deadUnits.count, always = layer.alwaysActiveUnits.count
        let lines = ["\(layer.className) · output \(shape) · \(units) \(unitKind)s",
                     "dead (0 throughout): \(dead)" + (dead > 0 ? " — " + EvalReport.listText(layer.deadUnits) : "")
                        + " · always above 0: \(always)" + (always > 0 ? " — " + EvalReport.listText(layer.alwaysActiveUnits) : "")]
            + [classMeansNote].compactMap { $0 }
        let alert = layer.nonFiniteCount > 0 ? "\(layer.nonFiniteCount) NaN/inf values left out of the statistics"
            : dead > 0 ? "\(dead) dead \(unitKind)\(dead == 1 ? "" : "s")" : nil
        let node = model.flatMap { $0.nodes.count == metrics.layers.count ? $0.nodes[index] : nil }
        return HTMLLayer(index: index, name: layer.name, className: layer.className, lines: lines, alert: alert,
                         inputs: model.flatMap { model in node.map { HTMLLayer.inputs(of: $0, in: model) } }, maps: maps)
    }

    /// A colour as CSS `rgb(…)`.
    static func css(_ colour: RGB) -> String {
        "rgb(\(Int((colour.red * 255).rounded())),\(Int((colour.green * 255).rounded())),\(Int((colour.blue * 255).rounded())))"
    }
}
