import Foundation
import LayerLens
import Testing
import TestSupport

/// The names of the fields in which two statistics differ (values are too large to print).
func differingFields(_ a: EvalStatistics, _ b: EvalStatistics) -> [String] {
    var fields: [String] = []
    if a.count != b.count { fields.append("count") }
    if a.topKCorrect != b.topKCorrect { fields.append("topKCorrect") }
    if a.confusion != b.confusion { fields.append("confusion") }
    if a.calibration != b.calibration { fields.append("calibration") }
    for (x, y) in zip(a.layers, b.layers) where x != y {
        if x.positiveCount != y.positiveCount { fields.append("\(x.name).positiveCount") }
        if x.classSums != y.classSums { fields.append("\(x.name).classSums") }
        if x.sumsOfSquares != y.sumsOfSquares { fields.append("\(x.name).sumsOfSquares") }
        if x.valueCount != y.valueCount || x.classValueCount != y.classValueCount { fields.append("\(x.name).counts") }
    }
    if a.gallery.map(\.sampleID) != b.gallery.map(\.sampleID) { fields.append("gallery ids") } else if a.gallery != b.gallery { fields.append("gallery") }
    if a.issues != b.issues { fields.append("issues") }
    if a.shards != b.shards { fields.append("shards") }
    if a.data != b.data || a.model != b.model { fields.append("names") }
    return fields
}

@Suite struct ShardTests {
    /// Every shard's part, written and read back as `merge` does, merged in a scrambled order.
    func mergedParts(_ modelFile: String, count: Int, batchSize: Int = 8192, dataSet: (Shard) throws -> LabeledDataSet) throws -> EvalStatistics {
        let folder = try Fixtures.temporaryFolder()
        let model = try loadModel(at: Fixtures.path(modelFile))
        var parts: [(path: String, statistics: EvalStatistics)] = []
        for index in (0..<count).reversed() {
            var options = EvalOptions()
            options.shard = Shard(index: index, count: count)
            options.batchSize = batchSize
            let statistics = try Evaluation.run(model: model, modelPath: modelFile, dataSet: try dataSet(options.shard), labels: nil, options: options)
            let path = "\(folder)/part\(index).json"
            try EvalPartFile.encode(statistics).write(to: URL(fileURLWithPath: path))
            parts.append((path, try EvalPartFile.read(path)))
        }
        return try EvalPartFile.merge(parts)
    }

    /// The sample CSV in 64 KiB blocks: 40 of them, so that shards have several each.
    static func csv(_ shard: Shard) throws -> LabeledDataSet {
        try CSVDataSet(path: Fixtures.path("letters/letters_sample.csv"), classCount: 26, shard: shard, blockSize: 64 << 10)
    }

    @Test(arguments: [2, 3, 7])
    func mergedShardsOfACSVEqualTheSingleRunExactly(count: Int) throws {
        let model = try loadModel(at: Fixtures.path("models/seed_tf2.h5"))
        let single = try Evaluation.run(model: model, modelPath: "models/seed_tf2.h5", dataSet: try Self.csv(.whole), labels: nil, options: EvalOptions())
        var merged = try mergedParts("models/seed_tf2.h5", count: count, dataSet: Self.csv)
        #expect(merged.coversEverything)
        #expect(merged.shards.map(\.index) == Array(0..<count))
        merged.shards = single.shards
        #expect(differingFields(merged, single) == [])
    }

    @Test func mergedShardsOfAConvNetOnAnNpzEqualTheSingleRun() throws {
        let path = Fixtures.path("letters/letters_sample.npz")
        let model = try loadModel(at: Fixtures.path("models/cnn_k3.keras"))
        let npz = { (shard: Shard) in try NumPyDataSet(path: path, classCount: 26, shard: shard, blockSize: 100) }
        var options = EvalOptions()
        options.batchSize = 64
        let single = try Evaluation.run(model: model, modelPath: "models/cnn_k3.keras", dataSet: try npz(.whole), labels: nil, options: options)
        var merged = try mergedParts("models/cnn_k3.keras", count: 4, batchSize: 64, dataSet: npz)
        merged.shards = single.shards
        #expect(differingFields(merged, single) == [])
    }

    @Test func theShardsOfACSVSplitItsLinesWithoutGapOrOverlap() throws {
        let data = Fixtures.path("letters/letters_sample.csv")
        var lines: [Int] = []
        for index in 0..<5 {
            let set = try CSVDataSet(path: data, classCount: 26, strict: true, shard: Shard(index: index, count: 5), blockSize: 64 << 10)
            try set.forEachBatch(maxCount: 100) { batch in
                lines += batch.sampleIDs
                return true
            }
        }
        #expect(lines == Array(1...1300))
    }

    @Test func partsThatDoNotBelongTogetherAreRefused() throws {
        var options = EvalOptions(), dataOptions = DataSetOptions()
        options.shard = Shard(index: 0, count: 2)
        dataOptions.shard = options.shard
        let data = Fixtures.path("letters/letters_sample.csv")
        let seed = try evaluate("models/seed_tf2.h5", data, options: options, dataOptions: dataOptions)
        let other = try evaluate("models/seed_k3.keras", data, options: options, dataOptions: dataOptions)
        #expect(throws: EvalMergeError.self) { try seed.merged(with: seed) }  // the same shard twice
        #expect(throws: EvalMergeError.self) { try seed.merged(with: other) }  // another model
        let folder = try Fixtures.temporaryFolder()
        let bad = folder + "/part.json"
        try Data("{\"formatVersion\": 2}".utf8).write(to: URL(fileURLWithPath: bad))
        let error = #expect(throws: FileError.self) { try EvalPartFile.read(bad) }
        #expect(error?.description.contains("is not an eval part file") == true)
        try Data("{\"formatVersion\": 1}".utf8).write(to: URL(fileURLWithPath: bad))
        let past = #expect(throws: FileError.self) { try EvalPartFile.read(bad) }
        #expect(past?.problem == "is an eval part file of format 1; this layerlens reads format 2")
        // A part whose confusion matrix lost a row is refused before anything indexes into it.
        var damaged = seed
        damaged.confusion.removeLast(26)
        try EvalPartFile.encode(damaged).write(to: URL(fileURLWithPath: bad))
        let broken = #expect(throws: FileError.self) { try EvalPartFile.read(bad) }
        #expect(broken?.problem == "is a damaged eval part file: the confusion matrix is not 26×26")
    }
}
