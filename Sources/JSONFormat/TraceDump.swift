import Foundation
import NumPyFormat
import Trace

/// One traced layer as LayerLens's JSON outputs describe it.
public struct LayerJSON: Codable, Sendable {
    public let index: Int
    public let name: String
    /// The Keras class name.
    public let `class`: String
    public let activation: String?
    /// The output shape, batch axis included.
    public let shape: [Int]
    /// The dump file's name, relative to the manifest (dumps only).
    public let file: String?
    /// Min, max and mean over finite values; absent when there are none.
    public let min: Double?
    public let max: Double?
    public let mean: Double?

    /// The record of `layer`, naming its dump `file` if it has one.
    public init(_ layer: TracedLayer, file: String? = nil) {
        let statistics = layer.output.statistics
        index = layer.index
        name = layer.name
        `class` = layer.className
        activation = layer.activation
        shape = layer.output.shape
        self.file = file
        min = finite(statistics.min)
        max = finite(statistics.max)
        mean = finite(statistics.mean)
    }
}

/// The manifest written beside a trace dump: what each `.npy` file holds.
public struct TraceManifestJSON: Codable, Sendable {
    public let model: String
    public let input: String
    public let layers: [LayerJSON]
}

/// A trace as `.npy` files plus `manifest.json`, for `writeFilesAtomically`.
public enum TraceDump {
    /// The files of a dump: `input.npy`, `<k>_<layer name>.npy` per layer
    /// (float32, batch axis included) and `manifest.json`, with any `extra` files.
    public static func files(of trace: Trace, modelPath: String, inputPath: String,
                             extra: [(name: String, data: Data)] = []) throws -> [(name: String, data: Data)] {
        var files: [(name: String, data: Data)] = [("input.npy", NumPyFile.encode(trace.input))] + extra
        var entries: [LayerJSON] = []
        for layer in trace.layers {
            let file = "\(layer.index)_\(fileSafe(layer.name)).npy"
            files.append((file, NumPyFile.encode(layer.output)))
            entries.append(LayerJSON(layer, file: file))
        }
        let manifest = TraceManifestJSON(model: modelPath, input: inputPath, layers: entries)
        files.append(("manifest.json", try prettyJSON(manifest)))
        return files
    }

    /// A layer name usable as a file name: path separators of nested models become `.`.
    static func fileSafe(_ name: String) -> String {
        String(name.map { $0 == "/" || $0 == "\\" || $0 == ":" ? "." : $0 })
    }
}
