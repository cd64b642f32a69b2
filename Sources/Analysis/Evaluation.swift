import DataSets
import FileIO
import Foundation
import InputPipeline
import ModelGraph
import Trace

/// How `eval` reads a data set.
public struct EvalOptions: Sendable {
    /// Top-k accuracy's k.
    public var topK = 3
    /// Only the first `limit` good samples.
    public var limit: Int?
    /// A uniform random sample of this many samples (reservoir sampling, in data order).
    public var sample: Int?
    public var seed: UInt64 = 0
    public var shard: Shard = .whole
    /// Steps run on every sample of a CSV or array data set, each taken as a
    /// 0..255 image (square grey, or square RGB), as `trace` runs them. Image
    /// folders take theirs from `DataSetOptions.input`.
    public var preprocess: [PreprocessStep]?
    /// Misclassified examples kept for the gallery.
    public var galleryLimit = 36
    /// The most samples read at a time; fewer when the budget says so. Each batch
    /// is traced in chunks (`MemoryPlan`), a few at a time on the cores.
    public var batchSize = 8192
    /// The bytes the run may use for its statistics, samples and layer outputs
    /// (`MemoryPlan`): each layer's statistics are taken as soon as its output
    /// exists, and the output is freed once no later layer reads it. The layers'
    /// per-class sums take at most `Evaluation.classSumShare` of it.
    public var memoryBudget = MemoryPlan.defaultBudget
    /// Judges every sample against a profile of the training data (`eval --profile`):
    /// its verdicts are counted in `EvalStatistics.verdictCounts`.
    public var judge: (any SampleJudge)?
    /// Records every sample beside eval's statistics (`eval --save-profile`).
    public var recorder: (any SampleRecorder)?

    public init() {}
}

/// How far an evaluation has got, for a progress bar.
public struct EvalProgress: Sendable {
    public let samples: Int
    /// The share of the data (or of the shard) read, when known.
    public let fraction: Double?

    public init(samples: Int, fraction: Double?) {
        self.samples = samples
        self.fraction = fraction
    }
}

/// A data set the model cannot be evaluated on, or evaluation options that do
/// not fit together. The cases carry what was wrong; `description` words them
/// for a library user (the CLI words them with its flags).
public enum EvalError: Error, CustomStringConvertible, Sendable {
    /// The model at `model` has `count` inputs; eval takes one.
    case severalInputs(model: String, count: Int)
    /// The model at `model` has no output layer.
    case noOutputLayer(model: String)
    /// The classes do not match the output's width: `classes` labels were given,
    /// or, when `folder` is set, that image folder has `classes` class folders.
    case classCountMismatch(folder: String?, classes: Int, output: String, units: Int)
    /// A class folder of the image folder at `path` is not one of `labels`.
    case unknownClassFolder(path: String, name: String, labels: [String])
    /// A sample or a limit asked for together with a shard.
    case sampleOrLimitWithShard
    /// The samples at `path` cannot be taken as square images for preprocessing.
    case samplesNotSquareImages(path: String, values: Int)
    /// Preprocessing a sample of `path` failed.
    case preprocessing(path: String, underlying: any Error)
    /// The samples at `path` do not have the width of the model's input.
    case sampleWidthMismatch(path: String, values: Int, input: String, shape: [Int])
    /// Every sample of `path` was skipped.
    case noUsableSamples(path: String, skipped: Int)

    public var description: String {
        switch self {
        case let .severalInputs(model, count): "\(model): eval takes single-input models; this one has \(count) inputs"
        case let .noOutputLayer(model): "\(model): the model has no output layer"
        case let .classCountMismatch(folder, classes, output, units):
            (folder.map { "\($0) has \(classes) class folders" } ?? "the labels name \(classes) classes")
                + " but the model's output \(quoted(output)) has \(units) units; give labels naming every output"
        case let .unknownClassFolder(path, name, labels):
            "\(path): class folder \(quoted(name)) is not one of the labels (\(labels.joined(separator: ",")))"
        case .sampleOrLimitWithShard:
            "a sample or a limit cannot be combined with a shard: a sample or the first n of each shard are not those of the whole"
        case let .samplesNotSquareImages(path, values):
            "\(path): preprocessing takes samples as square images; \(values) values are not one"
        case let .preprocessing(path, underlying): "\(path): preprocessing: \(underlying)"
        case let .sampleWidthMismatch(path, values, input, shape):
            "\(path): samples have \(values) values but the model's input \(quoted(input)) takes \(shapeDescription(shape)) = \(shape.reduce(1, *))"
        case let .noUsableSamples(path, skipped): "\(path): no usable samples (\(skipped) skipped)"
        }
    }
}

