import ArgumentParser
import Foundation
import LayerLens

/// `layerlens eval MODEL DATA`: accuracy, confusion, calibration and layer statistics over a whole data set.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model on a whole data set: accuracy, per-class scores, confusion, calibration, dead units.",
        discussion: """
        DATA is a Kaggle-style CSV (label column, then pixels 0..255; a header is detected), a .npz with x and y \
        (or an x .npy with its y .npy beside it), or a folder with one sub-folder of images per class. It is streamed \
        in batches, in constant memory. Bad rows are skipped, counted and listed (--strict stops at the first). \
        With --shard K/N only part K of N is evaluated and --part saves its statistics; `layerlens merge` joins the \
        parts into the report of one run.
        """
    )

    @OptionGroup var modelArguments: ModelArguments

    @Option(help: ArgumentHelp("Class labels: a-z, A-Z, 0-9, a comma-separated list, or a file with one label per line (an image folder's sub-folders are matched to them by name; without them they are the classes).", valueName: "labels"))
    var labels: String?

    /// `--top`, as trace, diff and logits name their top classes; `--top-k` is its older name.
    @Option(name: [.customLong("top"), .customLong("top-k")], help: ArgumentHelp("k of the top-k accuracy.", valueName: "k"))
    var topK: Int = 3

    @OptionGroup var dataSet: DataSetArguments

    @Option(help: ArgumentHelp("A uniform random sample of n samples (see --seed).", valueName: "n"))
    var sample: Int?

    @Option(help: ArgumentHelp("The seed of --sample.", valueName: "s"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Evaluate only part K of N (0 ≤ K < N): a run of whole blocks (8 MiB of a CSV, 4,096 array rows or images).", valueName: "K/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Write the mergeable statistics to this file (for `layerlens merge`).", valueName: "file"))
    var part: String?

    @OptionGroup var memory: MemoryArguments

    @OptionGroup var profileArguments: ProfileArguments

    @Option(help: ArgumentHelp("Also write a profile of the data (as `layerlens profile` does) from the same pass.", valueName: "file"))
    var saveProfile: String?

    @OptionGroup var output: EvalOutputArguments

    func validate() throws {
        try requireInRange(topK, 1...topLimit, for: "--top")
        try requireInRange(sample, 1...Int.max, for: "--sample")
        if let shard, Shard(parsing: shard) == nil {
            throw ValidationError("--shard wants K/N with 0 ≤ K < N ≤ \(Shard.countLimit), as 0/4; got \(quoted(shard, limit: 40))")
        }
        if shard != nil, saveProfile != nil { throw ValidationError("--save-profile and --shard cannot be combined: a profile covers the whole data set") }
        if shard != nil, part == nil { throw ValidationError("--shard needs --part FILE to save the part's statistics for `layerlens merge`") }
        if shard != nil, sample != nil { throw ValidationError("--sample and --shard cannot be combined: a sample of each shard is not a sample of the whole") }
        if shard != nil, dataSet.limit != nil { throw ValidationError("--limit and --shard cannot be combined: the first n of each shard are not the first n of the whole") }
        try output.validate()
    }

    func run() throws {
        try checkOutputs(files: [part, saveProfile, output.reportPath(default: shard == nil ? defaultReport : nil)])
        let model = try stage { try loadModel(at: modelArguments.model) }
        _ = try output.layerArguments.selection(in: model)  // an unmatched --layers fails before the run, not after
        let labelNames = try stage { try labels.map { try LabelParser.parse($0, count: model.outputShape.reduce(1, *)) } }
        let selectedShard = shard.flatMap(Shard.init(parsing:)) ?? .whole
        let (dataSet, steps) = try self.dataSet.open(for: model, shard: selectedShard)
        var options = EvalOptions()
        (options.topK, options.limit, options.sample, options.seed, options.shard) = (topK, self.dataSet.limit, sample, seed, selectedShard)
        options.memoryBudget = memory.budget
        options.preprocess = steps
        options.judge = try profileArguments.doctor(for: model, labels: labelNames)
        let recorder = try saveProfile.map { _ in
            try stage {
                var profileOptions = ProfileOptions()
                (profileOptions.preprocess, profileOptions.seed, profileOptions.memoryBudget) = (steps, seed, memory.budget)
                let classes = try ClassifiedDataSet(model: model, modelPath: modelArguments.model, dataSet: dataSet, labels: labelNames)
                let recorder = try ProfileRecorder(classes: classes, options: profileOptions)
                try recorder.requireRoom(budget: memory.budget / 2, modelPath: modelArguments.model)  // eval's own statistics take the rest
                return recorder
            }
        }
        options.recorder = recorder
        let bar = ProgressBar()
        let statistics = try stage {
            try Evaluation.run(model: model, modelPath: modelArguments.model, dataSet: dataSet, labels: labelNames, options: options,
                               progress: bar.update)
        }
        bar.finish()
        if let part {
            try stage { try writeCreatingFolder(EvalPartFile.encode(statistics), to: part) }
        }
        // The profile is written first so that the summary can say so; a profile that fails still leaves the
        // report and the metrics, delivered before the error.
        let profile = Result {
            try recorder.map { try $0.profile(modelPath: modelArguments.model, dataPath: dataSet.path, skipped: dataSet.issues.count, pipeline: dataSet.pipeline) }
        }
        if let profile = try? profile.get(), let saveProfile {
            try stage { try writeCreatingFolder(profile.encoded(), to: saveProfile) }
        }
        let profileWritten = (try? profile.get()) != nil
        try output.deliver(statistics, model: model, defaultReport: shard == nil ? defaultReport : nil,
                           written: [part, profileWritten ? saveProfile : nil].compactMap { $0 })
        _ = try stage { try profile.get() }
    }

    /// The report's path when no --output names one.
    var defaultReport: String { "Reports/eval_\(baseName(dataSet.data)).png" }
}

/// `layerlens merge PART…`: shard statistics joined into the report of one run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the parts of a sharded eval (`eval --shard K/N --part FILE`) into one report.",
        discussion: "The counts and sums add exactly, so the result equals one eval over the whole data set."
    )

    @Argument(help: "Part files written by `layerlens eval --part`.")
    var parts: [String]

    @Option(help: ArgumentHelp("Also write the merged statistics as one part file.", valueName: "file"))
    var part: String?

    @OptionGroup var output: EvalOutputArguments

    func validate() throws { try output.validate() }

    func run() throws {
        try checkOutputs(files: [part, output.output])  // the default report's name comes from the parts, once read
        let loaded = try stage { try parts.map { (path: $0, statistics: try EvalPartFile.read($0)) } }
        let merged = try stage { try EvalPartFile.merge(loaded) }
        if !merged.coversEverything {
            let have = Set(merged.shards.map(\.index)), total = merged.shards[0].count
            let missing = (0..<total).lazy.filter { !have.contains($0) }.prefix(10).map { "\($0)/\(total)" }.joined(separator: ", ")
            let more = total - have.count > 10 ? " and \(total - have.count - 10) more" : ""
            printError("warning: parts \(missing)\(more) are missing; the result covers \(have.count) of \(total)")
        }
        if let part {
            try stage { try writeCreatingFolder(EvalPartFile.encode(merged), to: part) }
        }
        try output.deliver(merged, defaultReport: "Reports/eval_\(baseName(merged.data)).png", written: [part].compactMap { $0 })
    }
}

