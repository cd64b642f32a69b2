import FileIO
import Foundation
import ModelGraph

/// A reference to a tensor in a config: a layer's `node`-th call, output `tensor`.
struct TensorReference: Equatable {
    let layer: String
    let node: Int
    let tensor: Int
}

/// One layer of a model config: its options, its calls and, for a model used as
/// a layer, the nested model's own config.
struct LayerEntry {
    let name: String
    let className: String
    /// The Python module of the class, where the config records it
    /// (`keras.layers`, `keras.src.ops.numpy`).
    let module: String?
    let config: ConfigObject
    /// The key its weights have in a `.keras` archive: the snake-cased class
    /// name made unique in its container's layer order (`dense`, `dense_1`, …).
    var storageKey: String
    /// What each call of the layer takes, in order.
    let calls: [CallArguments]
    /// The config of a Sequential or functional model used as this layer.
    let nested: GraphConfig?

    /// Whether this is a Keras 3 operation node (`x + 3.0`, `ops.mean(x)`) rather
    /// than a layer: its module is `keras.src.ops.…`, or, in a Keras 3 `.h5`, which
    /// records no module, its config lacks the `trainable` and `dtype` every layer writes.
    var isOperation: Bool {
        if let module { return module.hasPrefix("keras.src.ops") }
        return config["trainable"] == nil && config["dtype"] == nil && calls.first?.isKeras3 == true
    }

    /// The name the layer readers know this entry's class by: operations are
    /// `ops.Add`, apart from the `Add` layer; a class registered under a package
    /// (`Custom>CustomScaleLayer`, as tf.keras writes its own applications' layers) by its own name.
    var readerKey: String {
        let name = className.split(separator: ">").last.map(String.init) ?? className
        return isOperation ? "ops." + name : name
    }

    /// What summaries and reports call this entry: its class, an operation's
    /// `ops.` name, or a tf.keras operator layer's TensorFlow function (`tf.math.multiply`).
    var typeName: String {
        if ["TFOpLambda", "SlicingOpLambda"].contains(className), let function = config["function"]?.string { return "tf." + function }
        return readerKey
    }
}

/// A Sequential or functional model config, in either dialect: Keras 2
/// (`class_name`/`config`, `batch_input_shape`, `inbound_nodes` as nested lists)
/// and Keras 3 (`module`, `build_config`, `batch_shape`, `inbound_nodes` of
/// `__keras_tensor__` arguments with `keras_history`).
final class GraphConfig {
    let name: String
    let isSequential: Bool
    /// The model's inputs: the InputLayer names and sample shapes.
    let inputs: [(name: String, shape: [Int])]
    /// Every layer but the inputs, in config order.
    let layers: [LayerEntry]
    let outputs: [TensorReference]
    /// Keras 2 counts a model's own construction as node 0 of the model, so its
    /// calls as a layer are nodes 1, 2, …; Keras 3 starts at 0.
    let firstCallNode: Int

    static let modelClasses: Set<String> = ["Sequential", "Functional", "Model"]

    /// Parses the top-level config JSON.
    convenience init(json: Data, kerasMajorVersion: Int) throws {
        guard let top = JSONValue.parse(json)?.object else {
            throw KerasConfigError("the model config is not a JSON object")
        }
        try self.init(ConfigObject(top, context: "model config"), kerasMajorVersion: kerasMajorVersion)
    }

    init(_ root: ConfigObject, kerasMajorVersion: Int) throws {
        let className = try root.string("class_name")
        guard Self.modelClasses.contains(className) else {
            throw KerasConfigError("the model's class \(quoted(className)) is not a Keras model class LayerLens reads (Sequential, Functional)")
        }
        var body = ConfigObject([:], context: root.context)
        let list: [JSONValue]
        if let layers = root["config"]?.array {
            list = layers  // Keras 2.0–2.2 wrote a Sequential's layer list directly.
        } else if let object = root.object("config"), let layers = object["layers"]?.array {
            body = object
            list = layers
        } else {
            throw KerasConfigError("\(root.context): 'config.layers' is missing")
        }
        name = body["name"]?.string ?? root["name"]?.string ?? className.lowercased()
        isSequential = className == "Sequential"
        var wrappers: [ConfigObject] = []
        for (position, item) in list.enumerated() {
            guard let object = item.object else { throw KerasConfigError("\(root.context): layer \(position) is not an object") }
            wrappers.append(ConfigObject(object, context: "\(root.context): layer \(position)"))
        }
        if isSequential {
            (inputs, layers, outputs) = try Self.sequential(wrappers, root: root, body: body, name: name, kerasMajorVersion: kerasMajorVersion)
        } else {
            (inputs, layers, outputs) = try Self.functional(wrappers, body: body, kerasMajorVersion: kerasMajorVersion)
        }
        firstCallNode = kerasMajorVersion >= 3 ? 0 : 1
    }

