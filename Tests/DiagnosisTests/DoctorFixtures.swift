import Foundation
import LayerLens
import TestSupport
import Testing

/// The seed model and its profile over `Fixtures/doctor/profile_letters.npz`
/// (2,600 synthetic letters, as the training data), made once for every test.
enum SeedDoctor {
    static let modelPath = Fixtures.path("models/seed_tf2.h5")
    static let letters = (0..<26).map { String(UnicodeScalar(UInt8(65 + $0))) }

    static let shared: Result<Doctor, any Error> = Result {
        let model = try loadModel(at: modelPath)
        let data = try openDataSet(Fixtures.path("doctor/profile_letters.npz"), model: model, options: DataSetOptions())
        let profile = try Profiling.run(model: model, modelPath: modelPath, dataSet: data, labels: letters, options: ProfileOptions())
        return try Doctor(model: model, profile: profile, profilePath: "profile_letters", labels: letters)
    }

    static func doctor() throws -> Doctor { try shared.get() }

    /// The rows of array `key` of the `.npz` at `relative` (under Fixtures/), each a model input.
    static func rows(_ relative: String, key: String = "x") throws -> [[Float]] {
        let array = try #require(try NumPyFile.readArchive(Fixtures.path(relative))[key])
        let width = array.shape.dropFirst().reduce(1, *), values = array.floats
        return (0..<array.shape[0]).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// The labels of `.npz` `relative`.
    static func labels(_ relative: String) throws -> [Int] {
        try #require(try NumPyFile.readArchive(Fixtures.path(relative))["y"]?.integers)
    }

    /// Judges one model input given as values.
    static func read(_ values: [Float], doctor: Doctor) throws -> Reading {
        try doctor.read(PreparedInput(path: "array", tensor: Tensor(shape: [1, values.count], scalars: values), raw: nil, processed: nil,
                                      steps: [], isDefaultPipeline: false, notes: [], groundTruth: nil, preparedShape: [values.count]))
    }

    /// The fixture photos of letters, sorted, with their letters.
    static func photos() throws -> [(path: String, letter: String)] {
        let folder = Fixtures.path("doctor/photos")
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") }.sorted().map { name in
            ("\(folder)/\(name)", String(name.dropFirst("photo_".count).prefix(1)))
        }
    }

    /// The seed case's broken pipeline: 0..1, inverted as 1 − x, bilinear resize.
    static let brokenPipeline = "gray,scale=1/255,invert,resize=28x28"
}

/// The area under the ROC curve of scores where `positives` should score higher
/// than `negatives` (Mann–Whitney; ties count half).
func areaUnderROC(negatives: [Double], positives: [Double]) -> Double {
    let all = (negatives.map { ($0, false) } + positives.map { ($0, true) }).sorted { $0.0 < $1.0 }
    var rankSum = 0.0, index = 0
    while index < all.count {
        var end = index
        while end + 1 < all.count, all[end + 1].0 == all[index].0 { end += 1 }
        let rank = Double(index + end) / 2 + 1
        for k in index...end where all[k].1 { rankSum += rank }
        index = end + 1
    }
    let p = Double(positives.count), n = Double(negatives.count)
    return (rankSum - p * (p + 1) / 2) / (p * n)
}
