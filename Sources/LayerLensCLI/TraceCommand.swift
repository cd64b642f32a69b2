import ArgumentParser
import Foundation
import LayerLens

/// `layerlens trace MODEL INPUT`: every layer's output for one input, as a PNG report.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Run a model on one input and draw every layer's output into a PNG or HTML report.",
        discussion: """
        INPUT is a PNG or JPEG image (preprocessed by --preprocess), one row of a Kaggle-style CSV (--row), \
        or an already-preprocessed .npy array (the model's input shape, with or without the batch axis).
        """
    )

    @OptionGroup var modelArguments: ModelArguments

    @Argument(help: "The input: a PNG or JPEG image, a CSV data set (with --row), or a .npy array; one per model input, in order.")
    var inputs: [String]

    /// The first input, which the report and the default report name are about.
    var input: String { inputs[0] }

    @OptionGroup var inputArguments: InputArguments
    @OptionGroup var reportArguments: ReportArguments
    @OptionGroup var layerArguments: LayerArguments
    @OptionGroup var memory: MemoryArguments
    @OptionGroup var profileArguments: ProfileArguments

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the report: PNG, or HTML for a .html name (every layer, hover read-out, zoom, search) (default: Reports/<input name>.png).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Also write input.npy, raw.npy (the decoded image), <k>_<layer>.npy for every layer and manifest.json into this folder.", valueName: "dir"))
    var dump: String?

    @Flag(help: "Print a JSON summary on stdout: model, input, preprocess, layers, prediction, top, report, warnings (and ood with --profile).")
    var json = false

    @Flag(help: "Do not draw the PNG report (with --dump or --json, when only the numbers are wanted).")
    var noReport = false

    func validate() throws {
        if noReport, output != nil { throw ValidationError("--no-report and --output contradict each other") }
    }

    func run() throws {
        let reportPath = noReport ? nil : output ?? "Reports/\(baseName(input)).png"
        try checkOutputs(files: [reportPath], dumpFolder: dump)
        let model = try stage { try loadModel(at: modelArguments.model) }
        let layers = try layerArguments.selection(in: model)
        guard inputs.count == model.inputs.count else {
            printError("error: \(modelArguments.model): the model has \(model.inputs.count) input(s) (\(model.inputs.map(\.name).joined(separator: ", "))); give one INPUT for each, \(inputs.count) given")
            throw ExitCode.failure
        }
        let all = try stage { try inputs.indices.map { try loadInput(inputs[$0], for: model, input: $0, options: inputArguments.options()) } }
        let loaded = all[0]
        all.flatMap(\.notes).filter { $0.hasPrefix("warning") || $0.contains("reshaped") }.forEach { printError($0) }
        // Every layer's output is kept (for the report, --dump and --json): checked against --memory first.
        try memory.requireRoomForEveryOutput(of: model, path: modelArguments.model, batch: loaded.tensor.batchSize,
                                             alternative: loaded.tensor.batchSize > 1 ? "trace fewer samples" : nil)
        let trace = try stage { try Tracer.trace(model, inputs: all.map(\.tensor), memoryBudget: memory.budget) }
        let labels = try stage { try reportArguments.labelArguments.names(for: model) }
        let prediction = Prediction(trace: trace, model: model, labels: labels)
        let judged = try profileArguments.doctor(for: model, labels: labels).map { doctor in try stage { try doctor.read(loaded, trace: trace) } }
        var content = TraceReportContent(modelPath: modelArguments.model, model: model, input: loaded,
                                         groundTruth: loaded.groundTruth.map { $0 < prediction.labels.count ? prediction.labels[$0] : String($0) },
                                         otherInputPaths: Array(inputs.dropFirst()))
        if let judged {
            content.extraWarnings = [RunWarning.outOfDistribution(judged.ood, mismatches: judged.mismatches, firstLayerOff: judged.firstLayerOff)].compactMap { $0 }
        }
        let report = try reportPath.map { path in
            try stage {
                if isHTML(path) {
                    return try TraceHTMLReport.render(content, trace: trace, prediction: prediction, options: reportArguments.htmlOptions)
                }
                var options = reportArguments.reportOptions
                options.layers = layers
                return try layerArguments.drawReport { try TraceReport.render(content, trace: trace, prediction: prediction, options: options) }
            }
        }
        if let dump {
            let raw = loaded.raw.map { [(name: "raw.npy", data: NumPyFile.encode(Tensor(shape: $0.shape, scalars: $0.values)))] } ?? []
            try stage {
                try writeFilesAtomically(TraceDump.files(of: trace, modelPath: modelArguments.model, inputPath: input, extra: raw), into: dump)
            }
        }
        if let reportPath, let report {
            try stage { try writeCreatingFolder(report, to: reportPath) }
        }
        let warnings = content.warnings(prediction: prediction)
        warnings.forEach { printError("warning: \(input): \($0.message)") }
        if json {
            let record = TraceJSON(modelPath: modelArguments.model, inputPath: input, input: loaded, trace: trace,
                                   prediction: prediction, top: reportArguments.labelArguments.top, report: reportPath, warnings: warnings,
                                   ood: judged?.ood)
            try printData(try stage { try prettyJSON(record) })
        } else {
            try printLine(predictionLine(prediction))
            let written = [reportPath, dump.map { "\(trace.layers.count + 2 + (loaded.raw == nil ? 0 : 1)) files to \($0)" }].compactMap { $0 }
            if !written.isEmpty { try printLine("wrote " + written.joined(separator: " and ")) }
        }
    }

    /// `X 99.2%  K 0.5%  W 0.1%`, or why there is no prediction.
    func predictionLine(_ prediction: Prediction) -> String {
        guard prediction.best.probability.isFinite else { return "no prediction: the outputs are NaN or infinite" }
        return prediction.top(reportArguments.labelArguments.top).map(scoreText).joined(separator: "  ")
    }
}
