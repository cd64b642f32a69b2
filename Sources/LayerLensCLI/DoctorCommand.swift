import ArgumentParser
import Foundation
import LayerLens

/// `layerlens doctor MODEL INPUT… --profile FILE`: how each input differs from the training data, and the fix.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Compare inputs with a profile of the training data: name the mismatches, score how far out they are, propose the pipeline that fixes them.",
        discussion: """
        For each INPUT: mismatches with the data (range, background, polarity, size, position, sharpness, contrast, \
        noise), each with its evidence and a severity from the profile's percentiles; per layer, the share of units \
        outside the data's 0.1–99.9% band and the distance from the data, and the first layer that leaves it; the \
        Mahalanobis, energy and max-softmax scores with their percentiles, a combined score and a verdict (in, \
        suspicious, out). For an image, a search over pipeline edits (invert, scale, blur, fit, resize method, …) \
        judged by the input measures and the OOD scores, never by the prediction's confidence, proposes the pipeline \
        that brings the input closest to the data, as LayerLens steps and as Python (NumPy + OpenCV).
        """
    )

    @OptionGroup var modelArguments: ModelArguments

    @Argument(help: "The inputs: PNG or JPEG images, a CSV data set (with --row), or .npy arrays.")
    var inputs: [String]

    @Option(help: ArgumentHelp("The profile of the training data, from `layerlens profile`.", valueName: "file"))
    var profile: String

    @OptionGroup var inputArguments: InputArguments

    @Option(help: ArgumentHelp("Class labels (default: the profile's).", valueName: "labels"))
    var labels: String?

    @Flag(help: "Do not search for a better pipeline.")
    var noFix = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Also draw a PNG report of the first input.", valueName: "file"))
    var output: String?

    @Flag(help: "Print JSON: profile, inputs [{input, pipeline, prediction, mismatches, layers, first_layer_off, ood, suggestion, nearest_examples, warnings}].")
    var json = false

    func run() throws {
        try checkOutputs(files: [output])
        let model = try stage { try loadModel(at: modelArguments.model) }
        let labelNames = try stage { try labels.map { try LabelParser.parse($0, count: model.outputShape.reduce(1, *)) } }
        let doctor = try ProfileArguments.doctor(profile: profile, model: model, labels: labelNames)
        let options = try inputArguments.options()
        let examinations = try stage { try inputs.map { try doctor.examine($0, options: options, searchFix: !noFix) } }
        if let output, let first = examinations.first {
            let report = try stage { try DoctorReport.render(first, doctor: doctor, modelPath: modelArguments.model, profilePath: profile) }
            try stage { try writeCreatingFolder(report, to: output) }
        }
        for examination in examinations {
            RunWarning.of(examination.reading.prepared, prediction: examination.reading.prediction)
                .forEach { printError("warning: \(examination.path): \($0.message)") }
        }
        if json {
            try printData(try stage { try prettyJSON(DoctorJSON(profilePath: profile, examinations: examinations)) })
        } else {
            try printLine(examinations.map { DoctorText(examination: $0).text }.joined(separator: "\n\n"))
            try printLine(DoctorText.pythonPorts(of: examinations))
            if let output { try printLine("wrote \(output)") }
        }
    }
}

/// One examination as the text `doctor` prints.
struct DoctorText {
    let examination: Examination

    var text: String {
        let reading = examination.reading
        var lines = ["\(examination.path)" + (reading.pipeline.map { "  (--preprocess \($0))" } ?? "")]
        lines.append("  prediction  " + reading.prediction.top(3).map(scoreText).joined(separator: "  "))
        lines.append("  verdict     \(verdictLine(reading.ood))")
        if reading.mismatches.isEmpty {
            lines.append("  mismatches  none: the input measures are within the data's 0.5–99.5% bands")
        } else {
            lines.append("  mismatches")
            lines += alignedTable(header: ["severity", "kind", "evidence"],
                                  rows: reading.mismatches.map { [$0.severity.rawValue, $0.kind.rawValue, $0.message] }).map { "    " + $0 }
        }
        if let off = reading.firstLayerOff {
            lines.append("  first layer off the data: \(off.name) (\(shareText(off.outsideFraction)) of units outside their band, distance \(formatNumber(off.distance)), percentile \(shareText(off.distancePercentile)))")
        } else {
            lines.append("  every layer stays within the data")
        }
        let rows = reading.layers.map { layer in
            [layer.name, layer.className, shareText(layer.outsideFraction), formatNumber(layer.distance), shareText(layer.distancePercentile),
             shareText(layer.normPercentile), layer.isOff ? "off" : ""]
        }
        lines += alignedTable(header: ["layer", "class", "units outside", "distance", "its percentile", "norm percentile", ""],
                              rows: rows, rightAligned: [2, 3, 4, 5]).map { "    " + $0 }
        guard let suggestion = examination.suggestion else {
            lines.append("  suggestion  none: no pipeline edit brings the input closer to the data")
            return lines.joined(separator: "\n")
        }
        let fixed = suggestion.reading
        lines.append("  suggestion  --preprocess \(suggestion.pipeline)   (\(suggestion.edits.joined(separator: ", ")))")
        lines.append("    prediction  " + fixed.prediction.top(3).map(scoreText).joined(separator: "  ") + "   verdict \(verdictLine(fixed.ood))")
        lines.append("    mismatches left: " + (fixed.mismatches.isEmpty ? "none" : fixed.mismatches.map { "\($0.kind.rawValue) (\($0.severity.rawValue))" }.joined(separator: ", ")))
        return lines.joined(separator: "\n")
    }

    /// Each suggested pipeline's Python, once, naming the inputs it is for.
    static func pythonPorts(of examinations: [Examination]) -> String {
        var order: [String] = [], inputs: [String: [String]] = [:], code: [String: String] = [:]
        for examination in examinations {
            guard let suggestion = examination.suggestion, let python = suggestion.python else { continue }
            if code[suggestion.pipeline] == nil { order.append(suggestion.pipeline) }
            code[suggestion.pipeline] = python
            inputs[suggestion.pipeline, default: []].append(examination.path)
        }
        return order.map { pipeline in
            "\n# --preprocess \(pipeline) in Python (NumPy + OpenCV), for \(inputs[pipeline]!.joined(separator: ", ")):\n\n" + code[pipeline]!
        }.joined()
    }

    func verdictLine(_ ood: OODScores) -> String {
        "\(ood.verdict.rawValue) (combined \(formatNumber(ood.combined.score)), percentile \(shareText(ood.combined.percentile)); "
            + "Mahalanobis \(formatNumber(ood.mahalanobis.score)) at \(shareText(ood.mahalanobis.percentile)), "
            + "energy \(formatNumber(ood.energy.score)) at \(shareText(ood.energy.percentile)), "
            + "max softmax \(formatNumber(ood.maxSoftmax.score)) at \(shareText(ood.maxSoftmax.percentile)))"
    }

}
