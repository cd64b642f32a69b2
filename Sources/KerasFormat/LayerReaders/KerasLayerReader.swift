import FileIO
import Layers
import ModelGraph

/// Reads one family of Keras layer classes into graph layers. Every class a
/// reader names is one LayerLens runs: `read` returns a `Layer`, which carries
/// its own forward pass, and `KerasLayerRegistry` is the only list of classes.
protocol KerasLayerReader {
    /// The Keras class names this reader builds (`Conv2D`, `DepthwiseConv2D`).
    static var classNames: [String] { get }
    /// The layer one config entry describes; throws `KerasConfigError` for an
    /// option LayerLens does not implement or weights that do not fit.
    static func read(_ source: KerasLayerSource) throws -> any Layer
    /// Whether this reader can build `entry`, judged before any weight is read
    /// (a reader of many functions under one class name looks at which one).
    static func accepts(_ entry: LayerEntry) -> Bool
}

extension KerasLayerReader {
    static func accepts(_ entry: LayerEntry) -> Bool { true }
}

/// What a reader builds a layer from: its config entry, its stored weights (in
/// the order Keras saved them), the sample shapes of its first call's inputs,
/// that call's constant arguments, and the major version of Keras that wrote it.
struct KerasLayerSource {
    let entry: LayerEntry
    /// Declared, not yet read: `expectWeights` reads them once their shapes fit.
    var weights: [StoredWeight]
    let inputShapes: [[Int]]
    let call: CallArguments
    let kerasMajorVersion: Int

    var name: String { entry.name }
    /// The class name, `ops.`-prefixed for Keras 3 operations (see `LayerEntry.readerKey`).
    var className: String { entry.readerKey }
    var config: ConfigObject { entry.config }
    /// The sample shape of the first input.
    var inputShape: [Int] { inputShapes.first ?? [] }

    func error(_ problem: String) -> KerasConfigError { config.error(problem) }

    /// The layer's `activation` option.
    func activation() throws -> Activation {
        try ActivationDecoder.decode(config["activation"], kerasMajorVersion: kerasMajorVersion, in: config)
    }

    /// Refuses stored weights on a layer that has none.
    func expectNoWeights() throws {
        try expectWeights([])
    }

    /// Checks the count and the shape of each stored weight against what the
    /// config implies, then reads them: nothing is allocated for a shape the
    /// config does not imply.
    @discardableResult
    func expectWeights(_ expected: [(name: String, shape: [Int])]) throws -> [Tensor] {
        guard weights.count == expected.count else {
            throw error("the file stores \(weights.count) weight arrays, the config implies \(expected.count) (\(shortened(expected.map(\.name).joined(separator: ", "))))")
        }
        for (weight, (name, shape)) in zip(weights, expected) where weight.shape != shape {
            throw error("weight \(quoted(name)) has shape \(shapeDescription(weight.shape)) in the file, but the config implies \(shapeDescription(shape))")
        }
        do { return try weights.map { try $0.read() } } catch let problem as KerasConfigError { throw error(problem.description) }
    }

    /// The sample shape of the first input, which must have `rank` axes (`what` names them: `[H, W, C]`).
    func inputShape(rank: Int, _ what: String) throws -> [Int] {
        guard inputShapes.count == 1, inputShape.count == rank else {
            throw error("needs one \(what) input, got \(inputShapes.map(shapeDescription).joined(separator: " and "))")
        }
        return inputShape
    }

    /// The `padding` option; `causal` only where `allowCausal` (Conv1D).
    func padding(allowCausal: Bool = false) throws -> Padding {
        let text = config["padding"]?.string ?? "valid"
        guard let padding = Padding(rawValue: text), padding != .causal || allowCausal else {
            throw error("padding \(quoted(text)) is not supported here (valid and same are\(allowCausal ? ", and causal" : ""))")
        }
        return padding
    }

    /// Normalisation layers are supported over the last (channels) axis only.
    func expectLastAxis() throws {
        let axes = try config.intOrInts("axis") ?? [-1]
        guard axes.count == 1, axes[0] == -1 || axes[0] == inputShape.count else {
            throw error("normalising over axis \(axes) is not supported; LayerLens normalises the last (channels) axis")
        }
    }
}

/// Every Keras layer class LayerLens reads, by reader. Adding a layer kind is
/// one reader here and the `Layer` it builds.
enum KerasLayerRegistry {
    static let readers: [any KerasLayerReader.Type] = [
        DenseReader.self, ActivationReader.self, PReLUReader.self, InferenceIdentityReader.self,
        ConvolutionReader.self, PoolingReader.self, GlobalPoolingReader.self,
        BatchNormalizationReader.self, LayerNormalizationReader.self, NormalizationReader.self,
        ReshapingReader.self, SpatialReader.self, RescalingReader.self, MergeReader.self,
        ImageSizeReader.self, KerasOperationReader.self, TFOperatorReader.self, ApplicationLayerReader.self,
    ]

    /// The reader of each class name.
    static let readerByClass: [String: any KerasLayerReader.Type] = Dictionary(
        readers.flatMap { reader in reader.classNames.map { ($0, reader) } }, uniquingKeysWith: { first, _ in first })

    /// Every class name LayerLens reads, sorted.
    static var supportedClasses: [String] { readerByClass.keys.sorted() }

    /// Builds the layer of `source` with the reader of its class.
    static func read(_ source: KerasLayerSource) throws -> any Layer {
        guard let reader = readerByClass[source.entry.readerKey] else {
            throw source.error("unsupported layer class; supported: \(supportedClasses.joined(separator: ", "))")
        }
        return try reader.read(source)
    }

    /// Refuses, before any weight is read, every layer of `entries` that
    /// LayerLens cannot run — all of their classes at once, each with its count.
    static func checkSupported(_ entries: [LayerEntry]) throws {
        var unsupported: [String: Int] = [:]
        for entry in entries where !(readerByClass[entry.readerKey]?.accepts(entry) ?? false) {
            unsupported[entry.typeName, default: 0] += 1
        }
        guard !unsupported.isEmpty else { return }
        let listed = unsupported.sorted { $0.key < $1.key }.map { name, count in
            "\(name) (\(count) layer\(count == 1 ? "" : "s"))"
        }
        var message = "unsupported layer class\(unsupported.count == 1 ? "" : "es"): \(listed.joined(separator: ", "))"
        if unsupported["Lambda"] != nil {
            message += "; Lambda layers hold Python code, which LayerLens cannot run: rebuild the model with built-in layers"
        }
        throw KerasConfigError(message)
    }
}
