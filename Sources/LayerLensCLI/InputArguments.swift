import ArgumentParser
import LayerLens

/// Throws a usage error (exit status 64) unless the number given for `flag`
/// lies in `range`; nil (not given) passes. Every number option is checked here.
func requireInRange(_ value: Int?, _ range: ClosedRange<Int>, for flag: String) throws {
    guard let value, !range.contains(value) else { return }
    let allowed = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
    throw ValidationError("\(flag) must be \(allowed), not \(value)")
}

/// The most top classes, units or top-k hits a command lists.
let topLimit = 1000

/// How images are decoded.
struct DecodeArguments: ParsableArguments {
    @Flag(help: "Ignore the EXIF orientation of JPEGs (by default it is applied, as OpenCV's imread does).")
    var noExif = false

    @Option(help: ArgumentHelp("Refuse images with more pixels than this, before decoding them.", valueName: "n"))
    var maxPixels: Int = ImageDecoder.defaultPixelLimit

    func validate() throws {
        try requireInRange(maxPixels, 1...Int.max, for: "--max-pixels")
    }

    /// Input options with these decoding settings.
    func options(steps: [PreprocessStep]?, row: Int?) -> InputOptions {
        InputOptions(steps: steps, row: row, applyExif: !noExif, pixelLimit: maxPixels)
    }
}

/// The help text of every `--preprocess` option.
let preprocessHelp = "Comma-separated preprocessing steps, run in order: gray, resize=WxH[:bilinear|area|nearest], invert, scale=F, standardize=MEAN:STD, contrast=S:B, blur=SIGMA, threshold=T, normalize, fit[=BOX], flatten. Without it, only what the model's input shape forces is done."

/// Parses a `--preprocess` value; a bad step is a usage error naming it.
func parseSteps(_ text: String?) throws -> [PreprocessStep]? {
    do { return try text.map { try PreprocessStep.parse($0) } } catch let error as PipelineError {
        throw ValidationError(error.description)
    }
}

/// How an input is read and preprocessed.
struct InputArguments: ParsableArguments {
    @Option(help: ArgumentHelp(preprocessHelp, valueName: "steps"))
    var preprocess: String?

    @Option(help: ArgumentHelp("For a CSV data set: the data row to use (0-based); its label is shown as the true class.", valueName: "n"))
    var row: Int?

    @OptionGroup var decode: DecodeArguments

    func validate() throws {
        _ = try parseSteps(preprocess)
        try requireInRange(row, 0...Int.max, for: "--row")
    }

    func options() throws -> InputOptions {
        decode.options(steps: try parseSteps(preprocess), row: row)
    }
}

/// Class labels and how many top classes to show.
struct LabelArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Class labels: a-z, A-Z, 0-9, a comma-separated list, or a file with one label per line.", valueName: "labels"))
    var labels: String?

    @Option(help: "How many top classes to show.")
    var top: Int = 3

    func validate() throws {
        try requireInRange(top, 1...topLimit, for: "--top")
    }

    /// The labels for `model`'s outputs, or nil for class indices.
    func names(for model: Model) throws -> [String]? {
        try labels.map { try LabelParser.parse($0, count: model.outputShape.reduce(1, *)) }
    }
}

/// How the report is drawn.
struct ReportArguments: ParsableArguments {
    @OptionGroup var labelArguments: LabelArguments

    @Option(help: ArgumentHelp("Colour scale of the maps: layer (each its own min..max), global (one for all), symmetric (±max|value|).", valueName: "mode"))
    var scale: ColorScaleMode = .layer

    @Option(help: ArgumentHelp("Draw every map cell this many pixels wide (default: each map about 180 pixels).", valueName: "px"))
    var cellPx: Int?

    @Option(help: ArgumentHelp("Show at most this many channels of a convolutional layer, the most active ones.", valueName: "n"))
    var maxChannels: Int = 64

    func validate() throws {
        try requireInRange(cellPx, 1...100, for: "--cell-px")
        try requireInRange(maxChannels, 1...Int.max, for: "--max-channels")
    }

    var reportOptions: TraceReportOptions {
        TraceReportOptions(scale: scale, cellPixels: cellPx, top: labelArguments.top, maxChannels: maxChannels)
    }

    /// The HTML report's settings: every channel of every layer, so --cell-px, --max-channels and --layers do not apply.
    var htmlOptions: HTMLReportOptions {
        HTMLReportOptions(top: labelArguments.top, scale: scale)
    }
}

extension ColorScaleMode: ExpressibleByArgument {}

/// A profile of the training data that `trace` and `logits` judge their inputs against.
struct ProfileArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Also judge each input against this profile of the training data (from `layerlens profile`): out-of-distribution scores and a verdict, in --json as \"ood\", and a warning when the input is not in.", valueName: "file"))
    var profile: String?

    /// The doctor for `model` with the profile, when one is given.
    func doctor(for model: Model, labels: [String]?) throws -> Doctor? {
        try profile.map { try Self.doctor(profile: $0, model: model, labels: labels) }
    }

    /// Reads the profile at `path` and checks it belongs to `model`; one error line otherwise.
    static func doctor(profile path: String, model: Model, labels: [String]?) throws -> Doctor {
        try stage { try Doctor(model: model, profile: try Profile.read(path), profilePath: path, labels: labels) }
    }
}
