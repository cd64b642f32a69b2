import Foundation
import LayerLens
@testable import Report
import Testing

/// What eval says of classes the data has no sample of, and of units that are
/// never above 0 without being dead.
@Suite struct AbsentClassesTests {
    /// Six samples of classes 0, 1 and 3 of four; one of class 0 taken for 1, one of 3 for the absent class 2.
    func statistics() -> EvalStatistics {
        var statistics = EvalStatistics(model: "m.h5", data: "d.npy", classNames: ["a", "b", "c", "d"], topK: 1, probabilityKind: .softmax,
                                        layers: [(name: "dense", className: "Dense", sampleShape: [3])])
        let labels = [0, 0, 1, 1, 3, 3], predicted = [0, 1, 1, 1, 3, 2]
        var probabilities = [Float](repeating: 0, count: 6 * 4)
        for (sample, guess) in predicted.enumerated() { probabilities[sample * 4 + guess] = 1 }
        statistics.add(input: Tensor(shape: [6, 2], repeating: 0), probabilities: probabilities, logits: nil, labels: labels, sampleIDs: Array(0..<6))
        // Unit 0 is 0 throughout (a ReLU that never fires), unit 1 always negative (a linear unit), unit 2 positive.
        let output: [Float] = (0..<6).flatMap { sample -> [Float] in [0, -1 - Float(sample), 0.5] }
        statistics.addLayer(0, output: Tensor(shape: [6, 3], scalars: output), labels: labels)
        return statistics
    }

    /// Macro F1 averages the three classes with samples: (2/3 + 4/5 + 2/3) / 3; the weakest classes and
    /// the text, the PNG header and the JSON leave class c apart.
    @Test func macroF1CountsOnlyTheClassesWithSamples() throws {
        let metrics = EvalMetrics(statistics())
        #expect(metrics.absentClasses == [2])
        #expect(abs(metrics.macroF1 - (2.0 / 3 + 0.8 + 2.0 / 3) / 3) < 1e-12)
        #expect(metrics.weakestClasses(5) == [0, 3, 1])
        #expect(EvalReport.absentClassesNote(metrics) == "1 of 4 classes without samples (left out of macro F1): c")
        let json = String(decoding: try prettyJSON(EvalJSON(metrics), snakeCaseKeys: true), as: UTF8.self)
        #expect(json.contains("\"absent_classes\" : [\n    \"c\"\n  ]"), "\(json.prefix(600))")
        #expect(EvalMetrics(EvalStatistics(model: "m.h5", data: "d.npy", classNames: ["a"], topK: 1, probabilityKind: .softmax, layers: []))
            .absentClasses == [0])
    }

    /// A unit that is only ever negative is not dead; one that is 0 throughout is.
    @Test func aLinearUnitBelowZeroIsNotDead() {
        let layer = EvalMetrics(statistics()).layers[0]
        #expect(layer.deadUnits == [0])
        #expect(layer.alwaysActiveUnits == [2])
    }
}
