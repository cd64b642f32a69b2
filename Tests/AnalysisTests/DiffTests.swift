import Foundation
import LayerLens
import Testing
import TestSupport

/// `|ours − golden| ≤ 1e-5 · |golden|` (plus a hair for values at zero); nil only matches nil.
func relativelyClose(_ ours: Double?, _ golden: Double?, tolerance: Double = 1e-5) -> Bool {
    guard let ours, let golden else { return ours == nil && golden == nil }
    return abs(ours - golden) <= tolerance * abs(golden) + 1e-9
}

/// The metrics of `diff` against NumPy's on Keras's own layer outputs
/// (`goldens/diff_seed_tf2.json`), here computed from LayerLens's traces.
@Suite struct DiffTests {
    struct Golden: Decodable {
        struct Pair: Decodable {
            struct Layer: Decodable {
                struct Change: Decodable { let unit: Int; let row: Int; let col: Int; let a: Double; let b: Double; let delta: Double }
                let index: Int
                let l2: Double
                let relative_l2: Double?
                let cosine: Double
                let pearson: Double?
                let max_abs_delta: Double
                let switched_on: Int?
                let switched_off: Int?
                let top_changes: [Change]
            }
            let a: Int
            let b: Int
            let layers: [Layer]
        }
        let pairs: [Pair]
    }

    @Test func metricsMatchNumPyOnKerasOutputs() throws {
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("goldens/diff_seed_tf2.json"))))
        let model = try loadModel(at: Fixtures.path("models/seed_tf2.h5"))
        let inputs = try #require(try NumPyFile.readArchive(Fixtures.path("goldens/seed_tf2.npz"))["input"]).tensor
        for pair in golden.pairs {
            let diff = ActivationDiff(model: model, a: try Tracer.trace(model, input: inputs.batch(pair.a..<(pair.a + 1))),
                                      b: try Tracer.trace(model, input: inputs.batch(pair.b..<(pair.b + 1))), topCount: 5)
            for (ours, theirs) in zip(diff.layers, pair.layers) {
                let label = "pair \(pair.a)-\(pair.b) layer \(theirs.index)"
                #expect(relativelyClose(ours.l2, theirs.l2), "\(label) l2 \(ours.l2) vs \(theirs.l2)")
                #expect(relativelyClose(ours.relativeL2, theirs.relative_l2), "\(label) relative_l2")
                #expect(relativelyClose(ours.cosine, theirs.cosine), "\(label) cosine \(ours.cosine) vs \(theirs.cosine)")
                #expect(relativelyClose(ours.pearson, theirs.pearson), "\(label) pearson")
                #expect(relativelyClose(ours.maxAbsDelta, theirs.max_abs_delta), "\(label) max_abs_delta")
                #expect(ours.switchedOn == theirs.switched_on && ours.switchedOff == theirs.switched_off, "\(label) switches")
                #expect(ours.topChanges.map(\.unit) == theirs.top_changes.map(\.unit), "\(label) top units")
                #expect(ours.topChanges.map(\.row) == theirs.top_changes.map(\.row) && ours.topChanges.map(\.column) == theirs.top_changes.map(\.col))
                for (change, expected) in zip(ours.topChanges, theirs.top_changes) {
                    #expect(relativelyClose(Double(change.delta), expected.delta, tolerance: 1e-4), "\(label) unit \(change.unit) delta")
                }
            }
        }
    }

    @Test func degenerateCasesAreDefined() {
        let zero = [Float](repeating: 0, count: 4), constant = [Float](repeating: 2, count: 4), ramp: [Float] = [1, 2, 3, 4]
        let bothZero = LayerDifference(index: 0, name: "l", className: "Dense", activation: "relu", isReLUFamily: true,
                                       sampleShape: [4], a: zero, b: zero, topCount: 2)
        #expect(bothZero.cosine == 1 && bothZero.relativeL2 == 0 && bothZero.pearson == nil && bothZero.l2 == 0)
        let fromZero = LayerDifference(index: 0, name: "l", className: "Dense", activation: "relu", isReLUFamily: true,
                                       sampleShape: [4], a: zero, b: ramp, topCount: 2)
        #expect(fromZero.cosine == 0 && fromZero.relativeL2 == nil && fromZero.switchedOn == 4 && fromZero.switchedOff == 0)
        let flat = LayerDifference(index: 0, name: "l", className: "Dense", activation: "linear", isReLUFamily: false,
                                   sampleShape: [4], a: constant, b: ramp, topCount: 2)
        #expect(flat.pearson == nil && flat.switchedOn == nil)
        #expect(flat.topChanges.map(\.unit) == [3, 0])  // |Δ| 2, then the tie between units 0 and 2 goes to 0
    }
}