    /// A Sequential config: a chain from its input.
    private static func sequential(_ wrappers: [ConfigObject], root: ConfigObject, body: ConfigObject, name: String,
                                   kerasMajorVersion: Int) throws -> ([(name: String, shape: [Int])], [LayerEntry], [TensorReference]) {
        var shape: [Int]?
        var inputName = name + "_input"
        var keys = StorageKeys()
        var layers: [LayerEntry] = []
        var previous = TensorReference(layer: inputName, node: 0, tensor: 0)
        for wrapper in wrappers {
            let (entryName, className, config) = try parts(of: wrapper)
            if shape == nil { shape = try declaredInputShape(config: config, wrapper: wrapper) }
            if className == "InputLayer" {
                inputName = entryName
                previous = TensorReference(layer: inputName, node: 0, tensor: 0)
                continue
            }
            let nested = modelClasses.contains(className) ? try GraphConfig(wrapper, kerasMajorVersion: kerasMajorVersion) : nil
            layers.append(LayerEntry(name: entryName, className: className, module: wrapper["module"]?.string, config: config,
                                     storageKey: keys.next(className), calls: [CallArguments(input: previous)], nested: nested))
            previous = TensorReference(layer: entryName, node: 0, tensor: 0)
        }
        if shape == nil, let build = root.object("build_config") { shape = try build.ints("input_shape") }
        if shape == nil { shape = try body.ints("build_input_shape") }
        return ([(inputName, try sampleShape(shape))], layers, [previous])
    }

    /// A functional config: layers with their inbound nodes, input and output layers.
    private static func functional(_ wrappers: [ConfigObject], body: ConfigObject,
                                   kerasMajorVersion: Int) throws -> ([(name: String, shape: [Int])], [LayerEntry], [TensorReference]) {
        var keys = StorageKeys()
        var inputShapes: [String: [Int]] = [:]
        var layers: [LayerEntry] = []
        for wrapper in wrappers {
            let (entryName, className, config) = try parts(of: wrapper)
            if className == "InputLayer" {
                _ = keys.next(className)
                inputShapes[entryName] = try sampleShape(try declaredInputShape(config: config, wrapper: wrapper))
                continue
            }
            let calls = try (wrapper["inbound_nodes"]?.array ?? []).map { try arguments(ofCall: $0, wrapper: wrapper) }
            let nested = modelClasses.contains(className) ? try GraphConfig(wrapper, kerasMajorVersion: kerasMajorVersion) : nil
            var entry = LayerEntry(name: entryName, className: className, module: wrapper["module"]?.string, config: config,
                                   storageKey: "", calls: calls, nested: nested)
            // Operations are not layers: they store nothing and take no key.
            if !entry.isOperation { entry.storageKey = keys.next(className) }
            layers.append(entry)
        }
        let inputs = try references(in: body["input_layers"], wrapper: body).map { reference in
            guard let shape = inputShapes[reference.layer] else {
                throw body.error("input layer \(quoted(reference.layer)) is not among the layers")
            }
            return (name: reference.layer, shape: shape)
        }
        return (inputs, layers, try references(in: body["output_layers"], wrapper: body))
    }

    /// Name, class and config of a layer entry.
    private static func parts(of wrapper: ConfigObject) throws -> (String, String, ConfigObject) {
        let className = try wrapper.string("class_name")
        guard let layerConfig = wrapper["config"]?.object else { throw wrapper.error("'config' is missing") }
        let name = wrapper["name"]?.string ?? layerConfig["name"]?.string ?? className.lowercased()
        return (name, className, ConfigObject(layerConfig, context: "layer \(quoted(name)) (\(shortened(className)))"))
    }

    /// One call's arguments: Keras 3's `{"args": […], "kwargs": {…}}` or Keras 2's
    /// `[[name, node, tensor, kwargs], …]`.
    private static func arguments(ofCall call: JSONValue, wrapper: ConfigObject) throws -> CallArguments {
        if let object = call.object { return try CallArguments(keras3: object, in: wrapper) }
        guard let list = call.array else { throw wrapper.error("'inbound_nodes' holds a call LayerLens cannot read") }
        return try CallArguments(keras2: list, in: wrapper)
    }

    /// `[[name, node, tensor], …]`, or one `[name, node, tensor]` (Keras 3 writes a single output so).
    private static func references(in value: JSONValue?, wrapper: ConfigObject) throws -> [TensorReference] {
        guard let list = value?.array else { throw wrapper.error("'input_layers' or 'output_layers' is missing") }
        if list.first?.string != nil { return [try TensorReference(list, in: wrapper)] }
        return try list.map { item in try TensorReference(item.array ?? [], in: wrapper) }
    }

    /// The batch input shape an InputLayer or a first layer declares, if any.
    private static func declaredInputShape(config: ConfigObject, wrapper: ConfigObject) throws -> [Int]? {
        if let shape = try config.ints("batch_shape") ?? config.ints("batch_input_shape") { return shape }
        return try wrapper.object("build_config")?.ints("input_shape")
    }

    /// One sample's shape from a batch shape, refusing unknown extents and impossible sizes.
    private static func sampleShape(_ batchShape: [Int]?) throws -> [Int] {
        guard let batchShape, batchShape.count >= 2 else {
            throw KerasConfigError("the model config records no input shape (the model was saved before it was built)")
        }
        let sample = Array(batchShape.dropFirst())
        guard sample.allSatisfy({ $0 > 0 }) else {
            throw KerasConfigError("the input shape \(batchShapeDescription(sample)) has unknown extents; LayerLens needs a fixed input shape")
        }
        let elements = sample.reduce(1.0) { $0 * Double($1) }
        guard elements <= Double(SizeLimits.sampleElements) else {
            throw KerasConfigError("the input shape \(batchShapeDescription(sample)) has \(elements) elements per sample, over the limit of \(SizeLimits.sampleElements)")
        }
        return sample
    }
}

/// Keras 3's weight keys for one container: snake-cased class names, made
/// unique in order (`dense`, `dense_1`, …).
struct StorageKeys {
    private var used: [String: Int] = [:]

    mutating func next(_ className: String) -> String {
        let base = snakeCase(className)
        if let count = used[base] {
            used[base] = count + 1
            return "\(base)_\(count + 1)"
        }
        used[base] = 0
        return base
    }
}
