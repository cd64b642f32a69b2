import Layers
import ModelGraph

/// The layers keras.applications defines for its own families: ConvNeXt's
/// `LayerScale` (`x · γ`, a learned per-channel scale) and `StochasticDepth`
/// (the identity at inference), Inception-ResNet's `CustomScaleLayer` (`x + scale · branch`).
enum ApplicationLayerReader: KerasLayerReader {
    static let classNames = ["LayerScale", "StochasticDepth", "CustomScaleLayer"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        switch source.className {
        case "LayerScale":
            guard let channels = source.inputShape.last else { throw source.error("cannot scale a scalar") }
            let weights = try source.expectWeights([("gamma", [channels])])
            return ConstantArithmetic(name: source.name, operation: .multiply, constant: weights[0], isWeight: true)
        case "StochasticDepth":
            try source.expectNoWeights()
            return InferenceIdentity(name: source.name)
        default:
            try source.expectNoWeights()
            return ScaledSum(name: source.name, scale: try source.config.float("scale", default: 1))
        }
    }
}
