import CKernels
import DataSets
import FileIO
import Foundation
import ModelGraph
import Trace

/// Everything `eval` counts over a data set, in a form that adds up: counts,
/// the confusion matrix, calibration bins and per-layer sums in exact fixed
/// point. Two parts of one data set merge into exactly what one run over both
/// gives, which is what `--shard` and `merge` rest on. `EvalMetrics` turns it
/// into rates.
public struct EvalStatistics: Codable, Sendable, Equatable {
    /// The format of the part files `--shard` writes. 2: layers may keep their
    /// sums over all classes only (`LayerStatistics.keepsClassSums`).
    public static let formatVersion = 2
    /// Equal-width confidence bins of the reliability diagram.
    public static let calibrationBinCount = 10

    public var formatVersion = Self.formatVersion
    public let model: String
    public let data: String
    public let classNames: [String]
    public let topK: Int
    public let probabilityKind: String
    /// The `--preprocess` steps run on every sample, as written, or nil.
    public var preprocess: String?
    /// The misclassified examples kept for the gallery, at most this many.
    public let galleryLimit: Int
    /// The shards this covers (merged parts list every one).
    public var shards: [Shard]
    public var count = 0
    public var topKCorrect = 0
    /// `confusion[true * classCount + predicted]`.
    public var confusion: [Int]
    public var calibration: [CalibrationBin]
    public var layers: [LayerStatistics]
    /// The first misclassified samples in data order.
    public var gallery: [GalleryEntry] = []
    /// Samples the data set skipped, with why.
    public var issues = IssueLog()
    /// With a profile (`eval --profile`): how many samples its verdicts call `in`,
    /// `suspicious` and `out`, in that order; nil without one.
    public var verdictCounts: [Int]?
    /// What the verdicts were judged against (`SampleJudge.reference`).
    public var verdictReference: String?

    public var classCount: Int { classNames.count }

    /// One reliability-diagram bin: the samples whose top probability falls in it.
    public struct CalibrationBin: Codable, Sendable, Equatable {
        public var count = 0
        public var correct = 0
        @ExactSums public var confidenceSum: [Int128] = [0]
    }

    /// A misclassified sample: its input as the model saw it, truth and top guesses.
    public struct GalleryEntry: Codable, Sendable, Equatable {
        /// The data set's number for it (CSV line, array index, file index), which orders the gallery.
        public let sampleID: Int
        /// The data set's name for the sample, set by `nameGallery` once the run is over.
        public internal(set) var name: String
        public let trueClass: Int
        public let top: [Int]
        public let topProbabilities: [Float]
        public let input: [Float]
        public let inputShape: [Int]
    }

    /// Empty statistics for an evaluation of `model` (a path) on `data` with these
    /// classes and layers (name, class, sample shape), for shard `shard`. The
    /// layers' per-class sums take at most `classSumBudget` bytes: they are kept
    /// for the layers nearest the output, whose class means people read, taken
    /// backwards while their total fits; the layers before keep sums over all
    /// classes only (`LayerStatistics.keepsClassSums`).
    public init(model: String, data: String, classNames: [String], topK: Int, probabilityKind: ProbabilityKind,
                layers: [(name: String, className: String, sampleShape: [Int])], galleryLimit: Int = 36, shard: Shard = .whole,
                preprocess: String? = nil, classSumBudget: Int = .max) {
        self.preprocess = preprocess
        self.model = model
        self.data = data
        self.classNames = classNames
        self.topK = topK
        self.probabilityKind = probabilityKind.rawValue
        self.galleryLimit = galleryLimit
        shards = [shard]
        confusion = Array(repeating: 0, count: classNames.count * classNames.count)
        calibration = Array(repeating: CalibrationBin(), count: Self.calibrationBinCount)
        var room = classSumBudget, keeping = true
        let kept = layers.reversed().map { layer in
            let bytes = LayerStatistics.classSumBytes(sampleShape: layer.sampleShape, classCount: classNames.count)
            keeping = keeping && bytes <= room
            if keeping { room -= bytes }
            return keeping
        }.reversed()
        self.layers = zip(layers, kept).map {
            LayerStatistics(name: $0.name, className: $0.className, sampleShape: $0.sampleShape, classCount: classNames.count, keepsClassSums: $1)
        }
    }

    /// The bytes the layers' statistics take in memory.
    public var layerBytes: Int { layers.reduce(0) { $0 + $1.bytes } }

