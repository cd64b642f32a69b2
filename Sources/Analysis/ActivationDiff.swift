import ModelGraph
import Trace

/// Every layer's change between two inputs of one model: `diff` as a library result.
public struct ActivationDiff: Sendable {
    /// The traces of A and B (sample 0 of each is compared).
    public let a: Trace
    public let b: Trace
    public let layers: [LayerDifference]

    /// Compares sample 0 of `a` and `b`, traced through `model`; `topCount` units
    /// with the largest change are listed per layer.
    public init(model: Model, a: Trace, b: Trace, topCount: Int = 5) {
        self.a = a
        self.b = b
        layers = model.nodes.indices.map { index in
            LayerDifference(model: model, node: index, a: a.layers[index].output.scalars(ofSample: 0),
                            b: b.layers[index].output.scalars(ofSample: 0), topCount: topCount)
        }
    }

    /// What a diff without a report needs, computed without keeping either trace:
    /// `a` and `b` (one sample each) run through `model` as one batch of two
    /// (`Tracer.stream`), each layer compared as soon as both its outputs exist
    /// and the outputs freed once no later layer reads them. The layers' metrics
    /// and the predictions equal those of two kept traces.
    public static func streamed(model: Model, a: Tensor, b: Tensor, topCount: Int = 5,
                                labels: [String]? = nil) throws -> (layers: [LayerDifference], predictions: (a: Prediction, b: Prediction)) {
        let sources = PredictionSources(model: model)
        // One chunk of two samples: the plan only says which outputs to free and keep.
        let plan = MemoryPlan(model: model, kept: sources.kept)
        var layers: [LayerDifference] = []
        layers.reserveCapacity(model.nodes.count)
        let (output, logits) = try sources.run(model, inputs: [Tensor.concatenatingBatches([a, b])], plan: plan) { index, output in
            layers.append(LayerDifference(model: model, node: index, a: output.scalars(ofSample: 0), b: output.scalars(ofSample: 1),
                                          topCount: topCount))
        }
        let predictions = Prediction.perSample(output: output, logits: logits, kind: ProbabilityKind(model: model), labels: labels)
        return (layers, (predictions[0], predictions[1]))
    }
}
