import Foundation
import LayerLens
import Testing
import TestSupport

/// Every layer call of every old-format fixture (Keras 2.0–2.3 files in each
/// HDF5 string kind, the Theano backend, stored and deflated archives) equals
/// what Keras computed on the original model, within
/// `1e-4 + 1e-5 · max|Keras layer|` element by element.
@Suite struct OldKerasParityTests {
    @Test(arguments: OldKerasFixtures.models)
    func everyLayerMatchesKeras(name: String) throws {
        let entry = try #require(try OldKerasFixtures.manifest().models[name])
        let goldens = try NumPyFile.readArchive(Fixtures.path(entry.golden))
        let model = try loadModel(at: Fixtures.path(entry.model))
        #expect(model.parameterCount == entry.total_params)
        let input = try #require(goldens[entry.graph == true ? "input_0" : "input"]).tensor
        let trace = try Tracer.trace(model, input: input)
        #expect(trace.layers.map(\.name) == entry.layers.map(\.name))
        for (layer, expected) in zip(trace.layers, entry.layers) {
            let keras = try #require(goldens[expected.key]).tensor
            let violation = parityViolation(layer.output, keras, label: "\(name) \(layer.name)")
            #expect(violation == nil, "\(violation ?? "")")
        }
        if entry.graph == true {
            let keras = try #require(goldens["output_0"]).tensor
            #expect(parityViolation(trace.outputs[0], keras, label: "\(name) output") == nil)
        }
    }
}
