import Analysis
import Foundation
import InputPipeline
import ModelGraph
import Render

/// The eval report PNG: the headline numbers; the confusion matrix (colour:
/// share of the true class, numbers: counts) beside per-class precision,
/// recall, F1 and support; the reliability diagram with ECE and the most
/// confused pairs; a gallery of misclassified inputs; then per layer the units'
/// mean, spread and how often they fire over the whole set, a class × unit
/// mean-activation map and one small map per class in the layer's square layout.
public enum EvalReport {
    static let margin = 24.0, gap = 36.0, width = 2000.0
    /// Draws `metrics` as PNG bytes; `layers` chooses the layers drawn in full
    /// under the overview (nil: every layer of a small model, else the ones to
    /// look at first).
    public static func render(_ metrics: EvalMetrics, layers: LayerSelection? = nil) throws -> Data {
        let measure = try Canvas(width: 1, height: 1)
        let height = draw(metrics, layers: layers, on: measure, measure: measure)
        let canvas = try Canvas(width: Int(width), height: Int(height.rounded(.up)))
        _ = draw(metrics, layers: layers, on: canvas, measure: measure)
        return try canvas.pngData()
    }

    /// Draws everything from the top; returns the height used. Run once on the
    /// 1-pixel `measure` canvas to measure, then on the real one.
    private static func draw(_ metrics: EvalMetrics, layers: LayerSelection?, on canvas: Canvas, measure: Canvas) -> Double {
        var y = ReportParts.draw(headerLines(metrics), on: canvas, x: margin, y: margin) + 30
        y = drawConfusionAndClasses(metrics, on: canvas, y: y) + gap
        y = drawCalibrationAndPairs(metrics, on: canvas, y: y) + gap
        y = drawGallery(metrics, on: canvas, y: y) + gap
        return drawLayers(metrics, layers: layers, on: canvas, measure: measure, y: y) + margin
    }

    /// The layers: every one in full for a small model; else the overview of
    /// every layer (each unit's mean, dead units counted in red) and in full the
    /// chosen layers. Returns the y below them.
    private static func drawLayers(_ metrics: EvalMetrics, layers: LayerSelection?, on canvas: Canvas, measure: Canvas, y top: Double) -> Double {
        heading("Layers over the whole set: a unit is an element of a vector output, a channel of a map", on: canvas, y: top)
        var y = top + 14
        let all = Array(metrics.layers.indices)
        let everyLayer = layers == nil && metrics.layers.count <= TraceReport.wholeModelLimit
        let chosen = everyLayer ? all : layers?.nodeIndexes ?? layersToLookAt(metrics)
        let heights = chosen.map { drawLayer(metrics.layers[$0], metrics: metrics, on: measure, y: 0) + 34 }
        if !everyLayer {
            let overview = NetworkOverview(names: metrics.layers.map(\.name), shapes: metrics.layers.map(\.sampleShape),
                                           tiles: overviewTiles(metrics), detailed: Set(chosen), width: width - 2 * margin)
            canvas.text("Every layer, input to output, grouped by block: each unit's (channel's) mean over the set in a square, over the layer's own min..max; "
                        + "dead units (0 throughout) counted in red", x: margin, y: y + 10, size: 12, color: .gray(0.3))
            let geometry = overview.geometry(fittingHeight: max(600, TraceReport.pageLimit - y - 30 - heights.reduce(0, +)))
            overview.draw(on: canvas, x: margin, y: y + 22, geometry: geometry)
            y += 22 + overview.layout(geometry).height + 30
            let title = layers.map { "In full: the layers --layers \($0.selector) chose (framed blue above)" }
                ?? "In full: the output, the layer before it and the layers with the most dead units (framed blue above); choose others with --layers"
            heading(title, on: canvas, y: y)
        }
        for (index, height) in zip(chosen, heights) {
            if canvas !== measure { _ = drawLayer(metrics.layers[index], metrics: metrics, on: canvas, y: y + 16) }
            y += height
        }
        return y
    }

