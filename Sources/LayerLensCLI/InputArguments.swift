import ArgumentParser
import LayerLens

/// How an input is read and preprocessed.
struct InputArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Comma-separated preprocessing steps, run in order: gray, resize=WxH[:bilinear|area|nearest], invert, scale=F, standardize=MEAN:STD, contrast=S:B, blur=SIGMA, threshold=T, fit[=BOX], flatten. Without it, only what the model's input shape forces is done.", valueName: "steps"))
    var preprocess: String?

    @Option(help: ArgumentHelp("For a CSV data set: the data row to use (0-based); its label is shown as the true class.", valueName: "n"))
    var row: Int?

    @Flag(help: "Ignore the EXIF orientation of JPEGs (by default it is applied, as OpenCV's imread does).")
    var noExif = false

    @Option(help: ArgumentHelp("Refuse images with more pixels than this, before decoding them.", valueName: "n"))
    var maxPixels: Int = ImageDecoder.defaultPixelLimit

    /// The parsed steps; usage errors name the bad step.
    func steps() throws -> [PreprocessStep]? {
        try preprocess.map { try PreprocessStep.parse($0) }
    }

    func validate() throws {
        do { _ = try steps() } catch let error as PipelineError { throw ValidationError(error.description) }
        if let row, row < 0 { throw ValidationError("--row must be 0 or more") }
        if maxPixels < 1 { throw ValidationError("--max-pixels must be at least 1") }
    }

    func options() throws -> InputOptions {
        InputOptions(steps: try steps(), row: row, applyExif: !noExif, pixelLimit: maxPixels)
    }
}

/// How the report is drawn.
struct ReportArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Class labels: a-z, A-Z, 0-9, a comma-separated list, or a file with one label per line.", valueName: "labels"))
    var labels: String?

    @Option(help: "How many top classes to show.")
    var top: Int = 3

    @Option(help: ArgumentHelp("Colour scale of the maps: layer (each its own min..max), global (one for all), symmetric (±max|value|).", valueName: "mode"))
    var scale: ColorScaleMode = .layer

    @Option(help: ArgumentHelp("Draw every map cell this many pixels wide (default: each map about 180 pixels).", valueName: "px"))
    var cellPx: Int?

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if let cellPx, !(1...100).contains(cellPx) { throw ValidationError("--cell-px must be from 1 to 100") }
    }

    var reportOptions: TraceReportOptions { TraceReportOptions(scale: scale, cellPixels: cellPx, top: top) }
}

extension ColorScaleMode: ExpressibleByArgument {}
