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
    /// The layer's type as the model file names it (`Dense`, `TFOpLambda`), for
    /// summaries and reports; the graph itself never looks at it.
    public let typeName: String
    public let layer: any Layer
    /// What the call takes, in order.
    public let inputs: [ValueSource]
    /// The sample shape the call produces.
    public let outputShape: [Int]

    public init(name: String, typeName: String, layer: any Layer, inputs: [ValueSource], outputShape: [Int]) {
        self.name = name
        self.typeName = typeName
        self.layer = layer
        self.inputs = inputs
        self.outputShape = outputShape
    }
}

/// One layer call as a format reader describes it, before shapes are inferred.
public struct LayerCall: Sendable {
    public let name: String
    public let typeName: String
    public let layer: any Layer
    public let inputs: [ValueSource]

    public init(name: String, typeName: String, layer: any Layer, inputs: [ValueSource]) {
        self.name = name
        self.typeName = typeName
        self.layer = layer
        self.inputs = inputs
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
    public init(name: String, source: ModelSource, inputShape: [Int], layers: [(typeName: String, layer: any Layer)]) throws {
        let calls = layers.enumerated().map { index, layer in
            LayerCall(name: layer.layer.name, typeName: layer.typeName, layer: layer.layer,
                      inputs: [index == 0 ? ValueSource.input(0) : .node(index - 1)])
        }
        try self.init(name: name, source: source, inputs: [ModelInputSpec(name: "input", shape: inputShape)], calls: calls,
                      outputs: [layers.isEmpty ? .input(0) : .node(layers.count - 1)])
    }

    /// A model from its layer calls in execution order: every call's inputs are
    /// model inputs or earlier calls. Infers each call's output shape.
    public init(name: String, source: ModelSource, inputs: [ModelInputSpec],
                calls: [LayerCall], outputs: [ValueSource]) throws {
        self.name = name
        self.source = source
        self.inputs = inputs
        var nodes: [Node] = []
        var budget = OutputBudget()
        for call in calls {
            let shapes = try call.inputs.map { value -> [Int] in
                switch value {
                case let .input(index) where inputs.indices.contains(index): return inputs[index].shape
                case let .node(index) where nodes.indices.contains(index): return nodes[index].outputShape
                default: throw LayerError(call.layer, "takes an input that is not computed before it")
                }
            }
            let shape = try call.layer.outputShape(forInputs: shapes)
            try budget.charge(shape, of: call.layer)
            nodes.append(Node(name: call.name, typeName: call.typeName, layer: call.layer, inputs: call.inputs, outputShape: shape))
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
    /// The path of the file as given.
    public let path: String
    /// The container format, as its usual file extension (`h5`, `keras`).
    public let container: String
    /// The program that wrote the file (`Keras`).
    public let producer: String
    /// That program's version as the file records it (`2.21.0`, `3.15.1`).
    public let producerVersion: String

    public init(path: String, container: String, producer: String, producerVersion: String) {
        self.path = path
        self.container = container
        self.producer = producer
        self.producerVersion = producerVersion
    }

    /// `Keras 2.21.0, .h5`: who wrote the file, and how.
    public var description: String { "\(producer) \(producerVersion), .\(container)" }
}
