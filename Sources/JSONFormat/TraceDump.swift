import Foundation
import NumPyFormat
import Trace

/// The manifest written beside a trace dump: what each `.npy` file holds.
public struct TraceManifestJSON: Codable, Sendable {
    public let model: String
    public let input: String
    public let layers: [LayerJSON]
}

/// A trace as `.npy` files plus `manifest.json`, for `writeFilesAtomically`.
public enum TraceDump {
    /// The name endings of a dump's files: an earlier dump holds only these.
    public static let fileEndings: Set<String> = ["npy", "json"]

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
