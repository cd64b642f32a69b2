import Analysis
import Diagnosis
import Foundation
import InputPipeline
import ModelGraph
import Render
import Trace

/// The PNG report of `layerlens doctor -o FILE.png`: one input set against the
/// profile of its model's training data, on one page. Top to bottom: the header;
/// the input raw and as the model sees it beside the training mean and the
/// nearest training examples, all one size, the model input and the data on the
/// data's value scale (so a 0..1 input on 0..255 data looks black, as the model
/// sees it); the verdict and its out-of-distribution scores; the mismatches; per
/// layer how surprising the input's units are; and, when `doctor` proposes a
/// pipeline, the input through it beside the input as it was.
public enum DoctorReport {
    static let margin = 24.0, side = 168.0, imageGap = 18.0, sectionGap = 30.0
    /// The most nearest examples drawn.
    static let exampleLimit = 6
    /// The page's width: room for the raw input, the model input, the mean and `exampleLimit` examples.
    static let width = 2 * margin + Double(3 + exampleLimit) * (side + imageGap) - imageGap
    static let contentWidth = width - 2 * margin
    /// The most layers the chart draws (the most surprising ones, in model order), and the most rows a column of it holds.
    static let layerLimit = 90, rowsPerColumn = 30
    /// Where the chart's surprise axis ends: longer bars are cut there and marked.
    static let surpriseCap = 20.0
    static let rowHeight = 20.0
    static let red = RGB(0.75, 0.1, 0.1), amber = RGB(0.8, 0.5, 0.0), green = RGB(0.1, 0.5, 0.2)

    /// Draws the report of `examination`, which `doctor` made, as PNG bytes; the header
    /// names the files at `modelPath` and `profilePath`.
    public static func render(_ examination: Examination, doctor: Doctor, modelPath: String, profilePath: String) throws -> Data {
        let page = Page(examination: examination, doctor: doctor, modelPath: modelPath, profilePath: profilePath)
        let measure = try Canvas(width: 1, height: 1)
        let height = page.draw(on: measure)
        let canvas = try Canvas(width: Int(width), height: Int(height.rounded(.up)))
        _ = page.draw(on: canvas)
        return try canvas.pngData()
    }

    /// The verdict's colour: green, amber, red.
    static func color(_ verdict: Verdict) -> RGB {
        switch verdict {
        case .in: green
        case .suspicious: amber
        case .out: red
        }
    }

    /// A mismatch's colour by severity: red, amber, grey.
    static func color(_ severity: Mismatch.Severity) -> RGB {
        switch severity {
        case .high: red
        case .medium: amber
        case .low: .gray(0.4)
        }
    }

    /// A share (0...1) as a percentage: `77.4%`.

    /// `out (combined 24, percentile 100.0%)`.
    static func verdictText(_ ood: OODScores) -> String {
        "\(ood.verdict.rawValue) (combined \(formatNumber(ood.combined.score)), percentile \(shareText(ood.combined.percentile)))"
    }

    /// The top classes in a line: `H 5.6% · W 5.5% · N 5.4%`.
    static func topText(_ prediction: Prediction, count: Int = 3) -> String {
        prediction.top(count).map { "\($0.label) \(ReportParts.percent($0.probability))" }.joined(separator: " · ")
    }

    /// The mismatches in a line: `range (high), noise (medium)`, or `none`.
    static func mismatchesText(_ mismatches: [Mismatch]) -> String {
        mismatches.isEmpty ? "none" : mismatches.map { "\($0.kind.rawValue) (\($0.severity.rawValue))" }.joined(separator: ", ")
    }

    /// `formatNumber` of a Double.

    /// `lines` with each text cut with an ellipsis to fit `width` pixels.
    static func fitted(_ lines: [ReportParts.Line], width: Double, on canvas: Canvas) -> [ReportParts.Line] {
        lines.map { ReportParts.Line(text: ReportParts.fitted($0.text, width: width, size: $0.size, bold: $0.bold, on: canvas),
                                     size: $0.size, bold: $0.bold, color: $0.color) }
    }