    /// The layers an eval draws in full when none are chosen, in order: the
    /// output, the layer before it, the first with NaN or infinite values and
    /// the three with the largest share of dead units.
    static func layersToLookAt(_ metrics: EvalMetrics) -> [Int] {
        let count = metrics.layers.count
        var chosen = Set([count - 1, count - 2].filter { $0 >= 0 })
        if let first = metrics.layers.firstIndex(where: { $0.nonFiniteCount > 0 }) { chosen.insert(first) }
        let deadShare = metrics.layers.indices.map { Double(metrics.layers[$0].deadUnits.count) / Double(max(metrics.layers[$0].mean.count, 1)) }
        chosen.formUnion(metrics.layers.indices.filter { deadShare[$0] > 0 }.sorted { (deadShare[$0], -$0) > (deadShare[$1], -$1) }.prefix(3))
        return chosen.sorted()
    }

    /// One overview tile per layer: each unit's mean in the square layout.
    static func overviewTiles(_ metrics: EvalMetrics) -> [OverviewTile] {
        metrics.layers.map { layer in
            let units = layer.mean.count
            let dead = layer.deadUnits.count
            return OverviewTile(values: layer.mean.map(Float.init), sampleShape: [units], note: "\(units) \(layer.unitKind)s",
                                alert: layer.nonFiniteCount > 0 ? "NaN/inf" : dead > 0 ? "\(dead) dead" : nil)
        }
    }

