import FileIO
import Foundation
import NumPyFormat

/// A data set held in NumPy arrays: `x` (samples first, any numeric type) and
/// `y` (class indices, or one-hot rows), from one `.npz` or a pair of `.npy` files.
///
/// `x` is streamed, rows as they are needed, whether it is a `.npy` file (read
/// from disk) or an `.npz` member (inflated as it is read), so its size is not
/// bounded by memory; each block is converted to Float as it is read. The labels
/// are read whole. A label outside `0..<classCount` is a problem like a bad CSV row.
public final class NumPyDataSet: LabeledDataSet {
    public let path: String
    public let classNames: [String]? = nil
    public private(set) var issues = IssueLog()
    public private(set) var fractionRead = 0.0
    /// The sample shape of `x` (its shape without the first axis).
    public let sampleShape: [Int]
    public let strict: Bool
    public let shard: Shard
    /// Samples per block: the unit of batching and sharding.
    public let blockSize: Int
    /// The rows of `x`.
    private let rows: NumPyRowSource
    private let labels: [Int]
    private let classCount: Int?
    private let arrayName: String

    /// Streams `x` from the `.npz` at `path` (members `xKey`, `yKey`), or from the
    /// `.npy` at `path` with `y` from `labelsPath` (by default the same name with
    /// its last `x` turned into `y`: `x_test.npy` → `y_test.npy`).
    public init(path: String, xKey: String = "x", yKey: String = "y", labelsPath: String? = nil,
                classCount: Int? = nil, strict: Bool = false, shard: Shard = .whole,
                blockSize: Int = 4096) throws {
        let y: NumPyArray, labelsSource: String
        if path.lowercased().hasSuffix(".npy") {
            labelsSource = labelsPath ?? Self.labelsPath(besides: path)
            rows = try NumPyRowReader(path: path)
            y = try NumPyFile.read(labelsSource)
            arrayName = "x"
        } else {
            let archive = try ZipFile(path: path)
            let keys = archive.entryNames.filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }
            for key in [xKey, yKey] where !keys.contains(key) {
                throw FileError(path, "has no array \(quoted(key)) (it holds \(shortened(keys.sorted().joined(separator: ", "))))")
            }
            labelsSource = "\(path)[\(yKey)]"
            rows = try NumPyArchiveRowReader(archive: archive, key: xKey)
            y = try NumPyFile.decode(try archive.contents(of: yKey + ".npy"), name: "\(path) [\(yKey)]")
            arrayName = xKey
        }
        let shape = rows.shape
        guard let count = shape.first, count > 0 else { throw FileError(path, "holds no samples (x has shape \(shape))") }
        guard y.shape.first == count, y.shape.count <= 2, y.shape.count < 2 || y.shape[1] > 0 else {
            throw FileError(labelsSource, "labels of shape \(y.shape) do not fit \(count) samples (want (\(count),) or (\(count), classes))")
        }
        guard let integers = y.shape.count == 2 ? Self.oneHotClasses(y) : y.integers else {
            throw FileError(labelsSource, "labels must be whole numbers or one-hot rows")
        }
        self.path = path
        sampleShape = Array(shape.dropFirst())
        labels = integers
        self.classCount = classCount
        self.strict = strict
        self.shard = shard
        self.blockSize = blockSize
    }

    public func sampleName(_ id: Int) -> String { "\(arrayName)[\(id)]" }

    public func forEachBatch(maxCount: Int, _ body: (DataSetBatch) throws -> Bool) throws {
        let width = sampleShape.reduce(1, *)
        let range = shard.samples(of: labels.count, blockSize: blockSize)
        let runEnd = { (start: Int) in min(start + maxCount, (start / self.blockSize + 1) * self.blockSize, range.upperBound) }
        try rows.forEachRun(of: range, runEnd: runEnd) { run, features in
            var batch = DataSetBatch(features: [], labels: [], sampleIDs: [], featureCount: width)
            batch.features.reserveCapacity(features.count)
            for index in run {
                let label = labels[index]
                if label < 0 || (classCount.map { label >= $0 } ?? false) {
                    let issue = DataSetIssue(path: path, line: nil, problem: "\(sampleName(index)): label \(label) is outside 0..\((classCount ?? 1) - 1)")
                    if strict { throw issue }
                    issues.record(issue)
                    continue
                }
                batch.features += features[((index - run.lowerBound) * width)..<((index - run.lowerBound + 1) * width)]
                batch.labels.append(label)
                batch.sampleIDs.append(index)
            }
            fractionRead = Double(run.upperBound - range.lowerBound) / Double(range.count)
            return try batch.count == 0 || body(batch)
        }
    }

    /// `x_test.npy` → `y_test.npy`: the last `x` of the file name turned into `y`.
    static func labelsPath(besides path: String) -> String {
        let url = URL(fileURLWithPath: path)
        var name = url.lastPathComponent
        if let index = name.lastIndex(where: { $0 == "x" || $0 == "X" }) {
            name.replaceSubrange(index...index, with: name[index] == "x" ? "y" : "Y")
        }
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// The class of each one-hot (or probability) row: its argmax.
    private static func oneHotClasses(_ y: NumPyArray) -> [Int] {
        let width = y.shape[1], values = y.floats
        return (0..<y.shape[0]).map { row in
            let slice = values[(row * width)..<((row + 1) * width)]
            return slice.indices.max { slice[$0] < slice[$1] }! - row * width
        }
    }
}