    /// One image of a row, at the size it is drawn, with its caption.
    struct Picture {
        let raster: Raster
        /// Screen pixels per image pixel.
        let scale: Double
        let caption: [ReportParts.Line]
    }

    /// Everything the page draws, worked out once; drawn twice (to measure, then for real).
    struct Page {
        let examination: Examination
        let doctor: Doctor
        let header: [ReportParts.Line]
        let pictures: [Picture]
        /// The range the model input and the data's images are drawn over.
        let dataScale: ClosedRange<Float>

        var reading: Reading { examination.reading }
        var profile: Profile { doctor.profile }

        init(examination: Examination, doctor: Doctor, modelPath: String, profilePath: String) {
            self.examination = examination
            self.doctor = doctor
            let profile = doctor.profile
            let low = Float(profile.input.table(.minimum)?.median ?? 0), high = Float(profile.input.table(.maximum)?.median ?? 1)
            dataScale = high > low ? low...high : low...(low + 1)
            header = Self.headerLines(examination, profile: profile, modelPath: modelPath, profilePath: profilePath)
            pictures = Self.pictures(examination, doctor: doctor, dataScale: dataScale)
        }

        /// Draws the page from the top; returns the height it takes.
        func draw(on canvas: Canvas) -> Double {
            var y = ReportParts.draw(fitted(header, width: contentWidth, on: canvas), on: canvas, x: margin, y: margin) + 16
            y = drawImages(on: canvas, y: y) + sectionGap
            y = drawVerdict(on: canvas, y: y) + sectionGap
            y = drawMismatches(on: canvas, y: y) + sectionGap
            y = drawLayers(on: canvas, y: y) + sectionGap
            return drawSuggestion(on: canvas, y: y) + margin
        }

        /// A section's title and lines of explanation under it; returns the y below.
        func heading(_ title: String, notes: [String] = [], on canvas: Canvas, y: Double) -> Double {
            let lines = [ReportParts.Line(text: title, size: 15, bold: true)] + notes.map { ReportParts.Line(text: $0, size: 12, color: .gray(0.35)) }
            return ReportParts.draw(fitted(lines, width: contentWidth, on: canvas), on: canvas, x: margin, y: y)
        }

        // MARK: Header

        /// The title, the model, profile and data, the input's pipeline, decoding notes and the run's warnings.
        static func headerLines(_ examination: Examination, profile: Profile, modelPath: String, profilePath: String) -> [ReportParts.Line] {
            let prepared = examination.reading.prepared
            let data = profile.data
            // pipelineText words an empty pipeline for an .npy array; a CSV row or an image can have one too.
            let pipeline = prepared.steps.isEmpty && prepared.raw != nil ? "none (the input goes into the model as it is)"
                : ReportParts.pipelineText(prepared.steps, isDefault: prepared.isDefaultPipeline)
            let dataPipeline = data.pipeline.map { "each preprocessed with --preprocess \($0)" } ?? "taken as they are"
            var lines: [ReportParts.Line] = [
                .init(text: "LayerLens doctor: \(fileName(examination.path))", size: 20, bold: true),
                .init(text: "Model \(fileName(modelPath)) · profile \(fileName(profilePath))", size: 13),
                .init(text: "Data \(fileName(data.file)): \(groupedDigits(data.count)) samples of \(groupedDigits(data.classNames.count)) classes, "
                    + "\(dataPipeline) (distributions from \(groupedDigits(data.calibrationCount)))", size: 13),
                .init(text: "Input \(examination.path) · pipeline: " + pipeline, size: 13),
            ]
            for note in prepared.notes where !note.hasPrefix("warning") { lines.append(.init(text: "Decoding: " + note, size: 13)) }
            lines += RunWarning.of(prepared, prediction: examination.reading.prediction)
                .map { .init(text: "Warning: " + $0.sentence, size: 13, bold: true, color: red) }
            return lines
        }

        /// The last component of `path`.
        static func fileName(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }

        // MARK: Images

