import Layers
import ModelGraph

/// Rescaling: `x · scale + offset`, scalars or per-position values of the trailing axes.
enum RescalingReader: KerasLayerReader {
    static let classNames = ["Rescaling"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        return Rescaling(name: source.name, scale: try source.config.floats("scale", default: [1]),
                         offset: try source.config.floats("offset", default: [0]))
    }
}
