import ArgumentParser
import Foundation
import LayerLens

/// `layerlens diff MODEL A B`: what changes inside the model between two inputs.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare every layer's output for two inputs: metrics per layer and a PNG or HTML report.",
        discussion: """
        A and B are anything trace takes. One pipeline for both (--preprocess) or one each (--preprocess-a, \
        --preprocess-b), e.g. the same image with and without a contrast step.
        """
    )

    @OptionGroup var modelArguments: ModelArguments

    @Argument(help: "Input A: an image, a CSV data set (with --row-a) or a .npy array.")
    var a: String

    @Argument(help: "Input B: an image, a CSV data set (with --row-b) or a .npy array.")
    var b: String

    @Option(help: ArgumentHelp(preprocessHelp + " Applies to both inputs.", valueName: "steps"))
    var preprocess: String?

    @Option(help: ArgumentHelp("Preprocessing for A alone (instead of --preprocess).", valueName: "steps"))
    var preprocessA: String?

    @Option(help: ArgumentHelp("Preprocessing for B alone (instead of --preprocess).", valueName: "steps"))
    var preprocessB: String?

    @Option(help: ArgumentHelp("The CSV data row of A (0-based).", valueName: "n"))
    var rowA: Int?

    @Option(help: ArgumentHelp("The CSV data row of B (0-based).", valueName: "n"))
    var rowB: Int?

    @OptionGroup var decode: DecodeArguments

    @OptionGroup var labelArguments: LabelArguments

    @OptionGroup var layerArguments: LayerArguments

    @OptionGroup var memory: MemoryArguments

    @Option(help: "How many most-changed units to list per layer.")
    var topUnits: Int = 5

    @Option(help: ArgumentHelp("Draw every map cell this many pixels wide (default: each map about 150 pixels).", valueName: "px"))
    var cellPx: Int?

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the report: PNG, or HTML for a .html name (every layer, hover read-out, zoom, search) (default: Reports/diff_<A>_<B>.png).", valueName: "file"))
    var output: String?

    @Flag(help: "Print JSON: {model, a: {input, preprocess, prediction, top}, b: {…}, layers: [{index, name, class, l2, relative_l2, cosine, pearson, max_abs_delta, switched_on, switched_off, top_changes}], warnings}.")
    var json = false

    @Flag(help: "Do not draw the PNG report.")
    var noReport = false

    func validate() throws {
        if preprocess != nil, preprocessA != nil || preprocessB != nil {
            throw ValidationError("give --preprocess for both inputs, or --preprocess-a / --preprocess-b, not both")
        }
        for steps in [preprocess, preprocessA, preprocessB] { _ = try parseSteps(steps) }
        try requireInRange(topUnits, 0...topLimit, for: "--top-units")
        try requireInRange(rowA, 0...Int.max, for: "--row-a")
        try requireInRange(rowB, 0...Int.max, for: "--row-b")
        try requireInRange(cellPx, 1...100, for: "--cell-px")
        if noReport, output != nil { throw ValidationError("--no-report and --output contradict each other") }
    }

    /// `Reports/diff_<A>_<B>.png`. When A and B have one name (one file, two CSV rows or
    /// two pipelines), each also carries its row and its pipeline, so that diffs of one
    /// file do not overwrite each other's report.
    var defaultReportPath: String {
        var names = [baseName(a) + (rowA.map { "_row\($0)" } ?? ""), baseName(b) + (rowB.map { "_row\($0)" } ?? "")]
        let steps = [preprocessA ?? preprocess, preprocessB ?? preprocess]
        if names[0] == names[1], steps[0] != steps[1] {
            names = zip(names, steps).map { name, steps in name + "_" + (steps.map(fileNamePart) ?? "as-read") }
        }
        return "Reports/diff_\(names[0])_\(names[1]).png"
    }

    func run() throws {
        let path = noReport ? nil : output ?? defaultReportPath
        try checkOutputs(files: [path])
        let model = try stage { try loadModel(at: modelArguments.model) }
        let layers = try layerArguments.selection(in: model)
        let options = (a: decode.options(steps: try parseSteps(preprocessA ?? preprocess), row: rowA),
                       b: decode.options(steps: try parseSteps(preprocessB ?? preprocess), row: rowB))
        let loaded = try stage { try loadInputPair(a, b, for: model, options: options) }
        (loaded.a.notes + loaded.b.notes).filter { $0.hasPrefix("warning") || $0.contains("reshaped") }.forEach { printError($0) }
        let labelNames = try stage { try labelArguments.names(for: model) }
        let differences: [LayerDifference], predictions: (a: Prediction, b: Prediction)
        if let path {
            // The report draws every layer's outputs: both traces are kept, checked against --memory first.
            try memory.requireRoomForEveryOutput(of: model, path: modelArguments.model, batch: 2,
                                                 alternative: "--no-report (the metrics without keeping the outputs)")
            let traces = try stage {
                (a: try Tracer.trace(model, inputs: [loaded.a.tensor], memoryBudget: memory.budget),
                 b: try Tracer.trace(model, inputs: [loaded.b.tensor], memoryBudget: memory.budget))
            }
            predictions = (a: Prediction(trace: traces.a, model: model, labels: labelNames),
                           b: Prediction(trace: traces.b, model: model, labels: labelNames))
            let diff = ActivationDiff(model: model, a: traces.a, b: traces.b, topCount: topUnits)
            differences = diff.layers
            let sides = (a: DiffSide(input: loaded.a, prediction: predictions.a), b: DiffSide(input: loaded.b, prediction: predictions.b))
            let report = try stage {
                if isHTML(path) {
                    return try DiffHTMLReport.render(modelPath: modelArguments.model, model: model, a: sides.a, b: sides.b, diff: diff,
                                                     options: HTMLReportOptions(top: labelArguments.top))
                }
                return try layerArguments.drawReport {
                    try DiffReport.render(modelPath: modelArguments.model, model: model, a: sides.a, b: sides.b, diff: diff,
                                          top: labelArguments.top, cellPixels: cellPx, layers: layers)
                }
            }
            try stage { try writeCreatingFolder(report, to: path) }
        } else {
            (differences, predictions) = try stage {
                try ActivationDiff.streamed(model: model, a: loaded.a.tensor, b: loaded.b.tensor, topCount: topUnits, labels: labelNames)
            }
        }
        let warnings = DiffReport.warnings(a: DiffSide(input: loaded.a, prediction: predictions.a), b: DiffSide(input: loaded.b, prediction: predictions.b))
        warnings.forEach { printError("warning: \($0.message)") }
        if json {
            try printData(try stage {
                try prettyJSON(DiffJSON(modelPath: modelArguments.model, inputs: (a, b), loaded: loaded, predictions: predictions,
                                        layers: differences, top: labelArguments.top, warnings: warnings))
            })
            return
        }
        try printLine(DiffTable(layers: differences).text)
        try printLine("A → \(scoreText(predictions.a.best))   B → \(scoreText(predictions.b.best))")
        if let path { try printLine("wrote \(path)") }
    }
}

/// The per-layer metrics table `diff` prints.
struct DiffTable {
    let layers: [LayerDifference]

    var text: String {
        let header = ["#", "Layer", "L2", "Relative", "Cosine", "Pearson", "Max |Δ|", "On", "Off"]
        let rows = layers.map { layer -> [String] in
            [String(layer.index), layer.name, number(layer.l2), layer.relativeL2.map(number) ?? "undefined",
             number(layer.cosine), layer.pearson.map(number) ?? "undefined", number(layer.maxAbsDelta),
             layer.switchedOn.map(String.init) ?? "-", layer.switchedOff.map(String.init) ?? "-"]
        }
        let notes = [
            "relative = ‖B−A‖/‖A‖ (undefined when A is all zeros); cosine is 1 for two zero vectors, 0 for one;",
            "Pearson is undefined when either output is constant; On/Off count ReLU units switching between ≤ 0 and > 0.",
        ]
        return (alignedTable(header: header, rows: rows, rightAligned: Set(2...8)) + notes).joined(separator: "\n")
    }

    private func number(_ value: Double) -> String { String(format: "%.4g", value) }
}
