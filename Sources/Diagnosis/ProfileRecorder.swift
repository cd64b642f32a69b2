import Analysis
import DataSets
import Foundation
import InputPipeline
import ModelGraph
import Trace

/// The profile of a data set in the making, fed by a streamed run (`profile`,
/// or `eval --save-profile` beside eval's own statistics): the exact sums, and
/// the calibration sample written by the workers straight into its slots.
public final class ProfileRecorder: SampleRecorder, @unchecked Sendable {
    let model: Model
    let classNames: [String]
    let options: ProfileOptions
    let layouts: [UnitLayout]
    let penultimate: Int
    let kind: ProbabilityKind
    let inputWidth: Int
    let image: (height: Int, width: Int, channels: Int)
    let store: CalibrationStore
    var planner: SlotPlanner
    var sums: ProfileSums
    /// The slot of each sample of the current batch (nil: not in the calibration sample).
    private var slots: [Int?] = []

    /// A recorder for `classes` (the model and the data set) under `options`; its
    /// calibration sample takes at most a quarter of the memory budget.
    public convenience init(classes: ClassifiedDataSet, options: ProfileOptions) throws {
        try self.init(model: classes.model, classNames: classes.classNames, outputIndex: classes.outputIndex, options: options)
    }

    init(model: Model, classNames: [String], outputIndex: Int, options: ProfileOptions) throws {
        self.model = model
        self.classNames = classNames
        self.options = options
        inputWidth = model.inputs[0].shape.reduce(1, *)
        image = try Preprocessor.imageShape(for: model.inputs[0].shape)
        layouts = model.nodes.map { UnitLayout(sampleShape: $0.outputShape) }
        penultimate = Profiling.penultimateLayer(of: model, output: outputIndex)
        kind = ProbabilityKind(model: model)
        let recordBytes = CalibrationStore.bytesPerSample(inputWidth: inputWidth, unitCounts: layouts.map(\.units))
        // At most a quarter of the budget, and no more than a part file (JSON, ~12 bytes a number) can hold.
        let valuesPerSample = recordBytes / MemoryLayout<Float>.size
        let capacity = max(1, min(options.calibrationLimit, options.memoryBudget / 4 / recordBytes, Profile.fileSizeLimit / 12 / valuesPerSample))
        store = CalibrationStore(capacity: capacity, inputWidth: inputWidth, unitCounts: layouts.map(\.units))
        planner = SlotPlanner(capacity: capacity, seed: options.seed)
        sums = ProfileSums(layouts: layouts, inputWidth: inputWidth, penultimate: penultimate, classes: classNames.count)
    }

    /// How many samples it has taken.
    public var sampleCount: Int { sums.count }

    /// The calibration sample and the sums of every worker and of the whole run.
    public var heldBytes: Int {
        store.capacity * CalibrationStore.bytesPerSample(inputWidth: inputWidth, unitCounts: layouts.map(\.units))
            + (ProcessInfo.processInfo.activeProcessorCount + 1) * ProfileSums.bytes(features: layouts[penultimate].units, classes: classNames.count)
    }

    /// Throws when what the recorder holds for the whole run does not fit `budget`
    /// (a model of many classes and wide features: the class sums of every core).
    public func requireRoom(budget: Int, modelPath: String) throws {
        guard heldBytes > budget else { return }
        func mebibytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        throw ProfileError(modelPath, "profiling needs \(mebibytes(heldBytes)) for its sums and calibration sample (\(classNames.count) classes × "
            + "\(layouts[penultimate].units) features per core), over the memory budget of \(mebibytes(budget)); give --memory \((heldBytes >> 20) * 2 + 1)MiB")
    }

    public func beginBatch(_ batch: DataSetBatch) throws {
        slots = planner.slots(for: batch.sampleIDs)
    }

    public func makeWorker() -> any ChunkRecorder {
        ProfileWorker(recorder: self, part: ProfileSums(layouts: layouts, inputWidth: inputWidth, penultimate: penultimate, classes: classNames.count))
    }

    public func absorb(_ worker: any ChunkRecorder) {
        guard let worker = worker as? ProfileWorker else { return }
        sums.absorb(worker.part)
    }

    /// The samples of `samples` (indexes into the current batch) that enter the
    /// calibration sample: their row in the chunk and their slot.
    func chosen(_ samples: Range<Int>) -> [(row: Int, slot: Int)] {
        samples.compactMap { sample in slots[sample].map { (sample - samples.lowerBound, $0) } }
    }

    /// The finished profile; throws when no sample was recorded. `pipeline` names
    /// the preprocessing the data set ran itself (an image folder's), when the run ran none.
    public func profile(modelPath: String, dataPath: String, skipped: Int, pipeline: String? = nil) throws -> Profile {
        guard sums.count > 0 else { throw EvalError.noUsableSamples(path: dataPath, skipped: skipped) }
        let data = DataIdentity(file: dataPath, count: sums.count, pipeline: pipelineText ?? pipeline, classNames: classNames,
                                calibrationCount: planner.filled)
        let profile = ProfileBuilder(sums: sums, store: store, order: planner.slotsInKeyOrder, model: model, image: image)
            .profile(identity: identity(modelPath: modelPath), data: data, exampleLimit: min(options.exampleLimit, max(1, ProfileOptions.exampleValueLimit / inputWidth)))
        if let layer = profile.firstNonFiniteLayer {
            throw ProfileError(dataPath, "the model's outputs at \(layer) are NaN or infinite (or overflow Float) for some samples; a profile needs finite data")
        }
        return profile
    }
}

/// One worker's sums, and its writes of the calibration samples into their slots.
final class ProfileWorker: ChunkRecorder {
    let recorder: ProfileRecorder
    var part: ProfileSums

    init(recorder: ProfileRecorder, part: ProfileSums) {
        self.recorder = recorder
        self.part = part
    }

    func visit(node: Int, output: Tensor, samples: Range<Int>, labels: [Int]) {
        let (values, positive) = recorder.layouts[node].values(of: output)
        part.addLayer(node, values: values, positive: positive, labels: labels)
        let units = recorder.layouts[node].units
        for (row, slot) in recorder.chosen(samples) {
            let target = recorder.store.units(node, slot)
            for unit in 0..<units { target[unit] = values[row * units + unit] }
        }
    }

    func finish(samples: Range<Int>, input: Tensor, labels: [Int], logits: [Float]?, probabilities: [Float]) {
        part.addInputs(input.scalars, samples: samples.count)
        let store = recorder.store, width = recorder.classNames.count, inputWidth = recorder.inputWidth
        for (row, slot) in recorder.chosen(samples) {
            let target = store.input(slot)
            for i in 0..<inputWidth { target[i] = input.scalars[row * inputWidth + i] }
            store.labels[slot] = labels[row]
            let classRow = (row * width)..<((row + 1) * width)
            let scores = energyAndMaxSoftmax(logits: logits.map { Array($0[classRow]) } ?? [], probabilities: probabilities[classRow])
            store.energy[slot] = scores.energy
            store.maxSoftmax[slot] = scores.maxSoftmax
        }
    }
}
