import Foundation
import LayerLens
import Testing
import TestSupport

/// Probabilities, entropy, margin and logits against NumPy on Keras's outputs
/// (`goldens/logits.json`) for a linear, a softmax and a sigmoid output layer.
@Suite struct LogitsTests {
    struct Golden: Decodable {
        struct Row: Decodable {
            let logits: [Double]
            let probabilities: [Double]
            let entropy: Double
            let normalized_entropy: Double
            let margin: Double
            let max_logit: Double
        }
        let model: String
        let activation_applied: String
        let inputs: [Row]
    }

    static let files = ["seed_tf2": "models/seed_tf2.h5", "softmax_tf2": "models/softmax_tf2.h5", "sigmoid_k3": "models/sigmoid_k3.keras"]

    static func golden(_ name: String) throws -> Golden {
        let goldens = try JSONDecoder().decode([Golden].self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("goldens/logits.json"))))
        return try #require(goldens.first { $0.model == name })
    }

    /// The statistics computed from Keras's own final values equal NumPy's within 1e-5 relative.
    @Test(arguments: ["seed_tf2", "softmax_tf2", "sigmoid_k3"])
    func statisticsOfKerasOutputsMatchNumPy(name: String) throws {
        let golden = try Self.golden(name)
        let kind = try #require(ProbabilityKind(rawValue: golden.activation_applied))
        for (sample, row) in golden.inputs.enumerated() {
            let logits = row.logits.map(Float.init)
            let statistics = LogitStatistics(Prediction(kind: kind, logits: logits, outputs: kind == .softmax ? logits : row.probabilities.map(Float.init)))
            for (ours, theirs) in zip(statistics.prediction.probabilities, row.probabilities) {
                #expect(abs(Double(ours) - theirs) <= 1e-5 * theirs + 1e-9, "\(name) sample \(sample) probability \(ours) vs \(theirs)")
            }
            #expect(abs(statistics.entropy - row.entropy) <= 1e-5 * row.entropy + 1e-9, "\(name) sample \(sample) entropy \(statistics.entropy) vs \(row.entropy)")
            #expect(abs(statistics.normalizedEntropy - row.normalized_entropy) <= 1e-5 * row.normalized_entropy + 1e-9)
            #expect(abs(statistics.margin - row.margin) <= 1e-5 * row.margin + 1e-9, "\(name) sample \(sample) margin")
            #expect(abs((statistics.maxLogit ?? .nan) - row.max_logit) <= 1e-6 * abs(row.max_logit))
        }
    }

    /// End to end from LayerLens's own trace: the kind of output is recognised, and
    /// the logits (the pre-activation for softmax and sigmoid heads) and the
    /// probabilities equal Keras's at the layer-parity tolerance.
    @Test(arguments: ["seed_tf2", "softmax_tf2", "sigmoid_k3"])
    func tracedLogitsMatchKeras(name: String) throws {
        let golden = try Self.golden(name)
        let model = try loadModel(at: Fixtures.path(try #require(Self.files[name])))
        let inputs = try #require(try NumPyFile.readArchive(Fixtures.path("goldens/\(name).npz"))["input"]).tensor
        let trace = try Tracer.trace(model, input: inputs)
        for (sample, row) in golden.inputs.enumerated() {
            let prediction = Prediction(trace: trace, model: model, sample: sample)
            #expect(prediction.kind.rawValue == golden.activation_applied)
            let logits = Tensor(shape: [row.logits.count], scalars: try #require(prediction.logits))
            #expect(parityViolation(logits, Tensor(shape: [row.logits.count], scalars: row.logits.map(Float.init)), label: "\(name) \(sample) logits") == nil)
            let probabilities = Tensor(shape: [row.probabilities.count], scalars: prediction.probabilities)
            #expect(parityViolation(probabilities, Tensor(shape: [row.probabilities.count], scalars: row.probabilities.map(Float.init)),
                                    label: "\(name) \(sample) probabilities") == nil)
        }
    }
}
