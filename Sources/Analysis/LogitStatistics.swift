import Foundation
import Trace

/// What the final layer says about one input: the prediction with its entropy
/// and margin, as `layerlens logits` reports it.
///
/// Entropy is in nats: `−Σ p log p`, with `log p` taken as log-softmax
/// (`z − logsumexp(z)`) when the probabilities are a softmax of logits, so tiny
/// probabilities do not lose precision. For sigmoid outputs, which are
/// independent per class, it is the sum of the classes' binary entropies and
/// is normalised by `K · log 2`; otherwise by `log K`. The margin is the top
/// probability minus the second.
public struct LogitStatistics: Sendable {
    public let prediction: Prediction
    public let entropy: Double
    public let normalizedEntropy: Double
    public let margin: Double
    /// The largest logit, when the logits are known.
    public let maxLogit: Double?

    public init(_ prediction: Prediction) {
        self.prediction = prediction
        let p = prediction.probabilities.map(Double.init)
        let count = Double(max(p.count, 2))
        switch prediction.kind {
        case .softmax:
            let z = (prediction.logits ?? []).map(Double.init)
            let peak = z.max() ?? 0
            let logSum = peak + log(z.reduce(0) { $0 + exp($1 - peak) })
            entropy = -zip(p, z).reduce(0) { $0 + $1.0 * ($1.1 - logSum) }
            normalizedEntropy = entropy / log(count)
        case .none:
            entropy = -p.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
            normalizedEntropy = entropy / log(count)
        case .sigmoid:
            entropy = -p.reduce(0) { total, q in
                total + (q > 0 ? q * log(q) : 0) + (q < 1 ? (1 - q) * log(1 - q) : 0)
            }
            normalizedEntropy = entropy / (Double(p.count) * log(2))
        }
        let sorted = p.sorted(by: >)
        margin = sorted.count >= 2 ? sorted[0] - sorted[1] : (sorted.first ?? 0)
        maxLogit = prediction.logits?.max().map(Double.init)
    }
}
