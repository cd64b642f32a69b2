import Foundation
import LayerLens
import Testing
import TestSupport

/// Truncated keras.applications families, each in Keras 3 `.keras`, Keras 3
/// `.h5` and tf.keras 2 `.h5`: every file loads with Keras's parameter count,
/// and every layer call matches Keras by the depth-aware rule on two inputs.
@Suite struct ApplicationParityTests {
    @Test(arguments: ApplicationManifest.names)
    func everyLayerOfAFamilyMatchesKeras(name: String) throws {
        let entry = try #require(try ApplicationManifest.load().models[name])
        let goldens = try NumPyFile.readArchive(Fixtures.path(entry.golden))
        let model = try loadModel(at: Fixtures.path(entry.model))
        #expect(model.parameterCount == entry.total_params)
        #expect(model.nodes.map(\.name) == entry.layers.map(\.name))
        let input = try #require(goldens["input_0"]).tensor
        #expect(input.batchSize == 2)
        let trace = try Tracer.trace(model, input: input)
        for (layer, expected) in zip(trace.layers, entry.layers) {
            let keras = try #require(goldens[expected.key]).tensor
            let reference = try #require(goldens["f64/" + expected.key]).tensor
            let violation = depthAwareParityViolation(layer.output, keras: keras, float64: reference, label: "\(name) \(layer.name)")
            #expect(violation == nil, "\(violation ?? "")")
        }
    }
}
