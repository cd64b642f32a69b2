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
        let classes = try ClassifiedDataSet(model: model, modelPath: modelPath, dataSet: dataSet, labels: labels)
        let (width, classNames) = (classes.width, classes.classNames)
        let inputShape = model.inputs[0].shape, inputWidth = inputShape.reduce(1, *)
        let image = try Preprocessor.imageShape(for: inputShape)
        let layouts = model.nodes.map { UnitLayout(sampleShape: $0.outputShape) }
        let penultimate = penultimateLayer(of: model, output: classes.outputIndex)
        let kind = ProbabilityKind(model: model)
        let sources = PredictionSources(model: model)

        let recordBytes = CalibrationStore.bytesPerSample(inputWidth: inputWidth, unitCounts: layouts.map(\.units))
        let capacity = max(1, min(options.calibrationLimit, options.memoryBudget / 4 / recordBytes))
        let store = CalibrationStore(capacity: capacity, inputWidth: inputWidth, unitCounts: layouts.map(\.units))
        var planner = SlotPlanner(capacity: capacity, seed: options.seed)
        var sums = ProfileSums(layouts: layouts, inputWidth: inputWidth, penultimate: penultimate, classes: width)
        let workerCount = ProcessInfo.processInfo.activeProcessorCount
        let held = model.parameterCount * MemoryLayout<Float>.size + capacity * recordBytes
            + (workerCount + 1) * ProfileSums.bytes(features: layouts[penultimate].units, classes: width)
        let plan = MemoryPlan(model: model, budget: max(1, (options.memoryBudget - held) / 5 * 4), kept: sources.kept)
        let batchSize = plan.readBatchSize(inputBytesPerSample: inputWidth * MemoryLayout<Float>.size, limit: options.batchSize)
        let chunkSize = plan.chunkSize

        func profile(_ read: DataSetBatch) throws {
            let batch = try classes.prepare(read, steps: options.preprocess)
            let slots = planner.slots(forNext: batch.count)
            let chunks = (batch.count + chunkSize - 1) / chunkSize
            let workers = min(chunks, plan.concurrentChunks, ProcessInfo.processInfo.activeProcessorCount)
            let empty = ProfileSums(layouts: layouts, inputWidth: inputWidth, penultimate: penultimate, classes: width)
            let parts = concurrentMap(workers, workers: workers) { worker in
                Result {
                    var part = empty
                    for chunk in stride(from: worker, to: chunks, by: workers) {
                        let range = (chunk * chunkSize)..<min((chunk + 1) * chunkSize, batch.count)
                        let samples = batch.slice(range)
                        let chosen = range.compactMap { sample in slots[sample].map { (sample - range.lowerBound, $0) } }
                        let input = Tensor(shape: [samples.count] + inputShape, scalars: samples.features)
                        let (output, logits) = try sources.run(model, inputs: [input], plan: plan) { index, output in
                            let (values, positive) = layouts[index].values(of: output)
                            part.addLayer(index, values: values, positive: positive, labels: samples.labels)
                            let units = layouts[index].units
                            for (row, slot) in chosen {
                                let target = store.units(index, slot)
                                for unit in 0..<units { target[unit] = values[row * units + unit] }
                            }
                        }
                        part.addInputs(samples.features, samples: samples.count)
                        let probabilities = kind.probabilities(output.scalars, width: width)
                        for (row, slot) in chosen {
                            let target = store.input(slot)
                            for i in 0..<inputWidth { target[i] = samples.features[row * inputWidth + i] }
                            store.labels[slot] = samples.labels[row]
                            let classRow = (row * width)..<((row + 1) * width)
                            let scores = energyAndMaxSoftmax(logits: logits.map { Array($0[classRow]) } ?? [], probabilities: probabilities[classRow])
                            store.energy[slot] = scores.energy
                            store.maxSoftmax[slot] = scores.maxSoftmax
                        }
                    }
                    return part
                }
            }
            for part in parts { sums.absorb(try part.get()) }
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
        guard sums.count > 0 else { throw EvalError.noUsableSamples(path: dataSet.path, skipped: dataSet.issues.count) }
        let identity = ModelIdentity(file: modelPath, inputShape: inputShape, layerNames: model.nodes.map(\.name), unitCounts: layouts.map(\.units))
        let data = DataIdentity(file: dataSet.path, count: sums.count, pipeline: options.preprocess.map { $0.map(\.text).joined(separator: ",") },
                                classNames: classNames, calibrationCount: planner.filled)
        return ProfileBuilder(sums: sums, store: store, filled: planner.filled, model: model, image: image)
            .profile(identity: identity, data: data, exampleLimit: min(options.exampleLimit, max(1, ProfileOptions.exampleValueLimit / inputWidth)))
    }

    /// The layer whose features the Mahalanobis score reads: what the output
    /// layer reads, else the layer before it.
    static func penultimateLayer(of model: Model, output: Int) -> Int {
        if case let .node(index)? = Prediction.finalInputSource(of: model) { return index }
        return max(0, output - 1)
    }
}
