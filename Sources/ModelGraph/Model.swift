/// Where a value inside a model comes from: one of the model's inputs, or the
/// output of a node.
public enum ValueSource: Sendable, Equatable, Hashable {
    case input(Int)
    case node(Int)
}

/// One call of a layer in a model's graph. A layer called twice (a shared layer)
/// is two nodes; the layers of a nested model are nodes named by path
/// (`encoder/dense_1`).
public struct Node: Sendable {
    /// Unique in the model: the layer's name, path-qualified inside nested
    /// models, with `#2`, `#3`, … for a layer's second and later calls.
    public let name: String
    public let layer: any Layer
    /// What the call takes, in order.
    public let inputs: [ValueSource]
    /// The sample shape the call produces.
    public let outputShape: [Int]

    public init(name: String, layer: any Layer, inputs: [ValueSource], outputShape: [Int]) {
        self.name = name
        self.layer = layer
        self.inputs = inputs
        self.outputShape = outputShape
    }
}

/// A named model input and the shape of one sample.
public struct ModelInputSpec: Sendable, Equatable {
    public let name: String
    public let shape: [Int]

    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }
}

/// A layer that combines several inputs (Add, Concatenate, …).
public protocol MergeLayer: Layer {
    /// The sample shape produced from inputs of `shapes`; throws `LayerError` when they cannot merge.
    func outputShape(forInputs shapes: [[Int]]) throws -> [Int]
}

/// A model read from a file: its graph of layer calls in execution order and
/// where it came from. A Sequential model is a chain.
public struct Model: Sendable {
    /// The model's own name (`sequential`).
    public let name: String
    /// The file it was read from, and how.
    public let source: ModelSource
    public let inputs: [ModelInputSpec]
    /// Every layer call, each after the calls it depends on.
    public let nodes: [Node]
    /// The model's outputs, in order.
    public let outputs: [ValueSource]

    /// A Sequential model: each layer takes the previous one's output. Throws
    /// `LayerError` when a layer cannot take what the previous one produces.
    public init(name: String, source: ModelSource, inputShape: [Int], layers: [any Layer]) throws {
        let calls = layers.enumerated().map { index, layer in
            (name: layer.name, layer: layer, inputs: [index == 0 ? ValueSource.input(0) : .node(index - 1)])
        }
        try self.init(name: name, source: source, inputs: [ModelInputSpec(name: "input", shape: inputShape)], calls: calls,
                      outputs: [layers.isEmpty ? .input(0) : .node(layers.count - 1)])
    }

    /// A model from its layer calls in execution order: every call's inputs are
    /// model inputs or earlier calls. Infers each call's output shape.
    public init(name: String, source: ModelSource, inputs: [ModelInputSpec],
                calls: [(name: String, layer: any Layer, inputs: [ValueSource])], outputs: [ValueSource]) throws {
        self.name = name
        self.source = source
        self.inputs = inputs
        var nodes: [Node] = []
        for call in calls {
            let shapes = try call.inputs.map { value -> [Int] in
                switch value {
                case let .input(index) where inputs.indices.contains(index): return inputs[index].shape
                case let .node(index) where nodes.indices.contains(index): return nodes[index].outputShape
                default: throw LayerError(call.layer, "takes an input that is not computed before it")
                }
            }
            let shape: [Int]
            if let merge = call.layer as? any MergeLayer {
                shape = try merge.outputShape(forInputs: shapes)
            } else {
                guard shapes.count == 1 else { throw LayerError(call.layer, "takes one input, but is given \(shapes.count)") }
                shape = try call.layer.outputShape(for: shapes[0])
            }
            nodes.append(Node(name: call.name, layer: call.layer, inputs: call.inputs, outputShape: shape))
        }
        self.nodes = nodes
        self.outputs = outputs
    }

    /// The shape of the first input's sample (`[784]`).
    public var inputShape: [Int] { inputs.first?.shape ?? [] }

    /// The layer of every node, in execution order.
    public var layers: [any Layer] { nodes.map(\.layer) }

    /// The sample shape each node produces, parallel to `nodes`.
    public var outputShapes: [[Int]] { nodes.map(\.outputShape) }

    /// The sample shape of a value.
    public func shape(of value: ValueSource) -> [Int] {
        switch value {
        case let .input(index): inputs[index].shape
        case let .node(index): nodes[index].outputShape
        }
    }

    /// The name of a value: the input's or the node's.
    public func name(of value: ValueSource) -> String {
        switch value {
        case let .input(index): inputs[index].name
        case let .node(index): nodes[index].name
        }
    }

    /// The sample shape of the first output.
    public var outputShape: [Int] { outputs.first.map(shape(of:)) ?? inputShape }

    /// The total number of stored weights; a shared layer counts once.
    public var parameterCount: Int {
        var seen = Set<String>()
        return nodes.reduce(0) { total, node in seen.insert(node.layer.name).inserted ? total + node.layer.parameterCount : total }
    }

    /// Whether the graph is more than a chain: several inputs or outputs, or a
    /// node that does not take just the previous node's output.
    public var isGraph: Bool {
        inputs.count > 1 || outputs.count > 1 || nodes.enumerated().contains { index, node in
            node.inputs != [index == 0 ? .input(0) : .node(index - 1)]
        }
    }
}

/// Where a model came from.
public struct ModelSource: Sendable, Equatable {
    /// The container format of a model file.
    public enum Format: String, Sendable {
        /// Legacy HDF5, from `model.save("….h5")`.
        case hdf5 = "h5"
        /// Keras 3's zip archive, from `model.save("….keras")`.
        case kerasArchive = "keras"
    }

    /// The path of the file as given.
    public let path: String
    public let format: Format
    /// The `keras_version` the file records (`2.21.0`, `3.15.1`).
    public let kerasVersion: String
    /// The backend that saved it, where recorded (`tensorflow`).
    public let backend: String?

    public init(path: String, format: Format, kerasVersion: String, backend: String?) {
        self.path = path
        self.format = format
        self.kerasVersion = kerasVersion
        self.backend = backend
    }

    /// The major version of Keras that wrote the file (2 or 3).
    public var kerasMajorVersion: Int { Int(kerasVersion.split(separator: ".").first ?? "") ?? 0 }
}