        /// The raw input, the model input, the training mean and the nearest examples, each with its caption.
        static func pictures(_ examination: Examination, doctor: Doctor, dataScale: ClosedRange<Float>) -> [Picture] {
            let profile = doctor.profile, reading = examination.reading
            let shape = profile.input.imageShape
            let (height, width, channels) = (shape[0], shape[1], shape[2])
            let pixels = height * width * channels
            let scaleText = "on the data's \(rangeDescription(dataScale)) scale"
            func onDataScale(_ values: [Float]) -> Raster? {
                values.count == pixels ? Raster(height: height, width: width, channels: channels, values: values, range: dataScale) : nil
            }
            func picture(_ raster: Raster, _ caption: [ReportParts.Line]) -> Picture {
                let (shown, scale) = ImagePanel.fitted(raster, box: side)
                return Picture(raster: shown, scale: scale, caption: caption)
            }
            func title(_ text: String) -> ReportParts.Line { .init(text: text, size: 12, bold: true) }
            func note(_ text: String, color: RGB = .gray(0.35)) -> ReportParts.Line { .init(text: text, size: 11, color: color) }

            var pictures: [Picture] = []
            if let raw = reading.prepared.raw {
                let shapeText = raw.shape.map(String.init).joined(separator: "×")
                pictures.append(picture(raw, [title("raw input"), note(shapeText), note("on its own \(rangeDescription(raw.range)) scale")]))
            }
            let input = reading.prepared.tensor.scalars(ofSample: 0)
            let values = ValueStatistics(of: input)
            let rangeOff = reading.mismatches.contains { $0.kind == .range }
            if let raster = onDataScale(input) {
                pictures.append(picture(raster, [title("model input"), note(scaleText),
                                                 note("values \(formatNumber(values.min))..\(formatNumber(values.max))", color: rangeOff ? red : .gray(0.35))]))
            }
            if let mean = onDataScale(profile.input.meanImage) {
                pictures.append(picture(mean, [title("training mean"), note("of \(groupedDigits(profile.data.count)) samples"), note(scaleText)]))
            }
            let examples = profile.examples
            for (rank, index) in examination.nearestExamples.prefix(exampleLimit).enumerated() {
                guard let raster = onDataScale(Array(examples.inputs[(index * pixels)..<((index + 1) * pixels)])) else { continue }
                let label = examples.labels[index]
                let name = doctor.labels.indices.contains(label) ? doctor.labels[label] : String(label)
                pictures.append(picture(raster, [title("nearest \(rank + 1): \(name)"), note("profile example \(index)"), note(scaleText)]))
            }
            return pictures
        }

        /// The row of pictures under its heading; returns the y below the captions.
        func drawImages(on canvas: Canvas, y: Double) -> Double {
            let penultimate = profile.layers[profile.penultimate.layer].name
            let top = heading("The input beside the training data",
                              notes: ["Grey levels: black = \(formatNumber(dataScale.lowerBound)), white = \(formatNumber(dataScale.upperBound)) "
                                  + "(the data's median minimum and maximum) for the model input and the data alike, so an input on another range "
                                  + "looks as the model sees it" + (reading.prepared.raw == nil ? "." : "; the raw input on its own scale."),
                                      "Nearest: the profile's examples closest to the input in \(penultimate), the layer before the output."],
                              on: canvas, y: y) + 8
            var bottom = top
            for (index, picture) in pictures.enumerated() {
                let x = margin + Double(index) * (side + imageGap)
                let raster = picture.raster
                ImagePainter.draw(on: canvas, x: x, y: top, values: raster.values, height: raster.height, width: raster.width, channels: raster.channels,
                                  low: raster.range.lowerBound, high: raster.range.upperBound, scale: picture.scale)
                bottom = max(bottom, ReportParts.draw(fitted(picture.caption, width: side + imageGap - 4, on: canvas), on: canvas, x: x, y: top + side + 2))
            }
            return bottom
        }

        // MARK: Verdict

