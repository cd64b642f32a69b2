import Foundation

/// The rates `eval` reports, derived from `EvalStatistics`: accuracy, per-class
/// precision/recall/F1, the row-normalised confusion matrix, the most confused
/// pairs, the expected calibration error and each layer's unit statistics.
///
/// Conventions (scikit-learn's with `zero_division=0`): a class never predicted
/// has precision 0, a class absent from the data recall 0, and F1 is 0 when
/// precision + recall is 0. ECE is `Σ_b (n_b / N) · |accuracy_b − confidence_b|`
/// over 10 equal-width bins of the top probability; a confidence of exactly 1
/// falls in the last bin. Standard deviations are population ones (NumPy's ddof=0).
public struct EvalMetrics: Sendable {
    /// One class's scores and how many samples it has.
    public struct ClassResult: Sendable, Codable, Equatable {
        public let label: String
        public let precision: Double
        public let recall: Double
        public let f1: Double
        public let support: Int
    }

    /// A true class mistaken for another, with how often.
    public struct ConfusedPair: Sendable, Codable, Equatable {
        public let trueLabel: String
        public let predictedLabel: String
        public let count: Int
        /// The share of the true class's samples that went to the predicted one.
        public let rate: Double
    }

    /// One calibration bin as the reliability diagram draws it.
    public struct ReliabilityBin: Sendable, Codable, Equatable {
        public let low: Double
        public let high: Double
        public let count: Int
        public let accuracy: Double?
        public let confidence: Double?
    }

    /// A layer's units over the whole data set.
    public struct LayerResult: Sendable, Codable, Equatable {
        public let name: String
        public let className: String
        /// "unit" for vector outputs, "channel" for spatial maps.
        public let unitKind: String
        public let sampleShape: [Int]
        /// Units that were 0 throughout: never above 0 and summing to 0. A linear unit
        /// that is only ever negative is not dead; a ReLU unit never above 0 is.
        public let deadUnits: [Int]
        /// Units above 0 for every sample (and position).
        public let alwaysActiveUnits: [Int]
        public let mean: [Double]
        public let std: [Double]
        /// How often each unit was above 0.
        public let activeFraction: [Double]
        /// Per class, each unit's mean: `classMeans[class][unit]`; nil for a class without
        /// samples. Empty when the layer kept its sums over all classes only (`LayerStatistics.keepsClassSums`).
        public let classMeans: [[Double]?]
        public let nonFiniteCount: Int
    }

    public let statistics: EvalStatistics
    public let accuracy: Double
    public let topKAccuracy: Double
    public let perClass: [ClassResult]
    /// How many samples were predicted as each class (the confusion matrix's column sums).
    public let predictedCounts: [Int]
    /// The mean F1 over the classes the data has samples of (an absent class's F1 says nothing).
    public let macroF1: Double
    /// The classes without a sample in the data, in order.
    public let absentClasses: [Int]
    /// What the run warns of: one class taking (nearly) every prediction.
    public let warnings: [RunWarning]
    /// Each true class's row divided by its support (zeros for an absent class).
    public let normalizedConfusion: [[Double]]
    /// Off-diagonal cells, most frequent first (ties by true class, then predicted).
    public let confusedPairs: [ConfusedPair]
    public let reliability: [ReliabilityBin]
    public let expectedCalibrationError: Double
    public let layers: [LayerResult]

    /// The `count` classes with the lowest F1 among those with samples (ties: the earlier class first).
    public func weakestClasses(_ count: Int) -> [Int] {
        let absent = Set(absentClasses)
        return Array(perClass.indices.filter { !absent.contains($0) }.sorted { (perClass[$0].f1, $0) < (perClass[$1].f1, $1) }.prefix(count))
    }

