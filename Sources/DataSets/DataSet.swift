/// A problem with one row or file of a data set, skipped in the default mode.
public struct DataSetIssue: Error, CustomStringConvertible, Sendable, Equatable, Codable {
    /// The file the problem is in.
    public let path: String
    /// The 1-based line in a CSV file; nil for a whole file (an image).
    public let line: Int?
    public let problem: String

    public init(path: String, line: Int?, problem: String) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var description: String { line.map { "\(path): line \($0): \(problem)" } ?? "\(path): \(problem)" }
}

/// The problems a data set met: every one counted, the first `limit` kept with
/// their file and line, so that a file of bad rows cannot fill the memory.
public struct IssueLog: Sendable, Equatable, Codable {
    public static let limit = 1000
    /// The first problems, in the order met.
    public private(set) var kept: [DataSetIssue] = []
    /// How many problems there were.
    public private(set) var count = 0

    public init() {}

    /// Counts `issue`, keeping it while fewer than `limit` are kept.
    public mutating func record(_ issue: DataSetIssue) {
        count += 1
        if kept.count < Self.limit { kept.append(issue) }
    }

    /// The logs of two disjoint parts of a data set as one: the counts add and
    /// the first `limit` problems in file order are kept.
    public func merged(with other: IssueLog) -> IssueLog {
        var result = IssueLog()
        result.count = count + other.count
        result.kept = Array((kept + other.kept).sorted { ($0.path, $0.line ?? 0) < ($1.path, $1.line ?? 0) }.prefix(Self.limit))
        return result
    }
}

/// A batch of labelled samples: features as Float, row-major, and their labels.
public struct DataSetBatch: Sendable {
    /// `count × featureCount` values.
    public var features: [Float]
    public var labels: [Int]
    /// Where each sample comes from, as the data set numbers them: the file line
    /// of a CSV row, the index of an array row, the index of an image file.
    public var sampleIDs: [Int]
    /// The values per sample.
    public let featureCount: Int

    public init(features: [Float], labels: [Int], sampleIDs: [Int], featureCount: Int) {
        self.features = features
        self.labels = labels
        self.sampleIDs = sampleIDs
        self.featureCount = featureCount
    }

    public var count: Int { labels.count }

    /// The first `count` samples.
    public func prefix(_ count: Int) -> DataSetBatch { slice(0..<count) }

    /// The samples in `range`.
    public func slice(_ range: Range<Int>) -> DataSetBatch {
        DataSetBatch(features: Array(features[(range.lowerBound * featureCount)..<(range.upperBound * featureCount)]),
                     labels: Array(labels[range]), sampleIDs: Array(sampleIDs[range]), featureCount: featureCount)
    }

    /// The features of sample `index`.
    public func features(ofSample index: Int) -> ArraySlice<Float> {
        features[(index * featureCount)..<((index + 1) * featureCount)]
    }
}

/// One of `count` disjoint parts of a data set (0-based, as Slurm array task IDs
/// and Kubernetes completion indexes are), so that machines can share one evaluation.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The whole data set.
    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index))
        self.index = index
        self.count = count
    }

    /// The most shards a data set is split into: a million machines.
    public static let countLimit = 1 << 20

    /// Parses `K/N`, 0 ≤ K < N ≤ `countLimit`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), (1...Self.countLimit).contains(count),
              (0..<count).contains(index) else {
            return nil
        }
        self.init(index: index, count: count)
    }

    /// The samples of this shard when `total` samples are split into blocks of
    /// `blockSize` and each shard takes a run of whole blocks.
    public func samples(of total: Int, blockSize: Int) -> Range<Int> {
        let blocks = range(of: (total + blockSize - 1) / blockSize)
        return min(blocks.lowerBound * blockSize, total)..<min(blocks.upperBound * blockSize, total)
    }

    /// The half-open part `[start, end)` of `0..<total` that this shard covers.
    public func range(of total: Int) -> Range<Int> {
        // total × k / count, in full width: the product may pass Int.max, the quotient never does.
        func boundary(_ k: Int) -> Int { count.dividingFullWidth(total.multipliedFullWidth(by: k)).quotient }
        return boundary(index)..<boundary(index + 1)
    }

    public var description: String { "\(index)/\(count)" }
}

/// A labelled data set read in batches, in constant memory.
///
/// Batches come from fixed blocks of the data (byte ranges of a CSV, runs of
/// samples of an array or a folder) and a shard is a run of whole blocks, so a
/// sample is always in the same batch at the same place: with the tracer's
/// fixed-size chunks, that makes its outputs bit for bit the same whether the
/// data set is read whole or in shards.
public protocol LabeledDataSet: AnyObject {
    /// The file or folder.
    var path: String { get }
    /// Class names the data set itself defines (an image folder's sub-folders), or nil.
    var classNames: [String]? { get }
    /// The samples skipped so far, with their problems.
    var issues: IssueLog { get }
    /// The share of the data (of the shard) read so far, 0...1.
    var fractionRead: Double { get }
    /// Calls `body` with batches of at most `maxCount` good samples, in order,
    /// until the data ends or `body` returns false.
    func forEachBatch(maxCount: Int, _ body: (DataSetBatch) throws -> Bool) throws
    /// A human name for sample `id` of a batch ("line 5", "x[3]", a file path).
    func sampleName(_ id: Int) -> String
    /// The preprocessing the data set itself runs on its samples as it reads them
    /// (an image folder's), as `--preprocess` writes it; nil when it runs none.
    var pipeline: String? { get }
}

extension LabeledDataSet {
    public var pipeline: String? { nil }
}
