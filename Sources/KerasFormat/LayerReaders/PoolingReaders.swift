import Layers
import ModelGraph

/// Max and average pooling in one and two dimensions.
enum PoolingReader: KerasLayerReader {
    static let classNames = ["MaxPooling1D", "AveragePooling1D", "MaxPooling2D", "AveragePooling2D"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        let config = source.config
        let kind: Pooling2D.Kind = source.className.hasPrefix("Max") ? .max : .average
        if source.className.hasSuffix("1D") {
            let size = try config.int1("pool_size", default: 2)
            let pool = Pooling2D(name: source.name, kind: kind, poolSize: (1, size), strides: (1, try config.int1("strides", default: size)),
                                 padding: try source.padding())
            return Pooling1D(name: source.name, pool: pool)
        }
        let size = try config.pair("pool_size", default: (2, 2))
        return Pooling2D(name: source.name, kind: kind, poolSize: size, strides: try config.pair("strides", default: size),
                         padding: try source.padding())
    }
}

/// Global average and max pooling over every position, in one and two dimensions.
enum GlobalPoolingReader: KerasLayerReader {
    static let classNames = ["GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        return GlobalPooling(name: source.name, kind: source.className.contains("Max") ? .max : .average,
                             keepDimensions: try source.config.bool("keepdims", default: false))
    }
}
