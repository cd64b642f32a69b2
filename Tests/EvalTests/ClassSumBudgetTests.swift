import Foundation
import LayerLens
import Testing
import TestSupport

/// The layers' per-class sums held to their share of the memory budget: kept
/// from the output backwards while they fit, the other layers keeping sums over
/// all classes only.
@Suite struct ClassSumBudgetTests {
    /// The seed model's layers have 200, 150, 100, 50 and 26 units; with 26
    /// classes their per-class sums take 26 × units × 16 bytes: 83,200, 62,400,
    /// 41,600, 20,800 and 10,816. A share of 50,000 bytes holds the last two
    /// (31,616) and not the third from last as well (73,216).
    static let twoLayersShare = 50_000

    /// Statistics of the seed model for the letters sample, the class sums held to
    /// `classSumBudget`, every sample added from one trace in batches of 100.
    func statistics(classSumBudget: Int) throws -> EvalStatistics {
        let model = try loadModel(at: Fixtures.path("models/seed_tf2.h5"))
        var statistics = EvalStatistics(model: "seed_tf2.h5", data: "letters_sample.csv", classNames: (0..<26).map(String.init), topK: 3,
                                        probabilityKind: .softmax, layers: model.nodes.map { ($0.name, $0.typeName, $0.outputShape) },
                                        classSumBudget: classSumBudget)
        let data = try CSVDataSet(path: Fixtures.path("letters/letters_sample.csv"), classCount: 26)
        try data.forEachBatch(maxCount: 100) { batch in
            let trace = try Tracer.trace(model, input: Tensor(shape: [batch.count, 784], scalars: batch.features))
            statistics.add(trace: trace, probabilities: ProbabilityKind(model: model).probabilities(trace.output.scalars, width: 26),
                           logits: nil, labels: batch.labels, sampleIDs: batch.sampleIDs)
            return true
        }
        return statistics
    }

    @Test func theClassSumsThatFitAreKeptFromTheOutputBackwards() throws {
        let full = try statistics(classSumBudget: .max)
        let held = try statistics(classSumBudget: Self.twoLayersShare)
        #expect(full.layers.map(\.keepsClassSums) == [true, true, true, true, true])
        #expect(held.layers.map(\.keepsClassSums) == [false, false, false, true, true])
        for (kept, all) in zip(held.layers, full.layers) {
            let units = all.unitCount
            // Without class rows, the one row is each unit's sum over the classes of a run keeping them.
            let expected = kept.keepsClassSums ? all.classSums
                : (0..<units).map { unit in (0..<26).reduce(Int128(0)) { $0 + all.classSums[$1 * units + unit] } }
            #expect(kept.classSums == expected, "\(kept.name)")
            #expect(kept.sumsOfSquares == all.sumsOfSquares && kept.positiveCount == all.positiveCount, "\(kept.name)")
            #expect(kept.classValueCount == all.classValueCount && kept.valueCount == all.valueCount, "\(kept.name)")
        }
        let (heldMetrics, fullMetrics) = (EvalMetrics(held), EvalMetrics(full))
        for (kept, all) in zip(heldMetrics.layers, fullMetrics.layers) {
            #expect(kept.mean == all.mean && kept.std == all.std && kept.activeFraction == all.activeFraction, "\(kept.name)")
            #expect(kept.deadUnits == all.deadUnits && kept.alwaysActiveUnits == all.alwaysActiveUnits, "\(kept.name)")
        }
        #expect(heldMetrics.layers.map(\.classMeans.isEmpty) == [true, true, true, false, false])
        #expect(heldMetrics.layers.suffix(2).map(\.classMeans) == fullMetrics.layers.suffix(2).map(\.classMeans))
    }

    /// `eval` under a small budget: a quarter of it for the class sums keeps the last two layers', and every
    /// number still equals what Keras computed (`EvalGoldenTests`).
    @Test func aSmallMemoryBudgetKeepsTheClassMeansOfTheLastLayersOnly() throws {
        var options = EvalOptions()
        options.memoryBudget = Self.twoLayersShare * Evaluation.classSumShare
        let statistics = try evaluate("models/seed_tf2.h5", Fixtures.path("letters/letters_sample.csv"), options: options)
        #expect(statistics.layers.map(\.keepsClassSums) == [false, false, false, true, true])
        let metrics = EvalMetrics(statistics)
        #expect(goldenMismatch(metrics, try EvalGolden.load("eval_seed_tf2")) == nil)
        let defaultRun = try evaluate("models/seed_tf2.h5", Fixtures.path("letters/letters_sample.csv"))
        #expect(defaultRun.layers.map(\.keepsClassSums) == [true, true, true, true, true])
    }

    @Test func partsKeepingDifferentClassSumsAreNotMerged() throws {
        let data = Fixtures.path("letters/letters_sample.csv")
        var options = EvalOptions(), dataOptions = DataSetOptions()
        options.shard = Shard(index: 0, count: 2)
        dataOptions.shard = options.shard
        let first = try evaluate("models/seed_tf2.h5", data, options: options, dataOptions: dataOptions)
        options.shard = Shard(index: 1, count: 2)
        dataOptions.shard = options.shard
        let second = try evaluate("models/seed_tf2.h5", data, options: options, dataOptions: dataOptions)
        options.memoryBudget = Self.twoLayersShare * Evaluation.classSumShare
        let held = try evaluate("models/seed_tf2.h5", data, options: options, dataOptions: dataOptions)
        let both = try first.merged(with: second)
        #expect(both.coversEverything)
        let error = #expect(throws: EvalMergeError.self) { try first.merged(with: held) }
        #expect(error?.description.contains("same --memory") == true)
    }

    /// A part file whose layer says it keeps class rows but holds one row (or the reverse) is damaged.
    @Test func aPartWhoseSumsDoNotMatchItsChoiceIsRefused() throws {
        let held = try statistics(classSumBudget: Self.twoLayersShare)
        let folder = try Fixtures.temporaryFolder()
        for (layer, flipped) in [(0, true), (4, false)] {
            var json = try #require(try JSONSerialization.jsonObject(with: EvalPartFile.encode(held)) as? [String: Any])
            var layers = try #require(json["layers"] as? [[String: Any]])
            #expect(layers[layer]["keepsClassSums"] as? Bool == !flipped)
            layers[layer]["keepsClassSums"] = flipped
            json["layers"] = layers
            let path = folder + "/part\(layer).json"
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: FileError.self) { try EvalPartFile.read(path) }
            #expect(error?.problem == "is a damaged eval part file: layer '\(held.layers[layer].name)' has arrays of the wrong size or counts out of range")
        }
    }

    /// The reports say where a class map is missing and why, instead of drawing it.
    @Test func theReportsSayWhichClassMeansWereNotKept() throws {
        let metrics = EvalMetrics(try statistics(classSumBudget: Self.twoLayersShare))
        let html = try #require(String(data: try EvalHTMLReport.render(metrics), encoding: .utf8))
        #expect(html.contains("class means not kept: 26 classes × 200 units are over the memory budget (--memory)"))
        #expect(html.contains("class means not kept: 26 classes × 100 units"))
        #expect(!html.contains("class means not kept: 26 classes × 50 units"))
        let png = try EvalReport.render(metrics)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }
}