    /// Every rate of `statistics`.
    public init(_ statistics: EvalStatistics) {
        self.statistics = statistics
        let classes = statistics.classCount, total = Double(max(statistics.count, 1))
        let names = statistics.classNames
        func cell(_ truth: Int, _ predicted: Int) -> Int { statistics.confusion[truth * classes + predicted] }
        let correct = (0..<classes).reduce(0) { $0 + cell($1, $1) }
        accuracy = statistics.count == 0 ? 0 : Double(correct) / total
        topKAccuracy = statistics.count == 0 ? 0 : Double(statistics.topKCorrect) / total
        let support = (0..<classes).map { truth in (0..<classes).reduce(0) { $0 + cell(truth, $1) } }
        let predictedCount = (0..<classes).map { predicted in (0..<classes).reduce(0) { $0 + cell($1, predicted) } }
        perClass = (0..<classes).map { index in
            let hits = Double(cell(index, index))
            let precision = predictedCount[index] == 0 ? 0 : hits / Double(predictedCount[index])
            let recall = support[index] == 0 ? 0 : hits / Double(support[index])
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return ClassResult(label: names[index], precision: precision, recall: recall, f1: f1, support: support[index])
        }
        predictedCounts = predictedCount
        absentClasses = (0..<classes).filter { support[$0] == 0 }
        warnings = [RunWarning.sameClass(predicted: predictedCount, support: support, names: names),
                    statistics.verdictCounts.flatMap { RunWarning.outOfDistribution(verdictCounts: $0) }].compactMap { $0 }
        let presentF1 = zip(perClass, support).filter { $1 > 0 }.map(\.0.f1)
        macroF1 = presentF1.isEmpty ? 0 : presentF1.reduce(0, +) / Double(presentF1.count)
        normalizedConfusion = (0..<classes).map { truth in
            (0..<classes).map { support[truth] == 0 ? 0 : Double(cell(truth, $0)) / Double(support[truth]) }
        }
        confusedPairs = (0..<classes).flatMap { truth in (0..<classes).map { (truth, $0) } }
            .filter { $0.0 != $0.1 && cell($0.0, $0.1) > 0 }
            .sorted { cell($0.0, $0.1) != cell($1.0, $1.1) ? cell($0.0, $0.1) > cell($1.0, $1.1) : ($0.0, $0.1) < ($1.0, $1.1) }
            .map { ConfusedPair(trueLabel: names[$0.0], predictedLabel: names[$0.1], count: cell($0.0, $0.1),
                                rate: Double(cell($0.0, $0.1)) / Double(support[$0.0])) }
        let binWidth = 1.0 / Double(statistics.calibration.count)
        reliability = statistics.calibration.enumerated().map { index, bin in
            ReliabilityBin(low: Double(index) * binWidth, high: Double(index + 1) * binWidth, count: bin.count,
                           accuracy: bin.count == 0 ? nil : Double(bin.correct) / Double(bin.count),
                           confidence: bin.count == 0 ? nil : ExactSum.value(bin.confidenceSum[0]) / Double(bin.count))
        }
        expectedCalibrationError = reliability.reduce(0) { total, bin in
            guard let accuracy = bin.accuracy, let confidence = bin.confidence else { return total }
            return total + Double(bin.count) / Double(statistics.count) * abs(accuracy - confidence)
        }
        layers = statistics.layers.map(Self.layerResult)
    }

    private static func layerResult(_ layer: LayerStatistics) -> LayerResult {
        let units = layer.unitCount, classes = layer.classValueCount.count, rows = layer.keepsClassSums ? classes : 1
        // Row by row, skipping the classes no sample had (their rows are 0): a 1,000-class
        // layer read column by column over every row took longer than a small run's forward pass.
        var sums = [Int128](repeating: 0, count: units)
        for row in 0..<rows where !layer.keepsClassSums || layer.classValueCount[row] > 0 {
            for unit in 0..<units { sums[unit] &+= layer.classSums[row * units + unit] }
        }
        let count = Double(max(layer.valueCount, 1))
        let mean = sums.map { ExactSum.value($0) / count }
        let std = (0..<units).map { unit -> Double in
            let variance = ExactSum.value(layer.sumsOfSquares[unit]) / count - mean[unit] * mean[unit]
            return variance > 0 ? variance.squareRoot() : 0
        }
        let classMeans: [[Double]?] = (0..<(layer.keepsClassSums ? classes : 0)).map { label in
            let values = Double(layer.classValueCount[label])
            guard values > 0 else { return nil }
            return (0..<units).map { ExactSum.value(layer.classSums[label * units + $0]) / values }
        }
        return LayerResult(name: layer.name, className: layer.className, unitKind: layer.positions == 1 ? "unit" : "channel",
                           sampleShape: layer.sampleShape,
                           deadUnits: (0..<units).filter { layer.positiveCount[$0] == 0 && sums[$0] == 0 },
                           alwaysActiveUnits: (0..<units).filter { layer.valueCount > 0 && layer.positiveCount[$0] == layer.valueCount },
                           mean: mean, std: std, activeFraction: layer.positiveCount.map { Double($0) / count },
                           classMeans: classMeans, nonFiniteCount: layer.nonFiniteCount)
    }
}
