import FileIO
import Foundation
import InputPipeline
import ModelGraph

/// A folder of images with one sub-folder per class, as Keras's
/// `image_dataset_from_directory` reads it: the classes are the sub-folder
/// names in sorted order, their PNG and JPEG files the samples. Every image goes
/// through the same preprocessing as `trace`, decoded on all cores. An image
/// that cannot be read is a problem, reported with its path.
public final class ImageFolderDataSet: LabeledDataSet {
    public let path: String
    public let classNames: [String]?
    public private(set) var issues = IssueLog()
    public private(set) var fractionRead = 0.0
    /// The steps the first image read went through, implicit ones included
    /// (`gray,resize=28x28:bilinear,flatten`); nil until an image is read.
    public private(set) var pipeline: String?
    public let strict: Bool
    /// Every image, with its class index, sorted by class then name.
    public let files: [(path: String, label: Int)]
    private let model: Model
    private let options: InputOptions
    private let shard: Shard
    /// Samples per block: the unit of batching and sharding.
    public let blockSize: Int

    /// File name endings read as images.
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Lists the class sub-folders of `path` and their images; each image is later
    /// read with `options` and fitted to `model`'s input. Throws `FileError` for a
    /// folder without class folders or images.
    public init(path: String, model: Model, options: InputOptions, strict: Bool = false, shard: Shard = .whole,
                blockSize: Int = 4096) throws {
        let folder = URL(fileURLWithPath: path)
        let manager = FileManager.default
        func visibleEntries(_ url: URL) -> [String] {
            ((try? manager.contentsOfDirectory(atPath: url.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        }
        let classes = visibleEntries(folder).filter { name in
            var isDirectory: ObjCBool = false
            return manager.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        guard !classes.isEmpty else { throw FileError(path, "has no class sub-folders (want one folder of images per class)") }
        var files: [(path: String, label: Int)] = []
        for (label, name) in classes.enumerated() {
            let classFolder = folder.appendingPathComponent(name)
            for file in visibleEntries(classFolder) where Self.imageExtensions.contains(URL(fileURLWithPath: file).pathExtension.lowercased()) {
                files.append((classFolder.appendingPathComponent(file).path, label))
            }
        }
        guard !files.isEmpty else { throw FileError(path, "has class folders (\(classes.joined(separator: ", "))) but no PNG or JPEG files in them") }
        self.path = path
        classNames = classes
        self.files = files
        self.model = model
        self.options = options
        self.strict = strict
        self.shard = shard
        self.blockSize = blockSize
    }

    public func sampleName(_ id: Int) -> String { files[id].path }

    public func forEachBatch(maxCount: Int, _ body: (DataSetBatch) throws -> Bool) throws {
        let range = shard.samples(of: files.count, blockSize: blockSize)
        let featureCount = model.inputs[0].shape.reduce(1, *)
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + maxCount, (start / blockSize + 1) * blockSize, range.upperBound)
            let first = start
            defer { start = end }
            let loaded = concurrentMap(end - start) { offset in
                Result { try loadInput(files[first + offset].path, for: model, options: options) }
            }
            var batch = DataSetBatch(features: [], labels: [], sampleIDs: [], featureCount: featureCount)
            batch.features.reserveCapacity((end - start) * featureCount)
            for (offset, result) in loaded.enumerated() {
                let index = start + offset
                switch result {
                case let .success(input):
                    batch.features += input.tensor.scalars
                    if pipeline == nil { pipeline = input.steps.map(\.text).joined(separator: ",") }
                    batch.labels.append(files[index].label)
                    batch.sampleIDs.append(index)
                case let .failure(error):
                    let issue = DataSetIssue(path: files[index].path, line: nil, problem: Self.problem(error, path: files[index].path))
                    if strict { throw issue }
                    issues.record(issue)
                }
            }
            fractionRead = Double(end - range.lowerBound) / Double(range.count)
            if batch.count > 0, try !body(batch) { return }
        }
    }

    /// An error's message without the file it names (the issue names the file).
    private static func problem(_ error: Error, path: String) -> String {
        if let error = error as? FileError, error.path == path { return error.problem }
        return String(describing: error)
    }
}