/// Runs a model over a whole labelled data set, batch by batch in constant
/// memory, and counts what `eval` reports.
public enum Evaluation {
    /// The share of the memory budget the layers' per-class sums may take: 1/4.
    /// They are held for the whole run, while the chunks being traced need the
    /// rest (their size sets the speed, and the batch being read takes another
    /// quarter, `MemoryPlan.readBatchSize`); a quarter of 1 GiB still keeps
    /// ResNet50's class means for its 1,000 classes from the output back to the
    /// last block's convolutions, the layers whose class means are read.
    public static let classSumShare = 4

    /// Evaluates `model` (read from `modelPath`) on `dataSet`. The classes are
    /// `labels`, else the data set's own (an image folder's sub-folders), else
    /// the output indexes; a folder's classes are matched to `labels` by name.
    /// `progress` is called after every batch.
    public static func run(model: Model, modelPath: String, dataSet: LabeledDataSet, labels: [String]?, options: EvalOptions,
                           progress: ((EvalProgress) -> Void)? = nil) throws -> EvalStatistics {
        let classes = try ClassifiedDataSet(model: model, modelPath: modelPath, dataSet: dataSet, labels: labels)
        let (width, classNames) = (classes.width, classes.classNames)
        if options.sample != nil || options.limit != nil, options.shard.count > 1 {
            throw EvalError.sampleOrLimitWithShard
        }
        let kind = ProbabilityKind(model: model)
        var statistics = EvalStatistics(model: modelPath, data: dataSet.path, classNames: classNames, topK: min(options.topK, width),
                                        probabilityKind: kind, layers: model.nodes.map { ($0.name, $0.typeName, $0.outputShape) },
                                        galleryLimit: options.galleryLimit, shard: options.shard,
                                        preprocess: options.preprocess.map { $0.map(\.text).joined(separator: ",") },
                                        classSumBudget: options.memoryBudget / classSumShare)
        if let judge = options.judge {
            statistics.verdictCounts = EvalStatistics.verdictOrder.map { _ in 0 }
            statistics.verdictReference = judge.reference
        }
        let inputShape = model.inputs[0].shape, inputWidth = inputShape.reduce(1, *)
        let sources = PredictionSources(model: model)
        // The weights and the statistics are held for the whole run; the chunks get four fifths of what
        // they leave, the read batch (a quarter of the chunks' share, `readBatchSize`) the rest.
        let held = model.parameterCount * MemoryLayout<Float>.size + statistics.layerBytes + (options.recorder?.heldBytes ?? 0)
        let plan = MemoryPlan(model: model, budget: max(1, (options.memoryBudget - held) / 5 * 4), kept: sources.kept)
        let batchSize = plan.readBatchSize(inputBytesPerSample: inputWidth * MemoryLayout<Float>.size, limit: options.batchSize)
        // The layers' totals are shared by the workers; the parts count only predictions.
        let layerTotals = LayerTotals(statistics.layers)
        statistics.layers = []
        func evaluate(_ read: DataSetBatch) throws {
            let batch = try classes.prepare(read, steps: options.preprocess)
            try options.recorder?.beginBatch(batch)
            // Each worker adds each layer's output to the shared totals while it is in cache, and drops it
            // once no later layer reads it; it counts the predictions into a part of its own. Counts and
            // exact sums add up in any order.
            let empty = statistics.emptied()
            let parts = try runInChunks(batch, inputShape: inputShape, plan: plan,
                                        makePart: { (statistics: empty, recording: options.recorder?.makeWorker()) }) { part, chunk in
                let (range, samples, input) = (chunk.range, chunk.samples, chunk.input)
                let judgement = options.judge?.startChunk()
                let (output, logits) = try sources.run(model, inputs: [input], plan: plan) { index, output in
                    layerTotals.add(index, output: output, labels: samples.labels)
                    judgement?.visit(node: index, output: output)
                    part.recording?.visit(node: index, output: output, samples: range, labels: samples.labels)
                }
                let probabilities = kind.probabilities(output.scalars, width: width)
                part.recording?.finish(samples: range, input: input, labels: samples.labels, logits: logits, probabilities: probabilities)
                part.statistics.add(input: input, probabilities: probabilities, logits: logits, labels: samples.labels, sampleIDs: samples.sampleIDs)
                if let judgement {
                    part.statistics.add(verdicts: judgement.finish(input: input, logits: logits, probabilities: probabilities).map(\.scores.verdict))
                }
            }
            for part in parts {
                statistics.absorb(part.statistics)
                if let recording = part.recording { options.recorder?.absorb(recording) }
            }
        }
        var seen = 0
        var reservoir = options.sample.map { Reservoir(capacity: $0, seed: options.seed) }
        try dataSet.forEachBatch(maxCount: batchSize) { full in
            var batch = full
            if let limit = options.limit, seen + batch.count > limit { batch = batch.prefix(limit - seen) }
            if reservoir != nil {
                reservoir!.offer(batch)
            } else {
                try evaluate(batch)
            }
            seen += batch.count
            progress?(EvalProgress(samples: seen, fraction: dataSet.fractionRead))
            return options.limit.map { seen < $0 } ?? true
        }
        if let chosen = reservoir?.batch {
            for start in stride(from: 0, to: chosen.count, by: batchSize) {
                try evaluate(chosen.slice(start..<min(start + batchSize, chosen.count)))
            }
        }
        statistics.layers = layerTotals.layers
        statistics.preprocess = statistics.preprocess ?? dataSet.pipeline
        statistics.record(issues: dataSet.issues)
        statistics.nameGallery(dataSet.sampleName)
        guard statistics.count > 0 || options.shard.count > 1 else {
            throw EvalError.noUsableSamples(path: dataSet.path, skipped: dataSet.issues.count)
        }
        return statistics
    }
}

