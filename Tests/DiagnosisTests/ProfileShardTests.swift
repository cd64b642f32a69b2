import Foundation
import LayerLens
import Testing
import TestSupport

/// A profile made of shard parts, written and read back as `merge-profiles` does,
/// is the single run's: the same calibration sample (bottom-k keys), the same
/// sums to rounding.
@Suite struct ProfileShardTests {
    @Test func mergedShardsMakeTheSingleRunsProfile() throws {
        let model = try loadModel(at: SeedDoctor.modelPath)
        let path = Fixtures.path("doctor/profile_letters.npz")
        var options = ProfileOptions()
        options.calibrationLimit = 500
        options.batchSize = 300
        func dataSet(_ shard: Shard) throws -> LabeledDataSet { try NumPyDataSet(path: path, classCount: 26, shard: shard, blockSize: 256) }
        let whole = try Profiling.run(model: model, modelPath: "seed", dataSet: try dataSet(.whole), labels: SeedDoctor.letters, options: options)
        let folder = try Fixtures.temporaryFolder()
        var parts: [(path: String, part: ProfilePart)] = []
        for index in [2, 0, 1] {
            let shard = Shard(index: index, count: 3), data = try dataSet(shard)
            let recorder = try Profiling.record(model: model, modelPath: "seed", dataSet: data, labels: SeedDoctor.letters, options: options)
            let file = "\(folder)/part\(index).json"
            try recorder.part(modelPath: "seed", dataPath: data.path, shard: shard).encoded().write(to: URL(fileURLWithPath: file))
            parts.append((file, try ProfilePart.read(file)))
        }
        #expect(parts.map(\.part.count).reduce(0, +) == 2600 && parts.allSatisfy { $0.part.count > 0 })
        let merged = try ProfileRecorder.merging(parts, model: model, modelPath: "seed").profile(modelPath: "seed", dataPath: path, skipped: 0)
        #expect(merged.data.count == 2600 && merged.data.calibrationCount == 500)
        #expect(merged.examples.labels == whole.examples.labels && merged.examples.inputs == whole.examples.inputs)
        for (a, b) in zip(merged.layers, whole.layers) {
            #expect(a.unitLow == b.unitLow && a.unitHigh == b.unitHigh, "\(a.name): the calibration sample differs")
            #expect(zip(a.unitMean, b.unitMean).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(a.name)")
            #expect(a.firingRate == b.firingRate)
        }
        #expect(merged.input.measures == whole.input.measures)
        #expect(abs(merged.combined.outAbove - whole.combined.outAbove) <= 1e-9 * whole.combined.outAbove)

        // A shard twice, or a part of another run, is refused.
        #expect(throws: ProfileError.self) { try ProfileRecorder.merging([parts[0], parts[0]], model: model, modelPath: "seed") }
        var other = parts[1]
        other.part.seed += 1
        #expect(throws: ProfileError.self) { try ProfileRecorder.merging([parts[0], other], model: model, modelPath: "seed") }
        let cnn = try loadModel(at: Fixtures.path("models/cnn_tf2.h5"))
        #expect(throws: ProfileError.self) { try ProfileRecorder.merging(parts, model: cnn, modelPath: "cnn") }
    }

    /// A damaged part is refused with one line naming it.
    @Test func damagedPartsAreRefused() throws {
        let model = try loadModel(at: SeedDoctor.modelPath)
        var options = ProfileOptions()
        options.limit = 40
        let data = try NumPyDataSet(path: Fixtures.path("doctor/profile_letters.npz"), classCount: 26)
        let recorder = try Profiling.record(model: model, modelPath: "seed", dataSet: data, labels: nil, options: options)
        let folder = try Fixtures.temporaryFolder(), file = folder + "/part.json"
        var json = try JSONSerialization.jsonObject(with: recorder.part(modelPath: "seed", dataPath: "d", shard: .whole).encoded()) as! [String: Any]
        json["labels"] = (json["labels"] as! [Int]).map { _ in 99 }
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: ProfileError.self) { try ProfilePart.read(file) }
        #expect(error?.description.hasPrefix(file) == true && error?.description.contains("calibration samples") == true)
    }
}
