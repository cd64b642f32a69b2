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
    let config: ConfigObject
    /// The key its weights have in a `.keras` archive: the snake-cased class
    /// name made unique in its container's layer order (`dense`, `dense_1`, …).
    let storageKey: String
    /// What each call of the layer takes, in order.
    let calls: [[TensorReference]]
    /// The config of a Sequential or functional model used as this layer.
    let nested: GraphConfig?
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
            throw KerasConfigError("the model's class '\(className)' is not a Keras model class LayerLens reads (Sequential, Functional)")
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
            layers.append(LayerEntry(name: entryName, className: className, config: config, storageKey: keys.next(className),
                                     calls: [[previous]], nested: nested))
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
            let key = keys.next(className)
            if className == "InputLayer" {
                inputShapes[entryName] = try sampleShape(try declaredInputShape(config: config, wrapper: wrapper))
                continue
            }
            let calls = try (wrapper["inbound_nodes"]?.array ?? []).map { try references(inCall: $0, wrapper: wrapper) }
            let nested = modelClasses.contains(className) ? try GraphConfig(wrapper, kerasMajorVersion: kerasMajorVersion) : nil
            layers.append(LayerEntry(name: entryName, className: className, config: config, storageKey: key, calls: calls, nested: nested))
        }
        let inputs = try references(in: body["input_layers"], wrapper: body).map { reference in
            guard let shape = inputShapes[reference.layer] else {
                throw body.error("input layer '\(reference.layer)' is not among the layers")
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
        return (name, className, ConfigObject(layerConfig, context: "layer '\(name)' (\(className))"))
    }

    /// The tensors one call takes: Keras 2's `[[name, node, tensor, kwargs], …]`
    /// or Keras 3's `{"args": […], "kwargs": {…}}` with `__keras_tensor__` items
    /// (lists of them for merges).
    private static func references(inCall call: JSONValue, wrapper: ConfigObject) throws -> [TensorReference] {
        if let object = call.object {
            var found: [TensorReference] = []
            func collect(_ value: JSONValue) throws {
                if let tensor = value.object, tensor["class_name"]?.string == "__keras_tensor__" {
                    guard let history = tensor["config"]?.object?["keras_history"]?.array else {
                        throw wrapper.error("a call argument has no 'keras_history'")
                    }
                    found.append(try reference(history, wrapper: wrapper))
                } else if let list = value.array {
                    for item in list { try collect(item) }
                }
            }
            try collect(object["args"] ?? .array([]))
            return found
        }
        guard let list = call.array else { throw wrapper.error("'inbound_nodes' holds a call LayerLens cannot read") }
        return try list.map { item in
            guard let triple = item.array else { throw wrapper.error("'inbound_nodes' holds a call LayerLens cannot read") }
            return try reference(triple, wrapper: wrapper)
        }
    }

    /// `[[name, node, tensor], …]`, or one `[name, node, tensor]` (Keras 3 writes a single output so).
    private static func references(in value: JSONValue?, wrapper: ConfigObject) throws -> [TensorReference] {
        guard let list = value?.array else { throw wrapper.error("'input_layers' or 'output_layers' is missing") }
        if list.first?.string != nil { return [try reference(list, wrapper: wrapper)] }
        return try list.map { item in try reference(item.array ?? [], wrapper: wrapper) }
    }

    private static func reference(_ triple: [JSONValue], wrapper: ConfigObject) throws -> TensorReference {
        guard triple.count >= 3, let layer = triple[0].string, let node = triple[1].wholeNumber, let tensor = triple[2].wholeNumber else {
            throw wrapper.error("a tensor reference is not [layer, node, tensor]")
        }
        return TensorReference(layer: layer, node: node, tensor: tensor)
    }

    /// The batch input shape an InputLayer or a first layer declares, if any.
    private static func declaredInputShape(config: ConfigObject, wrapper: ConfigObject) throws -> [Int]? {
        if let shape = try config.ints("batch_shape") ?? config.ints("batch_input_shape") { return shape }
        return try wrapper.object("build_config")?.ints("input_shape")
    }

    /// The most elements one input sample may have (8 GiB of floats): a larger
    /// shape is a corrupt config, not a model.
    static let sampleElementLimit = 1 << 31

    /// One sample's shape from a batch shape, refusing unknown extents and impossible sizes.
    private static func sampleShape(_ batchShape: [Int]?) throws -> [Int] {
        guard let batchShape, batchShape.count >= 2 else {
            throw KerasConfigError("the model config records no input shape (the model was saved before it was built)")
        }
        let sample = Array(batchShape.dropFirst())
        guard sample.allSatisfy({ $0 > 0 }) else {
            throw KerasConfigError("the input shape \(kerasShapeDescription(sample)) has unknown extents; LayerLens needs a fixed input shape")
        }
        let elements = sample.reduce(1.0) { $0 * Double($1) }
        guard elements <= Double(sampleElementLimit) else {
            throw KerasConfigError("the input shape \(kerasShapeDescription(sample)) has \(elements) elements per sample, over the limit of \(sampleElementLimit)")
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
