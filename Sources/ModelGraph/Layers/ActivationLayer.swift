/// A layer that only applies an activation: Keras's `Activation`, `ReLU`,
/// `LeakyReLU`, `ELU`, `Softmax` and `ThresholdedReLU`.
public struct ActivationLayer: Layer {
    public let name: String
    public let className: String
    public let activation: Activation?

    public init(name: String, className: String, activation: Activation) {
        self.name = name
        self.className = className
        self.activation = activation
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        activation?.outputShape(for: input) ?? input
    }
}

/// PReLU: `x` where positive, `alpha · x` elsewhere, with a learned `alpha`
/// per position (shared along `shared_axes`, where it has extent 1).
public struct PReLU: Layer {
    public let name: String
    public var className: String { "PReLU" }
    /// The slopes, shaped like one sample with shared axes of extent 1.
    public let alpha: Tensor

    public init(name: String, alpha: Tensor) {
        self.name = name
        self.alpha = alpha
    }

    public var parameterCount: Int { alpha.count }

    public func outputShape(for input: [Int]) throws -> [Int] {
        let fits = alpha.shape.count == input.count && zip(alpha.shape, input).allSatisfy { $0 == $1 || $0 == 1 }
        guard fits else {
            throw LayerError(self, "alpha of shape \(shapeDescription(alpha.shape)) does not fit an input of shape \(shapeDescription(input))")
        }
        return input
    }
}
