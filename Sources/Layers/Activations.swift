import ModelGraph

/// A layer that only applies an activation: Keras's `Activation`, `ReLU`,
/// `LeakyReLU`, `ELU`, `Softmax` and `ThresholdedReLU`.
public struct ActivationLayer: UnaryLayer {
    public let name: String
    public let activation: Activation?

    public init(name: String, activation: Activation) {
        self.name = name
        self.activation = activation
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard let activation else { return input }
        // Axes count the batch axis as 0: a sample's axes are 1…rank, or −rank…−1.
        let rank = input.count
        guard activation.axes.allSatisfy({ (1...max(rank, 1)).contains($0) || (-rank..<0).contains($0) }), rank > 0 || activation.axes.isEmpty else {
            throw LayerError(self, "\(activation.name) axis \(activation.axes) is out of range for input \(shapeDescription(input))")
        }
        return activation.outputShape(for: input)
    }

    public func forward(_ input: Tensor) -> Tensor { apply(activation ?? .linear, to: input) }
}

/// PReLU: `x` where positive, `alpha · x` elsewhere, with a learned `alpha`
/// per position (shared along `shared_axes`, where it has extent 1).
public struct PReLU: UnaryLayer {
    public let name: String
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

    public func forward(_ input: Tensor) -> Tensor {
        // Broadcast alpha over the sample: shared axes have extent 1 in alpha.
        let sampleShape = input.sampleShape
        let sampleCount = sampleShape.reduce(1, *)
        var alphaStrides = [Int](repeating: 0, count: sampleShape.count)
        var step = 1
        for axis in stride(from: sampleShape.count - 1, through: 0, by: -1) {
            alphaStrides[axis] = alpha.shape[axis] == 1 ? 0 : step
            step *= alpha.shape[axis]
        }
        let alphaIndex: [Int] = (0..<sampleCount).map { flat in
            var remainder = flat
            var index = 0
            for axis in stride(from: sampleShape.count - 1, through: 0, by: -1) {
                index += (remainder % sampleShape[axis]) * alphaStrides[axis]
                remainder /= sampleShape[axis]
            }
            return index
        }
        var output = input
        for index in output.scalars.indices where output.scalars[index] < 0 {
            output.scalars[index] *= alpha.scalars[alphaIndex[index % sampleCount]]
        }
        return output
    }
}
