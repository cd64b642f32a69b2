import ModelGraph

/// Batch normalisation at inference over the last axis: `γ (x − mean) / √(var + ε) + β`
/// with the stored moving mean and variance (Keras's BatchNormalization).
public struct BatchNormalization: UnaryLayer {
    public let name: String
    public let epsilon: Float
    /// γ, or nil when `scale=False`.
    public let gamma: Tensor?
    /// β, or nil when `center=False`.
    public let beta: Tensor?
    public let movingMean: Tensor
    public let movingVariance: Tensor

    public init(name: String, epsilon: Float, gamma: Tensor?, beta: Tensor?, movingMean: Tensor, movingVariance: Tensor) {
        self.name = name
        self.epsilon = epsilon
        self.gamma = gamma
        self.beta = beta
        self.movingMean = movingMean
        self.movingVariance = movingVariance
    }

    public var parameterCount: Int { (gamma?.count ?? 0) + (beta?.count ?? 0) + movingMean.count + movingVariance.count }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.last == movingMean.count else {
            throw LayerError(self, "normalises \(movingMean.count) channels but the input is \(shapeDescription(input))")
        }
        return input
    }

    public func forward(_ input: Tensor) -> Tensor { batchNormalize(input, layer: self) }
}

/// Layer normalisation over the last axis of each sample: `γ (x − mean) / √(var + ε) + β`
/// with the mean and variance of that sample (Keras's LayerNormalization).
public struct LayerNormalization: UnaryLayer {
    public let name: String
    public let epsilon: Float
    public let gamma: Tensor?
    public let beta: Tensor?

    public init(name: String, epsilon: Float, gamma: Tensor?, beta: Tensor?) {
        self.name = name
        self.epsilon = epsilon
        self.gamma = gamma
        self.beta = beta
    }

    public var parameterCount: Int { (gamma?.count ?? 0) + (beta?.count ?? 0) }

    public func outputShape(for input: [Int]) throws -> [Int] {
        if let gamma, gamma.count != input.last {
            throw LayerError(self, "normalises \(gamma.count) values per position but the input is \(shapeDescription(input))")
        }
        return input
    }

    public func forward(_ input: Tensor) -> Tensor { layerNormalize(input, layer: self) }
}

/// Feature normalisation with stored statistics along the last axis:
/// `(x − mean) / max(√variance, 1e-7)`, or its inverse `x · max(√variance, 1e-7) + mean`.
public struct Normalization: UnaryLayer {
    public let name: String
    /// One value, or one per position of the last axis.
    public let mean: [Float]
    public let variance: [Float]
    /// Whether the layer undoes the normalisation instead.
    public let invert: Bool
    /// The stored weights: mean, variance and count when adapted, none when given as options.
    public let parameterCount: Int

    public init(name: String, mean: [Float], variance: [Float], invert: Bool = false, parameterCount: Int) {
        self.name = name
        self.mean = mean
        self.variance = variance
        self.invert = invert
        self.parameterCount = parameterCount
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        for values in [mean, variance] where values.count != 1 && values.count != input.last {
            throw LayerError(self, "\(values.count) statistics do not match the last axis of \(shapeDescription(input))")
        }
        return input
    }

    public func forward(_ input: Tensor) -> Tensor {
        let deviation = variance.map { max($0.squareRoot(), 1e-7) }
        var output = input
        for index in output.scalars.indices {
            let (x, center, spread) = (input.scalars[index], mean[index % mean.count], deviation[index % deviation.count])
            output.scalars[index] = invert ? center + x * spread : (x - center) / spread
        }
        return output
    }
}
