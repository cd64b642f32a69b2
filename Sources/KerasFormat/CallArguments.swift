import ModelGraph

/// One argument of a layer call as a config records it: one of the call's input
/// tensors, a constant, or a list of arguments.
indirect enum CallArgument {
    /// The call's `index`-th input tensor (see `CallArguments.tensors`).
    case tensor(Int)
    case constant(JSONValue)
    case list([CallArgument])

    /// A config value as an argument: lists become `.list`, anything else a constant.
    init(_ value: JSONValue) {
        if let items = value.array { self = .list(items.map(CallArgument.init)) } else { self = .constant(value) }
    }

    /// The number this argument holds, if it is a numeric constant.
    var number: Double? {
        if case let .constant(value) = self { return value.number }
        return nil
    }
}

/// The arguments of one layer call: positional and keyword, with the tensors
/// among them numbered in order (positional first, then keywords by name).
struct CallArguments {
    var positional: [CallArgument] = []
    var keywords: [String: CallArgument] = [:]
    /// The tensors the call takes: the layer call's inputs, in order.
    var tensors: [TensorReference] = []
    /// Whether the config wrote the call in Keras 3's form.
    private(set) var isKeras3 = false

    /// The argument at `position`, or else the keyword `name`.
    func argument(_ position: Int, _ name: String) -> CallArgument? {
        position < positional.count ? positional[position] : keywords[name]
    }

    /// A Sequential layer's call: the previous layer's output.
    init(input: TensorReference) {
        positional = [.tensor(0)]
        tensors = [input]
    }

    /// Keras 3's `{"args": […], "kwargs": {…}}`, with `__keras_tensor__` objects
    /// naming their producer in `keras_history`.
    init(keras3 call: [String: JSONValue], in wrapper: ConfigObject) throws {
        isKeras3 = true
        positional = try (call["args"]?.array ?? []).map { try argument(keras3: $0, in: wrapper) }
        for (key, value) in (call["kwargs"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            keywords[key] = try argument(keras3: value, in: wrapper)
        }
    }

    private mutating func argument(keras3 value: JSONValue, in wrapper: ConfigObject) throws -> CallArgument {
        if let object = value.object, object["class_name"]?.string == "__keras_tensor__" {
            guard let history = object["config"]?.object?["keras_history"]?.array else {
                throw wrapper.error("a call argument has no 'keras_history'")
            }
            tensors.append(try TensorReference(history, in: wrapper))
            return .tensor(tensors.count - 1)
        }
        if let list = value.array { return .list(try list.map { try argument(keras3: $0, in: wrapper) }) }
        return .constant(value)
    }

    /// Keras 2's `[[layer, node, tensor, kwargs], …]`: the tensors are the
    /// positional inputs; the first entry's kwargs hold the call's keyword
    /// arguments, where a `[layer, node, tensor]` list is a tensor. tf.keras's
    /// operator layers write one bare entry instead of a list of them, and a
    /// constant first argument as `["_CONSTANT_VALUE", -1, value, kwargs]`.
    init(keras2 call: [JSONValue], in wrapper: ConfigObject) throws {
        let entries = call.first?.string != nil ? [JSONValue.array(call)] : call
        for item in entries {
            guard let entry = item.array, entry.count >= 3 else { throw wrapper.error("'inbound_nodes' holds a call LayerLens cannot read") }
            if entry[0].string == "_CONSTANT_VALUE" {
                positional.append(.constant(entry[2]))
                continue
            }
            tensors.append(try TensorReference(entry, in: wrapper))
            positional.append(.tensor(tensors.count - 1))
        }
        let options = entries.first?.array.flatMap { $0.count > 3 ? $0[3].object : nil } ?? [:]
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            keywords[key] = argument(keras2: value)
        }
    }

    private mutating func argument(keras2 value: JSONValue) -> CallArgument {
        if let list = value.array {
            if list.count >= 3, list[0].string != nil, list[1].integer() != nil, list[2].integer() != nil,
               let reference = try? TensorReference(list, in: ConfigObject([:], context: "")) {
                tensors.append(reference)
                return .tensor(tensors.count - 1)
            }
            return .list(list.map { argument(keras2: $0) })
        }
        return .constant(value)
    }
}

extension TensorReference {
    /// The largest node or tensor index a reference may give: no layer is called,
    /// or returns tensors, a million times.
    static let indexLimit = 1 << 20

    /// `[layer, node, tensor, …]`, range-checked.
    init(_ triple: [JSONValue], in wrapper: ConfigObject) throws {
        guard triple.count >= 3, let layer = triple[0].string else {
            throw wrapper.error("a tensor reference is not [layer, node, tensor]")
        }
        self.init(layer: layer, node: try wrapper.integer(triple[1], "node index", in: 0...Self.indexLimit),
                  tensor: try wrapper.integer(triple[2], "tensor index", in: 0...Self.indexLimit))
    }
}
