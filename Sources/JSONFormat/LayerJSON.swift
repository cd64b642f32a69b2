import Trace

/// One traced layer as LayerLens's JSON outputs describe it.
public struct LayerJSON: Codable, Sendable {
    public let index: Int
    public let name: String
    /// The Keras class name.
    public let `class`: String
    public let activation: String?
    /// The output shape, batch axis included.
    public let shape: [Int]
    /// The dump file's name, relative to the manifest (dumps only).
    public let file: String?
    /// Min, max and mean over finite values; absent when there are none.
    public let min: Double?
    public let max: Double?
    public let mean: Double?

    /// The record of `layer`, naming its dump `file` if it has one.
    public init(_ layer: TracedLayer, file: String? = nil) {
        let statistics = layer.output.statistics
        index = layer.index
        name = layer.name
        `class` = layer.className
        activation = layer.activation
        shape = layer.output.shape
        self.file = file
        min = finite(statistics.min)
        max = finite(statistics.max)
        mean = finite(statistics.mean)
    }
}
