import FileIO
import Layers
import ModelGraph

/// Turns a model config into layer calls: decodes each layer once (with the
/// input shape of its first call), resolves every call's inputs, and inlines
/// models used as layers with path names (`encoder/dense_1`). A layer's second
/// and later calls are named `name#2`, `name#3`, ….
struct GraphBuilder {
    let kerasMajorVersion: Int
    /// The stored weights of the layer at the end of a path of entries from the top.
    let weights: ([LayerEntry]) throws -> [Tensor]
    private(set) var calls: [LayerCall] = []
    private var decoded: [String: any Layer] = [:]

    init(kerasMajorVersion: Int, weights: @escaping ([LayerEntry]) throws -> [Tensor]) {
        self.kerasMajorVersion = kerasMajorVersion
        self.weights = weights
    }

    /// A value and its sample shape.
    typealias Value = (source: ValueSource, shape: [Int])

    /// Expands `graph` fed with `inputs`; returns its outputs.
    mutating func expand(_ graph: GraphConfig, inputs: [Value], prefix: String, path: [LayerEntry]) throws -> [Value] {
        var produced: [String: [Int: [Value]]] = [:]
        for (input, value) in zip(graph.inputs, inputs) { produced[input.name] = [0: [value]] }
        let entries = Dictionary(graph.layers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func lookup(_ reference: TensorReference) -> Value? {
            // Calls of a nested model count from its `firstCallNode` in the outer config.
            let call = reference.node - (entries[reference.layer]?.nested?.firstCallNode ?? 0)
            guard let outputs = produced[reference.layer]?[call], outputs.indices.contains(reference.tensor) else { return nil }
            return outputs[reference.tensor]
        }
        var pending = graph.layers.flatMap { entry in entry.calls.indices.map { (entry: entry, call: $0) } }
        while !pending.isEmpty {
            var remaining: [(entry: LayerEntry, call: Int)] = []
            for item in pending {
                let references = item.entry.calls[item.call].tensors
                let values = references.compactMap(lookup)
                guard values.count == references.count, !references.isEmpty else {
                    remaining.append(item)
                    continue
                }
                produced[item.entry.name, default: [:]][item.call] = try call(item.entry, number: item.call, inputs: values, prefix: prefix, path: path)
            }
            guard remaining.count < pending.count else {
                let stuck = remaining[0]
                guard let missing = stuck.entry.calls[stuck.call].tensors.first(where: { lookup($0) == nil }) else {
                    throw stuck.entry.config.error("is called with no inputs")
                }
                let known = entries[missing.layer] != nil || graph.inputs.contains { $0.name == missing.layer }
                throw stuck.entry.config.error(known
                    ? "takes \(quoted(missing.layer)), which is never computed: the graph has a cycle"
                    : "takes \(quoted(missing.layer)), which is not a layer or input of the model (a dangling input)")
            }
            pending = remaining
        }
        return try graph.outputs.map { reference in
            guard let value = lookup(reference) else {
                throw KerasConfigError("the model's output \(quoted(reference.layer)) is not produced by any layer")
            }
            return value
        }
    }

    /// One call of `entry`: a nested model expanded in place, or one node.
    private mutating func call(_ entry: LayerEntry, number: Int, inputs: [Value], prefix: String, path: [LayerEntry]) throws -> [Value] {
        let name = prefix + entry.name + (number == 0 ? "" : "#\(number + 1)")
        if let nested = entry.nested {
            guard inputs.count == nested.inputs.count else {
                throw entry.config.error("is a model of \(nested.inputs.count) inputs called with \(inputs.count)")
            }
            return try expand(nested, inputs: inputs, prefix: name + "/", path: path + [entry])
        }
        let key = (path + [entry]).map(\.name).joined(separator: "/")
        let shapes = inputs.map(\.shape)
        let layer: any Layer
        if let known = decoded[key] {
            layer = known
        } else {
            let source = KerasLayerSource(entry: entry, weights: try weights(path + [entry]), inputShapes: shapes,
                                          call: entry.calls[number], kerasMajorVersion: kerasMajorVersion)
            layer = try KerasLayerRegistry.read(source)
            decoded[key] = layer
        }
        let shape: [Int]
        do { shape = try layer.outputShape(forInputs: shapes) } catch let error as LayerError {
            throw entry.config.error(error.problem)  // named with the class the file gives it
        }
        calls.append(LayerCall(name: name, typeName: entry.typeName, layer: layer, inputs: inputs.map(\.source)))
        return [(source: .node(calls.count - 1), shape: shape)]
    }
}
