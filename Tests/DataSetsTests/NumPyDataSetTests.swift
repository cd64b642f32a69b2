import DataSets
import FileIO
import Foundation
import ModelGraph
import NumPyFormat
import Testing
import TestSupport

@Suite struct NumPyDataSetTests {
    /// Every sample of a data set, read in batches of `size`.
    func read(_ data: LabeledDataSet, size: Int = 7) throws -> (features: [Float], labels: [Int], ids: [Int]) {
        var features: [Float] = [], labels: [Int] = [], ids: [Int] = []
        try data.forEachBatch(maxCount: size) { batch in
            features += batch.features
            labels += batch.labels
            ids += batch.sampleIDs
            return true
        }
        return (features, labels, ids)
    }

    @Test func readsAnXAndYPairOfNpyFilesWithOneHotLabels() throws {
        let folder = try Fixtures.temporaryFolder()
        let x = Tensor(shape: [4, 2, 3], scalars: (0..<24).map(Float.init))
        let oneHot = Tensor(shape: [4, 3], scalars: [0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1])
        try NumPyFile.encode(x).write(to: URL(fileURLWithPath: folder + "/x_test.npy"))
        try NumPyFile.encode(oneHot).write(to: URL(fileURLWithPath: folder + "/y_test.npy"))
        let data = try NumPyDataSet(path: folder + "/x_test.npy", classCount: 3)
        #expect(data.sampleShape == [2, 3])
        let read = try read(data, size: 3)
        #expect(read.labels == [2, 0, 1, 2])
        #expect(read.features == x.scalars)
        #expect(read.ids == [0, 1, 2, 3])
        #expect(data.sampleName(2) == "x[2]")
    }

    @Test func skipsOrStopsAtALabelOutOfRange() throws {
        let path = try Fixtures.temporaryFolder() + "/data.npz"
        try NumPyFile.encodeArchive([("x", Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])), ("y", Tensor(shape: [3], scalars: [0, 9, 1]))])
            .write(to: URL(fileURLWithPath: path))
        let data = try NumPyDataSet(path: path, classCount: 2)
        #expect(try read(data).labels == [0, 1])
        #expect(data.issues.kept.map(\.description) == ["\(path): x[1]: label 9 is outside 0..1"])
        let strict = try NumPyDataSet(path: path, classCount: 2, strict: true)
        #expect(throws: DataSetIssue.self) { try read(strict) }
    }

    @Test func refusesMissingArraysAndMismatchedLabels() throws {
        let folder = try Fixtures.temporaryFolder()
        try NumPyFile.encodeArchive([("x", Tensor(shape: [3, 2], repeating: 0)), ("y", Tensor(shape: [2], repeating: 0))])
            .write(to: URL(fileURLWithPath: folder + "/short.npz"))
        let short = #expect(throws: FileError.self) { try NumPyDataSet(path: folder + "/short.npz") }
        #expect(short?.problem.hasPrefix("labels of shape [2] do not fit 3 samples") == true)
        let missing = #expect(throws: FileError.self) { try NumPyDataSet(path: folder + "/short.npz", yKey: "labels") }
        #expect(missing?.problem == "has no array 'labels' (it holds x, y)")
        try NumPyFile.encodeArchive([("x", Tensor(shape: [2, 2], repeating: 0)), ("y", Tensor(shape: [2], scalars: [0.5, 1]))])
            .write(to: URL(fileURLWithPath: folder + "/fractional.npz"))
        #expect(throws: FileError.self) { try NumPyDataSet(path: folder + "/fractional.npz") }
    }

    @Test func shardsTakeWholeBlocks() throws {
        let path = Fixtures.path("letters/letters_sample.npz")
        var ids: [Int] = []
        for index in 0..<3 {
            let part = try read(try NumPyDataSet(path: path, shard: Shard(index: index, count: 3), blockSize: 100), size: 64).ids
            #expect(part.first.map { $0 % 100 == 0 } ?? true)
            ids += part
        }
        #expect(ids == Array(0..<1300))
    }
}
