import FileIO
import Foundation
import InputPipeline
import ModelGraph

/// Opens the data set at `path` by its kind: a folder of class sub-folders, a
/// `.npz` or `.npy` (with its labels beside it), or else a Kaggle-style CSV.
public func openDataSet(_ path: String, model: Model, options: DataSetOptions) throws -> LabeledDataSet {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw FileError(path, "no such file or folder") }
    let classCount = model.outputShape.reduce(1, *)
    if isDirectory.boolValue {
        return try ImageFolderDataSet(path: path, model: model, options: options.input, strict: options.strict, shard: options.shard)
    }
    let kind = try FileKind.of(path)
    if kind == .npy || kind == .zip || path.lowercased().hasSuffix(".npz") {
        return try NumPyDataSet(path: path, xKey: options.xKey, yKey: options.yKey, labelsPath: options.labelsPath,
                                classCount: classCount, strict: options.strict, shard: options.shard)
    }
    guard kind != .png, kind != .jpeg, kind != .hdf5 else {
        throw FileError(path, "is not a data set: give a CSV file, a .npz/.npy file or a folder with one sub-folder of images per class")
    }
    return try CSVDataSet(path: path, labelColumn: options.labelColumn, classCount: classCount, strict: options.strict, shard: options.shard)
}

/// How a data set is read.
public struct DataSetOptions: Sendable {
    public var labelColumn = 0
    public var xKey = "x"
    public var yKey = "y"
    /// The labels `.npy` beside an `x` `.npy` (default: its name with the last x turned into y).
    public var labelsPath: String?
    public var strict = false
    public var shard = Shard.whole
    /// How images of a folder data set are decoded and preprocessed.
    public var input = InputOptions()

    public init() {}
}
