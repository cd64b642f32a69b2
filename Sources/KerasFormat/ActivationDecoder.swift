import FileIO
import ModelGraph

/// Maps Keras's activation names to `Activation`, as the Keras version that
/// saved the model defines them.
enum ActivationDecoder {
    /// Every name LayerLens understands, for error messages.
    static let supportedNames = [
        "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "sigmoid", "hard_sigmoid",
        "hard_silu", "hard_swish", "tanh", "hard_tanh", "hard_shrink", "soft_shrink", "tanh_shrink",
        "softplus", "softsign", "swish", "silu", "mish", "exponential", "log_sigmoid", "squareplus",
        "sparse_plus", "sparse_sigmoid", "softmax", "log_softmax", "sparsemax", "glu",
    ]

    /// The activation a config value names: a string such as `"relu"`, null
    /// (linear), or Keras 3's serialized-function object whose `config` is the name.
    static func decode(_ value: JSONValue?, kerasMajorVersion: Int, in config: ConfigObject) throws -> Activation {
        guard let value, !value.isNull else { return .linear }
        var name = value.string
        if name == nil, let object = value.object {
            name = object["config"]?.string ?? object["config"]?.object?["name"]?.string
        }
        guard let name else { throw config.error("'activation' is not a name LayerLens can read") }
        guard let activation = activation(named: name, kerasMajorVersion: kerasMajorVersion) else {
            throw config.error("activation \(quoted(name)) is not supported; supported: \(supportedNames.joined(separator: ", "))")
        }
        return activation
    }

    /// The built-in activation called `name`, with Keras's default parameters.
    static func activation(named name: String, kerasMajorVersion: Int) -> Activation? {
        switch name {
        case "linear": .linear
        case "relu": .relu(maxValue: nil, negativeSlope: 0, threshold: 0)
        case "relu6": .relu(maxValue: 6, negativeSlope: 0, threshold: 0)
        case "leaky_relu": .relu(maxValue: nil, negativeSlope: 0.2, threshold: 0)
        case "elu": .elu(alpha: 1)
        case "selu": .selu
        case "celu": .celu(alpha: 1)
        case "gelu": .gelu(approximate: false)
        case "sigmoid": .sigmoid
        case "hard_sigmoid": .hardSigmoid(kerasMajorVersion >= 3 ? .shiftedReLU6 : .slopeOneFifth)
        case "hard_silu", "hard_swish": .hardSwish
        case "tanh": .tanh
        case "hard_tanh": .hardTanh
        case "hard_shrink": .hardShrink(threshold: 0.5)
        case "soft_shrink": .softShrink(threshold: 0.5)
        case "tanh_shrink": .tanhShrink
        case "softplus": .softplus
        case "softsign": .softsign
        case "swish", "silu": .swish
        case "mish": .mish
        case "exponential": .exponential
        case "log_sigmoid": .logSigmoid
        case "squareplus": .squareplus(b: 4)
        case "sparse_plus": .sparsePlus
        case "sparse_sigmoid": .sparseSigmoid
        case "softmax": .softmax(axes: [-1])
        case "log_softmax": .logSoftmax(axes: [-1])
        case "sparsemax": .sparsemax(axis: -1)
        case "glu": .glu(axis: -1)
        default: nil
        }
    }
}
