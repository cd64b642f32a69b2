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
    var output: String

    @Option(help: ArgumentHelp("The most samples the distributions are taken from (a uniform random sample).", valueName: "n"))
    var calibration: Int = 4096

    @Option(help: ArgumentHelp("The seed of the calibration sample.", valueName: "s"))
    var seed: UInt64 = 0

    @OptionGroup var memory: MemoryArguments

    func validate() throws {
        try requireInRange(calibration, 2...1_000_000, for: "--calibration")
    }

    func run() throws {
        try checkOutputs(files: [output])
        let model = try stage { try loadModel(at: modelArguments.model) }
        let labelNames = try stage { try labels.map { try LabelParser.parse($0, count: model.outputShape.reduce(1, *)) } }
        let (data, steps) = try dataSet.open(for: model)
        var options = ProfileOptions()
        (options.preprocess, options.limit, options.seed, options.calibrationLimit, options.memoryBudget) =
            (steps, dataSet.limit, seed, calibration, memory.budget)
        let bar = ProgressBar()
        let profile = try stage {
            try Profiling.run(model: model, modelPath: modelArguments.model, dataSet: data, labels: labelNames, options: options, progress: bar.update)
        }
        bar.finish()
        let encoded = try stage { try profile.encoded() }
        try stage { try writeCreatingFolder(encoded, to: output) }
        try printLine("profiled \(groupedDigits(profile.data.count)) samples of \(dataSet.data) (distributions from \(groupedDigits(profile.data.calibrationCount))); wrote \(output)")
        if data.issues.count > 0 { printError("warning: \(data.issues.count) samples skipped; --strict stops at the first") }
    }
}