    /// The same settings with nothing counted: a part to fill and `absorb`.
    public func emptied() -> EvalStatistics {
        var empty = self
        (empty.count, empty.topKCorrect, empty.gallery, empty.issues) = (0, 0, [], IssueLog())
        empty.verdictCounts = verdictCounts.map { $0.map { _ in 0 } }
        empty.confusion = Array(repeating: 0, count: confusion.count)
        empty.calibration = Array(repeating: CalibrationBin(), count: calibration.count)
        empty.layers = layers.map { $0.emptied() }
        return empty
    }

    /// Adds a traced batch: `labels[i]` is sample i's true class, `probabilities`
    /// its `classCount` probabilities and `logits` (when known) its logits, row-major;
    /// classes are ranked as `rankClasses` does. Gallery entries are named later, by `nameGallery`.
    public mutating func add(trace: Trace, probabilities: [Float], logits: [Float]?, labels: [Int], sampleIDs: [Int]) {
        add(input: trace.input, probabilities: probabilities, logits: logits, labels: labels, sampleIDs: sampleIDs)
        for index in layers.indices { addLayer(index, output: trace.layers[index].output, labels: labels) }
    }

    /// Adds one layer's output for the samples labelled `labels`: what a run that
    /// frees each output once used (`Tracer.stream`) adds as each output exists.
    public mutating func addLayer(_ index: Int, output: Tensor, labels: [Int]) {
        layers[index].add(output, labels: labels)
    }

    /// Adds the predictions for a batch of samples (`input`, the model's first
    /// input), without the layers' outputs, which `addLayer` adds.
    public mutating func add(input: Tensor, probabilities: [Float], logits: [Float]?, labels: [Int], sampleIDs: [Int]) {
        let classes = classCount
        for (sample, label) in labels.enumerated() {
            let columns = (sample * classes)..<((sample + 1) * classes)
            let row = probabilities[columns]
            let ranked = rankClasses(probabilities: row, logits: logits?[columns], limit: max(topK, 3))
            let predicted = ranked[0]
            confusion[label * classes + predicted] += 1
            if ranked.prefix(topK).contains(label) { topKCorrect += 1 }
            let confidence = Double(row[sample * classes + predicted])
            let bin = min(Int(confidence * Double(Self.calibrationBinCount)), Self.calibrationBinCount - 1)
            calibration[max(bin, 0)].count += 1
            calibration[max(bin, 0)].confidenceSum[0] += ExactSum.fixed(confidence)
            if predicted == label { calibration[max(bin, 0)].correct += 1 }
            if predicted != label, gallery.count < galleryLimit {
                gallery.append(GalleryEntry(sampleID: sampleIDs[sample], name: "", trueClass: label,
                                            top: Array(ranked.prefix(3)), topProbabilities: ranked.prefix(3).map { row[sample * classes + $0] },
                                            input: input.scalars(ofSample: sample), inputShape: input.sampleShape))
            }
        }
        count += labels.count
    }

    /// Counts a profile's verdicts on a batch of samples.
    public mutating func add(verdicts: [Verdict]) {
        guard var counts = verdictCounts else { return }
        for verdict in verdicts { counts[Self.verdictOrder.firstIndex(of: verdict)!] += 1 }
        verdictCounts = counts
    }

    /// The order of `verdictCounts`.
    public static let verdictOrder: [Verdict] = [.in, .suspicious, .out]

    /// Names the gallery's unnamed entries by their sample IDs.
    public mutating func nameGallery(_ name: (Int) -> String) {
        for index in gallery.indices where gallery[index].name.isEmpty { gallery[index].name = name(gallery[index].sampleID) }
    }

    /// Adds what `part` counted (of other samples, with the same settings): counts
    /// and exact sums add, the gallery keeps its first entries in data order.
    public mutating func absorb(_ part: EvalStatistics) {
        count += part.count
        topKCorrect += part.topKCorrect
        confusion = zip(confusion, part.confusion).map(+)
        calibration = zip(calibration, part.calibration).map { a, b in
            CalibrationBin(count: a.count + b.count, correct: a.correct + b.correct, confidenceSum: [a.confidenceSum[0] + b.confidenceSum[0]])
        }
        layers = zip(layers, part.layers).map { $0.merged(with: $1) }
        gallery = Array((gallery + part.gallery).sorted { $0.sampleID < $1.sampleID }.prefix(galleryLimit))
        if let counts = verdictCounts, let other = part.verdictCounts { verdictCounts = zip(counts, other).map(+) }
    }

