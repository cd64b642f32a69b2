import FileIO
import Layers
import ModelGraph

/// Flatten, Reshape, Permute and RepeatVector: values moved, not changed.
enum ReshapingReader: KerasLayerReader {
    static let classNames = ["Flatten", "Reshape", "Permute", "RepeatVector"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        let config = source.config
        switch source.className {
        case "Flatten":
            return Flatten(name: source.name)
        case "Reshape":
            guard let target = try config.ints("target_shape") else { throw source.error("'target_shape' is missing") }
            return Reshape(name: source.name, targetShape: target)
        case "Permute":
            // Keras counts the sample axes from 1.
            guard let dims = try config.ints("dims") else { throw source.error("'dims' is missing") }
            return Permute(name: source.name, axes: dims.map { $0 - 1 })
        default:
            let count = try config.int("n")
            guard count > 0 else { throw source.error("'n' must be positive") }
            return RepeatVector(name: source.name, count: count)
        }
    }
}

/// ZeroPadding2D, Cropping2D and UpSampling2D.
enum SpatialReader: KerasLayerReader {
    static let classNames = ["ZeroPadding2D", "Cropping2D", "UpSampling2D"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        let config = source.config
        switch source.className {
        case "ZeroPadding2D":
            return ZeroPadding2D(name: source.name, edges: try edges(config, key: "padding", default: 1))
        case "Cropping2D":
            return Cropping2D(name: source.name, edges: try edges(config, key: "cropping", default: 0))
        default:
            let interpolation = config["interpolation"]?.string ?? "nearest"
            guard let method = ResizeMethod(rawValue: interpolation), method != .area else {
                throw source.error("interpolation \(quoted(interpolation)) is not supported; LayerLens upsamples with 'nearest' or 'bilinear'")
            }
            return UpSampling2D(name: source.name, factors: try config.pair("size", default: (2, 2)), interpolation: method)
        }
    }

    /// ZeroPadding2D's `padding` and Cropping2D's `cropping`: n, (rows, columns)
    /// or ((top, bottom), (left, right)), each whole and non-negative.
    private static func edges(_ config: ConfigObject, key: String, default fallback: Int) throws -> Edges2D {
        guard let value = config[key] else { return Edges2D(top: fallback, bottom: fallback, left: fallback, right: fallback) }
        let list = value.array ?? []
        let amounts: [Int]
        func amount(_ item: JSONValue) throws -> Int { try config.integer(item, key, in: 0...JSONValue.integerLimit) }
        if value.number != nil {
            amounts = Array(repeating: try amount(value), count: 4)
        } else if list.count == 2, list.allSatisfy({ $0.number != nil }) {
            let rows = try amount(list[0]), columns = try amount(list[1])
            amounts = [rows, rows, columns, columns]
        } else {
            let nested = list.compactMap(\.array)
            guard nested.count == 2, nested.allSatisfy({ $0.count == 2 }) else { throw config.error("'\(key)' is not a padding specification") }
            amounts = try nested.flatMap { try $0.map(amount) }
        }
        return Edges2D(top: amounts[0], bottom: amounts[1], left: amounts[2], right: amounts[3])
    }
}

/// The image preprocessing layers that change a sample's size: Resizing and CenterCrop.
enum ImageSizeReader: KerasLayerReader {
    static let classNames = ["Resizing", "CenterCrop"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        let config = source.config
        let height = try config.int("height"), width = try config.int("width")
        guard height > 0, width > 0, height <= 1 << 16, width <= 1 << 16 else { throw source.error("a target size of \(height)×\(width) is out of range") }
        _ = try source.inputShape(rank: 3, "[H, W, C]")
        if source.className == "CenterCrop" { return CenterCrop(name: source.name, height: height, width: width) }
        let interpolation = config["interpolation"]?.string ?? "bilinear"
        guard let method = ResizeMethod(rawValue: interpolation), method != .area else {
            throw source.error("interpolation \(quoted(interpolation)) is not supported; LayerLens resizes with 'bilinear' or 'nearest'")
        }
        for option in ["pad_to_aspect_ratio", "antialias"] where try config.bool(option, default: false) {
            throw source.error("\(option)=True is not supported")
        }
        return Resize(name: source.name, height: height, width: width, method: method,
                      cropToAspectRatio: try config.bool("crop_to_aspect_ratio", default: false))
    }
}