        /// The verdict, the three scores, the prediction and the first layer off; returns the y below.
        func drawVerdict(on canvas: Canvas, y: Double) -> Double {
            let ood = reading.ood
            let words = switch ood.verdict {
            case .in: "in: like the training data"
            case .suspicious: "suspicious: at the edge of the training data"
            case .out: "out: unlike the training data"
            }
            let combined = "combined score \(formatNumber(ood.combined.score)) at percentile \(shareText(ood.combined.percentile)) of the data "
                + "(suspicious above \(formatNumber(profile.combined.suspiciousAbove)), out above \(formatNumber(profile.combined.outAbove)))"
            let scores = "Mahalanobis distance² \(formatNumber(ood.mahalanobis.score)) at percentile \(shareText(ood.mahalanobis.percentile))   ·   "
                + "energy \(formatNumber(ood.energy.score)) at \(shareText(ood.energy.percentile))   ·   "
                + "max softmax \(formatNumber(ood.maxSoftmax.score)) at \(shareText(ood.maxSoftmax.percentile)) (low is strange)"
            let truth = reading.prepared.groundTruth.map { index in
                let labels = reading.prediction.labels
                return "   ·   true label " + (labels.indices.contains(index) ? labels[index] : String(index))
                    + (index == reading.prediction.best.index ? "  ✓" : "  ✗")
            } ?? ""
            let layer = reading.firstLayerOff.map {
                "First layer off the data: \($0.name) (surprise \(formatNumber($0.surprise)), \(shareText($0.outsideFraction)) of its units outside their band)"
            } ?? "Every layer stays within the data (no surprise of 3 or more)"
            let lines: [ReportParts.Line] = [
                .init(text: "Verdict: \(words) — \(combined)", size: 17, bold: true, color: color(ood.verdict)),
                .init(text: scores, size: 13),
                .init(text: "Prediction: \(topText(reading.prediction))  (\(ReportParts.kindText(reading.prediction.kind)))\(truth)", size: 13),
                .init(text: layer, size: 13, color: reading.firstLayerOff == nil ? .gray(0.1) : red),
            ]
            return ReportParts.draw(fitted(lines, width: contentWidth, on: canvas), on: canvas, x: margin, y: y)
        }

        // MARK: Mismatches

        /// The mismatch table (severity, kind, evidence), or "none"; returns the y below.
        func drawMismatches(on canvas: Canvas, y: Double) -> Double {
            let mismatches = reading.mismatches
            let top = heading("Mismatches: input measures outside the data's 0.5–99.5% band", on: canvas, y: y) + 6
            guard !mismatches.isEmpty else {
                canvas.text("none: every input measure is within the data's band", x: margin, y: top + 14, size: 13, color: .gray(0.3))
                return top + 20
            }
            let columns: [(title: String, x: Double)] = [("severity", 0), ("kind", 90), ("evidence", 200)]
            for column in columns {
                canvas.text(column.title, x: margin + column.x, y: top + 12, size: 11, color: .gray(0.35), bold: true)
            }
            for (row, mismatch) in mismatches.enumerated() {
                let rowTop = top + 18 + Double(row) * rowHeight
                if row % 2 == 0 { canvas.fill(x: margin - 4, y: rowTop, width: contentWidth + 8, height: rowHeight, .gray(0.965)) }
                let baseline = rowTop + 14.5
                canvas.text(mismatch.severity.rawValue, x: margin, y: baseline, size: 12, color: color(mismatch.severity), bold: true)
                canvas.text(mismatch.kind.rawValue, x: margin + columns[1].x, y: baseline, size: 12, bold: true)
                canvas.text(ReportParts.fitted(mismatch.message, width: contentWidth - columns[2].x, size: 12, on: canvas),
                            x: margin + columns[2].x, y: baseline, size: 12)
            }
            return top + 18 + Double(mismatches.count) * rowHeight
        }

        // MARK: Layers

        /// The indexes of the layers the chart draws, in model order: all of them, or
        /// the `layerLimit` most surprising with the first layer off among them.
        func chartedLayers() -> [Int] {
            let layers = reading.layers
            guard layers.count > layerLimit else { return Array(layers.indices) }
            var chosen = Array(layers.indices.sorted { (layers[$0].surprise, -$0) > (layers[$1].surprise, -$1) }.prefix(layerLimit))
            if let first = layers.firstIndex(where: \.isOff), !chosen.contains(first) { chosen[chosen.count - 1] = first }
            return chosen.sorted()
        }

