import Layers
import ModelGraph

/// Keras 3 operation nodes — what `x + 3.0`, `ops.mean(x, axis=1)` or `x[:, 1:]`
/// become in a functional model — under their `ops.` reader keys.
enum KerasOperationReader: KerasLayerReader {
    static let binary: [String: BinaryOperation] = [
        "Add": .add, "Subtract": .subtract, "Multiply": .multiply, "Divide": .divide, "TrueDivide": .divide,
        "Maximum": .maximum, "Minimum": .minimum, "Power": .power,
    ]
    static let functions: [String: ElementwiseFunction.Function] = [
        "Negative": .negative, "Absolute": .absolute, "Abs": .absolute, "Square": .square, "Sqrt": .sqrt, "Rsqrt": .reciprocalSqrt,
        "Exp": .exp, "Log": .log, "Reciprocal": .reciprocal, "Sign": .sign, "Floor": .floor, "Ceil": .ceil, "Round": .round,
    ]
    /// Operations that are activation functions, by the activation name they apply.
    static let activations: [String: String] = [
        "Relu": "relu", "Relu6": "relu6", "Sigmoid": "sigmoid", "Tanh": "tanh", "Silu": "silu", "Elu": "elu", "Selu": "selu",
        "Softplus": "softplus", "Softsign": "softsign", "HardSigmoid": "hard_sigmoid", "HardSilu": "hard_silu", "Mish": "mish",
        "Gelu": "gelu", "Softmax": "softmax", "LogSoftmax": "log_softmax", "LeakyRelu": "leaky_relu",
    ]
    static let reductions: [String: Reduce.Kind] = ["Mean": .mean, "Sum": .sum, "Max": .max, "Min": .min]
    static let shaping = ["Reshape", "Concatenate", "GetItem", "ExpandDims", "Squeeze", "Transpose"]

    static var classNames: [String] {
        (Array(binary.keys) + Array(functions.keys) + Array(activations.keys) + Array(reductions.keys) + shaping).map { "ops." + $0 }
    }

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        let operation = String(source.className.dropFirst("ops.".count))
        let build = OperationBuilder(source: source)
        let config = source.config, call = source.call
        if let binary = binary[operation] { return try build.arithmetic(binary, call.argument(0, "x1"), call.argument(1, "x2")) }
        if let function = functions[operation] { return ElementwiseFunction(name: source.name, function: function) }
        if let reduction = reductions[operation] {
            return try build.reduce(reduction, axes: try build.integers(config["axis"].map(CallArgument.init) ?? call.argument(1, "axis"), "axis"),
                                    keepDimensions: try config.bool("keepdims", default: false))
        }
        if let activationName = activations[operation] {
            var activation = ActivationDecoder.activation(named: activationName, kerasMajorVersion: 3) ?? .linear
            switch activation {
            case .softmax, .logSoftmax:
                let axes = try config.intOrInts("axis") ?? [-1]
                activation = activationName == "softmax" ? .softmax(axes: axes) : .logSoftmax(axes: axes)
            case .gelu: activation = .gelu(approximate: try config.bool("approximate", default: true))
            case .elu: activation = .elu(alpha: try config.float("alpha", default: 1))
            case .relu where activationName == "leaky_relu":
                activation = .relu(maxValue: nil, negativeSlope: try config.float("negative_slope", default: 0.2), threshold: 0)
            default: break
            }
            return ActivationLayer(name: source.name, activation: activation)
        }
        switch operation {
        case "Reshape": return try build.reshape(try config.ints("newshape"))
        case "Concatenate": return try build.concatenate(axis: config["axis"] == nil ? 0 : try config.int("axis"))
        case "ExpandDims": return try build.expandDimensions(try config.int("axis"))
        case "Squeeze": return try build.squeeze(try config.intOrInts("axis"))
        case "Transpose": return try build.transpose(try config.ints("axes"))
        default:
            guard case let .list(entries)? = call.argument(1, "key") else { throw source.error("indexes with a key LayerLens cannot read") }
            return try build.slice(entries)
        }
    }
}
