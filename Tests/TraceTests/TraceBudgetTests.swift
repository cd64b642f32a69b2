import Foundation
import LayerLens
import Layers
import Testing

/// A trace is refused before it runs when its layer outputs, times the batch,
/// would pass `SizeLimits.traceBytes`.
@Suite struct TraceBudgetTests {
    /// One 1,000-element input repeated 600,000 times: 2.4 GB of output per sample.
    private func model() throws -> Model {
        try Model(name: "repeat", source: ModelSource(path: "big.h5", container: "h5", producer: "Keras", producerVersion: "2.21.0"),
                  inputShape: [1000], layers: [(typeName: "RepeatVector", layer: RepeatVector(name: "repeat_vector", count: 600_000))])
    }

    @Test func oneSampleFitsTheBudget() throws {
        #expect(try model().outputShape == [600_000, 1000])
    }

    @Test func aBatchOverTheBudgetIsRefusedBeforeItRuns() throws {
        let error = #expect(throws: TraceError.self) { try Tracer.trace(model(), input: Tensor(shape: [2, 1000])) }
        #expect(error?.description == "big.h5: layer 'repeat_vector' (RepeatVector) would need 4.8 GB for its output of shape (2, 600000, 1000); the limit is 4.0 GB")
    }
}
