/// Batch normalisation at inference over the last axis: `γ (x − mean) / √(var + ε) + β`
/// with the stored moving mean and variance (Keras's BatchNormalization).
public struct BatchNormalization: Layer {
    public let name: String
    public var className: String { "BatchNormalization" }
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
}

/// Layer normalisation over the last axis of each sample: `γ (x − mean) / √(var + ε) + β`
/// with the mean and variance of that sample (Keras's LayerNormalization).
public struct LayerNormalization: Layer {
    public let name: String
    public var className: String { "LayerNormalization" }
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
}

/// Rows and columns added or removed at the four edges of `[H, W, C]` samples.
public struct Edges2D: Sendable, Equatable {
    public let top: Int, bottom: Int, left: Int, right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }
}

/// Zero padding around `[H, W, C]` samples (Keras's ZeroPadding2D).
public struct ZeroPadding2D: Layer {
    public let name: String
    public var className: String { "ZeroPadding2D" }
    /// Rows added on top and bottom, columns on the left and right.
    public let edges: Edges2D

    public init(name: String, edges: Edges2D) {
        self.name = name
        self.edges = edges
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3 else { throw LayerError(self, "expects an [H, W, C] input, got \(shapeDescription(input))") }
        return [input[0] + edges.top + edges.bottom, input[1] + edges.left + edges.right, input[2]]
    }
}

/// Upsampling of `[H, W, C]` samples by whole factors (Keras's UpSampling2D):
/// nearest repeats each pixel; bilinear interpolates as `tf.image.resize` does.
public struct UpSampling2D: Layer {
    public let name: String
    public var className: String { "UpSampling2D" }
    public let factors: (Int, Int)
    /// `.nearest` or `.bilinear`.
    public let interpolation: ResizeMethod

    public init(name: String, factors: (Int, Int), interpolation: ResizeMethod) {
        self.name = name
        self.factors = factors
        self.interpolation = interpolation
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3 else { throw LayerError(self, "expects an [H, W, C] input, got \(shapeDescription(input))") }
        return [input[0] * factors.0, input[1] * factors.1, input[2]]
    }
}

/// Feature normalisation with stored statistics (Keras's Normalization layer):
/// `(x − mean) / max(√variance, 1e-7)` along the last axis.
public struct Normalization: Layer {
    public let name: String
    public var className: String { "Normalization" }
    /// One value, or one per position of the last axis.
    public let mean: [Float]
    public let variance: [Float]
    /// The stored weights Keras counts: mean, variance and count when adapted, none when given in the config.
    public let parameterCount: Int

    public init(name: String, mean: [Float], variance: [Float], parameterCount: Int) {
        self.name = name
        self.mean = mean
        self.variance = variance
        self.parameterCount = parameterCount
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        for values in [mean, variance] where values.count != 1 && values.count != input.last {
            throw LayerError(self, "\(values.count) statistics do not match the last axis of \(shapeDescription(input))")
        }
        return input
    }
}
