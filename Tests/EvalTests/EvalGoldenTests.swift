import Foundation
import LayerLens
import Testing
import TestSupport

/// What Keras + NumPy computed over a data set (Fixtures/make_fixtures.py, `eval_goldens`).
struct EvalGolden: Decodable {
    struct Layer: Decodable {
        let name: String
        let dead_units: [Int]
        let always_active_units: [Int]
        let active_fraction: [Double]
        let mean: [Double]
        let std: [Double]
        let class_means: [[Double]?]?
        let max_abs: Double
    }

    let count: Int
    let accuracy: Double
    let top_k: Int
    let top_k_accuracy: Double
    let confusion: [[Int]]
    let precision: [Double]
    let recall: [Double]
    let f1: [Double]
    let support: [Int]
    let macro_f1: Double
    let ece: Double
    let layers: [Layer]
    let class_names: [String]?

    static func load(_ name: String) throws -> EvalGolden {
        try JSONDecoder().decode(EvalGolden.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("goldens/\(name).json"))))
    }
}

/// Runs `eval` as the library does, on the whole data set.
func evaluate(_ modelFile: String, _ data: String, options: EvalOptions = EvalOptions(), dataOptions: DataSetOptions = DataSetOptions()) throws -> EvalStatistics {
    let model = try loadModel(at: Fixtures.path(modelFile))
    let dataSet = try openDataSet(data, model: model, options: dataOptions)
    return try Evaluation.run(model: model, modelPath: modelFile, dataSet: dataSet, labels: nil, options: options)
}

/// The first difference between `metrics` and `golden` beyond the tolerances:
/// counts exactly, rates within 1e-6, activations within Keras parity (1e-4 + 1e-5 × the layer's max |value|).
func goldenMismatch(_ metrics: EvalMetrics, _ golden: EvalGolden) -> String? {
    let statistics = metrics.statistics, classes = statistics.classCount
    if statistics.count != golden.count { return "count \(statistics.count) vs \(golden.count)" }
    let confusion = (0..<classes).map { Array(statistics.confusion[($0 * classes)..<(($0 + 1) * classes)]) }
    if confusion != golden.confusion { return "confusion matrices differ" }
    if metrics.perClass.map(\.support) != golden.support { return "supports differ" }
    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool { abs(a - b) <= tolerance }
    if !close(metrics.accuracy, golden.accuracy) { return "accuracy \(metrics.accuracy) vs \(golden.accuracy)" }
    if statistics.topK != golden.top_k || !close(metrics.topKAccuracy, golden.top_k_accuracy) { return "top-k accuracy \(metrics.topKAccuracy) vs \(golden.top_k_accuracy)" }
    for (index, result) in metrics.perClass.enumerated() {
        if !close(result.precision, golden.precision[index]) || !close(result.recall, golden.recall[index]) || !close(result.f1, golden.f1[index]) {
            return "class \(index): precision/recall/F1 differ"
        }
    }
    if !close(metrics.macroF1, golden.macro_f1) { return "macro F1 \(metrics.macroF1) vs \(golden.macro_f1)" }
    if !close(metrics.expectedCalibrationError, golden.ece) { return "ECE \(metrics.expectedCalibrationError) vs \(golden.ece)" }
    if metrics.layers.map(\.name) != golden.layers.map(\.name) { return "layer names differ" }
    for (ours, keras) in zip(metrics.layers, golden.layers) {
        if ours.deadUnits != keras.dead_units { return "\(ours.name): dead units \(ours.deadUnits) vs \(keras.dead_units)" }
        if ours.alwaysActiveUnits != keras.always_active_units { return "\(ours.name): always-active units differ" }
        let tolerance = 1e-4 + 1e-5 * keras.max_abs
        for (label, a, b) in [("mean", ours.mean, keras.mean), ("std", ours.std, keras.std)] {
            if a.count != b.count || zip(a, b).contains(where: { !close($0, $1, tolerance) }) { return "\(ours.name): \(label) differs" }
        }
        if zip(ours.activeFraction, keras.active_fraction).contains(where: { !close($0, $1, 1.5 / Double(golden.count)) }) {
            return "\(ours.name): active fractions differ by more than one sample"
        }
        // A layer whose class means were over the memory budget has none (ClassSumBudgetTests checks which).
        for (label, means) in (keras.class_means ?? []).enumerated() where !ours.classMeans.isEmpty {
            guard let means, let mine = ours.classMeans[label] else { continue }
            if zip(mine, means).contains(where: { !close($0, $1, tolerance) }) { return "\(ours.name): class \(label) means differ" }
        }
    }
    return nil
}

