/// A `model.summary()`-style table of a model: one row per layer and the total.
public struct ModelSummary: Sendable {
    /// One layer's row.
    public struct Row: Sendable {
        public let name: String
        public let typeName: String
        /// The output shape of one sample (`[200]`), printed as `(None, 200)`.
        public let outputShape: [Int]
        public let parameterCount: Int
        /// The activation's Keras name, or nil for a layer without one.
        public let activation: String?
        /// The inputs and nodes this call takes, by name.
        public let connectedTo: [String]
    }

    public let modelName: String
    public let source: ModelSource
    public let inputs: [ModelInputSpec]
    public let rows: [Row]
    public let totalParameters: Int
    /// Whether the model is a graph rather than a chain, so `connectedTo` is worth showing.
    public let isGraph: Bool

    /// The summary of `model`.
    public init(_ model: Model) {
        modelName = model.name
        source = model.source
        inputs = model.inputs
        var counted = Set<String>()
        rows = model.nodes.map { node in
            // A shared layer's weights are counted at its first call.
            let first = counted.insert(node.layer.name).inserted
            return Row(name: node.name, typeName: node.typeName, outputShape: node.outputShape,
                       parameterCount: first ? node.layer.parameterCount : 0, activation: node.layer.activation?.name,
                       connectedTo: node.inputs.map(model.name(of:)))
        }
        totalParameters = model.parameterCount
        isGraph = model.isGraph
    }
}
