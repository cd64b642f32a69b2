/// The JSON form of `layerlens trace --json`.
public struct TraceSummary: Codable, Sendable {
    public struct Best: Codable, Sendable {
        public let index: Int
        public let label: String
        public let probability: Double
    }

    public struct Score: Codable, Sendable {
        public let index: Int
        public let label: String
        public let logit: Double?
        public let probability: Double
    }

    public let model: String
    public let input: String
    /// The pipeline steps as run, implicit ones included.
    public let preprocess: [String]
    public let layers: [LayerRecord]
    public let prediction: Best
    public let top: [Score]
    /// The PNG report written, if any.
    public let report: String?

    public init(modelPath: String, inputPath: String, input: LoadedInput, trace: Trace, prediction: Prediction, top: Int, report: String?) {
        model = modelPath
        self.input = inputPath
        preprocess = input.steps.map(\.text)
        layers = trace.layers.map { LayerRecord($0) }
        let best = prediction.best
        self.prediction = Best(index: best.index, label: best.label, probability: Double(best.probability))
        self.top = prediction.top(top).map { Score(index: $0.index, label: $0.label, logit: $0.logit.flatMap(finite), probability: Double($0.probability)) }
        self.report = report
    }
}
