import Foundation
import LayerLens
@testable import Trace
import Testing
import TestSupport

/// Top-k when a float32 softmax underflows: every class but the winner gets
/// probability 0, and only the logits still say which came second.
@Suite struct ClassRankingTests {
    /// Logits 300 apart: in float32 the softmax of all but class 0 is exactly 0.
    static let logits: [Float] = [300, -50, 120, 80, -400, 10]
    /// The classes by logit, as read off the list above.
    static let byLogit = [0, 2, 3, 5, 1, 4]

    @Test func topOrdersUnderflowedClassesByLogit() {
        let prediction = Prediction(kind: .softmax, logits: Self.logits, outputs: Self.logits)
        #expect(prediction.probabilities[0] == 1)
        #expect(prediction.probabilities.dropFirst().allSatisfy { $0 == 0 }, "the case needs the underflow")
        #expect(prediction.top(6).map(\.index) == Self.byLogit)
        #expect(prediction.top(3).map(\.index) == Array(Self.byLogit.prefix(3)))
    }

    /// A softmax head: its outputs are the probabilities, the logits come from beneath it.
    @Test func aSoftmaxHeadIsRankedByTheLogitsBeneathIt() {
        let outputs: [Float] = [1, 0, 0, 0, 0, 0]
        let prediction = Prediction(kind: .none, logits: Self.logits, outputs: outputs)
        #expect(prediction.top(4).map(\.index) == Array(Self.byLogit.prefix(4)))
    }

    /// NaN ranks below every number, whether it is a probability or a logit.
    @Test func notANumberRanksLast() {
        let probabilities: [Float] = [.nan, 0.2, 0.5, 0.2, 0.1]
        let logits: [Float] = [9, 1, 3, .nan, 0]
        #expect(rankClasses(probabilities: probabilities[...], logits: logits[...], limit: 5) == [2, 1, 3, 4, 0])
        #expect(rankClasses(probabilities: probabilities[...], logits: nil, limit: 2) == [2, 1])
    }

    /// eval's top-3 counts a sample whose true class is third by logit but has
    /// probability 0, like every class below the winner (ranked by index, the
    /// top 3 would be 0, 1, 2 and miss it).
    @Test func evalTopKCountsUnderflowedRunnersUpByLogit() {
        var statistics = EvalStatistics(model: "model.h5", data: "data.csv", classNames: (0..<6).map(String.init), topK: 3,
                                        probabilityKind: .softmax, layers: [])
        let probabilities = Prediction(kind: .softmax, logits: Self.logits, outputs: Self.logits).probabilities
        let trace = Trace(inputs: [Tensor(shape: [2, 1], scalars: [0, 0])], layers: [], outputs: [])
        // Sample 0's true class is 3 (third by logit), sample 1's is 4 (last).
        statistics.add(trace: trace, probabilities: probabilities + probabilities, logits: Self.logits + Self.logits,
                       labels: [3, 4], sampleIDs: [0, 1])
        #expect(statistics.topKCorrect == 1)
    }
}
