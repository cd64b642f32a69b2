import Foundation
import InputPipeline
import ModelGraph
import Trace

/// Something a run noticed that often means the model is not being fed what it
/// was trained on: said on stderr, in `--json` as `{"kind", "message"}` and in the
/// reports, by every command that sees it. Messages start in lower case and name
/// no input: the caller puts the input (or `A`, `B`) before them.
public struct RunWarning: Codable, Sendable, Equatable {
    /// `value_range`, `near_uniform` or `same_class`.
    public let kind: String
    public let message: String

    public init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }

    /// value_range: preprocessing moved the input's values to another range (the
    /// seed case: a 0..255 photo fed to the model as 0..1). Nil when the ranges match
    /// or the input was an array taken as it is.
    public static func valueRange(_ input: PreparedInput) -> RunWarning? {
        guard let raw = input.raw, let processed = input.processed, raw.range != processed.range else { return nil }
        return RunWarning(kind: "value_range",
                          message: "value range changed: raw \(rangeDescription(raw.range)) → model input \(rangeDescription(processed.range)). "
                              + "Is that the range the model was trained on?")
    }

    /// What one traced input warns of: a value range changed by preprocessing and a
    /// nearly uniform `prediction`.
    public static func of(_ input: PreparedInput, prediction: Prediction) -> [RunWarning] {
        [valueRange(input), nearUniform(LogitStatistics(prediction))].compactMap { $0 }
    }

    /// The normalised entropy from which an output counts as nearly uniform.
    public static let uniformEntropy = 0.9

    /// near_uniform: the probabilities are nearly flat (normalised entropy at least
    /// `uniformEntropy`): the model sees nothing it knows in the input.
    public static func nearUniform(_ statistics: LogitStatistics) -> RunWarning? {
        guard statistics.normalizedEntropy.isFinite, statistics.normalizedEntropy >= uniformEntropy else { return nil }
        return RunWarning(kind: "near_uniform",
                          message: "the output is nearly uniform (normalised entropy \(String(format: "%.2f", statistics.normalizedEntropy)), "
                              + "top class \(statistics.prediction.best.label) at \(String(format: "%.1f%%", Double(statistics.prediction.best.probability) * 100)))")
    }

    /// same_class: all of several inputs (at least 3) predict one class, as when every
    /// photo comes out 'A'. `classes` are the predicted class names, one per input.
    public static func sameClass(_ classes: [String]) -> RunWarning? {
        guard classes.count >= 3, let first = classes.first, classes.allSatisfy({ $0 == first }) else { return nil }
        return RunWarning(kind: "same_class", message: "all \(classes.count) inputs predict the same class, \(first)")
    }

    /// same_class over a data set: one class takes at least half of the predictions
    /// and at least twice as many as the data holds of it (everything comes out 'A').
    /// `predicted` and `support` count the predictions and the samples per class.
    public static func sameClass(predicted: [Int], support: [Int], names: [String]) -> RunWarning? {
        let total = predicted.reduce(0, +)
        guard total >= 3, predicted.count >= 2, let peak = predicted.max(), let index = predicted.firstIndex(of: peak),
              2 * peak >= total, peak >= 2 * support[index] else { return nil }
        return RunWarning(kind: "same_class", message: "\(groupedDigits(peak)) of \(groupedDigits(total)) samples (\(shareText(peak, of: total))) are predicted as "
            + "\(names[index]), the true class of \(groupedDigits(support[index])) (\(shareText(support[index], of: total)))")
    }

    /// What warnings of `kind` say, without one input's numbers: for a count of inputs.
    public static func summary(of kind: String) -> String {
        switch kind {
        case "value_range": "preprocessing changed the value range"
        case "near_uniform": "the output is nearly uniform"
        case "same_class": "one class takes the predictions"
        default: kind
        }
    }

    /// `message` with its first letter capitalised, as a report's line.
    public var sentence: String { message.prefix(1).uppercased() + message.dropFirst() }
}
