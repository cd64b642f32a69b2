import DataSets
import FileIO
import Foundation
import InputPipeline
import ModelGraph
import Trace

/// `logits` over many inputs: each input's statistics, and the inputs that could not be read.
public struct LogitsRun: Sendable {
    /// One input's result.
    public struct Entry: Sendable {
        /// The file, with `[i]` for row i of a batched `.npy`.
        public let input: String
        public let statistics: LogitStatistics
        /// What this input warns of: a value range changed by preprocessing, a nearly
        /// uniform output and, with a judge, an input unlike the training data.
        public let warnings: [RunWarning]
        /// The judge's scores (`logits --profile`), else nil.
        public let ood: OODScores?
    }

    public let entries: [Entry]
    /// What the inputs together warn of: all of them predicting one class.
    public let warnings: [RunWarning]
    /// The errors of the inputs that could not be read, in input order.
    public let failures: [any Error]
    /// The first `keptInputs` inputs as the model saw them, one sample's values each, in
    /// the order of `entries` (what a contact sheet draws).
    public let inputs: [[Float]]
    /// The model input's sample shape, of each of `inputs`.
    public let inputShape: [Int]

    /// The most inputs read at once, as `eval` reads its batches; fewer when the budget says so.
    static let blockLimit = 8192

    /// Reads the inputs a block at a time (`MemoryPlan.readBatchSize` samples:
    /// files decoded together on all cores, or rows of a batched `.npy`), runs them through the model in chunks
    /// that fit `memoryBudget` (`MemoryPlan`: each layer's output dropped once no
    /// later layer reads it), and keeps only each input's logit statistics. The
    /// chunks are those of one batch of every input, whatever the blocks, so the
    /// numbers do not depend on the budget's blocks. A bad input is recorded in
    /// `failures` and the rest go on. The first `keptInputs` model inputs are kept.
    /// A `judge` (a profile's `Doctor`) scores every sample from its layers' outputs as they pass.
    public init(model: Model, inputs: [String], options: InputOptions, labels: [String]?,
                memoryBudget: Int = MemoryPlan.defaultBudget, keptInputs: Int = 0, judge: (any SampleJudge)? = nil) throws {
        let sources = PredictionSources(model: model)
        let plan = MemoryPlan(model: model, budget: memoryBudget, kept: sources.kept)
        let inputBytes = (model.inputs.first?.shape.reduce(1, *) ?? 1) * MemoryLayout<Float>.size
        let block = plan.readBatchSize(inputBytesPerSample: inputBytes, limit: Self.blockLimit)
        let kind = ProbabilityKind(model: model)
        var names: [String] = [], failures: [any Error] = [], statistics: [LogitStatistics] = [], kept: [[Float]] = []
        var judgements: [(scores: OODScores, warning: RunWarning?)?] = []
        // Each sample's value-range warning, in the order of `names`.
        var rangeWarnings: [RunWarning?] = []
        // Samples read but not yet run: whole chunks are run as they fill, the rest at the end.
        var pending: [Tensor] = []
        // Samples read, handed on to be run; the first `keptInputs` are kept as well.
        func read(_ tensor: Tensor) {
            for sample in 0..<min(tensor.batchSize, keptInputs - kept.count) { kept.append(tensor.scalars(ofSample: sample)) }
            pending.append(tensor)
        }
        func run(keepingPartialChunk: Bool) throws {
            guard !pending.isEmpty else { return }
            let all = Tensor.concatenatingBatches(pending)
            let ready = keepingPartialChunk ? all.batchSize / plan.chunkSize * plan.chunkSize : all.batchSize
            pending = ready < all.batchSize ? [all.batch(ready..<all.batchSize)] : []
            let predicted = try Self.predict(all, samples: ready, model: model, sources: sources, plan: plan, kind: kind, labels: labels, judge: judge)
            statistics += predicted.map(\.statistics)
            judgements += predicted.map(\.judgement)
        }
        // Files waiting to be decoded together, on all cores.
        var files: [String] = []
        func loadFiles() throws {
            let loaded = concurrentMap(files.count) { index in Result { try loadInput(files[index], for: model, options: options) } }
            for (path, result) in zip(files, loaded) {
                switch result {
                case let .success(input):
                    let tensor = input.tensor
                    names += tensor.batchSize == 1 ? [path] : (0..<tensor.batchSize).map { "\(path)[\($0)]" }
                    rangeWarnings += Array(repeating: RunWarning.valueRange(input), count: tensor.batchSize)
                    read(tensor)
                case let .failure(error):
                    failures.append(error)
                }
            }
            files = []
            try run(keepingPartialChunk: true)
        }
        for path in inputs {
            guard let rows = batchedArrayRows(path, for: model, options: options) else {
                files.append(path)
                if files.count == block { try loadFiles() }
                continue
            }
            // A batched .npy is read a block of rows at a time, never whole.
            try loadFiles()
            do {
                for start in stride(from: 0, to: rows.rowCount, by: block) {
                    let range = start..<min(start + block, rows.rowCount)
                    let array = Tensor(shape: [range.count] + rows.shape.dropFirst(), scalars: try rows.floats(rows: range))
                    read(try ModelInput(array, for: model, from: path).tensor)
                    names += range.map { "\(path)[\($0)]" }
                    rangeWarnings += Array(repeating: nil, count: range.count)
                    try run(keepingPartialChunk: true)
                }
            } catch let error as FileError {
                failures.append(error)
            }
        }
        try loadFiles()
        try run(keepingPartialChunk: false)
        entries = statistics.indices.map { index in
            Entry(input: names[index], statistics: statistics[index],
                  warnings: [rangeWarnings[index], RunWarning.nearUniform(statistics[index]), judgements[index]?.warning].compactMap { $0 },
                  ood: judgements[index]?.scores)
        }
        warnings = [RunWarning.sameClass(entries.map(\.statistics.prediction.best.label))].compactMap { $0 }
        self.failures = failures
        self.inputs = kept
        inputShape = model.inputs.first?.shape ?? []
    }

    /// The logit statistics (and judgements, with a judge) of the first `samples` samples of `input`, run in the plan's chunks on all cores.
    private static func predict(_ input: Tensor, samples: Int, model: Model, sources: PredictionSources, plan: MemoryPlan,
                                kind: ProbabilityKind, labels: [String]?, judge: (any SampleJudge)?)
        throws -> [(statistics: LogitStatistics, judgement: (scores: OODScores, warning: RunWarning?)?)] {
        let chunkSize = plan.chunkSize, chunks = (samples + chunkSize - 1) / chunkSize
        let predicted = concurrentMap(chunks, workers: plan.concurrentChunks) { chunk in
            Result {
                let first = chunk * chunkSize
                let samples = input.batch(first..<min(first + chunkSize, samples))
                let judgement = judge?.startChunk()
                let (output, logits) = try sources.run(model, inputs: [samples], plan: plan) { node, output in
                    judgement?.visit(node: node, output: output)
                }
                let statistics = Prediction.perSample(output: output, logits: logits, kind: kind, labels: labels).map(LogitStatistics.init)
                let judged = judgement?.finish(input: samples, logits: logits, probabilities: statistics.flatMap(\.prediction.probabilities))
                return statistics.indices.map { (statistics[$0], judged?[$0]) }
            }
        }
        return try predicted.flatMap { try $0.get() }
    }
}
