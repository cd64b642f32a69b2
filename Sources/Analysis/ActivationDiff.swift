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
        layers = zip(model.layers, zip(a.layers, b.layers)).map { layer, pair in
            let (tracedA, tracedB) = pair
            return LayerDifference(index: tracedA.index, name: tracedA.name, className: tracedA.className,
                                   activation: tracedA.activation, isReLUFamily: layer.activation?.isReLUFamily ?? false,
                                   sampleShape: tracedA.output.sampleShape,
                                   a: tracedA.output.scalars(ofSample: 0), b: tracedB.output.scalars(ofSample: 0),
                                   topCount: topCount)
        }
    }
}
