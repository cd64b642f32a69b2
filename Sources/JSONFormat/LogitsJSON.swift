import Analysis

/// The JSON form of `layerlens logits --json`.
public struct LogitsJSON: Encodable, Sendable {
    /// One input's final layer.
    public struct Input: Encodable, Sendable {
        public let input: String
        /// Null when the model ends in a softmax/sigmoid whose input cannot be had.
        public let logits: [Double?]?
        public let probabilities: [Double?]
        public let activation_applied: String
        public let top: [TraceJSON.Score]
        public let entropy: Double?
        public let normalized_entropy: Double?
        public let margin: Double?
        public let warnings: [RunWarning]
        /// With `--profile`: the out-of-distribution scores and verdict; absent otherwise.
        public let ood: OODScores?

        enum Keys: String, CodingKey { case input, logits, probabilities, activation_applied, top, entropy, normalized_entropy, margin, warnings, ood }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(input, forKey: .input)
            try container.encode(logits, forKey: .logits)
            try container.encode(probabilities, forKey: .probabilities)
            try container.encode(activation_applied, forKey: .activation_applied)
            try container.encode(top, forKey: .top)
            try container.encode(entropy, forKey: .entropy)
            try container.encode(normalized_entropy, forKey: .normalized_entropy)
            try container.encode(margin, forKey: .margin)
            try container.encode(warnings, forKey: .warnings)
            try container.encodeIfPresent(ood, forKey: .ood)
        }
    }

    public let inputs: [Input]
    /// What the inputs together warn of (`LogitsRun.warnings`).
    public let warnings: [RunWarning]

    /// The JSON of `run`, with the `top` most probable classes of each input.
    public init(_ run: LogitsRun, top: Int) {
        inputs = run.entries.map { entry in
            let statistics = entry.statistics, prediction = statistics.prediction
            return Input(input: entry.input, logits: prediction.logits?.map { finite($0) },
                         probabilities: prediction.probabilities.map { finite($0) }, activation_applied: prediction.kind.rawValue,
                         top: prediction.top(top).map(TraceJSON.Score.init),
                         entropy: finite(statistics.entropy), normalized_entropy: finite(statistics.normalizedEntropy), margin: finite(statistics.margin),
                         warnings: entry.warnings, ood: entry.ood)
        }
        warnings = run.warnings
    }
}
