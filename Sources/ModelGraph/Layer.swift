import FileIO

/// One layer of a model: its options and weights, the shape it produces and its
/// forward pass at inference. Layers know nothing of the file format they were
/// read from; a format reader builds them and names each call (`Node.typeName`).
///
/// A layer takes one or more inputs; most take one and conform to `UnaryLayer`.
public protocol Layer: Sendable {
    /// The layer's name in the model (`dense_1`), for messages.
    var name: String { get }
    /// The activation the layer applies, if it applies one.
    var activation: Activation? { get }
    /// The number of stored weights (trainable and not).
    var parameterCount: Int { get }
    /// The sample shape produced from inputs of sample shapes `inputs`;
    /// throws `LayerError` when they cannot feed the layer.
    func outputShape(forInputs inputs: [[Int]]) throws -> [Int]
    /// The output for batches `inputs` (batch first), whose sample shapes the
    /// model has already checked with `outputShape(forInputs:)`.
    func forward(_ inputs: [Tensor]) -> Tensor
}

extension Layer {
    public var activation: Activation? { nil }
    public var parameterCount: Int { 0 }
}

/// A layer of exactly one input.
public protocol UnaryLayer: Layer {
    /// The sample shape this layer produces for a sample of `input`.
    func outputShape(for input: [Int]) throws -> [Int]
    /// The output for the batch `input`.
    func forward(_ input: Tensor) -> Tensor
}

extension UnaryLayer {
    public func outputShape(forInputs inputs: [[Int]]) throws -> [Int] {
        guard inputs.count == 1 else { throw LayerError(self, "takes one input, but is given \(inputs.count)") }
        return try outputShape(for: inputs[0])
    }

    public func forward(_ inputs: [Tensor]) -> Tensor { forward(inputs[0]) }
}

/// A layer that cannot take the shape it is given or holds inconsistent weights.
public struct LayerError: Error, CustomStringConvertible, Sendable {
    /// The name of the layer at fault.
    public let layerName: String
    /// What is wrong, without the layer's name.
    public let problem: String

    /// An error about `layer`.
    public init(_ layer: any Layer, _ problem: String) {
        layerName = layer.name
        self.problem = problem
    }

    public var description: String { "layer \(quoted(layerName)): \(problem)" }
}

/// Formats a shape for messages: `(784, 200)`.
public func shapeDescription(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
}
