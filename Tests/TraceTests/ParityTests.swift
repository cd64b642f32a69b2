import Foundation
import LayerLens
import Testing
import TestSupport

/// Every layer of every fixture model equals what Keras computed, within
/// `1e-4 + 1e-5 · max|Keras layer|` element by element.
@Suite struct ParityTests {
    @Test(arguments: GoldenManifest.sequentialModels)
    func everyLayerMatchesKeras(name: String) throws {
        let entry = try #require(try Fixtures.manifest().models[name])
        let goldens = try NumPyFile.readArchive(Fixtures.path(entry.golden))
        let model = try loadModel(at: Fixtures.path(entry.model))
        let input = try #require(goldens["input"]).tensor
        let trace = try Tracer.trace(model, input: input)
        #expect(trace.layers.count == entry.layers.count)
        for (layer, expected) in zip(trace.layers, entry.layers) {
            let keras = try #require(goldens[expected.key]).tensor
            let violation = parityViolation(layer.output, keras, label: "\(name) layer \(layer.index) \(layer.name)")
            #expect(violation == nil, "\(violation ?? "")")
        }
    }

    /// Functional graphs: every call (nested models expanded, shared layers once
    /// per call) against Keras's layer-by-layer outputs, and the model outputs
    /// against Keras's own `predict`.
    @Test(arguments: GoldenManifest.graphModels)
    func everyCallOfAGraphMatchesKeras(name: String) throws {
        let entry = try #require(try Fixtures.manifest().models[name])
        let goldens = try NumPyFile.readArchive(Fixtures.path(entry.golden))
        let model = try loadModel(at: Fixtures.path(entry.model))
        let inputs = try model.inputs.indices.map { try #require(goldens["input_\($0)"]).tensor }
        let trace = try Tracer.trace(model, inputs: inputs)
        #expect(trace.layers.map(\.name) == entry.layers.map(\.name))
        for (layer, expected) in zip(trace.layers, entry.layers) {
            let keras = try #require(goldens[expected.key]).tensor
            let violation = parityViolation(layer.output, keras, label: "\(name) \(layer.name)")
            #expect(violation == nil, "\(violation ?? "")")
        }
        for (index, output) in trace.outputs.enumerated() {
            let keras = try #require(goldens["output_\(index)"]).tensor
            #expect(parityViolation(output, keras, label: "\(name) output \(index)") == nil)
        }
        #expect(model.parameterCount == entry.total_params)
    }

    /// A batch large enough to be split across the cores gives Keras's numbers too.
    @Test func parallelBatchesMatchKeras() throws {
        let entry = try #require(try Fixtures.manifest().models["seed_tf2"])
        let goldens = try NumPyFile.readArchive(Fixtures.path(entry.golden))
        let model = try loadModel(at: Fixtures.path(entry.model))
        let input = try #require(goldens["input"]).tensor
        let repeats = 9  // 16 × 9 = 144 rows, over the parallel threshold
        let batch = Tensor.concatenatingBatches(Array(repeating: input, count: repeats))
        let trace = try Tracer.trace(model, input: batch)
        for (layer, expected) in zip(trace.layers, entry.layers) {
            let keras = try #require(goldens[expected.key]).tensor
            let tiled = Tensor.concatenatingBatches(Array(repeating: keras, count: repeats))
            #expect(parityViolation(layer.output, tiled, label: "batched \(layer.name)") == nil)
        }
    }

    @Test func loadsFromAFileURL() throws {
        let model = try loadModel(at: URL(fileURLWithPath: Fixtures.path("models/seed_k3.keras")))
        #expect(model.parameterCount == 208_626)
        #expect(throws: FileError.self) { try loadModel(at: URL(string: "https://example.com/model.h5")!) }
    }

    @Test func refusesAnInputOfTheWrongShape() throws {
        let model = try loadModel(at: Fixtures.path("models/seed_tf2.h5"))
        #expect(throws: TraceError.self) { try Tracer.trace(model, input: Tensor(shape: [1, 783])) }
    }
}