@Suite struct EvalGoldenTests {
    @Test(arguments: [("models/seed_tf2.h5", "eval_seed_tf2"), ("models/cnn_k3.keras", "eval_cnn_k3")])
    func theLettersCSVGivesKerasNumbers(model: String, golden: String) throws {
        let statistics = try evaluate(model, Fixtures.path("letters/letters_sample.csv"))
        #expect(goldenMismatch(EvalMetrics(statistics), try EvalGolden.load(golden)) == nil)
        #expect(statistics.issues.count == 0)
    }

    @Test func theNpzOfTheSameRowsGivesTheSameNumbers() throws {
        let statistics = try evaluate("models/seed_tf2.h5", Fixtures.path("letters/letters_sample.npz"))
        #expect(goldenMismatch(EvalMetrics(statistics), try EvalGolden.load("eval_seed_tf2")) == nil)
    }

    /// The same archive deflated, as `numpy.savez_compressed` writes it: streamed through the inflater.
    @Test func theDeflatedNpzGivesTheSameNumbers() throws {
        let statistics = try evaluate("models/seed_tf2.h5", try deflatedCopy(of: Fixtures.path("letters/letters_sample.npz")))
        #expect(goldenMismatch(EvalMetrics(statistics), try EvalGolden.load("eval_seed_tf2")) == nil)
    }

    @Test func anXAndYPairOfNpyFilesStreamsToTheSameNumbers() throws {
        let arrays = try NumPyFile.readArchive(Fixtures.path("letters/letters_sample.npz"))
        let folder = try Fixtures.temporaryFolder()
        try NumPyFile.encode(try #require(arrays["x"]).tensor.reshaped([1300, 28, 28, 1])).write(to: URL(fileURLWithPath: folder + "/x_held.npy"))
        try NumPyFile.encode(try #require(arrays["y"]).tensor).write(to: URL(fileURLWithPath: folder + "/y_held.npy"))
        let statistics = try evaluate("models/cnn_k3.keras", folder + "/x_held.npy")
        #expect(goldenMismatch(EvalMetrics(statistics), try EvalGolden.load("eval_cnn_k3")) == nil)
    }

    @Test func preprocessedCSVRowsGiveKerasNumbersForTheSeedBug() throws {
        var options = EvalOptions()
        options.preprocess = try PreprocessStep.parse("invert,scale=1/255")
        let statistics = try evaluate("models/seed_tf2.h5", Fixtures.path("letters/letters_sample.csv"), options: options)
        #expect(statistics.preprocess == "invert,scale=0.00392157")
        #expect(goldenMismatch(EvalMetrics(statistics), try EvalGolden.load("eval_seed_tf2_inverted")) == nil)
    }

    @Test func anImageFolderIsReadAsKerasReadsIt() throws {
        let golden = try EvalGolden.load("eval_seed_tf2_folder")
        let statistics = try evaluate("models/seed_tf2.h5", Fixtures.path("letters/folder"))
        #expect(statistics.classNames == golden.class_names)
        #expect(goldenMismatch(EvalMetrics(statistics), golden) == nil)
    }

    @Test func theGalleryHoldsTheFirstMisclassifiedInDataOrder() throws {
        let golden = try EvalGolden.load("eval_seed_tf2")
        var options = EvalOptions()
        options.galleryLimit = 5
        let statistics = try evaluate("models/seed_tf2.h5", Fixtures.path("letters/letters_sample.csv"), options: options)
        let errors = golden.count - (0..<26).reduce(0) { $0 + golden.confusion[$1][$1] }
        #expect(statistics.gallery.count == min(5, errors))
        #expect(statistics.gallery.map(\.sampleID) == statistics.gallery.map(\.sampleID).sorted())
        for entry in statistics.gallery {
            #expect(entry.top[0] != entry.trueClass)
            #expect(entry.input.count == 784)
            #expect(golden.confusion[entry.trueClass][entry.top[0]] > 0)
        }
    }
}
