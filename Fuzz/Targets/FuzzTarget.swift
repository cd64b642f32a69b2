import Foundation
import LayerLens

/// A reader that takes bytes from outside, as the fuzzers (`scripts/fuzz`) and the
/// regression test over `Fixtures/hostile/fuzz/` feed it: each case turns one input
/// into the call LayerLens makes on such a file. A reader may throw; it must never trap.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The model config of a Keras 3 archive (`config.json`) → `GraphConfig` → graph,
    /// in a `.keras` archive with the weights of `Fixtures/models/operations_k3.keras`
    /// (9 KB: the seed model's 2.5 MB would make each run a hundred times slower).
    case kerasConfig = "keras-config"
    /// A legacy HDF5 model file → `KerasModelReader.read` (LayerLens's own HDF5 reader).
    case h5
    /// A Keras 3 `.keras` zip archive → `KerasModelReader.read`.
    case keras
    /// `.npy` bytes → `NumPyFile.decode`.
    case npy
    /// A `.npz` archive → `NumPyFile.readArchive`.
    case npz
    /// A PNG file → `ImageDecoder.decode` (libpng).
    case png
    /// A JPEG file → `ImageDecoder.decode` (TurboJPEG, EXIF orientation).
    case jpeg
    /// A Kaggle-style CSV data set → `CSVDataSet.forEachBatch`, in 4 KiB blocks so that
    /// short inputs cross block boundaries as big files do.
    case csv
    /// An eval part file → `EvalPartFile.read`, then `EvalMetrics` as `layerlens merge` does.
    case evalPart = "eval-part"
    /// A `--preprocess` pipeline string → `PreprocessStep.parse`.
    case preprocess
    /// A profile file → `Profile.read` (decoding and every range check `doctor` relies on).
    case profile
    /// A profile part → `ProfilePart.read` (what `merge-profiles` checks before merging).
    case profilePart = "profile-part"

    /// Feeds `data` to the reader. Returns or throws as the reader does.
    public func run(_ data: Data) throws {
        switch self {
        case .kerasConfig:
            try withTemporaryFile(try Self.archive(config: data), extension: "keras") { _ = try KerasModelReader.read($0) }
        case .h5, .keras:
            try withTemporaryFile(data, extension: rawValue) { _ = try KerasModelReader.read($0) }
        case .npy:
            _ = try NumPyFile.decode(data, name: "input.npy")
        case .npz:
            try withTemporaryFile(data, extension: "npz") { _ = try NumPyFile.readArchive($0) }
        case .png, .jpeg:
            try withTemporaryFile(data, extension: rawValue) { _ = try ImageDecoder.decode($0) }
        case .csv:
            try withTemporaryFile(data, extension: "csv") { path in
                try CSVDataSet(path: path, classCount: 26, blockSize: 4096).forEachBatch(maxCount: 64) { _ in true }
            }
        case .evalPart:
            try withTemporaryFile(data, extension: "json") { _ = EvalMetrics(try EvalPartFile.read($0)) }
        case .preprocess:
            _ = try PreprocessStep.parse(String(decoding: data, as: UTF8.self))
        case .profile:
            try withTemporaryFile(data, extension: "json") { _ = try Profile.read($0) }
        case .profilePart:
            try withTemporaryFile(data, extension: "json") { _ = try ProfilePart.read($0) }
        }
    }

    /// The repository's `Fixtures/` folder, found from this file's path.
    public static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// `model.weights.h5` of `operations_k3.keras`, read once.
    private static let baseWeights: Result<Data, Error> = Result {
        try ZipFile(path: fixtures.appendingPathComponent("models/operations_k3.keras").path).contents(of: "model.weights.h5")
    }

    /// A `.keras` archive of `config` and the weights of `operations_k3.keras`.
    private static func archive(config: Data) throws -> Data {
        let builder = try ZipBuilder()
        try builder.add("config.json", config)
        try builder.add("model.weights.h5", try baseWeights.get())
        return builder.data
    }
}

/// Writes `data` to a new file named `<UUID>.<extension>` in this process's own
/// temporary folder, calls `body` with its path and removes the file: the entry for
/// readers that take only a path.
func withTemporaryFile(_ data: Data, extension: String, _ body: (String) throws -> Void) throws {
    let path = temporaryFolder.appendingPathComponent("\(UUID().uuidString).\(`extension`)").path
    try data.write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    try body(path)
}

/// `layerlens-fuzz-<pid>` in the system's temporary folder, made on first use.
private let temporaryFolder: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("layerlens-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}()
