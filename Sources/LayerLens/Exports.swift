// The LayerLens library: everything a program needs to load a Keras model,
// feed it an input and read every layer's output. This target is the public
// face only: it re-exports every stage and adds `loadModel`; each stage's code
// lives in the stage's own target.
//
// Words that mean one thing everywhere:
// - a *Report* is a drawn document, a PNG (`TraceReport`, `DiffReport`, `EvalReport`);
// - a *Summary* is the layer table of a model that `layerlens summary` prints (`ModelSummary`);
// - a type named `…JSON` is the JSON form of a result (`TraceJSON`, `EvalJSON`,
//   `ModelSummaryJSON`), all of them in the JSONFormat target;
// - *Statistics* and *Metrics* are computed numbers (`EvalStatistics`, the mergeable
//   counts; `EvalMetrics`, the rates derived from them).
import Foundation
@_exported import Analysis
@_exported import DataSets
@_exported import Diagnosis
@_exported import FileIO
@_exported import InputPipeline
@_exported import JSONFormat
@_exported import KerasFormat
@_exported import ModelGraph
@_exported import NumPyFormat
@_exported import Render
@_exported import Report
@_exported import Trace

/// This source's version, as `layerlens --version` prints it: 0.<the last issue
/// worked on>, `-dev` until that issue is resolved.
public let layerLensVersion = "0.14.0"

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
