/// A `model.summary()`-style table of a model: one row per layer and the total.
public struct ModelSummary: Sendable {
    /// One layer's row.
    public struct Row: Sendable {
        public let name: String
        public let className: String
        /// The output shape of one sample (`[200]`), printed as `(None, 200)`.
        public let outputShape: [Int]
        public let parameterCount: Int
        /// The activation's Keras name, or nil for a layer without one.
        public let activation: String?
    }

    public let modelName: String
    public let source: ModelSource
    public let inputShape: [Int]
    public let rows: [Row]
    public let totalParameters: Int

    /// The summary of `model`.
    public init(_ model: Model) {
        modelName = model.name
        source = model.source
        inputShape = model.inputShape
        rows = zip(model.layers, model.outputShapes).map { layer, shape in
            Row(name: layer.name, className: layer.className, outputShape: shape,
                parameterCount: layer.parameterCount, activation: layer.activation?.name)
        }
        totalParameters = model.parameterCount
    }
}
