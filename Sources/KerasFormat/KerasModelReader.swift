import FileIO
import Foundation
import HDF5
import ModelGraph

/// Reads Keras model files into a `Model`: legacy HDF5 (`.h5`, from tf.keras 2.x
/// and Keras 3) and Keras 3 archives (`.keras`). The format is sniffed from the
/// file's first bytes, not its name.
public enum KerasModelReader {
    /// Reads the model at `path`. Every failure is a `FileError` naming the file.
    public static func read(_ path: String) throws -> Model {
        let kind = try FileKind.of(path)
        do {
            switch kind {
            case .hdf5: return try readHDF5(path)
            case .zip: return try readArchive(path)
            default: throw FileError(path, "is neither an HDF5 file (.h5) nor a zip archive (.keras): not a Keras model file")
            }
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path, String(describing: error))
        }
    }

    static func readHDF5(_ path: String) throws -> Model {
        let file: HDF5File
        do { file = try HDF5File(path: path) } catch {
            throw FileError(path, "is not a readable HDF5 file (\(error))")
        }
        let root = try file.root()
        guard root.hasAttribute("model_config") else {
            if root.hasAttribute("layer_names") || root.contains("layers") || root.contains("vars") {
                throw FileError(path, "is a weights-only file (from save_weights): it has no 'model_config', so the architecture is unknown; save the whole model with model.save()")
            }
            throw FileError(path, "is an HDF5 file but not a Keras model: 'model_config' is not present")
        }
        let configJSON = Data(try root.stringAttribute("model_config").utf8)
        let version = try KerasGeneration.checkedVersion(
            recorded: root.hasAttribute("keras_version") ? try root.stringAttribute("keras_version") : nil,
            config: JSONValue.parse(configJSON))
        let major = majorVersion(version)
        let config = try GraphConfig(json: configJSON, kerasMajorVersion: major)
        guard root.contains("model_weights") else {
            throw FileError(path, "holds a model config but no 'model_weights' group")
        }
        let weightsGroup = try root.group("model_weights")
        let weights = H5WeightSource(group: weightsGroup)
        let backend = root.hasAttribute("backend") ? try root.stringAttribute("backend") : nil
        let source = ModelSource(path: path, container: "h5", producer: "Keras", producerVersion: version)
        // Keras 2 decided by the weights group's backend whether to flip convolution kernels.
        let isTheano = (weightsGroup.hasAttribute("backend") ? try weightsGroup.stringAttribute("backend") : backend) == "theano"
        return try build(config, source: source, kerasMajorVersion: major) { layers in
            var arrays = try weights.weights(for: layers)
            if isTheano, let kernel = arrays.first {
                let className = layers.last?.className ?? ""
                arrays[0] = kernel.transformed { KerasGeneration.theanoArraysAsKerasLoadsThem([$0], className: className)[0] }
            }
            return arrays
        }
    }

    static func readArchive(_ path: String) throws -> Model {
        let zip = try ZipFile(path: path)
        let names = Set(zip.entryNames)
        guard names.contains("config.json") else {
            throw FileError(path, "is a zip archive but not a Keras model: 'config.json' is not present")
        }
        guard names.contains("model.weights.h5") else {
            throw FileError(path, "is a Keras archive without 'model.weights.h5'")
        }
        var version = "3"
        if names.contains("metadata.json"), let metadata = JSONValue.parse(try zip.contents(of: "metadata.json"))?.object,
           let recorded = metadata["keras_version"]?.string {
            version = recorded
        }
        let major = majorVersion(version)
        let config = try GraphConfig(json: try zip.contents(of: "config.json", limit: 256 << 20), kerasMajorVersion: major)
        // Keras stores the weights file uncompressed: HDF5 reads it in place from
        // a map of the archive, once its CRC-32 is checked. A deflated one is
        // unpacked once, checked, into HDF5's image.
        let member = try zip.member("model.weights.h5")
        let weightsFile: HDF5File
        do {
            if member.isStored { try zip.verify(member.name) }
            weightsFile = member.isStored
                ? try HDF5File(path: path, byteRange: member.dataRange)
                : try HDF5File(imageOfSize: member.uncompressedSize) { try zip.unpack(member.name, into: $0) }
        } catch let error as HDF5Error {
            throw FileError(path, "'model.weights.h5' inside is not a readable HDF5 file (\(error))")
        }
        let weights = ArchiveWeightSource(root: try weightsFile.root())
        let source = ModelSource(path: path, container: "keras", producer: "Keras", producerVersion: version)
        return try build(config, source: source, kerasMajorVersion: major, weights: weights.weights(for:))
    }

    /// The major version in a `keras_version` string (`2.21.0` → 2).
    static func majorVersion(_ version: String) -> Int { Int(version.split(separator: ".").first ?? "") ?? 0 }

    /// Checks every layer (nested ones too) before reading any weight, then
    /// builds the graph of calls.
    static func build(_ config: GraphConfig, source: ModelSource, kerasMajorVersion: Int,
                      weights: @escaping ([LayerEntry]) throws -> [StoredWeight]) throws -> Model {
        // Every layer's path from the top model (a nested model's layers below it), in config order.
        func paths(_ graph: GraphConfig, _ prefix: [LayerEntry]) -> [[LayerEntry]] {
            graph.layers.flatMap { entry in entry.nested.map { paths($0, prefix + [entry]) } ?? [prefix + [entry]] }
        }
        let layerPaths = paths(config, [])
        let all = layerPaths.compactMap(\.last)
        try KerasLayerRegistry.checkSupported(all)
        for entry in all {
            if let format = entry.config["data_format"]?.string, format != "channels_last" {
                throw entry.config.error("data_format \(quoted(format)) is not supported; LayerLens runs channels_last models only")
            }
        }
        // The declared sizes of all the weights, held to the model-wide limit before any is read;
        // the builder then takes each layer's weights from here instead of looking them up again.
        var budget = WeightBudget()
        var stored: [String: [StoredWeight]] = [:]
        let key = { (path: [LayerEntry]) in path.map(\.name).joined(separator: "/") }
        for path in layerPaths {
            let arrays = try weights(path)
            try budget.charge(arrays, of: path.last?.name ?? "")
            stored[key(path)] = arrays
        }
        var builder = GraphBuilder(kerasMajorVersion: kerasMajorVersion) { path in try stored[key(path)] ?? weights(path) }
        let inputs = config.inputs.enumerated().map { (source: ValueSource.input($0.offset), shape: $0.element.shape) }
        let outputs = try builder.expand(config, inputs: inputs, prefix: "", path: [])
        return try Model(name: config.name, source: source, inputs: config.inputs.map { ModelInputSpec(name: $0.name, shape: $0.shape) },
                         calls: builder.calls, outputs: outputs.map(\.source))
    }
}
