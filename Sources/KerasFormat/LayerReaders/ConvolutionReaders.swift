import Layers
import ModelGraph

/// Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D and Conv2DTranspose.
enum ConvolutionReader: KerasLayerReader {
    static let classNames = ["Conv1D", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        switch source.className {
        case "Conv1D":
            let input = try source.inputShape(rank: 2, "[steps, C]")
            return Conv1D(name: source.name, conv: try conv2D(source, inputShape: [1] + input, oneDimensional: true))
        case "Conv2D":
            return try conv2D(source, inputShape: try source.inputShape(rank: 3, "[H, W, C]"), oneDimensional: false)
        case "Conv2DTranspose":
            return try transposed(source)
        default:
            return try depthwise(source)
        }
    }

    /// A Conv2D, or a Conv1D's kernel `[K, C, F]` run as `[1, K, C, F]`.
    private static func conv2D(_ source: KerasLayerSource, inputShape: [Int], oneDimensional: Bool) throws -> Conv2D {
        let config = source.config
        let filters = try config.int("filters")
        let size = oneDimensional ? (1, try config.int1("kernel_size", default: nil)) : try config.pair("kernel_size")
        let strides = oneDimensional ? (1, try config.int1("strides", default: 1)) : try config.pair("strides", default: (1, 1))
        let dilation = oneDimensional ? (1, try config.int1("dilation_rate", default: 1)) : try config.pair("dilation_rate", default: (1, 1))
        let groups = config["groups"] == nil ? 1 : try config.int("groups")
        let useBias = try config.bool("use_bias", default: true)
        guard filters > 0, groups > 0, inputShape[2] % groups == 0, filters % groups == 0 else {
            throw source.error("needs an input whose channels and filters divide into \(groups) groups; got \(shapeDescription(inputShape)) and \(filters) filters")
        }
        let kernelShape = [size.0, size.1, inputShape[2] / groups, filters]
        var heightOne = source
        if oneDimensional, let kernel = source.weights.first { heightOne.weights[0] = kernel.reshaped([1] + kernel.shape) }
        let stored = try heightOne.expectWeights([("kernel", kernelShape)] + (useBias ? [("bias", [filters])] : []))
        return Conv2D(name: source.name, filters: filters, strides: strides, dilation: dilation,
                      padding: try source.padding(allowCausal: oneDimensional), groups: groups, activation: try source.activation(),
                      kernel: stored[0], bias: useBias ? stored[1] : nil)
    }

    /// DepthwiseConv2D, and SeparableConv2D as a depthwise then a 1×1 pointwise stage.
    private static func depthwise(_ source: KerasLayerSource) throws -> any Layer {
        let config = source.config
        let size = try config.pair("kernel_size")
        let multiplier = config["depth_multiplier"] == nil ? 1 : try config.int("depth_multiplier")
        guard multiplier > 0 else { throw source.error("'depth_multiplier' must be positive") }
        let useBias = try config.bool("use_bias", default: true)
        let channels = try source.inputShape(rank: 3, "[H, W, C]")[2]
        let strides = try config.pair("strides", default: (1, 1)), dilation = try config.pair("dilation_rate", default: (1, 1))
        let depthwiseKernel = ("depthwise_kernel", [size.0, size.1, channels, multiplier])
        if source.className == "DepthwiseConv2D" {
            let weights = try source.expectWeights([depthwiseKernel] + (useBias ? [("bias", [channels * multiplier])] : []))
            return DepthwiseConv2D(name: source.name, strides: strides, dilation: dilation, padding: try source.padding(),
                                   activation: try source.activation(), kernel: weights[0], bias: useBias ? weights[1] : nil)
        }
        let filters = try config.int("filters")
        let weights = try source.expectWeights([depthwiseKernel, ("pointwise_kernel", [1, 1, channels * multiplier, filters])]
                                               + (useBias ? [("bias", [filters])] : []))
        let depthwise = DepthwiseConv2D(name: source.name + "/depthwise", strides: strides, dilation: dilation, padding: try source.padding(),
                                        activation: .linear, kernel: weights[0], bias: nil)
        let pointwise = Conv2D(name: source.name + "/pointwise", filters: filters, strides: (1, 1), dilation: (1, 1), padding: .valid,
                               groups: 1, activation: try source.activation(), kernel: weights[1], bias: useBias ? weights[2] : nil)
        return SeparableConv2D(name: source.name, depthwise: depthwise, pointwise: pointwise)
    }

    private static func transposed(_ source: KerasLayerSource) throws -> any Layer {
        let config = source.config
        if config["output_padding"] != nil { throw source.error("output_padding is not supported") }
        guard try config.pair("dilation_rate", default: (1, 1)) == (1, 1) else { throw source.error("a dilated Conv2DTranspose is not supported") }
        let filters = try config.int("filters"), size = try config.pair("kernel_size")
        guard filters > 0 else { throw source.error("'filters' must be positive") }
        let useBias = try config.bool("use_bias", default: true)
        let channels = try source.inputShape(rank: 3, "[H, W, C]")[2]
        let weights = try source.expectWeights([("kernel", [size.0, size.1, filters, channels])] + (useBias ? [("bias", [filters])] : []))
        return Conv2DTranspose(name: source.name, strides: try config.pair("strides", default: (1, 1)), padding: try source.padding(),
                               activation: try source.activation(), kernel: weights[0], bias: useBias ? weights[1] : nil)
    }
}