    /// Takes the problems the data set met.
    public mutating func record(issues log: IssueLog) { issues = log }

    /// The statistics of `self` and `other`, parts of one data set evaluated with one model.
    /// Throws when they come from different models, classes or settings.
    public func merged(with other: EvalStatistics) throws -> EvalStatistics {
        // An image folder's pipeline is read from its first image: a shard without images has none.
        let samePipeline = preprocess == other.preprocess || count == 0 || other.count == 0
        guard model == other.model, classNames == other.classNames, topK == other.topK, samePipeline,
              layers.map(\.name) == other.layers.map(\.name), layers.map(\.sampleShape) == other.layers.map(\.sampleShape),
              galleryLimit == other.galleryLimit else {
            throw EvalMergeError("the parts come from different runs (model, classes, top-k, preprocessing or layers differ): \(model) vs \(other.model)")
        }
        guard layers.map(\.keepsClassSums) == other.layers.map(\.keepsClassSums) else {
            throw EvalMergeError("the parts keep class means for different layers (they ran under different --memory budgets); run every shard with the same --memory")
        }
        guard (verdictCounts == nil) == (other.verdictCounts == nil) else {
            throw EvalMergeError("one part was judged against a profile (--profile) and the other was not")
        }
        guard verdictReference == other.verdictReference else {
            throw EvalMergeError("the parts were judged against different profiles: \(verdictReference ?? "none") and \(other.verdictReference ?? "none")")
        }
        guard shards[0].count == other.shards[0].count else {
            throw EvalMergeError("the parts come from different splits (\(shards[0]) and \(other.shards[0]))")
        }
        guard Set(shards).isDisjoint(with: other.shards) else {
            throw EvalMergeError("shard \(Set(shards).intersection(other.shards).map(\.description).sorted().joined(separator: ", ")) is given twice")
        }
        var result = self
        result.absorb(other)
        result.preprocess = count == 0 ? other.preprocess : preprocess
        result.shards = (shards + other.shards).sorted { ($0.count, $0.index) < ($1.count, $1.index) }
        result.issues = issues.merged(with: other.issues)
        return result
    }

    /// The largest count a part may hold (2^40, a trillion samples): the sums of
    /// `Shard.countLimit` parts stay far below `Int.max`.
    public static let countLimit = 1 << 40

    /// What makes these statistics inconsistent (arrays of the wrong size, class
    /// indexes out of range, negative counts), or nil: a part file read from disk
    /// is checked before anything indexes into it.
    public var inconsistency: String? {
        let classes = classCount
        func counts(_ values: [Int]) -> Bool { values.allSatisfy { (0...Self.countLimit).contains($0) } }
        guard classes > 0, topK >= 1, counts([count, topKCorrect, galleryLimit]) else { return "counts or settings out of range" }
        guard !shards.isEmpty, shards.allSatisfy({ (1...Shard.countLimit).contains($0.count) && (0..<$0.count).contains($0.index) }) else {
            return "no valid shard"
        }
        guard confusion.count == classes * classes, counts(confusion) else { return "the confusion matrix is not \(classes)×\(classes)" }
        guard calibration.count == Self.calibrationBinCount,
              calibration.allSatisfy({ $0.confidenceSum.count == 1 && counts([$0.count, $0.correct]) }) else {
            return "the calibration bins are malformed"
        }
        for layer in layers {
            // The shape's product, saturating at Int.max on overflow.
            let size = layer.sampleShape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            guard layer.sampleShape.allSatisfy({ $0 >= 0 }), size <= Self.countLimit else { return "layer \(quoted(layer.name)) has a sample shape out of range" }
            let units = layer.sampleShape.count <= 1 ? size : (layer.sampleShape.last ?? 0)
            let classUnits = classes.multipliedReportingOverflow(by: units)
            guard !classUnits.overflow, layer.unitCount == units, layer.positiveCount.count == units,
                  layer.sumsOfSquares.count == units, layer.classSums.count == (layer.keepsClassSums ? classUnits.partialValue : units),
                  layer.classValueCount.count == classes,
                  counts([layer.valueCount, layer.nonFiniteCount] + layer.positiveCount + layer.classValueCount),
                  layer.positions == (units == 0 ? 0 : size / units) else {
                return "layer \(quoted(layer.name)) has arrays of the wrong size or counts out of range"
            }
        }
        if let verdictCounts, verdictCounts.count != Self.verdictOrder.count || !counts(verdictCounts) || verdictCounts.reduce(0, +) > count {
            return "the verdict counts are malformed"
        }
        for entry in gallery {
            guard (0..<classes).contains(entry.trueClass), entry.top.allSatisfy({ (0..<classes).contains($0) }),
                  entry.top.count == entry.topProbabilities.count, !entry.top.isEmpty,
                  entry.inputShape.allSatisfy({ $0 >= 0 }), entry.input.count == entry.inputShape.reduce(1, *) else {
                return "gallery entry \(entry.sampleID) is malformed"
            }
        }
        return nil
    }