/// What `eval` and `merge` print and draw.
struct EvalOutputArguments: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the report: PNG, or HTML for a .html name (every layer, hover read-out, zoom, search) (default: Reports/eval_<data name>.png; none for a shard).", valueName: "file"))
    var output: String?

    @Flag(help: "Do not draw the PNG report.")
    var noReport = false

    @OptionGroup var layerArguments: LayerArguments

    @Flag(help: "Print JSON: model, data, count, accuracy, top_k_accuracy, per_class, confusion, ece, layers, warnings, ood (with --profile), …")
    var json = false

    func validate() throws {
        if noReport, output != nil { throw ValidationError("--no-report and --output contradict each other") }
    }

    /// Where the report goes: nowhere with --no-report, else --output or `defaultReport`.
    func reportPath(default defaultReport: String?) -> String? {
        noReport ? nil : output ?? defaultReport
    }

    /// Draws the report, prints the metrics as text or JSON and lists skipped samples. With
    /// the `model`, an HTML report groups the layers by block and links their connections.
    func deliver(_ statistics: EvalStatistics, model: Model? = nil, defaultReport: String?, written: [String]) throws {
        let metrics = EvalMetrics(statistics)
        let reportPath = reportPath(default: defaultReport)
        if let reportPath {
            let layers = try layerArguments.selection(names: metrics.layers.map(\.name), typeNames: metrics.layers.map(\.className))
            let report = try stage {
                isHTML(reportPath) ? try EvalHTMLReport.render(metrics, model: model) : try EvalReport.render(metrics, layers: layers)
            }
            try stage { try writeCreatingFolder(report, to: reportPath) }
        }
        if json {
            try printData(try stage { try prettyJSON(EvalJSON(metrics), snakeCaseKeys: true) })
        } else {
            try printLine(EvalText(metrics: metrics).text)
            let files = [reportPath].compactMap { $0 } + written
            if !files.isEmpty { try printLine("wrote " + files.joined(separator: " and ")) }
        }
        metrics.warnings.forEach { printError("warning: \($0.message)") }
        let issues = statistics.issues
        issues.kept.prefix(20).forEach { printError("skipped: \($0)") }
        if issues.count > 20 {
            printError("skipped: … and \(issues.count - 20) more (--json lists the first \(min(issues.count, IssueLog.limit)))")
        }
        if issues.count > 0 { printError("warning: \(issues.count) samples skipped; --strict stops at the first") }
    }
}

