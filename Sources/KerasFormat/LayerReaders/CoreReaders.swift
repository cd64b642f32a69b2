import FileIO
import Layers
import ModelGraph

/// Dense: `activation(x · kernel + bias)`.
enum DenseReader: KerasLayerReader {
    static let classNames = ["Dense"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        for option in ["lora_rank", "quantization_config"] where source.config[option] != nil {
            throw source.error("\(quoted(option)) is set; LoRA-adapted and quantized Dense layers are not supported")
        }
        let units = try source.config.int("units")
        guard units > 0 else { throw source.error("'units' must be positive") }
        let useBias = try source.config.bool("use_bias", default: true)
        guard let inputUnits = source.inputShape.last else { throw source.error("cannot take a scalar input") }
        let weights = try source.expectWeights([("kernel", [inputUnits, units])] + (useBias ? [("bias", [units])] : []))
        return Dense(name: source.name, units: units, activation: try source.activation(), kernel: weights[0],
                     bias: useBias ? weights[1] : nil)
    }
}

/// The layers that only apply an activation: Activation, ReLU, LeakyReLU, ELU,
/// ThresholdedReLU, Softmax.
enum ActivationReader: KerasLayerReader {
    static let classNames = ["Activation", "ReLU", "LeakyReLU", "ELU", "ThresholdedReLU", "Softmax"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        let config = source.config
        let activation: Activation
        switch source.className {
        case "Activation":
            activation = try source.activation()
        case "ReLU":
            activation = .relu(maxValue: try config.optionalFloat("max_value"), negativeSlope: try config.float("negative_slope", default: 0),
                               threshold: try config.float("threshold", default: 0))
        case "LeakyReLU":
            // Keras 3 calls the slope `negative_slope`, Keras 2 `alpha`.
            let slope = try config.float(config["negative_slope"] != nil ? "negative_slope" : "alpha", default: 0.3)
            activation = .relu(maxValue: nil, negativeSlope: slope, threshold: 0)
        case "ELU":
            activation = .elu(alpha: try config.float("alpha", default: 1))
        case "ThresholdedReLU":
            activation = .thresholdedReLU(theta: try config.float("theta", default: 1))
        default:
            activation = .softmax(axes: try config.intOrInts("axis") ?? [-1])  // ActivationLayer checks the axes
        }
        return ActivationLayer(name: source.name, activation: activation)
    }
}

/// PReLU: a learned slope per position, shared along `shared_axes`.
enum PReLUReader: KerasLayerReader {
    static let classNames = ["PReLU"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        var alphaShape = source.inputShape
        for axis in try source.config.ints("shared_axes") ?? [] {
            guard axis >= 1, axis <= alphaShape.count else { throw source.error("shared axis \(axis) is out of range") }
            alphaShape[axis - 1] = 1
        }
        let weights = try source.expectWeights([("alpha", alphaShape)])
        return PReLU(name: source.name, alpha: weights[0])
    }
}

/// Layers that only act in training and are the identity at inference.
enum InferenceIdentityReader: KerasLayerReader {
    static let classNames = [
        "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
        "ActivityRegularization",
    ]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        return InferenceIdentity(name: source.name)
    }
}
