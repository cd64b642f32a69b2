import DataSets
import Foundation
import ModelGraph
import Trace

/// `logits` over many inputs: each input's statistics, and the inputs that could not be read.
public struct LogitsRun: Sendable {
    /// One input's result.
    public struct Entry: Sendable {
        /// The file, with `[i]` for row i of a batched `.npy`.
        public let input: String
        public let statistics: LogitStatistics
    }

    public let entries: [Entry]
    /// The errors of the inputs that could not be read, in input order.
    public let failures: [any Error]

    /// Reads every input (decoding images on all cores), runs them through the
    /// model in chunks that fit `memoryBudget` (`MemoryPlan`: each layer's output
    /// dropped once no later layer reads it), and computes each input's logit
    /// statistics. A bad input is recorded in `failures` and the rest go on.
    public init(model: Model, inputs: [String], options: InputOptions, labels: [String]?,
                memoryBudget: Int = MemoryPlan.defaultBudget) throws {
        let loaded = concurrentMap(inputs.count) { index in Result { try loadInput(inputs[index], for: model, options: options) } }
        var names: [String] = [], tensors: [Tensor] = [], failures: [any Error] = []
        for (index, result) in loaded.enumerated() {
            switch result {
            case let .success(input):
                let batch = input.tensor.batchSize
                names += batch == 1 ? [inputs[index]] : (0..<batch).map { "\(inputs[index])[\($0)]" }
                tensors.append(input.tensor)
            case let .failure(error):
                failures.append(error)
            }
        }
        guard !tensors.isEmpty else {
            entries = []
            self.failures = failures
            return
        }
        let sources = PredictionSources(model: model)
        let all = Tensor.concatenatingBatches(tensors)
        let plan = MemoryPlan(model: model, budget: memoryBudget, kept: sources.kept)
        let chunkSize = plan.chunkSize, chunks = (all.batchSize + chunkSize - 1) / chunkSize
        let kind = ProbabilityKind(model: model)
        let predicted = concurrentMap(chunks, workers: plan.concurrentChunks) { chunk in
            Result {
                let first = chunk * chunkSize
                let input = all.batch(first..<min(first + chunkSize, all.batchSize))
                let (output, logits) = try sources.run(model, inputs: [input], plan: plan)
                let width = output.sampleShape.reduce(1, *)
                return (0..<input.batchSize).map { sample in
                    let row = (sample * width)..<((sample + 1) * width)
                    return Prediction(kind: kind, logits: logits.map { Array($0[row]) }, outputs: Array(output.scalars[row]), labels: labels)
                }
            }
        }
        let predictions = try predicted.flatMap { try $0.get() }
        entries = names.indices.map { Entry(input: names[$0], statistics: LogitStatistics(predictions[$0])) }
        self.failures = failures
    }
}