/// One chunk of a batch as `runInChunks` hands it to a worker: the samples' range
/// in the batch, the samples, and their model input.
public struct BatchChunk {
    public let range: Range<Int>
    public let samples: DataSetBatch
    public let input: Tensor
}

/// Runs `body` on `batch` in `plan`'s chunks, shared among up to one worker per
/// core, each taking every `workers`-th chunk into a part of its own made by
/// `makePart`: the chunks, and so their results, do not depend on the core count.
/// Returns the workers' parts, in worker order.
public func runInChunks<Part>(_ batch: DataSetBatch, inputShape: [Int], plan: MemoryPlan, makePart: () -> Part,
                              _ body: (inout Part, BatchChunk) throws -> Void) throws -> [Part] {
    let chunkSize = plan.chunkSize, chunks = (batch.count + chunkSize - 1) / chunkSize
    let workers = min(chunks, plan.concurrentChunks, ProcessInfo.processInfo.activeProcessorCount)
    return try concurrentMap(workers, workers: workers) { worker in
        Result {
            var part = makePart()
            for chunk in stride(from: worker, to: chunks, by: workers) {
                let range = (chunk * chunkSize)..<min((chunk + 1) * chunkSize, batch.count)
                let samples = batch.slice(range)
                try body(&part, BatchChunk(range: range, samples: samples, input: Tensor(shape: [samples.count] + inputShape, scalars: samples.features)))
            }
            return part
        }
    }.map { try $0.get() }
}

