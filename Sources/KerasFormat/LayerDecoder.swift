import ModelGraph

/// Builds `ModelGraph` layers from config entries and their stored weights,
/// checking every weight's shape against what the config implies.
struct LayerDecoder {
    let kerasMajorVersion: Int

    /// Layer classes that are the identity at inference.
    static let inferenceIdentities: Set<String> = [
        "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
        "GaussianDropout", "AlphaDropout", "ActivityRegularization",
    ]
    /// Every class this decoder builds.
    static let supportedClasses: [String] = [
        "Dense", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "ThresholdedReLU", "PReLU",
        "Flatten", "Reshape", "Rescaling",
    ] + inferenceIdentities.sorted()

    /// Refuses, before any weight is read, a class LayerLens cannot run.
    static func checkSupported(_ entry: LayerEntry) throws {
        if entry.className == "Lambda" {
            throw entry.config.error("Lambda layers hold Python code, which LayerLens cannot run; rebuild the model with built-in layers")
        }
        guard supportedClasses.contains(entry.className) else {
            throw entry.config.error("unsupported layer class; supported: \(supportedClasses.joined(separator: ", "))")
        }
        if let format = entry.config["data_format"]?.string, format != "channels_last" {
            throw entry.config.error("data_format '\(format)' is not supported; LayerLens runs channels_last models only")
        }
    }

    /// The layer for `entry`, fed a sample of `inputShape`, holding `weights`.
    func decode(_ entry: LayerEntry, weights: [Tensor], inputShape: [Int]) throws -> any Layer {
        let config = entry.config
        let name = entry.name
        switch entry.className {
        case "Dense":
            return try decodeDense(entry, weights: weights, inputShape: inputShape)
        case "Activation":
            try expectNoWeights(entry, weights)
            let activation = try ActivationDecoder.decode(config["activation"], kerasMajorVersion: kerasMajorVersion, in: config)
            return ActivationLayer(name: name, className: entry.className, activation: activation)
        case "ReLU":
            try expectNoWeights(entry, weights)
            return ActivationLayer(name: name, className: entry.className, activation: .relu(
                maxValue: try config.optionalFloat("max_value"),
                negativeSlope: try config.float("negative_slope", default: 0),
                threshold: try config.float("threshold", default: 0)))
        case "LeakyReLU":
            try expectNoWeights(entry, weights)
            let slope = try config.float(config["negative_slope"] != nil ? "negative_slope" : "alpha", default: 0.3)
            return ActivationLayer(name: name, className: entry.className, activation: .relu(maxValue: nil, negativeSlope: slope, threshold: 0))
        case "ELU":
            try expectNoWeights(entry, weights)
            return ActivationLayer(name: name, className: entry.className, activation: .elu(alpha: try config.float("alpha", default: 1)))
        case "ThresholdedReLU":
            try expectNoWeights(entry, weights)
            return ActivationLayer(name: name, className: entry.className, activation: .thresholdedReLU(theta: try config.float("theta", default: 1)))
        case "Softmax":
            try expectNoWeights(entry, weights)
            let axes = try config.intOrInts("axis") ?? [-1]
            return ActivationLayer(name: name, className: entry.className, activation: .softmax(axes: axes))
        case "PReLU":
            return try decodePReLU(entry, weights: weights, inputShape: inputShape)
        case "Flatten":
            try expectNoWeights(entry, weights)
            return Flatten(name: name)
        case "Reshape":
            try expectNoWeights(entry, weights)
            guard let target = try config.ints("target_shape") else { throw config.error("'target_shape' is missing") }
            return Reshape(name: name, targetShape: target)
        case "Rescaling":
            try expectNoWeights(entry, weights)
            return Rescaling(name: name, scale: try config.floats("scale", default: [1]), offset: try config.floats("offset", default: [0]))
        default:
            try expectNoWeights(entry, weights)
            return InferenceIdentity(name: name, className: entry.className)
        }
    }

    private func decodeDense(_ entry: LayerEntry, weights: [Tensor], inputShape: [Int]) throws -> Dense {
        let config = entry.config
        for option in ["lora_rank", "quantization_config"] where config[option] != nil {
            throw config.error("'\(option)' is set; LoRA-adapted and quantized Dense layers are not supported")
        }
        let units = try config.int("units")
        let useBias = try config.bool("use_bias", default: true)
        let activation = try ActivationDecoder.decode(config["activation"], kerasMajorVersion: kerasMajorVersion, in: config)
        guard let inputUnits = inputShape.last else { throw config.error("cannot take a scalar input") }
        let expected = [[inputUnits, units]] + (useBias ? [[units]] : [])
        try expectShapes(entry, weights, expected, names: ["kernel", "bias"])
        return Dense(name: entry.name, units: units, activation: activation, kernel: weights[0], bias: useBias ? weights[1] : nil)
    }

    private func decodePReLU(_ entry: LayerEntry, weights: [Tensor], inputShape: [Int]) throws -> PReLU {
        var alphaShape = inputShape
        for axis in try entry.config.ints("shared_axes") ?? [] {
            guard axis >= 1, axis <= alphaShape.count else { throw entry.config.error("shared axis \(axis) is out of range") }
            alphaShape[axis - 1] = 1
        }
        try expectShapes(entry, weights, [alphaShape], names: ["alpha"])
        return PReLU(name: entry.name, alpha: weights[0])
    }

    private func expectNoWeights(_ entry: LayerEntry, _ weights: [Tensor]) throws {
        try expectShapes(entry, weights, [], names: [])
    }

    /// Checks the count and the shape of each stored weight against the config.
    private func expectShapes(_ entry: LayerEntry, _ weights: [Tensor], _ expected: [[Int]], names: [String]) throws {
        guard weights.count == expected.count else {
            throw entry.config.error("the file stores \(weights.count) weight arrays, the config implies \(expected.count) (\(names.prefix(expected.count).joined(separator: ", ")))")
        }
        for (index, (weight, shape)) in zip(weights, expected).enumerated() where weight.shape != shape {
            throw entry.config.error("weight '\(names[index])' has shape \(shapeDescription(weight.shape)) in the file, but the config implies \(shapeDescription(shape))")
        }
    }
}