    /// Whether the shards cover the whole data set: all N parts of one N-way split.
    public var coversEverything: Bool {
        guard let total = shards.first?.count else { return false }
        return shards.allSatisfy { $0.count == total } && Set(shards.map(\.index)) == Set(0..<total)
    }
}

/// Parts that cannot be merged.
public struct EvalMergeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One layer's activity over a data set. A unit is one element of a vector
/// output, or one channel (last axis) of a spatial output, counted over every
/// position.
public struct LayerStatistics: Codable, Sendable, Equatable {
    public let name: String
    public let className: String
    public let sampleShape: [Int]
    public let unitCount: Int
    /// Values per unit per sample: 1 for a vector, the spatial positions of a map.
    public let positions: Int
    /// Values seen per unit.
    public var valueCount = 0
    /// How often each unit was above 0.
    public var positiveCount: [Int]
    /// Non-finite values (left out of the sums).
    public var nonFiniteCount = 0
    /// Whether `classSums` holds a row per class (class means can be had) or
    /// one row over all classes (kept when the classes' rows would not fit the budget).
    public let keepsClassSums: Bool
    /// Per class and unit: the sum of the unit's values, `[class * unitCount + unit]`;
    /// without `keepsClassSums`, one row: each unit's sum over all classes.
    @ExactSums public var classSums: [Int128]
    /// Per class: values counted per unit.
    public var classValueCount: [Int]
    @ExactSums public var sumsOfSquares: [Int128]

    init(name: String, className: String, sampleShape: [Int], classCount: Int, keepsClassSums: Bool) {
        self.name = name
        self.className = className
        self.sampleShape = sampleShape
        self.keepsClassSums = keepsClassSums
        unitCount = Self.unitCount(of: sampleShape)
        positions = sampleShape.reduce(1, *) / max(unitCount, 1)
        positiveCount = Array(repeating: 0, count: unitCount)
        // Up to a quarter of --memory: huge pages make faulting it in cheaper.
        classSums = .large(count: (keepsClassSums ? classCount : 1) * unitCount) { $0.initialize(repeating: 0) }
        classValueCount = Array(repeating: 0, count: classCount)
        sumsOfSquares = Array(repeating: 0, count: unitCount)
    }

    /// The same layer with nothing counted.
    func emptied() -> LayerStatistics {
        LayerStatistics(name: name, className: className, sampleShape: sampleShape, classCount: classValueCount.count, keepsClassSums: keepsClassSums)
    }

    /// Units of a layer whose samples have `sampleShape`: its elements for a vector, its channels for a map.
    static func unitCount(of sampleShape: [Int]) -> Int {
        sampleShape.count <= 1 ? sampleShape.reduce(1, *) : sampleShape.last!
    }

    /// The bytes a layer's per-class sums take for `classCount` classes, saturating at `Int.max`.
    static func classSumBytes(sampleShape: [Int], classCount: Int) -> Int {
        let (sums, overflow) = classCount.multipliedReportingOverflow(by: unitCount(of: sampleShape))
        return overflow || sums > Int.max / MemoryLayout<Int128>.stride ? Int.max : sums * MemoryLayout<Int128>.stride
    }

    /// The bytes these statistics take in memory.
    var bytes: Int {
        (classSums.count + sumsOfSquares.count) * MemoryLayout<Int128>.stride + (positiveCount.count + classValueCount.count) * MemoryLayout<Int>.stride
    }

    /// Adds one batch of this layer's output; `labels` are the samples' classes.
    ///
    /// The batch is summed in Double (CKernels's vector loop), and each
    /// batch sum enters the exact fixed-point totals once. Batches are the same
    /// whether a data set is read whole or in shards, so the totals still merge
    /// bit for bit. A batch with NaN or infinite values is summed again, leaving them out.
    mutating func add(_ output: Tensor, labels: [Int]) {
        add(sums(of: output, labels: labels), labels: labels)
    }

