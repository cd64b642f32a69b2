import Foundation
import ModelGraph

/// One layer entry of a Sequential config, before weights are attached.
struct LayerEntry {
    /// Position in `model.layers` (the InputLayer is not counted).
    let index: Int
    let name: String
    let className: String
    let config: ConfigObject
}

/// The parts of a `model_config` / `config.json` that describe a Sequential model,
/// in either dialect: Keras 2 (`class_name`/`config`, `batch_input_shape`) and
/// Keras 3 (`module`, `registered_name`, `build_config`, `batch_shape`).
struct SequentialConfig {
    let name: String
    /// One sample's input shape, from the InputLayer or the first layer's build info.
    let inputShape: [Int]
    let layers: [LayerEntry]

    init(json: Data) throws {
        guard let top = JSONValue.parse(json)?.object else {
            throw KerasConfigError("the model config is not a JSON object")
        }
        let root = ConfigObject(top, context: "model config")
        let className = try root.string("class_name")
        guard className == "Sequential" else {
            if ["Functional", "Model"].contains(className) {
                throw KerasConfigError("the model is a functional (\(className)) model; this version of LayerLens reads Sequential models only")
            }
            throw KerasConfigError("the model's class '\(className)' is not a Keras model class LayerLens reads (Sequential)")
        }
        let entries: [JSONValue]
        var body = ConfigObject([:], context: "model config")
        if let list = root["config"]?.array {
            entries = list  // Keras 2.0–2.2 wrote the layer list directly.
        } else if let object = root.object("config"), let list = object["layers"]?.array {
            body = object
            entries = list
        } else {
            throw KerasConfigError("model config: 'config.layers' is missing")
        }
        name = body["name"]?.string ?? "sequential"

        var shape: [Int]?
        var layers: [LayerEntry] = []
        for (position, entry) in entries.enumerated() {
            guard let object = entry.object else { throw KerasConfigError("model config: layer \(position) is not an object") }
            let wrapper = ConfigObject(object, context: "model config: layer \(position)")
            let layerClass = try wrapper.string("class_name")
            guard let layerConfig = wrapper["config"]?.object else { throw wrapper.error("'config' is missing") }
            let layerName = layerConfig["name"]?.string ?? "\(layerClass.lowercased())_\(position)"
            let config = ConfigObject(layerConfig, context: "layer '\(layerName)' (\(layerClass))")
            if shape == nil { shape = try Self.declaredInputShape(config: config, wrapper: wrapper) }
            if layerClass == "InputLayer" { continue }
            layers.append(LayerEntry(index: layers.count, name: layerName, className: layerClass, config: config))
        }
        if shape == nil, let build = root.object("build_config") { shape = try build.ints("input_shape") }
        if shape == nil { shape = try body.ints("build_input_shape") }
        guard let shape, shape.count >= 2 else {
            throw KerasConfigError("the model config records no input shape (the model was saved before it was built)")
        }
        let sample = Array(shape.dropFirst())
        guard sample.allSatisfy({ $0 > 0 }) else {
            throw KerasConfigError("the input shape \(kerasShapeDescription(sample)) has unknown extents; LayerLens needs a fixed input shape")
        }
        inputShape = sample
        self.layers = layers
    }

    /// The batch input shape an InputLayer or a first layer declares, if any.
    private static func declaredInputShape(config: ConfigObject, wrapper: ConfigObject) throws -> [Int]? {
        if let shape = try config.ints("batch_shape") ?? config.ints("batch_input_shape") { return shape }
        return try wrapper.object("build_config")?.ints("input_shape")
    }
}