        /// The per-layer surprise chart, in columns of at most `rowsPerColumn` rows; returns the y below.
        func drawLayers(on canvas: Canvas, y: Double) -> Double {
            let layers = reading.layers
            let charted = chartedLayers()
            let selection = charted.count < layers.count ? "the \(charted.count) most surprising of \(layers.count) layers, in model order" : "every layer, input to output"
            let top = heading("Layers: how surprising the input's units are (\(selection))",
                              notes: ["Surprise = −log₁₀ of the share of the data at least as unusual, the largest of the layer's three: its distance from "
                                  + "the data's means (RMS z-score), its norm, and its share of units outside their 0.1–99.9% band.",
                                      "From 3 (0.1% of the data) the layer is off the data (red). Bars stop at \(Int(surpriseCap)) (▶: more)."],
                              on: canvas, y: y) + 6
            let columns = max(1, (charted.count + rowsPerColumn - 1) / rowsPerColumn)
            let rows = (charted.count + columns - 1) / columns
            let columnGap = 36.0
            let columnWidth = (contentWidth - Double(columns - 1) * columnGap) / Double(columns)
            let wide = columns == 1
            let nameWidth = min(columnWidth * 0.3, (charted.map { canvas.textWidth(layers[$0].name, size: 12, bold: true) }.max() ?? 0) + 16)
            let textWidth = wide ? 560.0 : columnWidth * 0.36
            let barWidth = min(560, columnWidth - nameWidth - textWidth - 24)
            let firstOff = layers.firstIndex(where: \.isOff)
            for column in 0..<columns {
                let x = margin + Double(column) * (columnWidth + columnGap)
                let barX = x + nameWidth
                let indexes = charted.dropFirst(column * rows).prefix(rows)
                let rowsTop = top + 30
                let rowsBottom = rowsTop + Double(indexes.count) * rowHeight
                // The axis: the threshold's meaning, then the ticks.
                func axisX(_ surprise: Double) -> Double { barX + barWidth * min(surprise, surpriseCap) / surpriseCap }
                let threshold = axisX(LayerStanding.offSurprise)
                canvas.text("0.1% of the data", x: threshold, y: top + 11, size: 10, color: red, align: .center)
                for tick in [0, LayerStanding.offSurprise, 10, surpriseCap] {
                    let label = tick == surpriseCap ? "\(Int(tick))+" : formatNumber(tick)
                    canvas.text(label, x: axisX(tick), y: top + 25, size: 10, color: .gray(0.38), align: tick == 0 ? .left : .center)
                    canvas.line(from: (axisX(tick), rowsTop), to: (axisX(tick), rowsBottom), .gray(0.85))
                }
                for (row, index) in indexes.enumerated() {
                    let layer = layers[index]
                    let rowTop = rowsTop + Double(row) * rowHeight, baseline = rowTop + 14.5
                    let isFirst = index == firstOff
                    let name = ReportParts.fitted(layer.name, width: nameWidth - 10, size: 12, bold: isFirst, on: canvas)
                    canvas.text(name, x: barX - 6, y: baseline, size: 12, color: layer.isOff ? red : .gray(0.1), bold: isFirst, align: .right)
                    let barColor = layer.isOff ? RGB(0.85, 0.25, 0.2) : Colormap.viridis.color(0.35)
                    canvas.fill(x: barX, y: rowTop + 3, width: max(1, axisX(layer.surprise) - barX), height: rowHeight - 6, barColor)
                    var textX = barX + barWidth + 8
                    if layer.surprise > surpriseCap {
                        canvas.text("▶", x: barX + barWidth + 1, y: baseline, size: 11, color: barColor)
                        textX += 8
                    }
                    var text = wide ? "surprise \(formatNumber(layer.surprise)) · \(shareText(layer.outsideFraction)) of units outside · "
                        + "distance \(formatNumber(layer.distance)) at percentile \(shareText(layer.distancePercentile)) · norm at \(shareText(layer.normPercentile))"
                        : "\(formatNumber(layer.surprise)) · \(shareText(layer.outsideFraction)) outside"
                    if isFirst { text += wide ? "   ◀ the first layer off the data" : " ◀ first off" }
                    canvas.text(ReportParts.fitted(text, width: x + columnWidth - textX, size: 11, on: canvas), x: textX, y: baseline, size: 11,
                                color: layer.isOff ? red : .gray(0.25), bold: isFirst)
                }
                canvas.line(from: (threshold, rowsTop - 2), to: (threshold, rowsBottom), red, lineWidth: 1.5)
            }
            return top + 30 + Double(rows) * rowHeight
        }

