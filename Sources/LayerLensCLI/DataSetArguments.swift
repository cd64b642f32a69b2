import ArgumentParser
import LayerLens

/// A labelled data set and how to read it, as `eval` and `profile` take it.
struct DataSetArguments: ParsableArguments {
    @Argument(help: "The data set: a CSV file, a .npz/.npy file, or a folder of class sub-folders.")
    var data: String

    @Option(help: ArgumentHelp("CSV: the label column (1-based).", valueName: "n"))
    var labelColumn: Int = 1

    @Option(help: ArgumentHelp(".npz: the features array.", valueName: "name"))
    var xKey: String = "x"

    @Option(help: ArgumentHelp(".npz: the labels array.", valueName: "name"))
    var yKey: String = "y"

    @Option(help: ArgumentHelp("For an x .npy: its labels .npy (default: the same name with the last x turned into y).", valueName: "file"))
    var yFile: String?

    @Option(help: ArgumentHelp(preprocessHelp + " CSV rows and arrays are taken as 0..255 square images.", valueName: "steps"))
    var preprocess: String?

    @OptionGroup var decode: DecodeArguments

    @Option(help: ArgumentHelp("Only the first n samples.", valueName: "n"))
    var limit: Int?

    @Flag(help: "Stop at the first bad sample instead of skipping it.")
    var strict = false

    func validate() throws {
        _ = try parseSteps(preprocess)
        try requireInRange(labelColumn, 1...(1 << 24), for: "--label-column")  // counts from 1
        try requireInRange(limit, 1...Int.max, for: "--limit")
    }

    /// Opens the data set (part `shard` of it) for `model`. Returns it with the
    /// steps the run must apply to its samples: an image folder runs them as it
    /// decodes, CSV rows and arrays as they are read.
    func open(for model: Model, shard: Shard = .whole) throws -> (LabeledDataSet, [PreprocessStep]?) {
        var options = DataSetOptions()
        options.labelColumn = labelColumn - 1
        (options.xKey, options.yKey, options.labelsPath, options.strict, options.shard) = (xKey, yKey, yFile, strict, shard)
        options.input = decode.options(steps: try parseSteps(preprocess), row: nil)
        let dataSet = try stage { try openDataSet(data, model: model, options: options) }
        return (dataSet, dataSet is ImageFolderDataSet ? nil : options.input.steps)
    }
}
