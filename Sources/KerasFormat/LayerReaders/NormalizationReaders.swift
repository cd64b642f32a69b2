import Layers
import ModelGraph

/// BatchNormalization at inference, over the channels axis.
enum BatchNormalizationReader: KerasLayerReader {
    static let classNames = ["BatchNormalization"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        let config = source.config
        try source.expectLastAxis()
        for option in ["renorm", "synchronized"] where try config.bool(option, default: false) {
            throw source.error("\(option)=True is not supported")
        }
        let (center, scale) = (try config.bool("center", default: true), try config.bool("scale", default: true))
        guard let channels = source.inputShape.last else { throw source.error("cannot normalise a scalar") }
        let names = (scale ? ["gamma"] : []) + (center ? ["beta"] : []) + ["moving_mean", "moving_variance"]
        let weights = try source.expectWeights(names.map { ($0, [channels]) })
        return BatchNormalization(name: source.name, epsilon: try config.float("epsilon", default: 1e-3),
                                  gamma: scale ? weights[0] : nil, beta: center ? weights[scale ? 1 : 0] : nil,
                                  movingMean: weights[names.count - 2], movingVariance: weights[names.count - 1])
    }
}

/// LayerNormalization over the last axis.
enum LayerNormalizationReader: KerasLayerReader {
    static let classNames = ["LayerNormalization"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        let config = source.config
        try source.expectLastAxis()
        if try config.bool("rms_scaling", default: false) { throw source.error("rms_scaling=True is not supported") }
        let (center, scale) = (try config.bool("center", default: true), try config.bool("scale", default: true))
        guard let channels = source.inputShape.last else { throw source.error("cannot normalise a scalar") }
        let weights = try source.expectWeights((scale ? [("gamma", [channels])] : []) + (center ? [("beta", [channels])] : []))
        return LayerNormalization(name: source.name, epsilon: try config.float("epsilon", default: 1e-3),
                                  gamma: scale ? weights[0] : nil, beta: center ? weights[scale ? 1 : 0] : nil)
    }
}

/// Normalization with statistics given in the config or adapted and stored as
/// weights; `invert` undoes it (`x · √variance + mean`).
enum NormalizationReader: KerasLayerReader {
    static let classNames = ["Normalization"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        let config = source.config
        try source.expectLastAxis()
        let invert = try config.bool("invert", default: false)
        if config["mean"] != nil, config["variance"] != nil {
            try source.expectNoWeights()
            return Normalization(name: source.name, mean: try config.floats("mean", default: []),
                                 variance: try config.floats("variance", default: []), invert: invert, parameterCount: 0)
        }
        guard let channels = source.inputShape.last else { throw source.error("cannot normalise a scalar") }
        let weights = try source.expectWeights([("mean", [channels]), ("variance", [channels]), ("count", [])])
        return Normalization(name: source.name, mean: weights[0].scalars, variance: weights[1].scalars, invert: invert,
                             parameterCount: weights.reduce(0) { $0 + $1.count })
    }
}