/// The metrics of an evaluation as the text `eval` prints.
struct EvalText {
    let metrics: EvalMetrics

    var text: String {
        let statistics = metrics.statistics
        var lines = ["\(statistics.model) on \(statistics.data): \(groupedDigits(statistics.count)) samples"
            + (statistics.issues.count == 0 ? "" : ", \(statistics.issues.count) skipped")]
        lines.append(String(format: "accuracy %.2f%%   top-%d %.2f%%   macro F1 %.4f   ECE %.4f",
                            metrics.accuracy * 100, statistics.topK, metrics.topKAccuracy * 100, metrics.macroF1, metrics.expectedCalibrationError))
        let pairs = metrics.confusedPairs.prefix(5).map { "\($0.trueLabel)→\($0.predictedLabel) \($0.count)" }
        if !pairs.isEmpty { lines.append("most confused (true→predicted): " + pairs.joined(separator: ", ")) }
        let weakest = metrics.weakestClasses(5).map { metrics.perClass[$0] }
        lines.append("weakest classes (F1): " + weakest.map { String(format: "%@ %.3f", $0.label, $0.f1) }.joined(separator: ", "))
        if let absent = EvalReport.absentClassesNote(metrics) { lines.append(absent) }
        if let counts = statistics.verdictCounts {
            lines.append("against the profile: " + zip(EvalStatistics.verdictOrder, counts).map { verdict, count in
                String(format: "%@ %@ (%.1f%%)", verdict.rawValue, groupedDigits(count), Double(count) * 100 / Double(max(statistics.count, 1)))
            }.joined(separator: ", "))
        }
        let rows = metrics.layers.map { layer in
            [layer.name, layer.className, "\(layer.mean.count) \(layer.unitKind)s", "\(layer.deadUnits.count)", "\(layer.alwaysActiveUnits.count)",
             String(format: "%.4g", layer.mean.reduce(0, +) / Double(max(layer.mean.count, 1)))]
        }
        lines += alignedTable(header: ["Layer", "Class", "Units", "Dead", "Always on", "Mean"], rows: rows, rightAligned: [3, 4, 5])
        return lines.joined(separator: "\n")
    }
}