    /// One batch of this layer's output summed in Double, without touching the totals
    /// (so that several threads can sum batches of one layer at once).
    func sums(of output: Tensor, labels: [Int]) -> BatchSums {
        var batch = BatchSums(units: unitCount, labels: labels)
        batch.add(output.scalars, positions: positions, skippingNonFinite: false)
        if batch.hasNonFinite {
            batch = BatchSums(units: unitCount, labels: labels)
            batch.add(output.scalars, positions: positions, skippingNonFinite: true)
        }
        return batch
    }

    /// Adds `batch`, the sums of one batch of samples labelled `labels`, to the exact totals.
    /// Each class's batch sum enters the totals on its own, into the class's row or
    /// into the one row over all classes: the one row then holds exactly what the
    /// class rows of a run keeping them add up to.
    mutating func add(_ batch: BatchSums, labels: [Int]) {
        for (row, label) in batch.rowLabels.enumerated() {
            let target = keepsClassSums ? label * unitCount : 0
            for unit in 0..<unitCount where batch.sums[row * unitCount + unit] != 0 {
                classSums[target + unit] &+= ExactSum.fixed(batch.sums[row * unitCount + unit])
            }
        }
        for unit in 0..<unitCount {
            sumsOfSquares[unit] &+= ExactSum.fixed(batch.squares[unit])
            positiveCount[unit] += batch.positive[unit]
        }
        nonFiniteCount += batch.nonFinite
        valueCount += labels.count * positions
        for label in labels { classValueCount[label] += positions }
    }

    /// One batch's sums in Double: a row of sums per class the batch holds, in
    /// order of first appearance (`rowLabels`), so a batch of a few classes out of
    /// many needs only a few rows.
    struct BatchSums {
        var sums: [Double], squares: [Double], positive: [Int]
        var nonFinite = 0
        /// The class of each row of `sums`.
        let rowLabels: [Int]
        /// Each sample's row of `sums`.
        let sampleRows: [Int]

        init(units: Int, labels: [Int]) {
            var rowOfLabel: [Int: Int] = [:], rowLabels: [Int] = []
            sampleRows = labels.map { label in
                if let row = rowOfLabel[label] { return row }
                rowOfLabel[label] = rowLabels.count
                rowLabels.append(label)
                return rowLabels.count - 1
            }
            self.rowLabels = rowLabels
            sums = Array(repeating: 0, count: units * rowLabels.count)
            squares = Array(repeating: 0, count: units)
            positive = Array(repeating: 0, count: units)
        }

        var hasNonFinite: Bool { !squares.allSatisfy(\.isFinite) }

        mutating func add(_ scalars: [Float], positions: Int, skippingNonFinite: Bool) {
            let units = squares.count, perSample = units * positions, sampleRows = sampleRows
            var nonFinite = 0
            scalars.withUnsafeBufferPointer { values in
                sums.withUnsafeMutableBufferPointer { sums in
                    squares.withUnsafeMutableBufferPointer { squares in
                        positive.withUnsafeMutableBufferPointer { positive in
                            for (sample, row) in sampleRows.enumerated() {
                                let classRow = sums.baseAddress! + row * units
                                guard skippingNonFinite else {
                                    // Every value of the sample, position by position, in CKernels's vector loop.
                                    ll_accumulate_rows(values.baseAddress! + sample * perSample, positions, units,
                                                       classRow, squares.baseAddress!, positive.baseAddress!)
                                    continue
                                }
                                for position in 0..<positions {
                                    let row = values.baseAddress! + sample * perSample + position * units
                                    for unit in 0..<units {
                                        let value = row[unit]
                                        guard value.isFinite else { nonFinite += 1; continue }
                                        let wide = Double(value)
                                        classRow[unit] += wide
                                        squares[unit] += wide * wide
                                        positive[unit] &+= value > 0 ? 1 : 0
                                    }
                                }
                            }
                        }
                    }
                }
            }
            self.nonFinite += nonFinite
        }
    }

    func merged(with other: LayerStatistics) -> LayerStatistics {
        var result = self
        result.valueCount += other.valueCount
        result.positiveCount = zip(positiveCount, other.positiveCount).map(+)
        result.nonFiniteCount += other.nonFiniteCount
        result.classSums = zip(classSums, other.classSums).map(&+)
        result.classValueCount = zip(classValueCount, other.classValueCount).map(+)
        result.sumsOfSquares = zip(sumsOfSquares, other.sumsOfSquares).map(&+)
        return result
    }
}
