import Analysis
import DataSets
import Foundation
import InputPipeline
import ModelGraph
import Trace

/// How `profile` reads its data set.
public struct ProfileOptions: Sendable {
    /// Steps run on every sample of a CSV or array data set, as `eval` runs them.
    public var preprocess: [PreprocessStep]?
    /// Only the first `limit` good samples.
    public var limit: Int?
    /// The seed of the calibration sample.
    public var seed: UInt64 = 0
    /// The most samples in the calibration sample (distributions, unit quantiles).
    public var calibrationLimit = 4096
    /// The most examples kept to be shown beside an input; fewer when their inputs
    /// would hold more than `exampleValueLimit` values.
    public var exampleLimit = 200
    /// The most input values the examples may hold: 2²⁰ (200 letters of 784; 6 images of 224×224×3).
    public static let exampleValueLimit = 1 << 20
    /// The bytes the run may use; the calibration sample takes at most a quarter.
    public var memoryBudget = MemoryPlan.defaultBudget
    /// The most samples read at a time.
    public var batchSize = 8192

    public init() {}
}

/// Makes a `Profile`: one streamed pass over a labelled data set.
public enum Profiling {
    /// Profiles `dataSet` as `model` (read from `modelPath`) sees it. The classes
    /// are `labels`, else the data set's own, else the output indexes.
    /// `progress` is called after every batch with the samples read so far.
    public static func run(model: Model, modelPath: String, dataSet: LabeledDataSet, labels: [String]?, options: ProfileOptions,
                           progress: ((EvalProgress) -> Void)? = nil) throws -> Profile {
        try record(model: model, modelPath: modelPath, dataSet: dataSet, labels: labels, options: options, progress: progress)
            .profile(modelPath: modelPath, dataPath: dataSet.path, skipped: dataSet.issues.count, pipeline: dataSet.pipeline)
    }

    /// Runs `dataSet` (or the shard it was opened with) through `model` into a
    /// recorder: what `run` finishes into a profile, or a shard saves as a part.
    public static func record(model: Model, modelPath: String, dataSet: LabeledDataSet, labels: [String]?, options: ProfileOptions,
                              progress: ((EvalProgress) -> Void)? = nil) throws -> ProfileRecorder {
        let classes = try ClassifiedDataSet(model: model, modelPath: modelPath, dataSet: dataSet, labels: labels)
        let recorder = try ProfileRecorder(classes: classes, options: options)
        try recorder.requireRoom(budget: options.memoryBudget, modelPath: modelPath)
        let inputShape = model.inputs[0].shape
        let sources = PredictionSources(model: model)
        let held = model.parameterCount * MemoryLayout<Float>.size + recorder.heldBytes
        let plan = MemoryPlan(model: model, budget: max(1, (options.memoryBudget - held) / 5 * 4), kept: sources.kept)
        let batchSize = plan.readBatchSize(inputBytesPerSample: inputShape.reduce(1, *) * MemoryLayout<Float>.size, limit: options.batchSize)

        func profile(_ read: DataSetBatch) throws {
            let batch = try classes.prepare(read, steps: options.preprocess)
            try recorder.beginBatch(batch)
            let parts = try runInChunks(batch, inputShape: inputShape, plan: plan, makePart: recorder.makeWorker) { recording, chunk in
                let (output, logits) = try sources.run(model, inputs: [chunk.input], plan: plan) { index, output in
                    recording.visit(node: index, output: output, samples: chunk.range, labels: chunk.samples.labels)
                }
                recording.finish(samples: chunk.range, input: chunk.input, labels: chunk.samples.labels, logits: logits,
                                 probabilities: recorder.kind.probabilities(output.scalars, width: classes.width))
            }
            parts.forEach(recorder.absorb)
        }

        var seen = 0
        try dataSet.forEachBatch(maxCount: batchSize) { full in
            var batch = full
            if let limit = options.limit, seen + batch.count > limit { batch = batch.prefix(limit - seen) }
            try profile(batch)
            seen += batch.count
            progress?(EvalProgress(samples: seen, fraction: dataSet.fractionRead))
            return options.limit.map { seen < $0 } ?? true
        }
        return recorder
    }

    /// The layer whose features the Mahalanobis score reads: what the output
    /// layer reads, else the layer before it.
    static func penultimateLayer(of model: Model, output: Int) -> Int {
        if case let .node(index)? = Prediction.finalInputSource(of: model) { return index }
        return max(0, output - 1)
    }
}
