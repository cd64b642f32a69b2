import Layers
import ModelGraph

/// tf.keras 2's operator layers: `TFOpLambda` (a TensorFlow function applied in
/// a functional model: `x + 3`, `tf.nn.relu6(x)`, `tf.reshape(x, …)`) and
/// `SlicingOpLambda` (`x[:, 1:]`), read by the function each one records.
enum TFOperatorReader: KerasLayerReader {
    static let classNames = ["TFOpLambda", "SlicingOpLambda"]

    static let binary: [String: BinaryOperation] = [
        "__operators__.add": .add, "math.add": .add, "math.subtract": .subtract, "math.multiply": .multiply,
        "math.truediv": .divide, "math.divide": .divide, "math.maximum": .maximum, "math.minimum": .minimum, "math.pow": .power,
        "math.squared_difference": .squaredDifference,
    ]
    static let functions: [String: ElementwiseFunction.Function] = [
        "math.negative": .negative, "math.abs": .absolute, "math.square": .square, "math.sqrt": .sqrt, "math.rsqrt": .reciprocalSqrt,
        "math.exp": .exp, "math.log": .log, "math.reciprocal": .reciprocal, "math.sign": .sign, "math.floor": .floor,
        "math.ceil": .ceil, "math.round": .round,
    ]
    static let activations: [String: String] = [
        "nn.relu": "relu", "nn.relu6": "relu6", "math.sigmoid": "sigmoid", "nn.sigmoid": "sigmoid", "math.tanh": "tanh",
        "nn.tanh": "tanh", "nn.silu": "silu", "nn.swish": "swish", "nn.elu": "elu", "nn.selu": "selu", "math.softplus": "softplus",
        "nn.softplus": "softplus", "nn.softsign": "softsign", "nn.gelu": "gelu", "nn.softmax": "softmax", "nn.log_softmax": "log_softmax",
        "nn.leaky_relu": "leaky_relu",
    ]
    static let reductions: [String: Reduce.Kind] = [
        "math.reduce_mean": .mean, "math.reduce_sum": .sum, "math.reduce_max": .max, "math.reduce_min": .min,
    ]

    static let shaping = ["reshape", "concat", "expand_dims", "squeeze", "compat.v1.squeeze", "transpose", "compat.v1.transpose", "linalg.matrix_transpose",
                          "__operators__.getitem"]

    static func accepts(_ entry: LayerEntry) -> Bool {
        guard let function = entry.config["function"]?.string else { return false }
        return binary[function] != nil || functions[function] != nil || reductions[function] != nil || activations[function] != nil
            || shaping.contains(function)
    }

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        guard let function = source.config["function"]?.string else { throw source.error("records no 'function'") }
        let build = OperationBuilder(source: source)
        let call = source.call
        if let binary = binary[function] { return try build.arithmetic(binary, call.argument(0, "x"), call.argument(1, "y")) }
        if let elementwise = functions[function] { return ElementwiseFunction(name: source.name, function: elementwise) }
        if let reduction = reductions[function] {
            let keep: Bool
            switch call.argument(2, "keepdims") {
            case nil, .constant(.null)?: keep = false
            case let .constant(.bool(flag))?: keep = flag
            default: throw source.error("'keepdims' is not true or false")
            }
            return try build.reduce(reduction, axes: try build.integers(call.argument(1, "axis"), "axis"), keepDimensions: keep)
        }
        if let activationName = activations[function] {
            var activation = ActivationDecoder.activation(named: activationName, kerasMajorVersion: 2) ?? .linear
            switch activationName {
            case "softmax", "log_softmax":
                let axis = try call.argument(1, "axis").map { try build.integer($0, "axis") } ?? -1
                activation = activationName == "softmax" ? .softmax(axes: [axis]) : .logSoftmax(axes: [axis])
            case "gelu":
                if case let .constant(.bool(approximate))? = call.argument(1, "approximate") { activation = .gelu(approximate: approximate) }
            case "leaky_relu":
                let slope = try call.argument(1, "alpha").map { argument -> Float in
                    guard let number = argument.number else { throw source.error("'alpha' is not a number") }
                    return Float(number)
                } ?? 0.2
                activation = .relu(maxValue: nil, negativeSlope: slope, threshold: 0)
            default: break
            }
            return ActivationLayer(name: source.name, activation: activation)
        }
        switch function {
        case "reshape":
            return try build.reshape(try build.integers(call.argument(1, "shape"), "shape"))
        case "concat":
            return try build.concatenate(axis: try build.integer(call.keywords["axis"], "axis"))
        case "expand_dims":
            return try build.expandDimensions(try build.integer(call.argument(1, "axis"), "axis"))
        case "squeeze", "compat.v1.squeeze":
            // TensorFlow 1's spelling also takes the axes as `squeeze_dims`.
            return try build.squeeze(try build.integers(call.argument(1, "axis") ?? call.keywords["squeeze_dims"], "axis"))
        case "transpose", "compat.v1.transpose", "linalg.matrix_transpose":
            return try build.transpose(try build.integers(call.argument(1, "perm"), "perm"))
        case "__operators__.getitem":
            guard case let .list(entries)? = call.argument(1, "slice_spec") else { throw source.error("indexes with a key LayerLens cannot read") }
            return try build.slice(entries)
        default:
            throw source.error("the TensorFlow function 'tf.\(function)' is not supported; rebuild the model with Keras layers")
        }
    }
}
