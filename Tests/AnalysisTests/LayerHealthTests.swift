import Foundation
import LayerLens
import Testing
import TestSupport

/// Which layers a report draws in full by default, and why: on the seed case
/// (the seed model on the photo of an X, preprocessed as its owner did).
@Suite struct LayerHealthTests {
    let model = try! loadModel(at: Fixtures.path("models/seed_tf2.h5"))
    var trace: Trace {
        let input = try! loadInput(Fixtures.path("images/photo_x.jpg"), for: model,
                                   options: InputOptions(steps: try! PreprocessStep.parse("gray,resize=28x28:area,invert")))
        return try! Tracer.trace(model, input: input.tensor)
    }

    @Test func deadUnitsAreTheUnitsAtZero() throws {
        let trace = trace
        for layer in trace.layers {
            let values = layer.output.scalars(ofSample: 0)
            let health = LayerHealth(of: layer)
            #expect(health.units == values.count)
            // ReLU layers: dead = exactly zero; the linear logits have negatives, so none count.
            let expected = values.contains { $0 < 0 } ? 0 : values.filter { $0 == 0 }.count
            #expect(health.zeroUnits == expected, "\(layer.name)")
            #expect(health.saturatedUnits == 0)
        }
    }

    @Test func theOutputTheLastLayersAndTheDeadestAreNotable() throws {
        let trace = trace
        let health = trace.layers.map(LayerHealth.init(of:))
        let notable = NotableLayer.find(in: trace, model: model, health: health)
        let reasons = Dictionary(uniqueKeysWithValues: notable.map { ($0.index, $0.reasons) })
        #expect(reasons[4]?.first == .output)
        #expect(reasons[3]?.first == .nearOutput && reasons[2]?.first == .nearOutput)
        // Up to three layers with at least half their units dead, the deadest first.
        let deadShares = trace.layers.indices.map { index -> Double in
            let values = trace.layers[index].output.scalars(ofSample: 0)
            return values.contains { $0 < 0 } ? 0 : Double(values.filter { $0 == 0 }.count) / Double(values.count)
        }
        let expectedDead = Set(deadShares.indices.filter { deadShares[$0] >= 0.5 }.sorted { deadShares[$0] > deadShares[$1] }.prefix(3))
        let foundDead = Set(notable.filter { $0.reasons.contains { if case .dead = $0 { true } else { false } } }.map(\.index))
        #expect(foundDead == expectedDead)
        #expect(!expectedDead.isEmpty)  // the seed case's ReLU layers are mostly silent for this photo
        #expect(notable.map(\.index) == notable.map(\.index).sorted())
    }

    @Test func probabilitiesThatUnderflowToZeroAreNotDead() throws {
        // NASNetLarge (truncated, random weights) on the flower: its softmax
        // output underflows to exactly 0 for most classes.
        let model = try loadModel(at: Fixtures.path("applications/nasnetlarge_k3.keras"))
        let input = try loadInput(Fixtures.path("images/flower.jpg"), for: model,
                                  options: InputOptions(steps: try PreprocessStep.parse("resize=32x32")))
        let output = try #require(try Tracer.trace(model, input: input.tensor).layers.last)
        #expect(output.activation == "softmax")
        #expect(output.output.scalars(ofSample: 0).contains(0))  // the underflow the test is about
        #expect(LayerHealth(of: output).zeroUnits == 0)
    }
}
