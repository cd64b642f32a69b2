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
    let weights: ([LayerEntry]) throws -> [StoredWeight]
    private(set) var calls: [LayerCall] = []
    private var decoded: [String: any Layer] = [:]
    /// The outputs inferred so far, held to `SizeLimits` as each is inferred.
    private var budget = OutputBudget()

    init(kerasMajorVersion: Int, weights: @escaping ([LayerEntry]) throws -> [StoredWeight]) {
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
        // Each call waits for the calls producing its inputs; once none is
        // missing it is ready, and the ready call first in config order runs
        // next — config order itself when the config is in execution order, and
        // O(n log n) however the config lists its layers.
        let items = graph.layers.flatMap { entry in entry.calls.indices.map { (entry: entry, call: $0) } }
        func producer(_ reference: TensorReference) -> CallKey {
            CallKey(layer: reference.layer, call: reference.node - (entries[reference.layer]?.nested?.firstCallNode ?? 0))
        }
        var missing = [Int](repeating: 0, count: items.count)
        var waiting: [CallKey: [Int]] = [:]
        var ready = ReadyCalls()
        for (index, item) in items.enumerated() {
            let references = item.entry.calls[item.call].tensors
            for reference in references where produced[reference.layer] == nil {
                missing[index] += 1
                waiting[producer(reference), default: []].append(index)
            }
            if missing[index] == 0, !references.isEmpty { ready.insert(index) }
        }
        var done = 0
        while let index = ready.popFirst() {
            let item = items[index]
            let values = item.entry.calls[item.call].tensors.compactMap(lookup)
            guard values.count == item.entry.calls[item.call].tensors.count else { continue }  // a tensor index the producer lacks
            produced[item.entry.name, default: [:]][item.call] = try call(item.entry, number: item.call, inputs: values, prefix: prefix, path: path)
            done += 1
            for waiter in waiting.removeValue(forKey: CallKey(layer: item.entry.name, call: item.call)) ?? [] {
                missing[waiter] -= 1
                if missing[waiter] == 0 { ready.insert(waiter) }
            }
        }
        if done < items.count, let stuck = items.first(where: { produced[$0.entry.name]?[$0.call] == nil }) {
            guard let absent = stuck.entry.calls[stuck.call].tensors.first(where: { lookup($0) == nil }) else {
                throw stuck.entry.config.error("is called with no inputs")
            }
            let known = entries[absent.layer] != nil || graph.inputs.contains { $0.name == absent.layer }
            throw stuck.entry.config.error(known
                ? "takes \(quoted(absent.layer)), which is never computed: the graph has a cycle"
                : "takes \(quoted(absent.layer)), which is not a layer or input of the model (a dangling input)")
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
        do {
            shape = try layer.outputShape(forInputs: shapes)
            try budget.charge(shape, of: layer)
        } catch let error as LayerError {
            throw entry.config.error(error.problem)  // named with the class the file gives it
        }
        calls.append(LayerCall(name: name, typeName: entry.typeName, layer: layer, inputs: inputs.map(\.source)))
        return [(source: .node(calls.count - 1), shape: shape)]
    }
}

/// One call of a layer in a config: the layer's name and the call's index.
private struct CallKey: Hashable {
    let layer: String
    let call: Int
}

/// The indexes of the calls ready to run, smallest first (a binary min-heap).
private struct ReadyCalls {
    private var heap: [Int] = []

    mutating func insert(_ index: Int) {
        heap.append(index)
        var child = heap.count - 1
        while child > 0, heap[(child - 1) / 2] > heap[child] {
            heap.swapAt(child, (child - 1) / 2)
            child = (child - 1) / 2
        }
    }

    mutating func popFirst() -> Int? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left] < heap[smallest] { smallest = left }
            if right < heap.count, heap[right] < heap[smallest] { smallest = right }
            guard smallest != parent else { return first }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
