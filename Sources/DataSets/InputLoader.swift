import FileIO
import Foundation
import InputPipeline
import ModelGraph
import NumPyFormat

/// How to read an input.
public struct InputOptions: Sendable {
    /// Preprocessing steps; nil means only what the model's input shape forces.
    public var steps: [PreprocessStep]?
    /// The CSV data row to read (0-based).
    public var row: Int?
    public var applyExif: Bool
    public var pixelLimit: Int

    public init(steps: [PreprocessStep]? = nil, row: Int? = nil, applyExif: Bool = true,
                pixelLimit: Int = ImageDecoder.defaultPixelLimit) {
        self.steps = steps
        self.row = row
        self.applyExif = applyExif
        self.pixelLimit = pixelLimit
    }
}

/// Input options that do not apply to the file they are given for. The cases
/// carry what was wrong; `description` words them for a library user (the CLI
/// words them with its flags).
public enum InputOptionError: Error, CustomStringConvertible, Sendable {
    /// Preprocessing steps given for the `.npy` array at `path`, which is taken as already preprocessed.
    case stepsForArray(path: String)
    /// A CSV row given for `path`, a file of `kind` (an image or an `.npy` array).
    case rowOfNonCSV(path: String, kind: FileKind)

    public var description: String {
        switch self {
        case let .stepsForArray(path): "\(path) is an .npy array, taken as already preprocessed; preprocessing steps do not apply to it"
        case let .rowOfNonCSV(path, kind): "a row applies to CSV files, not to \(Self.name(of: kind)) \(path)"
        }
    }

    /// `the .npy array` or `the image`.
    public static func name(of kind: FileKind) -> String { kind == .npy ? "the .npy array" : "the image" }
}

/// Reads an input of any kind LayerLens takes and fits it to `model`'s input
/// number `index` (the first by default): a PNG or
/// JPEG image and a Kaggle-style CSV row go through the preprocessing pipeline;
/// an `.npy` array is taken as already preprocessed. Errors are `FileError`
/// (the file), `InputOptionError` (options that do not apply to it) or
/// `PipelineError` (preprocessing).
public func loadInput(_ path: String, for model: Model, input index: Int = 0, options: InputOptions = InputOptions()) throws -> PreparedInput {
    let kind = try FileKind.of(path)
    if kind == .npy {
        guard options.steps == nil else { throw InputOptionError.stepsForArray(path: path) }
        guard options.row == nil else { throw InputOptionError.rowOfNonCSV(path: path, kind: .npy) }
        let input = try ModelInput.load(npy: path, for: model, input: index)
        return PreparedInput(path: path, tensor: input.tensor, raw: nil, processed: nil, steps: [], isDefaultPipeline: false,
                             notes: input.notices, groundTruth: nil, preparedShape: input.originalShape)
    }
    let raw: Raster, notes: [String], truth: Int?
    switch kind {
    case .png, .jpeg:
        guard options.row == nil else { throw InputOptionError.rowOfNonCSV(path: path, kind: kind) }
        let decoded = try ImageDecoder.decode(path, applyExif: options.applyExif, pixelLimit: options.pixelLimit)
        (raw, notes, truth) = (decoded.raster, decoded.notes, nil)
    default:
        guard path.lowercased().hasSuffix(".csv") || options.row != nil else {
            throw FileError(path, "is not an image (PNG, JPEG), a NumPy .npy array or a CSV data set")
        }
        let sample = try readCSVRow(path, row: options.row ?? 0)
        (raw, notes, truth) = (sample.raster, ["CSV row \(options.row ?? 0) (line \(sample.line)): label \(sample.label), \(sample.raster.height)×\(sample.raster.width) pixels"], sample.label)
    }
    let result = try Preprocessor.run(options.steps, on: raw, modelInputShape: model.inputs[index].shape)
    return PreparedInput(path: path, tensor: result.tensor, raw: raw, processed: result.processed, steps: result.steps,
                         isDefaultPipeline: result.isDefaultPipeline, notes: notes, groundTruth: truth,
                         preparedShape: result.processed.shape)
}

/// The rows of `path` when it is an `.npy` batch of several samples for `model`'s
/// input number `index` (a first axis of samples, each the model's sample size),
/// opened to be read a block at a time: what a run over many inputs streams
/// instead of reading the whole array. Nil for any other file, and when options
/// apply to it, which `loadInput` then reads or refuses as usual.
public func batchedArrayRows(_ path: String, for model: Model, input index: Int = 0, options: InputOptions) -> NumPyRowReader? {
    guard options.steps == nil, options.row == nil, (try? FileKind.of(path)) == .npy,
          let reader = try? NumPyRowReader(path: path) else { return nil }
    let sampleShape = model.inputs[index].shape
    guard reader.shape != sampleShape, reader.shape.count >= 2, reader.rowCount > 1,
          reader.rowElements == sampleShape.reduce(1, *) else { return nil }
    return reader
}

/// Loads the two inputs of a diff, each with its own options, and checks that
/// they have the same shape after preprocessing: a diff compares like with like.
public func loadInputPair(_ a: String, _ b: String, for model: Model, options: (a: InputOptions, b: InputOptions)) throws -> (a: PreparedInput, b: PreparedInput) {
    let first = try loadInput(a, for: model, options: options.a)
    let second = try loadInput(b, for: model, options: options.b)
    guard first.preparedShape == second.preparedShape else {
        throw PipelineError("A (\(a)) has shape \(shapeDescription(first.preparedShape)) after preprocessing but B (\(b)) has \(shapeDescription(second.preparedShape)); diff compares inputs of one shape")
    }
    guard first.tensor.batchSize == 1, second.tensor.batchSize == 1 else {
        throw PipelineError("diff compares one sample with one sample; \(first.tensor.batchSize > 1 ? a : b) holds a batch")
    }
    return (first, second)
}

/// Row `row` (0-based, not counting a header) of a Kaggle-style CSV as a square
/// grey image, read by the data set reader in strict mode: a bad row before it is
/// an error naming its line.
func readCSVRow(_ path: String, row: Int) throws -> (raster: Raster, label: Int, line: Int) {
    let data = try CSVDataSet(path: path, strict: true)
    var seen = 0
    var found: (pixels: [Float], label: Int, line: Int)?
    try data.forEachBatch(maxCount: 4096) { batch in
        guard row < seen + batch.count else {
            seen += batch.count
            return true
        }
        let index = row - seen
        found = (Array(batch.features(ofSample: index)), batch.labels[index], batch.sampleIDs[index])
        return false
    }
    guard let found else { throw FileError(path, "has \(seen) data rows; row \(row) does not exist (rows count from 0)") }
    let side = Int(Double(found.pixels.count).squareRoot())
    guard side * side == found.pixels.count else {
        throw FileError(path, "line \(found.line): \(found.pixels.count) pixel values after the label, not a square image (784 for 28×28)")
    }
    return (Raster(height: side, width: side, channels: 1, values: found.pixels), found.label, found.line)
}
