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
    /// For each node, the outputs no longer needed once it has run: those whose last reader it is.
    public let droppedAfter: [[Int]]
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

    /// The most bytes one chunk's live outputs should take, whatever the budget:
    /// a chunk whose layers stay near the cache runs faster than a larger one,
    /// although sgemm sees fewer rows. Measured on 64 images at 224×224
    /// (15 MB per sample), whole `logits` runs, chunks of 8 → 2 samples:
    /// MobileNetV2 1.07 → 0.86 s, EfficientNetB0 1.35 → 1.20 s, ResNet50 unchanged
    /// (3.9 s). Small models (the letters CNN, the MLP) keep `Tracer.chunkSize`.
    static let chunkBytesTarget = 32 << 20

    /// The plan for `model` under `budget` bytes, keeping the outputs of the nodes in `kept`.
    public init(model: Model, budget: Int = MemoryPlan.defaultBudget, kept: Set<Int> = []) {
        var lastReader = [Int?](repeating: nil, count: model.nodes.count)
        for (index, node) in model.nodes.enumerated() {
            for case let .node(source) in node.inputs { lastReader[source] = index }
        }
        let retained = kept.union(model.outputs.compactMap { if case let .node(index) = $0 { index } else { nil } })
        for index in retained where index < lastReader.count { lastReader[index] = Int.max }
        var droppedAfter = [[Int]](repeating: [], count: model.nodes.count)
        for (index, reader) in lastReader.enumerated() {
            if let reader, reader != Int.max { droppedAfter[reader].append(index) }
        }
        self.lastReader = lastReader
        self.droppedAfter = droppedAfter
        self.budget = budget
        let bytes = { (shape: [Int]) in shape.reduce(MemoryLayout<Float>.size) { $0 &* $1 } }
        // Walk the nodes as the tracer runs them: each output is made while its inputs are alive,
        // then the outputs it was the last to read go.
        var alive = model.inputs.reduce(0) { $0 + bytes($1.shape) }
        var peak = alive
        for (index, node) in model.nodes.enumerated() {
            let output = bytes(node.outputShape)
            // A layer's own scratch (an im2col buffer, say) is counted as one more output.
            peak = max(peak, alive + 2 * output)
            alive += lastReader[index] == nil ? 0 : output
            alive -= droppedAfter[index].reduce(0) { $0 + bytes(model.nodes[$1].outputShape) }
        }
        peakBytesPerSample = max(1, peak)
        var chunk = Tracer.chunkSize
        while chunk > 1, chunk * peakBytesPerSample * Self.assumedConcurrency > budget { chunk /= 2 }
        while chunk > 1, chunk * peakBytesPerSample > Self.chunkBytesTarget { chunk /= 2 }
        chunkSize = chunk
        concurrentChunks = max(1, budget / max(1, chunk * peakBytesPerSample))
    }

    /// The bytes a run keeping every output (`Tracer.trace`) holds for `batch`
    /// samples of `model`: its inputs and every node's output, saturating at `Int.max`.
    public static func keptBytes(of model: Model, batch: Int) -> Int {
        let shapes = model.inputs.map(\.shape) + model.nodes.map(\.outputShape)
        return shapes.reduce(0) { total, shape in
            guard let count = SizeLimits.elementCount([batch, MemoryLayout<Float>.size] + shape) else { return Int.max }
            let (sum, overflow) = total.addingReportingOverflow(count)
            return overflow ? Int.max : sum
        }
    }

    /// Samples read from a data set at a time: as many as `inputBytesPerSample`
    /// allows in a quarter of the budget, a multiple of the chunk size, at most `limit`.
    public func readBatchSize(inputBytesPerSample: Int, limit: Int) -> Int {
        let fit = budget / 4 / max(1, inputBytesPerSample)
        return max(chunkSize, min(limit, fit) / chunkSize * chunkSize)
    }
}
