import ModelGraph

/// A fully connected layer: `activation(x · kernel + bias)` over the last axis.
public struct Dense: UnaryLayer {
    public let name: String
    /// The number of output units.
    public let units: Int
    /// The function applied to `x · kernel + bias`.
    public let activation: Activation?
    /// The weight matrix, shape `[inputUnits, units]`.
    public let kernel: Tensor
    /// The bias vector, shape `[units]`; nil when the layer has `use_bias=False`.
    public let bias: Tensor?

    public init(name: String, units: Int, activation: Activation, kernel: Tensor, bias: Tensor?) {
        self.name = name
        self.units = units
        self.activation = activation
        self.kernel = kernel
        self.bias = bias
    }

    /// The width of the input's last axis.
    public var inputUnits: Int { kernel.shape[0] }

    public var parameterCount: Int { kernel.count + (bias?.count ?? 0) }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard let last = input.last, last == inputUnits else {
            throw LayerError(self, "expects an input whose last axis has \(inputUnits) values, got shape \(shapeDescription(input))")
        }
        return input.dropLast() + [units]
    }

    /// `x · kernel + bias`, before the activation: the logits beneath a softmax head.
    public func preActivation(_ input: Tensor) -> Tensor {
        let rows = input.count / inputUnits
        let product = denseForward(input: input.scalars, rows: rows, kernel: kernel.scalars,
                                   inputUnits: inputUnits, units: units, bias: bias?.scalars)
        return Tensor(shape: input.shape.dropLast() + [units], scalars: product)
    }

    public func forward(_ input: Tensor) -> Tensor {
        apply(activation ?? .linear, to: preActivation(input))
    }
}
