/// One layer of a model, as its configuration describes it and with its weights.
///
/// Layers are descriptions; the Trace module gives each kind its forward pass.
public protocol Layer: Sendable {
    /// The layer's name in the model (`dense_1`).
    var name: String { get }
    /// The Keras class it was saved as (`Dense`, `ReLU`, `Dropout`, …).
    var className: String { get }
    /// The activation the layer applies, if it applies one.
    var activation: Activation? { get }
    /// The number of stored weights (trainable and not), as Keras counts them.
    var parameterCount: Int { get }
    /// The sample shape this layer produces for a sample of `input`;
    /// throws `LayerError` when the input cannot feed it.
    func outputShape(for input: [Int]) throws -> [Int]
}

extension Layer {
    public var activation: Activation? { nil }
    public var parameterCount: Int { 0 }
}

/// A layer that cannot take the shape it is given or holds inconsistent weights.
public struct LayerError: Error, CustomStringConvertible, Sendable {
    public let description: String

    /// An error about `layer`, prefixed with its name and class.
    public init(_ layer: any Layer, _ problem: String) {
        description = "layer '\(layer.name)' (\(layer.className)): \(problem)"
    }
}

/// Formats a shape for messages: `(784, 200)`.
public func shapeDescription(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
}