        // MARK: Suggestion

        /// The suggested pipeline with its edits and the input before and after it, or why there is none; returns the y below.
        func drawSuggestion(on canvas: Canvas, y: Double) -> Double {
            guard let suggestion = examination.suggestion else {
                let why = reading.prepared.raw == nil
                    ? "none: an array input goes into the model as it is, with no pipeline to change"
                    : "none: no pipeline edit brought the input closer to the data (or the search was off: --no-fix)"
                let top = heading("Suggested pipeline", on: canvas, y: y)
                canvas.text(why, x: margin, y: top + 14, size: 13, color: .gray(0.3))
                return top + 20
            }
            let top = heading("Suggested pipeline: --preprocess \(suggestion.pipeline)",
                              notes: [(suggestion.edits.isEmpty ? "" : "Edits: \(suggestion.edits.joined(separator: " · ")). ") + "Chosen by the input measures and the out-of-distribution scores, "
                                  + "never by the prediction's confidence; `layerlens doctor` prints it as Python (NumPy + OpenCV)."],
                              on: canvas, y: y) + 10
            let half = (contentWidth - 40) / 2
            let before = drawSide("Before: your pipeline", pipeline: reading.pipeline ?? "none", reading: reading, on: canvas, x: margin, y: top, width: half)
            let after = drawSide("After: the suggested pipeline", pipeline: suggestion.pipeline, reading: suggestion.reading, on: canvas,
                                 x: margin + half + 40, y: top, width: half)
            return max(before, after)
        }

        /// One side of the before/after comparison: the model input on the data's
        /// scale, the pipeline, the verdict, the top 3 and what is left; returns the y below.
        func drawSide(_ title: String, pipeline: String, reading: Reading, on canvas: Canvas, x: Double, y: Double, width: Double) -> Double {
            let input = reading.prepared.tensor.scalars(ofSample: 0)
            let shape = profile.input.imageShape
            if input.count == shape.reduce(1, *) {
                ImagePainter.draw(on: canvas, x: x, y: y, values: input, height: shape[0], width: shape[1], channels: shape[2],
                                  low: dataScale.lowerBound, high: dataScale.upperBound, scale: side / Double(max(shape[0], shape[1])))
            }
            let values = ValueStatistics(of: input)
            canvas.text("values \(formatNumber(values.min))..\(formatNumber(values.max))", x: x, y: y + side + 15, size: 11, color: .gray(0.35))
            let textX = x + side + 20, textWidth = width - side - 20
            func line(_ text: String, at offset: Double, size: Double = 12, color: RGB = .gray(0.1), bold: Bool = false) {
                canvas.text(ReportParts.fitted(text, width: textWidth, size: size, bold: bold, on: canvas), x: textX, y: y + offset, size: size, color: color, bold: bold)
            }
            line(title, at: 13, size: 14, bold: true)
            line("--preprocess \(pipeline)", at: 31, color: .gray(0.3))
            line("verdict \(verdictText(reading.ood))", at: 51, size: 13, color: color(reading.ood.verdict), bold: true)
            ReportParts.drawTopK(reading.prediction, top: 3, title: "Top 3", on: canvas, x: textX, y: y + 58, width: min(textWidth, 440))
            let chartBottom = y + 58 + 24 + Double(min(3, reading.prediction.probabilities.count)) * BarChart.rowHeight
            line("mismatches: " + mismatchesText(reading.mismatches), at: chartBottom - y + 18, color: reading.mismatches.isEmpty ? .gray(0.1) : red)
            line(reading.firstLayerOff.map { "first layer off the data: \($0.name) (surprise \(formatNumber($0.surprise)))" } ?? "every layer within the data",
                 at: chartBottom - y + 36, color: reading.firstLayerOff == nil ? .gray(0.1) : red)
            return max(y + side + 22, chartBottom + 42)
        }
    }
}