/// A labelled data set as a single-input classifier's run over it sees it: the
/// model's output, the class names (`labels`, else the data set's own, else the
/// output indexes; a folder's classes matched to `labels` by name), and each
/// batch made ready for the model. What `eval` and `profile` share.
public struct ClassifiedDataSet {
    public let model: Model
    public let dataSet: LabeledDataSet
    /// The output node's index and width.
    public let outputIndex: Int
    public let width: Int
    public let classNames: [String]
    /// Each of the data set's class indexes among `classNames`, when they differ.
    let labelMap: [Int]?

    /// Throws an `EvalError` when the model has several inputs or no output, or
    /// the classes do not match the output's width.
    public init(model: Model, modelPath: String, dataSet: LabeledDataSet, labels: [String]?) throws {
        guard model.inputs.count == 1 else { throw EvalError.severalInputs(model: modelPath, count: model.inputs.count) }
        guard case let .node(outputIndex)? = model.outputs.first else { throw EvalError.noOutputLayer(model: modelPath) }
        width = model.nodes[outputIndex].outputShape.reduce(1, *)
        classNames = labels ?? dataSet.classNames ?? (0..<width).map(String.init)
        guard classNames.count == width else {
            throw EvalError.classCountMismatch(folder: labels == nil ? dataSet.path : nil, classes: classNames.count,
                                               output: model.nodes[outputIndex].name, units: width)
        }
        labelMap = try classIndexes(of: dataSet, in: classNames)
        (self.model, self.dataSet, self.outputIndex) = (model, dataSet, outputIndex)
    }

    /// `batch` with its labels mapped to `classNames` and its samples run through
    /// `steps`; throws when the samples do not have the model input's width.
    public func prepare(_ batch: DataSetBatch, steps: [PreprocessStep]?) throws -> DataSetBatch {
        var prepared = batch
        if let labelMap { prepared.labels = prepared.labels.map { labelMap[$0] } }
        if let steps { prepared = try preprocessSamples(prepared, steps: steps, model: model, path: dataSet.path) }
        let inputShape = model.inputs[0].shape
        guard prepared.featureCount == inputShape.reduce(1, *) else {
            throw EvalError.sampleWidthMismatch(path: dataSet.path, values: prepared.featureCount, input: model.inputs[0].name, shape: inputShape)
        }
        return prepared
    }
}

/// `batch` with every sample run through `steps` as a 0..255 image of the square
/// shape its values make (grey, or RGB), on all cores.
func preprocessSamples(_ batch: DataSetBatch, steps: [PreprocessStep], model: Model, path: String) throws -> DataSetBatch {
    let image: (height: Int, width: Int, channels: Int)
    do { image = try Preprocessor.imageShape(for: [batch.featureCount]) } catch {
        throw EvalError.samplesNotSquareImages(path: path, values: batch.featureCount)
    }
    let inputShape = model.inputs[0].shape
    let prepared = concurrentMap(batch.count) { sample in
        Result {
            let raster = Raster(height: image.height, width: image.width, channels: image.channels,
                                values: Array(batch.features(ofSample: sample)))
            return try Preprocessor.run(steps, on: raster, modelInputShape: inputShape).tensor.scalars
        }
    }
    let inputWidth = inputShape.reduce(1, *)
    var preparedFeatures: [Float] = []
    preparedFeatures.reserveCapacity(batch.count * inputWidth)
    for outcome in prepared {
        switch outcome {
        case let .success(values): preparedFeatures += values
        case let .failure(error): throw EvalError.preprocessing(path: path, underlying: error)
        }
    }
    return DataSetBatch(features: preparedFeatures, labels: batch.labels, sampleIDs: batch.sampleIDs, featureCount: inputWidth)
}

/// For a data set that names its own classes (an image folder) evaluated with
/// labels: each of its classes' index among the labels, found by name, so a
/// folder may hold only some of the model's classes. Nil when no mapping is needed.
private func classIndexes(of dataSet: LabeledDataSet, in classNames: [String]) throws -> [Int]? {
    guard let own = dataSet.classNames, own != classNames else { return nil }
    return try own.map { name in
        guard let index = classNames.firstIndex(of: name) else {
            throw EvalError.unknownClassFolder(path: dataSet.path, name: name, labels: classNames)
        }
        return index
    }
}
