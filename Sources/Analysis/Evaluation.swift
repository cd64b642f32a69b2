import DataSets
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
    /// Samples read at a time. Each batch is traced in chunks of
    /// `Tracer.chunkSize`, one per core at a time, so memory holds the batch's
    /// inputs and a few chunks' layer outputs, whatever the batch size.
    public var batchSize = 8192

    public init() {}
}

/// How far an evaluation has got, for a progress bar.
public struct EvalProgress: Sendable {
    public let samples: Int
    /// The share of the data (or of the shard) read, when known.
    public let fraction: Double?
}

/// A data set the model cannot be evaluated on.
public struct EvalError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a model over a whole labelled data set, batch by batch in constant
/// memory, and counts what `eval` reports.
public enum Evaluation {
    /// Evaluates `model` (read from `modelPath`) on `dataSet`. The classes are
    /// `labels`, else the data set's own (an image folder's sub-folders), else
    /// the output indexes; a folder's classes are matched to `labels` by name.
    /// `progress` is called after every batch.
    public static func run(model: Model, modelPath: String, dataSet: LabeledDataSet, labels: [String]?, options: EvalOptions,
                           progress: ((EvalProgress) -> Void)? = nil) throws -> EvalStatistics {
        guard model.inputs.count == 1 else {
            throw EvalError("\(modelPath): eval takes single-input models; this one has \(model.inputs.count) inputs")
        }
        guard case let .node(outputIndex)? = model.outputs.first else { throw EvalError("\(modelPath): the model has no output layer") }
        let width = model.nodes[outputIndex].outputShape.reduce(1, *)
        let classNames = labels ?? dataSet.classNames ?? (0..<width).map(String.init)
        guard classNames.count == width else {
            let source = labels == nil ? "\(dataSet.path) has \(classNames.count) class folders" : "--labels names \(classNames.count) classes"
            throw EvalError("\(source) but the model's output '\(model.nodes[outputIndex].name)' has \(width) units; give --labels naming every output")
        }
        let labelMap = try classIndexes(of: dataSet, in: classNames)
        if options.sample != nil || options.limit != nil, options.shard.count > 1 {
            throw EvalError("--sample and --limit cannot be combined with --shard: a sample or the first n of each shard are not those of the whole")
        }
        let kind = ProbabilityKind(model: model)
        var statistics = EvalStatistics(model: modelPath, data: dataSet.path, classNames: classNames, topK: min(options.topK, width),
                                        probabilityKind: kind, layers: model.nodes.map { ($0.name, $0.typeName, $0.outputShape) },
                                        galleryLimit: options.galleryLimit, shard: options.shard,
                                        preprocess: options.preprocess.map { $0.map(\.text).joined(separator: ",") })
        let inputShape = model.inputs[0].shape, inputWidth = inputShape.reduce(1, *)
        let batchSize = options.batchSize
        func evaluate(_ read: DataSetBatch) throws {
            var batch = read
            if let labelMap { batch.labels = batch.labels.map { labelMap[$0] } }
            if let steps = options.preprocess { batch = try preprocessSamples(batch, steps: steps, model: model, path: dataSet.path) }
            guard batch.featureCount == inputWidth else {
                throw EvalError("\(dataSet.path): samples have \(batch.featureCount) values but the model's input '\(model.inputs[0].name)' takes \(shapeDescription(inputShape)) = \(inputWidth)")
            }
            // Each chunk is traced and counted on its own core, its outputs still in cache; the parts'
            // counts and exact sums then add up in any order.
            let chunks = (batch.count + Tracer.chunkSize - 1) / Tracer.chunkSize
            let empty = statistics.emptied()
            let parts = concurrentMap(chunks) { chunk in
                Result {
                    let samples = batch.slice((chunk * Tracer.chunkSize)..<min((chunk + 1) * Tracer.chunkSize, batch.count))
                    let trace = try Tracer.trace(model, input: Tensor(shape: [samples.count] + inputShape, scalars: samples.features))
                    var part = empty
                    part.add(trace: trace, probabilities: kind.probabilities(trace.outputs[0].scalars, width: width),
                             labels: samples.labels, sampleIDs: samples.sampleIDs)
                    return part
                }
            }
            for part in parts { statistics.absorb(try part.get()) }
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
        statistics.record(issues: dataSet.issues)
        statistics.nameGallery(dataSet.sampleName)
        guard statistics.count > 0 || options.shard.count > 1 else {
            throw EvalError("\(dataSet.path): no usable samples (\(dataSet.issues.count) skipped)")
        }
        return statistics
    }
}

/// `batch` with every sample run through `steps` as a 0..255 image of the square
/// shape its values make (grey, or RGB), on all cores.
func preprocessSamples(_ batch: DataSetBatch, steps: [PreprocessStep], model: Model, path: String) throws -> DataSetBatch {
    let image: (height: Int, width: Int, channels: Int)
    do { image = try Preprocessor.imageShape(for: [batch.featureCount]) } catch {
        throw EvalError("\(path): --preprocess takes samples as square images; \(batch.featureCount) values are not one")
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
        case let .failure(error): throw EvalError("\(path): --preprocess: \(error)")
        }
    }
    return DataSetBatch(features: preparedFeatures, labels: batch.labels, sampleIDs: batch.sampleIDs, featureCount: inputWidth)
}

/// For a data set that names its own classes (an image folder) evaluated with
/// `--labels`: each of its classes' index among the labels, found by name, so a
/// folder may hold only some of the model's classes. Nil when no mapping is needed.
private func classIndexes(of dataSet: LabeledDataSet, in classNames: [String]) throws -> [Int]? {
    guard let own = dataSet.classNames, own != classNames else { return nil }
    return try own.map { name in
        guard let index = classNames.firstIndex(of: name) else {
            throw EvalError("\(dataSet.path): class folder '\(name)' is not one of the labels (\(classNames.joined(separator: ",")))")
        }
        return index
    }
}
