import ModelGraph

/// How a run that does not keep every layer's output (eval, logits) fits a
/// memory budget: each node's output is freed once the last node reading it has
/// run (liveness over the graph), so a chunk of samples needs only the peak of
/// what is alive at once, which this plan computes from the output shapes.
public struct MemoryPlan: Sendable {
    /// The default budget: 1 GiB.
    public static let defaultBudget = 1 << 30

    /// For each node, the index of the last node that reads its output; nil for
    /// an output nothing reads. Outputs in `kept` (the model's outputs, say) are never freed.
    public let lastReader: [Int?]
    /// The most bytes alive at once for one sample: inputs, live outputs and the
    /// largest layer's own output while it is being made.
    public let peakBytesPerSample: Int
    /// Samples traced together: a power of 2, at most `Tracer.chunkSize`.
    public let chunkSize: Int
    /// Chunks run at once (on as many cores).
    public let concurrentChunks: Int
    /// The budget planned for, in bytes.
    public let budget: Int

    /// The most chunks a plan assumes may run at once when it sizes a chunk: the
    /// chunk size then depends on the model and the budget only, never on this
    /// machine's core count, so results (which depend on the chunk size through
    /// OpenBLAS's blocking) are the same on every machine.
    static let assumedConcurrency = 8

    /// The plan for `model` under `budget` bytes, keeping the outputs of the nodes in `kept`.
    public init(model: Model, budget: Int = MemoryPlan.defaultBudget, kept: Set<Int> = []) {
        var lastReader = [Int?](repeating: nil, count: model.nodes.count)
        for (index, node) in model.nodes.enumerated() {
            for case let .node(source) in node.inputs { lastReader[source] = index }
        }
        let retained = kept.union(model.outputs.compactMap { if case let .node(index) = $0 { index } else { nil } })
        for index in retained where index < lastReader.count { lastReader[index] = Int.max }
        self.lastReader = lastReader
        self.budget = budget
        let bytes = { (shape: [Int]) in shape.reduce(MemoryLayout<Float>.size) { $0 &* $1 } }
        // Walk the nodes as the tracer runs them: each output is made while its inputs are alive,
        // then every output whose last reader this node is goes.
        var alive = model.inputs.reduce(0) { $0 + bytes($1.shape) }
        var peak = alive
        var freedAt = [Int: Int]()
        for (index, reader) in lastReader.enumerated() {
            if let reader, reader != Int.max { freedAt[reader, default: 0] += bytes(model.nodes[index].outputShape) }
        }
        for (index, node) in model.nodes.enumerated() {
            let output = bytes(node.outputShape)
            // A layer's own scratch (an im2col buffer, say) is counted as one more output.
            peak = max(peak, alive + 2 * output)
            alive += lastReader[index] == nil ? 0 : output
            alive -= freedAt[index] ?? 0
        }
        peakBytesPerSample = max(1, peak)
        var chunk = Tracer.chunkSize
        while chunk > 1, chunk * peakBytesPerSample * Self.assumedConcurrency > budget { chunk /= 2 }
        chunkSize = chunk
        concurrentChunks = max(1, budget / max(1, chunk * peakBytesPerSample))
    }

    /// Samples read from a data set at a time: as many as `inputBytesPerSample`
    /// allows in a quarter of the budget, a multiple of the chunk size, at most `limit`.
    public func readBatchSize(inputBytesPerSample: Int, limit: Int) -> Int {
        let fit = budget / 4 / max(1, inputBytesPerSample)
        return max(chunkSize, min(limit, fit) / chunkSize * chunkSize)
    }
}

/// What a streamed run (`Tracer.stream`) must keep to predict: the model's first
/// output and the value its final node reads, beneath which the logits lie.
public struct PredictionSources: Sendable {
    /// The node of the model's first output.
    public let output: Int
    /// What that node reads, when it reads one value.
    public let finalInput: ValueSource?

    /// The sources of `model`; nil when its first output is not a node.
    public init?(model: Model) {
        guard case let .node(index)? = model.outputs.first else { return nil }
        output = index
        finalInput = Prediction.finalInputSource(of: model)
    }

    /// The nodes to keep (`MemoryPlan`'s `kept`).
    public var kept: Set<Int> {
        guard case let .node(index)? = finalInput else { return [output] }
        return [output, index]
    }

    /// The first output and the logits of every sample (row-major, nil when they
    /// cannot be had), from the outputs a stream kept and the inputs it ran on.
    public func outputAndLogits(kept values: [Int: Tensor], inputs: [Tensor], model: Model) -> (output: Tensor, logits: [Float]?)? {
        guard let output = values[output] else { return nil }
        let final: Tensor? = switch finalInput {
        case let .node(index)?: values[index]
        case let .input(index)?: inputs[index]
        case nil: nil
        }
        return (output, Prediction.logits(output: output, finalInput: final, model: model))
    }
}
