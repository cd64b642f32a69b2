import Foundation
import Layers
import ModelGraph

/// One layer's output in a trace.
public struct TracedLayer: Sendable {
    /// Position in model order (0-based).
    public let index: Int
    public let name: String
    public let className: String
    /// The activation's Keras name, or nil for a layer without one.
    public let activation: String?
    /// The output, batch first: `[batch] + sample shape`.
    public let output: Tensor
}

/// Every layer's output for one input batch: what the model computes, layer by layer.
public struct Trace: Sendable {
    /// Exactly what entered the model, one batch per model input.
    public let inputs: [Tensor]
    /// One entry per node, in execution order.
    public let layers: [TracedLayer]
    /// The model's outputs, in order.
    public let outputs: [Tensor]

    /// The first input.
    public var input: Tensor { inputs[0] }

    /// The first output.
    public var output: Tensor { outputs.first ?? input }

    /// The value of `source` in this trace.
    public func value(_ source: ValueSource) -> Tensor {
        switch source {
        case let .input(index): inputs[index]
        case let .node(index): layers[index].output
        }
    }
}

/// An input the model cannot take.
public struct TraceError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Runs models and records every layer's output.
public enum Tracer {
    /// Batches at least this large are split into chunks that run on all cores.
    static let parallelThreshold = 64
    /// Samples per chunk. OpenBLAS's results for a row depend on the shape of the
    /// call it is in, so chunks have a fixed size, not one per core: a sample's
    /// outputs then depend only on its place in the batch, never on the machine's
    /// core count, which is what lets `eval` shards merge bit for bit.
    public static let chunkSize = 256

    /// Runs a single-input `model` on `input` (batch first; its sample shape must
    /// be the model's input shape) and returns every node's output.
    public static func trace(_ model: Model, input: Tensor) throws -> Trace {
        try trace(model, inputs: [input])
    }

    /// Runs `model` on one batch per model input (all with the same batch size).
    /// Large batches run as fixed-size chunks spread over the cores, each chunk's
    /// layers in one thread; a smaller batch runs whole, each layer's kernel spread
    /// over the cores (`parallelFor`). Throws before running when the outputs, all
    /// kept, would take more than `memoryBudget` bytes.
    public static func trace(_ model: Model, inputs: [Tensor], memoryBudget: Int = SizeLimits.traceBytes) throws -> Trace {
        try check(inputs, of: model)
        let batch = inputs[0].batchSize
        var budget = OutputBudget(batch: batch, limit: memoryBudget)
        for node in model.nodes {
            do { try budget.charge(node.outputShape, of: node.layer) } catch let error as LayerError {
                throw TraceError(description: "\(model.source.path): layer '\(node.name)' (\(node.typeName)) \(error.problem)")
            }
        }
        let outputs: [[Tensor]] = batch < parallelThreshold ? [run(model.nodes, on: inputs)]
            : concurrentMap((batch + chunkSize - 1) / chunkSize) { chunk in
                let start = chunk * chunkSize
                return run(model.nodes, on: inputs.map { $0.batch(start..<min(start + chunkSize, batch)) })
            }
        // The chunks' outputs are joined layer by layer, the layers spread over the cores (it is all copying).
        let joined = outputs.count == 1 ? outputs[0] : concurrentMap(model.nodes.count) { index in
            Tensor.concatenatingBatches(outputs.map { $0[index] })
        }
        let traced = model.nodes.indices.map { index in
            let node = model.nodes[index]
            return TracedLayer(index: index, name: node.name, className: node.typeName, activation: node.layer.activation?.name,
                               output: joined[index])
        }
        let partial = Trace(inputs: inputs, layers: traced, outputs: [])
        return Trace(inputs: inputs, layers: traced, outputs: model.outputs.map(partial.value))
    }

    /// Runs `model` on one chunk of samples (one batch per model input) in the
    /// calling thread, handing each node's output to `visit` as soon as it exists
    /// and dropping it once the last node reading it has run (`plan.lastReader`),
    /// so that memory holds only what is alive at once. Returns the outputs the
    /// plan keeps (the model's outputs, and any asked for), by node index.
    public static func stream(_ model: Model, inputs: [Tensor], plan: MemoryPlan,
                              visit: (_ node: Int, _ output: Tensor) throws -> Void) throws -> [Int: Tensor] {
        try check(inputs, of: model)
        var values = [Tensor?](repeating: nil, count: model.nodes.count)
        var kept: [Int: Tensor] = [:]
        for (index, node) in model.nodes.enumerated() {
            let output = node.layer.forward(arguments(of: node, inputs: inputs) { values[$0]! })  // alive until its last reader has run
            try visit(index, output)
            if plan.lastReader[index] == Int.max { kept[index] = output }
            if plan.lastReader[index] != nil { values[index] = output }
            for done in plan.droppedAfter[index] { values[done] = nil }
        }
        return kept
    }

    /// Throws unless `inputs` are one batch per model input, of the input's sample
    /// shape and one batch size; readies the kernels (`prepareComputeRuntime`).
    private static func check(_ inputs: [Tensor], of model: Model) throws {
        guard inputs.count == model.inputs.count else {
            throw TraceError(description: "the model has \(model.inputs.count) inputs (\(model.inputs.map(\.name).joined(separator: ", "))); \(inputs.count) given")
        }
        for (input, spec) in zip(inputs, model.inputs) where input.sampleShape != spec.shape {
            throw TraceError(description: "the input has sample shape \(shapeDescription(input.sampleShape)); the model expects \(shapeDescription(spec.shape))")
        }
        prepareComputeRuntime()
        guard inputs.allSatisfy({ $0.batchSize == inputs[0].batchSize }) else {
            throw TraceError(description: "the model's inputs have different batch sizes")
        }
    }

    private static func run(_ nodes: [Node], on inputs: [Tensor]) -> [Tensor] {
        var values: [Tensor] = []
        values.reserveCapacity(nodes.count)
        for node in nodes {
            values.append(node.layer.forward(arguments(of: node, inputs: inputs) { values[$0] }))
        }
        return values
    }

    /// What `node` takes: model inputs from `inputs`, node outputs from `output`.
    private static func arguments(of node: Node, inputs: [Tensor], output: (Int) -> Tensor) -> [Tensor] {
        node.inputs.map { source in
            switch source {
            case let .input(index): inputs[index]
            case let .node(index): output(index)
            }
        }
    }
}
