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
        "Flatten", "Reshape", "Rescaling", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "MaxPooling2D",
        "AveragePooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
        "BatchNormalization", "LayerNormalization", "ZeroPadding2D", "UpSampling2D", "Conv1D", "Conv2DTranspose",
        "MaxPooling1D", "AveragePooling1D", "Permute", "RepeatVector", "Cropping2D", "Concatenate", "Dot", "Normalization",
    ] + ElementwiseMerge.Operation.allCases.map(\.rawValue) + inferenceIdentities.sorted()

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
        case "Conv2D":
            return try decodeConv2D(entry, weights: weights, inputShape: inputShape)
        case "DepthwiseConv2D", "SeparableConv2D":
            return try decodeDepthwise(entry, weights: weights, inputShape: inputShape)
        case "MaxPooling2D", "AveragePooling2D":
            try expectNoWeights(entry, weights)
            let size = try config.pair("pool_size", default: (2, 2))
            return Pooling2D(name: name, kind: entry.className == "MaxPooling2D" ? .max : .average, poolSize: size,
                             strides: try config.pair("strides", default: size), padding: try padding(config))
        case "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D":
            try expectNoWeights(entry, weights)
            return GlobalPooling(name: name, className: entry.className, kind: entry.className.contains("Max") ? .max : .average,
                                 keepDimensions: try config.bool("keepdims", default: false))
        case "BatchNormalization":
            return try decodeBatchNormalization(entry, weights: weights, inputShape: inputShape)
        case "LayerNormalization":
            try expectLastAxis(entry, inputShape: inputShape)
            if try config.bool("rms_scaling", default: false) { throw config.error("rms_scaling=True is not supported") }
            let (center, scale) = (try config.bool("center", default: true), try config.bool("scale", default: true))
            guard let channels = inputShape.last else { throw config.error("cannot normalise a scalar") }
            try expectShapes(entry, weights, Array(repeating: [channels], count: (center ? 1 : 0) + (scale ? 1 : 0)),
                             names: (scale ? ["gamma"] : []) + (center ? ["beta"] : []))
            return LayerNormalization(name: name, epsilon: try config.float("epsilon", default: 1e-3),
                                      gamma: scale ? weights[0] : nil, beta: center ? weights[scale ? 1 : 0] : nil)
        case "ZeroPadding2D":
            try expectNoWeights(entry, weights)
            let amounts = try paddingAmounts(config, key: "padding", default: 1)
            return ZeroPadding2D(name: name, edges: amounts)
        case "UpSampling2D":
            try expectNoWeights(entry, weights)
            let interpolation = config["interpolation"]?.string ?? "nearest"
            guard let method = ResizeMethod(rawValue: interpolation), method != .area else {
                throw config.error("interpolation '\(interpolation)' is not supported; LayerLens upsamples with 'nearest' or 'bilinear'")
            }
            return UpSampling2D(name: name, factors: try config.pair("size", default: (2, 2)), interpolation: method)
        case "Normalization":
            try expectLastAxis(entry, inputShape: inputShape)
            if try config.bool("invert", default: false) { throw config.error("invert=True is not supported") }
            if config["mean"] != nil, config["variance"] != nil {
                try expectNoWeights(entry, weights)
                return Normalization(name: name, mean: try config.floats("mean", default: []), variance: try config.floats("variance", default: []),
                                     parameterCount: 0)
            }
            guard let channels = inputShape.last else { throw config.error("cannot normalise a scalar") }
            try expectShapes(entry, weights, [[channels], [channels], []], names: ["mean", "variance", "count"])
            return Normalization(name: name, mean: weights[0].scalars, variance: weights[1].scalars,
                                 parameterCount: weights.reduce(0) { $0 + $1.count })
        case "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum":
            try expectNoWeights(entry, weights)
            return ElementwiseMerge(name: name, operation: ElementwiseMerge.Operation(rawValue: entry.className)!)
        case "Concatenate":
            try expectNoWeights(entry, weights)
            return Concatenate(name: name, axis: config["axis"] == nil ? -1 : try config.int("axis"))
        case "Dot":
            try expectNoWeights(entry, weights)
            let axes = try config.intOrInts("axes") ?? [-1]
            guard axes.allSatisfy({ $0 == -1 || $0 == 1 }) else {
                throw config.error("Dot over axes \(axes) is not supported; LayerLens takes the dot product of two vectors")
            }
            return Dot(name: name, normalize: try config.bool("normalize", default: false))
        case "Conv1D":
            guard inputShape.count == 2 else { throw config.error("needs a [steps, C] input, got \(shapeDescription(inputShape))") }
            var heightOne = weights  // the kernel [K, C, F] as [1, K, C, F]
            if let kernel = weights.first { heightOne[0] = kernel.reshaped([1] + kernel.shape) }
            let conv = try decodeConv2D(entry, weights: heightOne, inputShape: [1] + inputShape, oneDimensional: true)
            return Conv1D(name: name, conv: conv)
        case "Conv2DTranspose":
            return try decodeTransposed(entry, weights: weights, inputShape: inputShape)
        case "MaxPooling1D", "AveragePooling1D":
            try expectNoWeights(entry, weights)
            let size = try config.int1("pool_size", default: 2)
            let pool = Pooling2D(name: name, kind: entry.className == "MaxPooling1D" ? .max : .average, poolSize: (1, size),
                                 strides: (1, try config.int1("strides", default: size)), padding: try padding(config))
            return Pooling1D(name: name, pool: pool)
        case "Permute":
            try expectNoWeights(entry, weights)
            guard let dims = try config.ints("dims") else { throw config.error("'dims' is missing") }
            return Permute(name: name, dims: dims)
        case "RepeatVector":
            try expectNoWeights(entry, weights)
            return RepeatVector(name: name, count: try config.int("n"))
        case "Cropping2D":
            try expectNoWeights(entry, weights)
            let amounts = try paddingAmounts(config, key: "cropping", default: 0)
            return Cropping2D(name: name, edges: amounts)
        default:
            try expectNoWeights(entry, weights)
            return InferenceIdentity(name: name, className: entry.className)
        }
    }

    private func decodeTransposed(_ entry: LayerEntry, weights: [Tensor], inputShape: [Int]) throws -> Conv2DTranspose {
        let config = entry.config
        if config["output_padding"] != nil { throw config.error("output_padding is not supported") }
        guard try config.pair("dilation_rate", default: (1, 1)) == (1, 1) else { throw config.error("a dilated Conv2DTranspose is not supported") }
        let filters = try config.int("filters"), size = try config.pair("kernel_size")
        let useBias = try config.bool("use_bias", default: true)
        guard inputShape.count == 3 else { throw config.error("needs an [H, W, C] input, got \(shapeDescription(inputShape))") }
        let padding = try padding(config)
        try expectShapes(entry, weights, [[size.0, size.1, filters, inputShape[2]]] + (useBias ? [[filters]] : []), names: ["kernel", "bias"])
        return Conv2DTranspose(name: entry.name, strides: try config.pair("strides", default: (1, 1)), padding: padding,
                               activation: try ActivationDecoder.decode(config["activation"], kerasMajorVersion: kerasMajorVersion, in: config),
                               kernel: weights[0], bias: useBias ? weights[1] : nil)
    }

    /// The `padding` option; `causal` only where `allowCausal` (Conv1D).
    private func padding(_ config: ConfigObject, allowCausal: Bool = false) throws -> Padding {
        let text = config["padding"]?.string ?? "valid"
        guard let padding = Padding(rawValue: text), padding != .causal || allowCausal else {
            throw config.error("padding '\(text)' is not supported here (valid and same are\(allowCausal ? ", and causal" : ""))")
        }
        return padding
    }

    private func decodeConv2D(_ entry: LayerEntry, weights: [Tensor], inputShape: [Int], oneDimensional: Bool = false) throws -> Conv2D {
        let config = entry.config
        let filters = try config.int("filters")
        let size = oneDimensional ? (1, try config.int1("kernel_size", default: nil)) : try config.pair("kernel_size")
        let strides = oneDimensional ? (1, try config.int1("strides", default: 1)) : try config.pair("strides", default: (1, 1))
        let dilation = oneDimensional ? (1, try config.int1("dilation_rate", default: 1)) : try config.pair("dilation_rate", default: (1, 1))
        let padding = try padding(config, allowCausal: oneDimensional)
        let groups = config["groups"] == nil ? 1 : try config.int("groups")
        let useBias = try config.bool("use_bias", default: true)
        guard inputShape.count == 3, groups > 0, inputShape[2] % groups == 0, filters % groups == 0 else {
            throw config.error("needs an [H, W, C] input whose channels and filters divide into \(groups) groups; got \(shapeDescription(inputShape))")
        }
        try expectShapes(entry, weights, [[size.0, size.1, inputShape[2] / groups, filters]] + (useBias ? [[filters]] : []),
                         names: ["kernel", "bias"])
        return Conv2D(name: entry.name, filters: filters, strides: strides, dilation: dilation, padding: padding, groups: groups,
                      activation: try ActivationDecoder.decode(config["activation"], kerasMajorVersion: kerasMajorVersion, in: config),
                      kernel: weights[0], bias: useBias ? weights[1] : nil)
    }

    /// DepthwiseConv2D, and SeparableConv2D as a depthwise then a 1×1 pointwise stage.
    private func decodeDepthwise(_ entry: LayerEntry, weights: [Tensor], inputShape: [Int]) throws -> any Layer {
        let config = entry.config
        let size = try config.pair("kernel_size")
        let multiplier = config["depth_multiplier"] == nil ? 1 : try config.int("depth_multiplier")
        let useBias = try config.bool("use_bias", default: true)
        guard inputShape.count == 3 else { throw config.error("needs an [H, W, C] input, got \(shapeDescription(inputShape))") }
        let channels = inputShape[2]
        let activation = try ActivationDecoder.decode(config["activation"], kerasMajorVersion: kerasMajorVersion, in: config)
        let strides = try config.pair("strides", default: (1, 1)), dilation = try config.pair("dilation_rate", default: (1, 1))
        if entry.className == "DepthwiseConv2D" {
            try expectShapes(entry, weights, [[size.0, size.1, channels, multiplier]] + (useBias ? [[channels * multiplier]] : []),
                             names: ["depthwise_kernel", "bias"])
            return DepthwiseConv2D(name: entry.name, strides: strides, dilation: dilation, padding: try padding(config),
                                   activation: activation, kernel: weights[0], bias: useBias ? weights[1] : nil)
        }
        let filters = try config.int("filters")
        try expectShapes(entry, weights, [[size.0, size.1, channels, multiplier], [1, 1, channels * multiplier, filters]] + (useBias ? [[filters]] : []),
                         names: ["depthwise_kernel", "pointwise_kernel", "bias"])
        let depthwise = DepthwiseConv2D(name: entry.name + "/depthwise", strides: strides, dilation: dilation, padding: try padding(config),
                                        activation: .linear, kernel: weights[0], bias: nil)
        let pointwise = Conv2D(name: entry.name + "/pointwise", filters: filters, strides: (1, 1), dilation: (1, 1), padding: .valid,
                               groups: 1, activation: activation, kernel: weights[1], bias: useBias ? weights[2] : nil)
        return SeparableConv2D(name: entry.name, depthwise: depthwise, pointwise: pointwise)
    }

    private func decodeBatchNormalization(_ entry: LayerEntry, weights: [Tensor], inputShape: [Int]) throws -> BatchNormalization {
        let config = entry.config
        try expectLastAxis(entry, inputShape: inputShape)
        for option in ["renorm", "synchronized"] where try config.bool(option, default: false) {
            throw config.error("\(option)=True is not supported")
        }
        let (center, scale) = (try config.bool("center", default: true), try config.bool("scale", default: true))
        guard let channels = inputShape.last else { throw config.error("cannot normalise a scalar") }
        let names = (scale ? ["gamma"] : []) + (center ? ["beta"] : []) + ["moving_mean", "moving_variance"]
        try expectShapes(entry, weights, Array(repeating: [channels], count: names.count), names: names)
        return BatchNormalization(name: entry.name, epsilon: try config.float("epsilon", default: 1e-3),
                                  gamma: scale ? weights[0] : nil, beta: center ? weights[scale ? 1 : 0] : nil,
                                  movingMean: weights[names.count - 2], movingVariance: weights[names.count - 1])
    }

    /// Normalisation layers are supported over the last (channels) axis only.
    private func expectLastAxis(_ entry: LayerEntry, inputShape: [Int]) throws {
        let axes = try entry.config.intOrInts("axis") ?? [-1]
        guard axes.count == 1, axes[0] == -1 || axes[0] == inputShape.count else {
            throw entry.config.error("normalising over axis \(axes) is not supported; LayerLens normalises the last (channels) axis")
        }
    }

    /// ZeroPadding2D's `padding` and Cropping2D's `cropping`: n, (rows, columns)
    /// or ((top, bottom), (left, right)).
    private func paddingAmounts(_ config: ConfigObject, key: String, default fallback: Int) throws -> Edges2D {
        func edges(_ values: [Int]) -> Edges2D { Edges2D(top: values[0], bottom: values[1], left: values[2], right: values[3]) }
        guard let value = config[key] else { return edges(Array(repeating: fallback, count: 4)) }
        if let number = value.number { return edges(Array(repeating: Int(number), count: 4)) }
        let list = value.array ?? []
        if list.count == 2, let rows = list[0].number, let columns = list[1].number {
            return edges([Int(rows), Int(rows), Int(columns), Int(columns)])
        }
        let nested = list.compactMap { $0.array?.compactMap(\.number) }
        guard nested.count == 2, nested.allSatisfy({ $0.count == 2 }) else { throw config.error("'\(key)' is not a padding specification") }
        return edges(nested.flatMap { $0.map { Int($0) } })
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
