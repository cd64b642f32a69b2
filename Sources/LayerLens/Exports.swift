// The LayerLens library: everything a program needs to load a Keras model,
// feed it an input and read every layer's output.
import Foundation
@_exported import Analysis
@_exported import DataSets
@_exported import FileIO
@_exported import InputPipeline
@_exported import JSONFormat
@_exported import KerasFormat
@_exported import ModelGraph
@_exported import NumPyFormat
@_exported import Render
@_exported import Report
@_exported import Trace

/// Loads the Keras model at `path` (`.h5` or `.keras`, sniffed from its bytes).
/// Throws `FileError` naming the file and what is wrong with it.
public func loadModel(at path: String) throws -> Model {
    try KerasModelReader.read(path)
}

/// Loads the Keras model at a file URL; see `loadModel(at:)`.
public func loadModel(at url: URL) throws -> Model {
    guard url.isFileURL else { throw FileError(url.absoluteString, "is not a file URL; LayerLens reads local model files") }
    return try KerasModelReader.read(url.path)
}
