import ModelGraph

/// The JSON form of `layerlens summary --json`.
public struct ModelSummaryJSON: Codable, Sendable {
    /// One layer.
    public struct LayerEntry: Codable, Sendable {
        public let name: String
        public let `class`: String
        public let activation: String?
        /// Keras's notation, batch axis as null: `[null, 200]`.
        public let output_shape: [Int?]
        public let params: Int
    }

    public let model: String
    /// The container format (`h5`, `keras`), the program that wrote the file and its version.
    public let format: String
    public let producer: String
    public let producer_version: String
    public let layers: [LayerEntry]
    public let total_params: Int

    /// The JSON of `summary`.
    public init(_ summary: ModelSummary) {
        model = summary.source.path
        format = summary.source.container
        producer = summary.source.producer
        producer_version = summary.source.producerVersion
        layers = summary.rows.map { row in
            LayerEntry(name: row.name, class: row.typeName, activation: row.activation,
                       output_shape: [nil] + row.outputShape.map { $0 }, params: row.parameterCount)
        }
        total_params = summary.totalParameters
    }
}
