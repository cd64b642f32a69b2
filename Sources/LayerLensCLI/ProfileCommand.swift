import ArgumentParser
import Foundation
import LayerLens

/// `layerlens profile MODEL DATA -o FILE`: what the training data looks like to the model, for `doctor`.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Profile a data set as a model sees it (input measures, every layer's units, OOD score distributions), for `doctor`.",
        discussion: """
        One streamed pass over DATA (every format eval reads), in constant memory. The profile is JSON \
        (format layerlens-profile, version 1; README "Profiles" describes it): input measures (value range, \
        background and polarity, ink size and position, sharpness, contrast, noise) and the mean image; each \
        layer's unit means, deviations, 0.1%/99.9% quantiles and firing rates; the penultimate layer's class \
        means and shared covariance; the distributions of the Mahalanobis, energy, max-softmax and combined scores.
        """
    )

    @OptionGroup var modelArguments: ModelArguments
    @OptionGroup var dataSet: DataSetArguments

    @Option(help: ArgumentHelp("Class labels: a-z, A-Z, 0-9, a comma-separated list, or a file with one label per line.", valueName: "labels"))
    var labels: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the profile (JSON).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Profile only part K of N (0 ≤ K < N), as eval's shards, and save it with --part for `layerlens merge-profiles`.", valueName: "K/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Save the run as a part file (its sums and calibration samples) for `layerlens merge-profiles`.", valueName: "file"))
    var part: String?

    @Option(help: ArgumentHelp("The most samples the distributions are taken from (a uniform random sample).", valueName: "n"))
    var calibration: Int = 4096

    @Option(help: ArgumentHelp("The seed of the calibration sample.", valueName: "s"))
    var seed: UInt64 = 0

    @OptionGroup var memory: MemoryArguments

    func validate() throws {
        try requireInRange(calibration, 2...1_000_000, for: "--calibration")
        if let shard, Shard(parsing: shard) == nil {
            throw ValidationError("--shard wants K/N with 0 ≤ K < N ≤ \(Shard.countLimit), as 0/4; got \(quoted(shard, limit: 40))")
        }
        if shard != nil, part == nil { throw ValidationError("--shard needs --part FILE to save the part for `layerlens merge-profiles`") }
        if shard != nil, output != nil { throw ValidationError("--shard and --output cannot be combined: a shard's profile is made by `layerlens merge-profiles`") }
        if shard != nil, dataSet.limit != nil { throw ValidationError("--limit and --shard cannot be combined: the first n of each shard are not the first n of the whole") }
        if output == nil, part == nil { throw ValidationError("give --output FILE for the profile (or --part FILE for a part)") }
    }

    func run() throws {
        try checkOutputs(files: [output, part])
        let model = try stage { try loadModel(at: modelArguments.model) }
        let labelNames = try stage { try labels.map { try LabelParser.parse($0, count: model.outputShape.reduce(1, *)) } }
        let selectedShard = shard.flatMap(Shard.init(parsing:)) ?? .whole
        let (data, steps) = try dataSet.open(for: model, shard: selectedShard)
        var options = ProfileOptions()
        (options.preprocess, options.limit, options.seed, options.calibrationLimit, options.memoryBudget) =
            (steps, dataSet.limit, seed, calibration, memory.budget)
        let bar = ProgressBar()
        let recorder = try stage {
            try Profiling.record(model: model, modelPath: modelArguments.model, dataSet: data, labels: labelNames, options: options, progress: bar.update)
        }
        bar.finish()
        if let part {
            let encoded = try stage { try recorder.part(modelPath: modelArguments.model, dataPath: data.path, shard: selectedShard).encoded() }
            try stage { try writeCreatingFolder(encoded, to: part) }
        }
        if let output {
            let profile = try stage {
                try recorder.profile(modelPath: modelArguments.model, dataPath: data.path, skipped: data.issues.count, pipeline: data.pipeline)
            }
            try stage { try writeCreatingFolder(try profile.encoded(), to: output) }
            try printLine("profiled \(groupedDigits(profile.data.count)) samples of \(dataSet.data) (distributions from \(groupedDigits(profile.data.calibrationCount))); wrote \(output)")
        } else if let part {
            try printLine("profiled \(groupedDigits(recorder.sampleCount)) samples of \(dataSet.data)\(shard.map { " (shard \($0))" } ?? ""); wrote \(part)")
        }
        if data.issues.count > 0 { printError("warning: \(data.issues.count) samples skipped; --strict stops at the first") }
    }
}

/// `layerlens merge-profiles MODEL PART… -o FILE`: the profile of a sharded run from its parts.
struct MergeProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-profiles",
        abstract: "Merge the parts of a sharded profile (`profile --shard K/N --part FILE`) into one profile.",
        discussion: "The sums add and the calibration samples with the smallest keys are kept: the whole run's sample, so the profile is the single run's (its sums equal to rounding)."
    )

    @OptionGroup var modelArguments: ModelArguments

    @Argument(help: "Part files written by `layerlens profile --part`.")
    var parts: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the profile (JSON).", valueName: "file"))
    var output: String

    func run() throws {
        try checkOutputs(files: [output])
        let model = try stage { try loadModel(at: modelArguments.model) }
        let loaded = try stage { try parts.map { (path: $0, part: try ProfilePart.read($0)) } }
        let recorder = try stage { try ProfileRecorder.merging(loaded, model: model, modelPath: modelArguments.model) }
        let shards = Set(loaded.flatMap(\.part.shards)), total = loaded[0].part.shards[0].count
        if shards.count < total { printError("warning: \(total - shards.count) of \(total) shards are missing; the profile covers \(shards.count)") }
        let profile = try stage { try recorder.profile(modelPath: modelArguments.model, dataPath: loaded[0].part.data, skipped: 0) }
        try stage { try writeCreatingFolder(try profile.encoded(), to: output) }
        try printLine("merged \(loaded.count) parts: \(groupedDigits(profile.data.count)) samples; wrote \(output)")
    }
}
