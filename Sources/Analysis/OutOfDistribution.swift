import DataSets
import ModelGraph

// The out-of-distribution scores of one sample against a profile of the training
// data (`doctor`, and `trace`/`logits` with `--profile`), and how a streamed run
// asks for them. They are computed in Diagnosis; runs here only carry them.

/// What `doctor` concludes about an input's out-of-distribution scores.
public enum Verdict: String, Sendable, Codable {
    /// Its combined score is within the data's 95th percentile.
    case `in`
    /// Above the data's 95th percentile, within its 99.5th.
    case suspicious
    /// Above the data's 99.5th percentile and ten times rarer than its rarest sample (`CombinedProfile.outAbove`).
    case out
}

/// A score and where it falls among the profile's data (0...1).
public struct PlacedScore: Sendable, Codable {
    /// Infinite when the input's values are (NaN or infinite outputs); null in JSON then.
    public let score: Double
    public let percentile: Double

    public init(score: Double, percentile: Double) {
        (self.score, self.percentile) = (score, percentile)
    }

    enum CodingKeys: String, CodingKey { case score, percentile }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        score = try container.decodeIfPresent(Double.self, forKey: .score) ?? .infinity
        percentile = try container.decode(Double.self, forKey: .percentile)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(score.isFinite ? score : nil, forKey: .score)
        try container.encode(percentile.isFinite ? percentile : 1, forKey: .percentile)
    }
}

/// The out-of-distribution scores of one input.
public struct OODScores: Sendable, Codable {
    public let mahalanobis: PlacedScore
    public let energy: PlacedScore
    public let maxSoftmax: PlacedScore
    /// The largest surprise of any evidence (`Profile.combinedScore`).
    public let combined: PlacedScore
    public let verdict: Verdict

    public init(mahalanobis: PlacedScore, energy: PlacedScore, maxSoftmax: PlacedScore, combined: PlacedScore, verdict: Verdict) {
        (self.mahalanobis, self.energy, self.maxSoftmax, self.combined, self.verdict) = (mahalanobis, energy, maxSoftmax, combined, verdict)
    }

    enum CodingKeys: String, CodingKey {
        case mahalanobis, energy, maxSoftmax = "max_softmax", combined, verdict
    }
}

/// Judges the samples of a streamed run (`logits --profile`) from their layers'
/// outputs, chunk by chunk, as the run makes them.
public protocol SampleJudge: Sendable {
    /// What the judge judges against, in a few words (a profile's data and size):
    /// eval parts merge their verdicts only when they name the same.
    var reference: String { get }
    /// A judgement of one chunk of samples, fed every node's output in turn.
    func startChunk() -> any ChunkJudgement
}

/// One chunk's judgement in the making (`SampleJudge.startChunk`).
public protocol ChunkJudgement: AnyObject {
    /// Takes node `node`'s output for the chunk.
    func visit(node: Int, output: Tensor)
    /// Each sample's scores and, when it is not `in`, the warning that says so,
    /// from the chunk's model input and final layer.
    func finish(input: Tensor, logits: [Float]?, probabilities: [Float]) -> [(scores: OODScores, warning: RunWarning?)]
}

extension RunWarning {
    /// out_of_distribution over a data set: how many samples a profile's verdicts
    /// (`in`, `suspicious`, `out` counts) put outside the training data or at its
    /// edge; nil when every sample is `in`.
    public static func outOfDistribution(verdictCounts counts: [Int]) -> RunWarning? {
        let total = counts.reduce(0, +)
        guard counts.count == 3, total > 0, counts[1] + counts[2] > 0 else { return nil }
        return RunWarning(kind: "out_of_distribution",
                          message: "\(groupedDigits(counts[2])) of \(groupedDigits(total)) samples (\(shareText(counts[2], of: total))) are out of the training data "
                              + "and \(groupedDigits(counts[1])) (\(shareText(counts[1], of: total))) at its edge, by the profile's verdicts")
    }
}

/// Records every sample of an evaluation as it streams past, beside eval's own
/// statistics: what `eval --save-profile` uses to write a profile in the same pass.
public protocol SampleRecorder: AnyObject, Sendable {
    /// The bytes it holds for the whole run, for the memory plan.
    var heldBytes: Int { get }
    /// Called with each prepared batch before it is traced.
    func beginBatch(_ batch: DataSetBatch) throws
    /// A recorder for one worker's chunks of the current batch.
    func makeWorker() -> any ChunkRecorder
    /// Takes a worker's records once the batch is done.
    func absorb(_ worker: any ChunkRecorder)
}

/// One worker's part of a `SampleRecorder`.
public protocol ChunkRecorder: AnyObject {
    /// Takes node `node`'s output for the batch's samples `samples` (labelled `labels`).
    func visit(node: Int, output: Tensor, samples: Range<Int>, labels: [Int])
    /// Takes the same chunk's model input and final layer.
    func finish(samples: Range<Int>, input: Tensor, labels: [Int], logits: [Float]?, probabilities: [Float])
}
