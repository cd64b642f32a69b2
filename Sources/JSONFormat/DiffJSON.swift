import Analysis
import InputPipeline
import Trace

/// The JSON form of `layerlens diff --json`. Undefined metrics (see
/// `LayerDifference`) are written as null, never as NaN.
public struct DiffJSON: Encodable, Sendable {
    /// One side of the comparison.
    public struct Side: Encodable, Sendable {
        public let input: String
        public let preprocess: [String]
        public let prediction: TraceJSON.Best
        public let top: [TraceJSON.Score]
    }

    /// One layer's metrics.
    public struct Layer: Encodable, Sendable {
        let difference: LayerDifference

        enum Keys: String, CodingKey {
            case index, name, `class`, l2, relative_l2, cosine, pearson, max_abs_delta, switched_on, switched_off, top_changes
        }

        enum ChangeKeys: String, CodingKey { case unit, row, col, a, b, delta }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(difference.index, forKey: .index)
            try container.encode(difference.name, forKey: .name)
            try container.encode(difference.className, forKey: .class)
            try container.encode(difference.l2, forKey: .l2)
            try container.encode(difference.relativeL2, forKey: .relative_l2)
            try container.encode(difference.cosine, forKey: .cosine)
            try container.encode(difference.pearson, forKey: .pearson)
            try container.encode(difference.maxAbsDelta, forKey: .max_abs_delta)
            try container.encode(difference.switchedOn, forKey: .switched_on)
            try container.encode(difference.switchedOff, forKey: .switched_off)
            var changes = container.nestedUnkeyedContainer(forKey: .top_changes)
            for change in difference.topChanges {
                var item = changes.nestedContainer(keyedBy: ChangeKeys.self)
                try item.encode(change.unit, forKey: .unit)
                try item.encode(change.row, forKey: .row)
                try item.encode(change.column, forKey: .col)
                try item.encode(finite(change.a), forKey: .a)
                try item.encode(finite(change.b), forKey: .b)
                try item.encode(finite(change.delta), forKey: .delta)
            }
        }
    }

    public let model: String
    public let a: Side
    public let b: Side
    public let layers: [Layer]
    /// What the diff warns of (`DiffReport.warnings`).
    public let warnings: [RunWarning]

    /// The JSON of a diff of two inputs (`layers`: each layer's difference), with each side's `top` classes.
    public init(modelPath: String, inputs: (a: String, b: String), loaded: (a: PreparedInput, b: PreparedInput),
                predictions: (a: Prediction, b: Prediction), layers: [LayerDifference], top: Int, warnings: [RunWarning]) {
        func side(_ path: String, _ input: PreparedInput, _ prediction: Prediction) -> Side {
            let best = prediction.best
            return Side(input: path, preprocess: input.steps.map(\.text),
                        prediction: .init(best),
                        top: prediction.top(top).map(TraceJSON.Score.init))
        }
        model = modelPath
        a = side(inputs.a, loaded.a, predictions.a)
        b = side(inputs.b, loaded.b, predictions.b)
        self.layers = layers.map(Layer.init)
        self.warnings = warnings
    }
}
