import Analysis

/// The JSON form of `layerlens eval --json` (written with `prettyJSON(_:snakeCaseKeys: true)`):
/// every number of the evaluation.
public struct EvalJSON: Encodable, Sendable {
    public let model: String
    public let data: String
    public let shards: [String]
    public let count: Int
    public let skipped: Int
    public let issues: [String]
    public let classNames: [String]
    public let probabilities: String
    /// The `--preprocess` steps run on every CSV row or array sample, or nil.
    public let preprocess: String?
    public let topK: Int
    public let accuracy: Double
    public let topKAccuracy: Double
    /// Over the classes with samples.
    public let macroF1: Double
    /// The names of the classes without samples, left out of `macroF1`.
    public let absentClasses: [String]
    public let perClass: [EvalMetrics.ClassResult]
    /// `confusion[true][predicted]`, counts.
    public let confusion: [[Int]]
    public let confusionNormalized: [[Double]]
    public let mostConfused: [EvalMetrics.ConfusedPair]
    public let ece: Double
    public let reliability: [EvalMetrics.ReliabilityBin]
    public let layers: [EvalMetrics.LayerResult]
    /// What the run warns of (`EvalMetrics.warnings`).
    public let warnings: [RunWarning]
    /// With `--profile`: how many samples its verdicts call in, suspicious and out; absent otherwise.
    public let ood: [String: Int]?

    /// The JSON of `metrics`.
    public init(_ metrics: EvalMetrics) {
        let statistics = metrics.statistics
        model = statistics.model
        data = statistics.data
        shards = statistics.shards.map(\.description)
        count = statistics.count
        skipped = statistics.issues.count
        issues = statistics.issues.kept.map(\.description)
        classNames = statistics.classNames
        probabilities = statistics.probabilityKind
        preprocess = statistics.preprocess
        topK = statistics.topK
        accuracy = metrics.accuracy
        topKAccuracy = metrics.topKAccuracy
        macroF1 = metrics.macroF1
        absentClasses = metrics.absentClasses.map { statistics.classNames[$0] }
        perClass = metrics.perClass
        let classes = statistics.classCount
        confusion = (0..<classes).map { Array(statistics.confusion[($0 * classes)..<(($0 + 1) * classes)]) }
        confusionNormalized = metrics.normalizedConfusion
        mostConfused = Array(metrics.confusedPairs.prefix(20))
        ece = metrics.expectedCalibrationError
        reliability = metrics.reliability
        layers = metrics.layers
        warnings = metrics.warnings
        ood = statistics.verdictCounts.map { counts in
            Dictionary(uniqueKeysWithValues: zip(EvalStatistics.verdictOrder.map(\.rawValue), counts))
        }
    }

}
