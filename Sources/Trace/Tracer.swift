import Dispatch
import Foundation
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
    /// Exactly what entered the model, batch first.
    public let input: Tensor
    /// The layers in model order.
    public let layers: [TracedLayer]

    /// The last layer's output.
    public var output: Tensor { layers.last?.output ?? input }
}

/// An input the model cannot take.
public struct TraceError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Runs models and records every layer's output.
public enum Tracer {
    /// Batches at least this large are split across the cores.
    static let parallelThreshold = 64

    /// Runs `model` on `input` (batch first; its sample shape must be the
    /// model's input shape) and returns every layer's output.
    ///
    /// Large batches run as one chunk per core, each with one OpenBLAS thread.
    public static func trace(_ model: Model, input: Tensor) throws -> Trace {
        guard input.sampleShape == model.inputShape else {
            throw TraceError(description: "the input has sample shape \(shapeDescription(input.sampleShape)); the model expects \(shapeDescription(model.inputShape))")
        }
        let layers = try model.layers.map { layer in
            guard let forward = layer as? any ForwardLayer else {
                throw TraceError(description: "layer '\(layer.name)' (\(layer.className)) cannot be run")
            }
            return forward
        }
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunkCount = input.batchSize >= parallelThreshold ? min(cores, input.batchSize) : 1
        setBLASThreads(1)
        let outputs: [[Tensor]]
        if chunkCount == 1 {
            outputs = [run(layers, on: input)]
        } else {
            let chunkSize = (input.batchSize + chunkCount - 1) / chunkCount
            let results = ConcurrentSlots<[Tensor]>(count: chunkCount)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let start = chunk * chunkSize
                let end = min(start + chunkSize, input.batchSize)
                results.store(start < end ? run(layers, on: input.batch(start..<end)) : [], at: chunk)
            }
            outputs = results.values.compactMap { $0 }.filter { !$0.isEmpty }
        }
        let traced = layers.indices.map { index in
            TracedLayer(index: index, name: layers[index].name, className: layers[index].className,
                        activation: layers[index].activation?.name,
                        output: outputs.count == 1 ? outputs[0][index] : Tensor.concatenatingBatches(outputs.map { $0[index] }))
        }
        return Trace(input: input, layers: traced)
    }

    private static func run(_ layers: [any ForwardLayer], on input: Tensor) -> [Tensor] {
        var current = input
        return layers.map { layer in
            current = layer.forward(current)
            return current
        }
    }
}
