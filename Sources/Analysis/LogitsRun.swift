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

    /// Reads every input (decoding images on all cores), runs one batched forward
    /// pass, and computes each input's logit statistics. A bad input is recorded
    /// in `failures` and the rest go on.
    public init(model: Model, inputs: [String], options: InputOptions, labels: [String]?) throws {
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
        let trace = try Tracer.trace(model, input: Tensor.concatenatingBatches(tensors))
        entries = names.indices.map { sample in
            Entry(input: names[sample], statistics: LogitStatistics(Prediction(trace: trace, model: model, sample: sample, labels: labels)))
        }
        self.failures = failures
    }
}
