/// A model read from a file: its layers in execution order and where it came from.
///
/// Models are Sequential chains: each layer takes the previous layer's output.
public struct Model: Sendable {
    /// The model's own name (`sequential`).
    public let name: String
    /// The file it was read from, and how.
    public let source: ModelSource
    /// The shape of one input sample, without the batch axis (`[784]`).
    public let inputShape: [Int]
    /// The layers in model order, as Keras's `model.layers` lists them.
    public let layers: [any Layer]
    /// The sample shape each layer produces, parallel to `layers`.
    public let outputShapes: [[Int]]

    /// Builds a model and infers every layer's output shape; throws `LayerError`
    /// when a layer cannot take what the previous one produces.
    public init(name: String, source: ModelSource, inputShape: [Int], layers: [any Layer]) throws {
        self.name = name
        self.source = source
        self.inputShape = inputShape
        self.layers = layers
        var shape = inputShape
        var shapes: [[Int]] = []
        for layer in layers {
            shape = try layer.outputShape(for: shape)
            shapes.append(shape)
        }
        outputShapes = shapes
    }

    /// The sample shape of the last layer's output.
    public var outputShape: [Int] { outputShapes.last ?? inputShape }

    /// The total number of stored weights.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
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
