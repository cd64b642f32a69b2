import Analysis
import Diagnosis
import Trace

/// The JSON form of `layerlens doctor --json`.
public struct DoctorJSON: Encodable, Sendable {
    public struct Range: Encodable, Sendable {
        public let low: Double
        public let high: Double
    }

    public struct MismatchEntry: Encodable, Sendable {
        public let kind: String
        public let severity: String
        public let value: Double
        public let expected: Range
        public let message: String

        init(_ mismatch: Mismatch) {
            (kind, severity, value, message) = (mismatch.kind.rawValue, mismatch.severity.rawValue, mismatch.value, mismatch.message)
            expected = Range(low: mismatch.expected.lowerBound, high: mismatch.expected.upperBound)
        }
    }

    public struct Layer: Encodable, Sendable {
        public let name: String
        public let outside_fraction: Double
        public let distance: Double
        public let distance_percentile: Double
        public let off: Bool
    }

    public struct Suggestion: Encodable, Sendable {
        public let pipeline: String
        public let edits: [String]
        public let python: String?
        public let prediction: TraceJSON.Best
        public let mismatches_left: [MismatchEntry]
        public let verdict: String

        enum Keys: String, CodingKey { case pipeline, edits, python, prediction, mismatches_left, verdict }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(pipeline, forKey: .pipeline)
            try container.encode(edits, forKey: .edits)
            try container.encode(python, forKey: .python)
            try container.encode(prediction, forKey: .prediction)
            try container.encode(mismatches_left, forKey: .mismatches_left)
            try container.encode(verdict, forKey: .verdict)
        }
    }

    public struct Input: Encodable, Sendable {
        public let input: String
        public let pipeline: String?
        public let prediction: TraceJSON.Best
        public let mismatches: [MismatchEntry]
        public let layers: [Layer]
        public let first_layer_off: String?
        public let ood: OODScores
        public let suggestion: Suggestion?
        public let nearest_examples: [Int]
        public let warnings: [RunWarning]

        enum Keys: String, CodingKey {
            case input, pipeline, prediction, mismatches, layers, first_layer_off, ood, suggestion, nearest_examples, warnings
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(input, forKey: .input)
            try container.encode(pipeline, forKey: .pipeline)
            try container.encode(prediction, forKey: .prediction)
            try container.encode(mismatches, forKey: .mismatches)
            try container.encode(layers, forKey: .layers)
            try container.encode(first_layer_off, forKey: .first_layer_off)
            try container.encode(ood, forKey: .ood)
            try container.encode(suggestion, forKey: .suggestion)
            try container.encode(nearest_examples, forKey: .nearest_examples)
            try container.encode(warnings, forKey: .warnings)
        }
    }

    public let profile: String
    public let inputs: [Input]

    /// The JSON of `examinations` against the profile at `profilePath`.
    public init(profilePath: String, examinations: [Examination]) {
        profile = profilePath
        inputs = examinations.map { examination in
            let reading = examination.reading
            return Input(input: examination.path, pipeline: reading.pipeline,
                         prediction: TraceJSON.Best(reading.prediction.best), mismatches: reading.mismatches.map(MismatchEntry.init),
                         layers: reading.layers.map { Layer(name: $0.name, outside_fraction: $0.outsideFraction, distance: $0.distance,
                                                            distance_percentile: $0.distancePercentile, off: $0.isOff) },
                         first_layer_off: reading.firstLayerOff?.name, ood: reading.ood,
                         suggestion: examination.suggestion.map { suggestion in
                             Suggestion(pipeline: suggestion.pipeline, edits: suggestion.edits, python: suggestion.python,
                                        prediction: TraceJSON.Best(suggestion.reading.prediction.best),
                                        mismatches_left: suggestion.reading.mismatches.map(MismatchEntry.init),
                                        verdict: suggestion.reading.ood.verdict.rawValue)
                         },
                         nearest_examples: examination.nearestExamples,
                         warnings: RunWarning.of(reading.prepared, prediction: reading.prediction))
        }
    }
}