    static func headerLines(_ metrics: EvalMetrics) -> [ReportParts.Line] {
        let statistics = metrics.statistics
        let shards = statistics.shards == [.whole] ? "" : " · merged from shards \(statistics.shards.map(\.description).joined(separator: ", "))"
        let skipped = statistics.issues.count == 0 ? "" : " · \(groupedDigits(statistics.issues.count)) skipped (bad rows or files; listed by --json)"
        let preprocess = statistics.preprocess.map { [ReportParts.Line(text: "Every sample preprocessed: " + $0.replacingOccurrences(of: ",", with: " → "), size: 13)] } ?? []
        return [
            .init(text: "LayerLens eval: \(statistics.data)", size: 20, bold: true),
            .init(text: "Model \(statistics.model) · \(groupedDigits(statistics.count)) samples · \(statistics.classCount) classes · probabilities: \(statistics.probabilityKind == "none" ? "the model's softmax" : statistics.probabilityKind)" + skipped + shards, size: 13),
            .init(text: String(format: "Accuracy %.2f%%   ·   top-%d %.2f%%   ·   macro F1 %.4f   ·   ECE %.4f",
                               metrics.accuracy * 100, statistics.topK, metrics.topKAccuracy * 100, metrics.macroF1, metrics.expectedCalibrationError),
                  size: 18, bold: true),
        ] + preprocess + [absentClassesNote(metrics).map { ReportParts.Line(text: $0, size: 13) }].compactMap { $0 }
            + metrics.warnings.map { ReportParts.Line(text: "Warning: " + $0.sentence, size: 14, bold: true, color: RGB(0.75, 0.1, 0.1)) }
    }

    /// "N classes without samples (left out of macro F1): …", or nil when every class has samples.
    public static func absentClassesNote(_ metrics: EvalMetrics) -> String? {
        let absent = metrics.absentClasses
        guard !absent.isEmpty else { return nil }
        let names = absent.prefix(12).map { metrics.statistics.classNames[$0] }.joined(separator: ", ")
        return "\(groupedDigits(absent.count)) of \(groupedDigits(metrics.statistics.classCount)) classes without samples (left out of macro F1): "
            + names + (absent.count > 12 ? " … (\(groupedDigits(absent.count - 12)) more)" : "")
    }

    static func heading(_ text: String, on canvas: Canvas, y: Double) {
        canvas.text(text, x: margin, y: y, size: 15, bold: true)
    }

    // MARK: Confusion matrix and per-class scores

    /// The most classes a report draws one by one: a 1,000-class confusion matrix
    /// is 8,000 pixels of mostly empty cells that nobody can read.
    static let classLimit = 40

    /// The classes a report draws one by one (confusion matrix, per-class rows,
    /// class means): all of them when there are at most `classLimit`; else the
    /// `classLimit` with the most errors, counted as true and as predicted class,
    /// most first (ties: more samples, then the earlier class).
    static func shownClasses(_ metrics: EvalMetrics) -> [Int] {
        let statistics = metrics.statistics, classes = statistics.classCount
        guard classes > classLimit else { return Array(0..<classes) }
        let support = metrics.perClass.map(\.support)
        // A class's errors: its samples taken for another class, and other samples taken for it.
        let errors = (0..<classes).map { support[$0] + metrics.predictedCounts[$0] - 2 * statistics.confusion[$0 * classes + $0] }
        return Array((0..<classes).sorted { (errors[$0], support[$0], -$0) > (errors[$1], support[$1], -$1) }.prefix(classLimit))
    }

    /// What the matrix and class maps show, for a heading: "" when every class is shown.
    static func shownClassesNote(_ shown: [Int], classCount: Int) -> String {
        shown.count == classCount ? "" : " — the \(shown.count) classes with the most errors (as true or predicted class) of \(groupedDigits(classCount)), most first"
    }

    private static func drawConfusionAndClasses(_ metrics: EvalMetrics, on canvas: Canvas, y: Double) -> Double {
        let statistics = metrics.statistics, classes = statistics.classCount
        let shown = shownClasses(metrics)
        let cell = max(8, min(30, (660 / Double(shown.count)).rounded(.down)))
        let labels = shown.map { statistics.classNames[$0] }
        let values = shown.flatMap { truth in shown.map { Float(metrics.normalizedConfusion[truth][$0]) } }
        let texts = shown.flatMap { truth in shown.map { statistics.confusion[truth * classes + $0] } }.map { $0 == 0 ? "" : compactCount($0) }
        let map = HeatMap(rows: shown.count, columns: shown.count, values: values, scale: ColorScale(low: 0, high: 1), cellWidth: cell, cellHeight: cell,
                          rowLabels: labels, columnLabels: labels, cellTexts: texts)
        heading("Confusion matrix: rows true class, columns predicted; colour = share of the true class, numbers = counts"
                + shownClassesNote(shown, classCount: classes), on: canvas, y: y)
        map.draw(on: canvas, x: margin, y: y + 10)
        // The per-class table, its rows level with the matrix's rows.
        let tableX = margin + map.width(on: canvas) + gap
        let top = y + 10 + HeatMap.headerHeight
        let columns: [(title: String, x: Double)] = [("class", 0), ("precision", 90), ("recall", 170), ("F1", 240), ("support", 420)]
        for column in columns {
            canvas.text(column.title, x: tableX + column.x, y: top - 5, size: 11, color: .gray(0.35), bold: true)
        }
        let rowHeight = cell
        for (index, result) in shown.map({ metrics.perClass[$0] }).enumerated() {
            let rowY = top + Double(index) * rowHeight + rowHeight / 2 + 4
            if index % 2 == 1 { canvas.fill(x: tableX - 4, y: top + Double(index) * rowHeight, width: 490, height: rowHeight, .gray(0.965)) }
            let size = min(11, rowHeight * 0.6)
            canvas.text(result.label, x: tableX, y: rowY, size: size, bold: true)
            canvas.text(String(format: "%.3f", result.precision), x: tableX + 90, y: rowY, size: size)
            canvas.text(String(format: "%.3f", result.recall), x: tableX + 170, y: rowY, size: size)
            let barWidth = 110.0 * result.f1
            canvas.fill(x: tableX + 240, y: top + Double(index) * rowHeight + 3, width: barWidth, height: rowHeight - 6,
                        Colormap.viridis.color(0.2 + 0.6 * result.f1))
            canvas.text(String(format: "%.3f", result.f1), x: tableX + 240 + 114, y: rowY, size: size)
            canvas.text(groupedDigits(result.support), x: tableX + 470, y: rowY, size: size, align: .right)
        }
        return y + 10 + map.height
    }

    // MARK: Calibration and confusions

    private static func drawCalibrationAndPairs(_ metrics: EvalMetrics, on canvas: Canvas, y: Double) -> Double {
        let side = 300.0
        heading(String(format: "Reliability: accuracy per confidence bin; ECE %.4f (red: over-confident, amber: under-confident)",
                       metrics.expectedCalibrationError), on: canvas, y: y)
        let diagram = ReliabilityDiagram(bins: metrics.reliability.map {
            ReliabilityDiagram.Bin(low: $0.low, high: $0.high, count: $0.count, accuracy: $0.accuracy, confidence: $0.confidence)
        })
        diagram.draw(on: canvas, x: margin, y: y + 26, side: side)
        let pairsX = margin + side + 100 + gap
        canvas.text("Most confused (true → predicted): count and share of the true class", x: pairsX, y: y + 32, size: 13, bold: true)
        let pairs = metrics.confusedPairs.prefix(12)
        if pairs.isEmpty {
            canvas.text("No sample was misclassified.", x: pairsX, y: y + 58, size: 12, color: .gray(0.35))
        } else {
            let peak = pairs.map(\.rate).max() ?? 1
            let rows = pairs.map { BarChart.Row(label: "\($0.trueLabel) → \($0.predictedLabel)", fraction: $0.rate / max(peak, 1e-12),
                                                caption: String(format: "%d  (%.1f%%)", $0.count, $0.rate * 100)) }
            BarChart(rows: rows).draw(on: canvas, x: pairsX, y: y + 42, labelWidth: 90, barWidth: 330, highlightFirst: false)
        }
        return y + 26 + ReliabilityDiagram.height(side: side)
    }

    // MARK: Misclassified examples

    static let thumbnail = 64.0, galleryColumn = 116.0

    private static func drawGallery(_ metrics: EvalMetrics, on canvas: Canvas, y: Double) -> Double {
        let statistics = metrics.statistics
        let gallery = statistics.gallery
        let errors = statistics.count - metrics.perClass.reduce(0) { $0 + Int((Double($1.support) * $1.recall).rounded()) }
        heading("Misclassified: the first \(gallery.count) of \(groupedDigits(errors)) in data order, as the model saw them (true → predicted, top 3)",
                on: canvas, y: y)
        guard !gallery.isEmpty else {
            canvas.text("None.", x: margin, y: y + 24, size: 12, color: .gray(0.35))
            return y + 30
        }
        let perRow = Int((width - 2 * margin) / galleryColumn)
        let rowHeight = thumbnail + 62
        for (index, entry) in gallery.enumerated() {
            let x = margin + Double(index % perRow) * galleryColumn
            let top = y + 12 + Double(index / perRow) * rowHeight
            ReportParts.drawModelInput(entry.input, shape: entry.inputShape, on: canvas, x: x, y: top, side: thumbnail)
            let names = statistics.classNames
            canvas.text("\(names[entry.trueClass]) → \(names[entry.top[0]])", x: x, y: top + thumbnail + 14, size: 12, color: RGB(0.75, 0.1, 0.1), bold: true)
            let guesses = zip(entry.top, entry.topProbabilities).map { "\(names[$0]) \(String(format: "%.0f%%", Double($1) * 100))" }
            canvas.text(guesses.joined(separator: " "), x: x, y: top + thumbnail + 28, size: 10, color: .gray(0.25))
            canvas.text(shortName(entry.name), x: x, y: top + thumbnail + 41, size: 9, color: .gray(0.45))
        }
        return y + 12 + Double((gallery.count + perRow - 1) / perRow) * rowHeight
    }

    /// A sample's name short enough for a gallery caption: the file name of a path.
    static func shortName(_ name: String) -> String {
        let last = URL(fileURLWithPath: name).lastPathComponent
        return last.count > 18 ? String(last.prefix(17)) + "…" : last
    }

    // MARK: Layers

    private static func drawLayer(_ layer: EvalMetrics.LayerResult, metrics: EvalMetrics, on canvas: Canvas, y: Double) -> Double {
        let units = layer.mean.count, unitKind = layer.unitKind
        // The output layer's units are the classes: its class × unit map has the diagonal a good model shows.
        let isOutput = layer.name == metrics.layers.last?.name && units == metrics.statistics.classCount && layer.unitKind == "unit"
        let shape = layer.sampleShape.map(String.init).joined(separator: "×")
        let dead = layer.deadUnits.count, always = layer.alwaysActiveUnits.count
        let nonFinite = layer.nonFiniteCount > 0 ? " · \(layer.nonFiniteCount) NaN/inf values left out" : ""
        canvas.text("\(layer.name)  (\(layer.className), output \(shape), \(units) \(unitKind)s)", x: margin, y: y + 4, size: 14, bold: true)
        let deadText = "dead (0 throughout): \(dead)" + (dead > 0 ? " — " + listText(layer.deadUnits) : "")
        let alwaysText = "always above 0: \(always)" + (always > 0 ? " — " + listText(layer.alwaysActiveUnits) : "")
        canvas.text(deadText + "   ·   " + alwaysText + nonFinite, x: margin, y: y + 22, size: 12,
                    color: dead > 0 ? RGB(0.7, 0.1, 0.1) : .gray(0.3))
        var top = y + 34
        // Mean, spread and firing rate per unit, in the layer's square layout.
        let layout = GridLayout(sampleShape: [units])
        let cell = max(2, min(24, (180 / Double(max(layout.rows, layout.columns))).rounded(.down)))
        let pictures: [(String, [Double], ColorScale)] = [
            ("mean", layer.mean, scale(of: layer.mean)),
            ("standard deviation", layer.std, scale(of: layer.std)),
            ("share > 0 (dead: red)", layer.activeFraction, ColorScale(low: 0, high: 1)),
        ]
        var x = margin
        for (title, values, colorScale) in pictures {
            let map = ActivationMap(layout: layout, values: values.map(Float.init), scale: colorScale, cell: cell)
            canvas.text(title, x: x, y: top + 12, size: 11, color: .gray(0.3), bold: true)
            map.draw(on: canvas, x: x, y: top + 18)
            if colorScale == ColorScale(low: 0, high: 1), cell >= 4 {
                // Dead units outlined in red where they sit.
                for unit in layer.deadUnits {
                    let (row, column) = layout.position(of: unit)
                    canvas.stroke(x: x + Double(column) * cell + 0.5, y: top + 18 + Double(row) * cell + 0.5, width: cell - 1, height: cell - 1,
                                  RGB(0.9, 0.1, 0.1), lineWidth: 1)
                }
            }
            x += map.width(on: canvas) + gap
        }
        // Class × unit mean activation, when the run kept it.
        let classes = metrics.statistics.classCount
        if let note = classMeansNote(layer, classCount: classes) {
            canvas.text(note, x: x, y: top + 12, size: 11, color: .gray(0.3), bold: true)
            return top + 18 + Double(layout.rows) * cell
        }
        let means = layer.classMeans.flatMap { $0.map { $0.map(Float.init) } ?? Array(repeating: .nan, count: units) }
        let heatScale = scale(of: means.filter { !$0.isNaN }.map(Double.init))
        // One pixel per unit at the least: a layer wider than the page shows its first units.
        let room = width - x - 2 * margin - 60
        let shown = min(units, Int(room))
        let cellWidth = max(1, min(24, (room / Double(shown)).rounded(.down)))
        let rowClasses = shownClasses(metrics)
        let shownMeans = rowClasses.flatMap { means[($0 * units)..<($0 * units + shown)] }
        let heat = HeatMap(rows: rowClasses.count, columns: shown, values: shownMeans, scale: heatScale, cellWidth: cellWidth,
                           cellHeight: max(10, min(14, (260 / Double(rowClasses.count)).rounded(.down))),
                           rowLabels: rowClasses.map { metrics.statistics.classNames[$0] },
                           columnLabels: isOutput ? Array(metrics.statistics.classNames.prefix(shown)) : nil)
        let heatTitle = "mean per class (rows\(rowClasses.count < classes ? ": the \(rowClasses.count) with the most errors" : "")) and \(unitKind) (columns)"
            + (shown < units ? ", the first \(shown) of \(units)" : "")
        canvas.text(heatTitle, x: x, y: top + 12, size: 11, color: .gray(0.3), bold: true)
        heat.draw(on: canvas, x: x, y: top + 18 - HeatMap.headerHeight + 14)
        top += max(18 + Double(layout.rows) * cell, 18 + heat.height) + 16
        // What each class looks like in this layer: one small map per class on one scale.
        canvas.text("each class's mean \(unitKind) activity\(rowClasses.count < classes ? " (the \(rowClasses.count) classes with the most errors)" : ""), "
                    + "one scale for all (\(formatNumber(heatScale.low))..\(formatNumber(heatScale.high)))",
                    x: margin, y: top + 10, size: 11, color: .gray(0.3), bold: true)
        top += 18
        // As large as lets every class sit in one row (up to 92 pixels a map), else two or more rows.
        let mapRoom = min(92, max(36, (width - 2 * margin) / Double(max(rowClasses.count, 1)) - 10))
        let small = max(1, min(16, (mapRoom / Double(max(layout.rows, layout.columns))).rounded(.down)))
        let tile = Double(layout.columns) * small
        let step = max(tile + 10, 46)
        let perRow = max(1, Int((width - 2 * margin) / step))
        for (place, label) in rowClasses.enumerated() {
            let means = layer.classMeans[label]
            let tileX = margin + Double(place % perRow) * step, tileY = top + Double(place / perRow) * (Double(layout.rows) * small + 18)
            canvas.text(metrics.statistics.classNames[label], x: tileX, y: tileY + 10, size: 10, bold: true)
            if let means {
                ActivationMap(layout: layout, values: means.map(Float.init), scale: heatScale, cell: small).drawGrid(on: canvas, x: tileX, y: tileY + 14)
            } else {
                canvas.text("no samples", x: tileX, y: tileY + 26, size: 9, color: .gray(0.45))
            }
        }
        return top + Double((rowClasses.count + perRow - 1) / perRow) * (Double(layout.rows) * small + 18)
    }

    /// Why `layer` has no class × unit means (the run kept its sums over all
    /// classes only, the per-class ones being over the memory budget), or nil when it has them.
    static func classMeansNote(_ layer: EvalMetrics.LayerResult, classCount: Int) -> String? {
        guard layer.classMeans.isEmpty else { return nil }
        return "class means not kept: \(groupedDigits(classCount)) classes × \(groupedDigits(layer.mean.count)) \(layer.unitKind)s "
            + "are over the memory budget (--memory)"
    }

    /// A count in at most four characters: 987, 9876, 14k, 143k, 1.4M.
    static func compactCount(_ count: Int) -> String {
        switch count {
        case ..<10_000: String(count)
        case ..<1_000_000: "\(count / 1000)k"
        default: String(format: "%.1fM", Double(count) / 1e6)
        }
    }

    /// Up to 16 indexes, then how many more.
    static func listText(_ indexes: [Int]) -> String {
        indexes.prefix(16).map(String.init).joined(separator: ", ") + (indexes.count > 16 ? " … (\(indexes.count - 16) more)" : "")
    }

    /// The min..max of finite values (a unit span when they are all equal).
    static func scale(of values: [Double]) -> ColorScale {
        let finite = values.filter(\.isFinite)
        let low = Float(finite.min() ?? 0), high = Float(finite.max() ?? 1)
        return ColorScale(low: low, high: high > low ? high : low + 1)
    }
}
