import ArgumentParser
import Foundation
import LayerLens

/// `layerlens logits MODEL INPUT…`: the final layer explained for many inputs.
struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Explain the final layer for many inputs: top-k with logits and probabilities, entropy, margin.",
        discussion: """
        INPUTs are files, folders (their PNG, JPEG and .npy files) or quoted glob patterns. Inputs are read a block \
        at a time that fits --memory, each block decoded on all cores. An unreadable input is reported and skipped; the exit status is then 1.
        """
    )

    @OptionGroup var modelArguments: ModelArguments

    @Argument(help: "Input files, folders or quoted glob patterns.")
    var inputs: [String]

    @OptionGroup var inputArguments: InputArguments

    @OptionGroup var labelArguments: LabelArguments

    @OptionGroup var memory: MemoryArguments

    @OptionGroup var profileArguments: ProfileArguments

    @Flag(help: "Print JSON: {inputs: [{input, logits, probabilities, activation_applied, top, entropy, normalized_entropy, margin, warnings, ood (with --profile)}], warnings}.")
    var json = false

    @Flag(help: "Print CSV, one row per input.")
    var csv = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Also draw a contact sheet PNG: each input as the model sees it (after preprocessing) with its top classes (at most \(LogitsSheet.classLimit)); the first \(LogitsSheet.inputLimit) inputs.", valueName: "file.png"))
    var output: String?

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv exclude each other") }
        if let output, URL(fileURLWithPath: output).pathExtension.lowercased() != "png" {
            throw ValidationError("the contact sheet (-o) is a PNG: give a .png name")
        }
        if inputArguments.row != nil { throw ValidationError("--row is for one CSV row with trace; logits takes images and .npy files") }
    }

    func run() throws {
        try checkOutputs(files: [output])
        let model = try stage { try loadModel(at: modelArguments.model) }
        let files = try stage { try InputCollection.expand(inputs) }
        let labelNames = try stage { try labelArguments.names(for: model) }
        let doctor = try profileArguments.doctor(for: model, labels: labelNames)
        let run = try stage { try LogitsRun(model: model, inputs: files, options: inputArguments.options(), labels: labelNames,
                                                memoryBudget: memory.budget, keptInputs: output == nil ? 0 : LogitsSheet.inputLimit, judge: doctor) }
        if let output, !run.entries.isEmpty {
            let sheet = try stage { try LogitsSheet.render(run, modelPath: modelArguments.model, top: labelArguments.top) }
            try stage { try writeCreatingFolder(sheet, to: output) }
        }
        if json {
            try printData(try stage { try prettyJSON(LogitsJSON(run, top: labelArguments.top)) })
        } else if csv {
            try printLine(LogitsTable(run: run, top: labelArguments.top).csv)
        } else if !run.entries.isEmpty {
            try printLine(LogitsTable(run: run, top: labelArguments.top).text)
            if let output { try printLine("wrote \(output)") }
        }
        printWarnings(of: run)
        run.failures.forEach { printError("error: \(errorText($0))") }
        if !run.failures.isEmpty {
            printError("error: \(run.failures.count) of \(files.count) inputs could not be read")
            throw ExitCode.failure
        }
    }
}

/// The run's warnings on stderr: each kind once, with the first input that has it
/// and how many more do, then those of the inputs together.
func printWarnings(of run: LogitsRun) {
    var firsts: [(input: String, warning: RunWarning)] = [], counts: [String: Int] = [:]
    for entry in run.entries {
        for warning in entry.warnings {
            if counts[warning.kind] == nil { firsts.append((entry.input, warning)) }
            counts[warning.kind, default: 0] += 1
        }
    }
    for (input, warning) in firsts {
        let more = counts[warning.kind, default: 1] - 1
        printError("warning: \(input): \(warning.message)" + (more > 0 ? " (and \(more) more input\(more == 1 ? "" : "s"))" : ""))
    }
    run.warnings.forEach { printError("warning: \($0.message)") }
}

/// The table and CSV forms of a logits run.
struct LogitsTable {
    let run: LogitsRun
    let top: Int

    private var kind: ProbabilityKind? { run.entries.first?.statistics.prediction.kind }

    var text: String {
        let header = ["Input"] + (1...top).map { "Top \($0)" } + ["Entropy (nats)", "Normalised", "Margin", "Max logit"]
        let rows = run.entries.map { entry -> [String] in
            let statistics = entry.statistics
            let scores = statistics.prediction.top(top)
            return [entry.input] + (0..<top).map { index in
                index < scores.count ? scoreText(scores[index]) : ""
            } + [number(statistics.entropy), number(statistics.normalizedEntropy), number(statistics.margin), statistics.maxLogit.map(number) ?? "n/a"]
        }
        let note = switch kind {
        case .softmax?: "probabilities: softmax of the logits"
        case .none?: "probabilities: the model's softmax output; logits: the last Dense layer's pre-activation"
        case .sigmoid?: "probabilities: sigmoid outputs, independent per class; entropy: sum of binary entropies"
        case nil: ""
        }
        return (alignedTable(header: header, rows: rows, rightAligned: Set(top + 1...top + 4)) + [note]).joined(separator: "\n")
    }

    var csv: String {
        let header = ["input"] + (1...top).flatMap { ["top\($0)_label", "top\($0)_probability", "top\($0)_logit"] }
            + ["entropy", "normalized_entropy", "margin", "max_logit", "activation_applied"]
        let rows = run.entries.map { entry -> [String] in
            let statistics = entry.statistics
            let scores = statistics.prediction.top(top)
            return [entry.input] + (0..<top).flatMap { index -> [String] in
                guard index < scores.count else { return ["", "", ""] }
                return [scores[index].label, String(scores[index].probability), scores[index].logit.map { String($0) } ?? ""]
            } + [String(statistics.entropy), String(statistics.normalizedEntropy), String(statistics.margin),
                 statistics.maxLogit.map { String($0) } ?? "", statistics.prediction.kind.rawValue]
        }
        return ([header] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n")
    }

    private func csvField(_ field: String) -> String {
        field.contains(where: { ",\"\n".contains($0) }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    private func number(_ value: Double) -> String { value.isFinite ? String(format: "%.4g", value) : "NaN (non-finite outputs)" }
}
