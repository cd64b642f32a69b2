/// An element-wise (or, for the softmax family, axis-wise) activation function,
/// with its parameters resolved by the reader as the file's writer defines them.
public enum Activation: Sendable, Equatable {
    /// The two definitions of hard_sigmoid in use (Keras 2 used the first, Keras 3 the second).
    public enum HardSigmoidForm: Sendable, Equatable {
        /// `clip(0.2 x + 0.5, 0, 1)`.
        case slopeOneFifth
        /// `relu6(x + 3) / 6`, that is `clip(x / 6 + 0.5, 0, 1)`.
        case shiftedReLU6
    }

    case linear
    /// `x > threshold ? x : 0`, clipped to `maxValue`, minus `negativeSlope · relu(threshold − x)`:
    /// Keras's ReLU layer and `relu` function; `relu6` is `maxValue = 6`.
    case relu(maxValue: Float?, negativeSlope: Float, threshold: Float)
    /// `x > theta ? x : 0` (Keras 2's ThresholdedReLU layer).
    case thresholdedReLU(theta: Float)
    case elu(alpha: Float)
    case selu
    case celu(alpha: Float)
    /// Exact `0.5 x (1 + erf(x/√2))`, or the tanh approximation.
    case gelu(approximate: Bool)
    case sigmoid
    case hardSigmoid(HardSigmoidForm)
    /// `x · relu6(x + 3) / 6` (Keras 3's hard_silu / hard_swish).
    case hardSwish
    case tanh
    case hardTanh
    case hardShrink(threshold: Float)
    case softShrink(threshold: Float)
    case tanhShrink
    case softplus
    case softsign
    case swish
    case mish
    case exponential
    case logSigmoid
    case squareplus(b: Float)
    case sparsePlus
    case sparseSigmoid
    /// Softmax over the given axes (negative counts from the end).
    case softmax(axes: [Int])
    case logSoftmax(axes: [Int])
    case sparsemax(axis: Int)
    /// Splits `axis` in halves a, b and returns `a · sigmoid(b)`; halves that axis.
    case glu(axis: Int)

    /// The name Keras gives this activation, for titles and summaries.
    public var name: String {
        switch self {
        case .linear: "linear"
        case let .relu(maxValue, negativeSlope, threshold):
            if maxValue == 6, negativeSlope == 0, threshold == 0 { "relu6" }
            else if maxValue == nil, threshold == 0, negativeSlope != 0 { "leaky_relu" }
            else { "relu" }
        case .thresholdedReLU: "thresholded_relu"
        case .elu: "elu"
        case .selu: "selu"
        case .celu: "celu"
        case .gelu: "gelu"
        case .sigmoid: "sigmoid"
        case .hardSigmoid: "hard_sigmoid"
        case .hardSwish: "hard_swish"
        case .tanh: "tanh"
        case .hardTanh: "hard_tanh"
        case .hardShrink: "hard_shrink"
        case .softShrink: "soft_shrink"
        case .tanhShrink: "tanh_shrink"
        case .softplus: "softplus"
        case .softsign: "softsign"
        case .swish: "swish"
        case .mish: "mish"
        case .exponential: "exponential"
        case .logSigmoid: "log_sigmoid"
        case .squareplus: "squareplus"
        case .sparsePlus: "sparse_plus"
        case .sparseSigmoid: "sparse_sigmoid"
        case .softmax: "softmax"
        case .logSoftmax: "log_softmax"
        case .sparsemax: "sparsemax"
        case .glu: "glu"
        }
    }

    /// Whether the function zeroes negative inputs, so that "units that switched
    /// on or off" and "dead units" make sense for it.
    public var isReLUFamily: Bool {
        if case let .relu(_, negativeSlope, _) = self { return negativeSlope == 0 }
        if case .thresholdedReLU = self { return true }
        return false
    }

    /// The output's sample shape for an input of `sampleShape`: unchanged, but for glu.
    /// The axes an axis-wise activation works along (the softmax family, glu),
    /// counting the batch axis as 0 and negative from the end; empty for element-wise ones.
    public var axes: [Int] {
        switch self {
        case let .softmax(axes), let .logSoftmax(axes): axes
        case let .sparsemax(axis), let .glu(axis): [axis]
        default: []
        }
    }

    public func outputShape(for sampleShape: [Int]) -> [Int] {
        guard case let .glu(axis) = self, !sampleShape.isEmpty else { return sampleShape }
        var shape = sampleShape
        let resolved = axis < 0 ? shape.count + axis : axis - 1
        if shape.indices.contains(resolved) { shape[resolved] /= 2 }
        return shape
    }
}
