import Analysis
import InputPipeline
import Trace

/// The JSON form of `layerlens trace --json`.
public struct TraceJSON: Codable, Sendable {
    /// The predicted class.
    public struct Best: Codable, Sendable {
        public let index: Int
        public let label: String
        /// Null when the outputs are NaN.
        public let probability: Double?

        public init(_ score: ClassScore) {
            index = score.index
            label = score.label
            probability = finite(score.probability)
        }
    }

    /// One of the top classes.
    public struct Score: Codable, Sendable {
        public let index: Int
        public let label: String
        public let logit: Double?
        public let probability: Double?

        public init(_ score: ClassScore) {
            index = score.index
            label = score.label
            logit = score.logit.flatMap(finite)
            probability = finite(score.probability)
        }
    }

    public let model: String
    public let input: String
    /// The pipeline steps as run, implicit ones included.
    public let preprocess: [String]
    public let layers: [LayerJSON]
    public let prediction: Best
    public let top: [Score]
    /// The PNG report written, if any.
    public let report: String?
    /// What the trace warns of (`RunWarning.of`, and with `--profile` an input unlike the training data).
    public let warnings: [RunWarning]
    /// With `--profile`: the out-of-distribution scores and verdict; absent otherwise.
    public let ood: OODScores?

    /// The JSON of one trace: its input as prepared, every layer, the prediction and its `top` classes.
    public init(modelPath: String, inputPath: String, input: PreparedInput, trace: Trace, prediction: Prediction, top: Int, report: String?,
                warnings: [RunWarning], ood: OODScores? = nil) {
        model = modelPath
        self.input = inputPath
        preprocess = input.steps.map(\.text)
        layers = trace.layers.map { LayerJSON($0) }
        self.prediction = Best(prediction.best)
        self.top = prediction.top(top).map(Score.init)
        self.report = report
        self.warnings = warnings
        self.ood = ood
    }
}
