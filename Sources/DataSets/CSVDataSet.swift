import FileIO
import Foundation
import ModelGraph

/// Streams a Kaggle-style CSV data set — one label column (the first by default)
/// and integer pixel values 0...255 — in batches, in constant memory.
///
/// Hand-written because generic CSV parsers are far too slow for the 292 million
/// integers of a 372,450-row file. It reads 8 MiB blocks, splits each block's
/// complete lines between the cores and parses the bytes straight into the
/// batch's Float rows. A line the fast path does not accept at once (a header,
/// a blank line, spaces, anything odd) goes to the careful `RowParser`, which
/// decides whether it is a header (any non-numeric cell in line 1), blank, good
/// or a problem: a wrong cell count, a non-integer cell, a label outside
/// `0..<classCount` or a pixel outside 0...255. `strict` stops at the first
/// problem; otherwise problem rows are skipped and collected.
///
/// The file is read in blocks of `blockSize` bytes at fixed offsets (a line
/// belongs to the block it starts in), and each block's rows form the batches.
/// A shard is a run of whole blocks, so it reads only its part of the file and
/// its batches are exactly the ones a single run makes there.
public final class CSVDataSet: LabeledDataSet {
    public let path: String
    public let labelColumn: Int
    public let classCount: Int?
    public let strict: Bool
    public let shard: Shard
    /// The unit of reading, batching and sharding, in bytes.
    public let blockSize: Int
    public let classNames: [String]? = nil
    public private(set) var issues = IssueLog()
    public private(set) var fractionRead = 0.0

    public static let defaultBlockSize = 8 << 20
    /// Blocks smaller than this are parsed on one core.
    static let parallelBytes = 256 << 10

    /// A CSV data set at `path` with its labels in column `labelColumn` (0-based) and,
    /// when `classCount` is given, labels checked against it. Throws `FileError`
    /// when the file cannot be read; rows are read by `forEachBatch`.
    public init(path: String, labelColumn: Int = 0, classCount: Int? = nil, strict: Bool = false, shard: Shard = .whole,
                blockSize: Int = CSVDataSet.defaultBlockSize) throws {
        try requireReadableFile(path)
        precondition(blockSize > 0)
        self.blockSize = blockSize
        self.path = path
        self.labelColumn = labelColumn
        self.classCount = classCount
        self.strict = strict
        self.shard = shard
    }

    public func sampleName(_ id: Int) -> String { "line \(id)" }

    public func forEachBatch(maxCount: Int, _ body: (DataSetBatch) throws -> Bool) throws {
        let reader = try BlockReader(path: path)
        defer { reader.close() }
        let blocks = shard.range(of: max(1, (reader.size + blockSize - 1) / blockSize))
        let bytes = min(blocks.lowerBound * blockSize, reader.size)..<min(blocks.upperBound * blockSize, reader.size)
        var lineBefore = try reader.skipToFirstLine(startingAtOrAfter: bytes.lowerBound)
        let rules = RowRules(labelColumn: labelColumn, classCount: classCount)
        var pixelCount: Int?
        var storage: [Float] = []
        var sawData = false
        while let block = try reader.nextLines(endingBefore: min((reader.position / blockSize + 1) * blockSize, bytes.upperBound)) {
            var parsed = ParsedBlock()
            block.withUnsafeBufferPointer { lines in
                var start = 0
                // Until the first good row fixes the row width, lines go one by one through the careful parser.
                while pixelCount == nil, start < lines.count {
                    let end = lineEnd(lines, from: start)
                    let line = lineBefore + parsed.lines + 1
                    parsed.lines += 1
                    let row = RowParser.parse(UnsafeBufferPointer(rebasing: lines[start..<end]))
                    start = min(end + 1, lines.count)
                    if (line == 1 && row.hasNonNumeric) || row.isBlank { continue }
                    sawData = true
                    if let problem = rules.problem(row, expectedPixels: nil) {
                        parsed.issues.append(DataSetIssue(path: path, line: line, problem: problem))
                        continue
                    }
                    pixelCount = row.values.count - 1
                    storage = [Float](repeating: 0, count: pixelCount!)
                    storage.withUnsafeMutableBufferPointer { writePixels(row.values, skipping: labelColumn, to: $0.baseAddress!) }
                    parsed.labels.append(row.values[labelColumn])
                    parsed.ids.append(line)
                }
                guard let pixelCount, start < lines.count else { return }
                sawData = true
                parseInParallel(UnsafeBufferPointer(rebasing: lines[start...]), pixelCount: pixelCount, rules: rules,
                                firstLine: lineBefore + parsed.lines + 1, into: &storage, after: &parsed)
            }
            lineBefore += parsed.lines
            fractionRead = bytes.isEmpty ? 1 : min(1, Double(reader.position - bytes.lowerBound) / Double(bytes.count))
            if strict, let first = parsed.issues.first { throw first }
            parsed.issues.forEach { issues.record($0) }
            guard let pixelCount, !parsed.labels.isEmpty else { continue }
            var keepGoing = true
            if parsed.labels.count <= maxCount {
                storage.removeLast(storage.count - parsed.labels.count * pixelCount)
                let batch = DataSetBatch(features: storage, labels: parsed.labels, sampleIDs: parsed.ids, featureCount: pixelCount)
                storage = []
                keepGoing = try body(batch)
                storage = batch.features
            } else {
                for first in stride(from: 0, to: parsed.labels.count, by: maxCount) where keepGoing {
                    let last = min(first + maxCount, parsed.labels.count)
                    keepGoing = try body(DataSetBatch(features: Array(storage[(first * pixelCount)..<(last * pixelCount)]),
                                                      labels: Array(parsed.labels[first..<last]), sampleIDs: Array(parsed.ids[first..<last]),
                                                      featureCount: pixelCount))
                }
            }
            if !keepGoing { return }
        }
        guard sawData || shard.count > 1 else { throw FileError(path, "holds no data rows") }
    }

    /// The rows of one block: labels, line numbers, problems, and how many lines it had.
    struct ParsedBlock: Sendable {
        var labels: [Int] = []
        var ids: [Int] = []
        var issues: [DataSetIssue] = []
        var lines = 0
    }

    /// Parses complete `lines` after the rows already in `parsed`, one part per
    /// core, each writing its rows into its own stretch of `storage`, then closes the gaps.
    private func parseInParallel(_ lines: UnsafeBufferPointer<UInt8>, pixelCount: Int, rules: RowRules, firstLine: Int,
                                 into storage: inout [Float], after parsed: inout ParsedBlock) {
        let partCount = lines.count >= Self.parallelBytes ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
        var bounds = [0]
        for part in 1..<partCount {
            let middle = max(bounds.last!, lines.count * part / partCount)
            bounds.append(middle >= lines.count ? lines.count : min(lineEnd(lines, from: middle) + 1, lines.count))
        }
        bounds.append(lines.count)
        let partLines = (0..<partCount).map { countLines(UnsafeBufferPointer(rebasing: lines[bounds[$0]..<bounds[$0 + 1]])) }
        var firstRow = [parsed.labels.count]
        for count in partLines { firstRow.append(firstRow.last! + count) }
        let needed = firstRow.last! * pixelCount
        if storage.count < needed { storage.append(contentsOf: repeatElement(0, count: needed - storage.count)) }
        let parts = storage.withUnsafeMutableBufferPointer { output -> [ParsedBlock] in
            // Each part writes only its own rows of `output` and reads only its own bytes of `lines`.
            let base = output.baseAddress!
            let parts = concurrentMap(partCount) { part in
                var parser = FastRowParser(path: path, pixelCount: pixelCount, rules: rules,
                                           output: base + firstRow[part] * pixelCount)
                let firstLineOfPart = firstLine + partLines[..<part].reduce(0, +)
                parser.parse(UnsafeBufferPointer(rebasing: lines[bounds[part]..<bounds[part + 1]]), firstLine: firstLineOfPart)
                return parser.result
            }
            // Close the gaps left by skipped lines, so that the rows are contiguous.
            var row = parsed.labels.count
            for (part, result) in parts.enumerated() {
                let source = base + firstRow[part] * pixelCount
                if row != firstRow[part] { (base + row * pixelCount).update(from: source, count: result.labels.count * pixelCount) }
                row += result.labels.count
            }
            return parts
        }
        for result in parts {
            parsed.labels += result.labels
            parsed.ids += result.ids
            parsed.issues += result.issues
        }
        parsed.lines += partLines.reduce(0, +)
    }
}

/// The fast path: well-formed rows (digits and commas, an optional CR, the
/// row width fixed) are parsed straight into Float rows; any other line goes
/// to `RowParser` and `RowRules`.
private struct FastRowParser {
    let path: String
    let pixelCount: Int
    let rules: RowRules
    let output: UnsafeMutablePointer<Float>
    var result = CSVDataSet.ParsedBlock()

    init(path: String, pixelCount: Int, rules: RowRules, output: UnsafeMutablePointer<Float>) {
        self.path = path
        self.pixelCount = pixelCount
        self.rules = rules
        self.output = output
    }

    mutating func parse(_ lines: UnsafeBufferPointer<UInt8>, firstLine: Int) {
        var start = 0
        var line = firstLine
        while start < lines.count {
            let row = output + result.labels.count * pixelCount
            let (label, next) = fastRow(lines, from: start, into: row)
            if let label {
                result.labels.append(label)
                result.ids.append(line)
                start = next
            } else {
                let end = lineEnd(lines, from: start)
                carefulRow(UnsafeBufferPointer(rebasing: lines[start..<end]), line: line, into: row)
                start = end + 1
            }
            line += 1
        }
        result.lines = line - firstLine
    }

    /// The label and the start of the next line, or nil when the line is not plainly good.
    private func fastRow(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into row: UnsafeMutablePointer<Float>) -> (Int?, Int) {
        if rules.labelColumn == 0 { return labelFirstRow(bytes, from: start, into: row) }
        var position = start, column = 0, pixel = 0, label = -1
        let end = bytes.count
        let labelColumn = rules.labelColumn
        while true {
            var value = 0, digits = 0
            while position < end {
                let digit = bytes[position] &- 48
                if digit >= 10 { break }
                value = value &* 10 &+ Int(digit)
                digits += 1
                position += 1
            }
            if digits == 0 || digits > 9 { return (nil, start) }
            if column == labelColumn {
                if let classCount = rules.classCount, value >= classCount { return (nil, start) }
                label = value
            } else {
                if value > 255 || pixel == pixelCount { return (nil, start) }
                row[pixel] = Float(value)
                pixel += 1
            }
            column += 1
            let separator: UInt8 = position < end ? bytes[position] : 10
            if separator == 44 { position += 1; continue }  // ','
            if separator == 13, position + 1 < end, bytes[position + 1] == 10 { position += 1 }  // CR LF
            guard position >= end || bytes[position] == 10, pixel == pixelCount, label >= 0 else { return (nil, start) }
            return (label, position + 1)
        }
    }

    /// `fastRow` for the Kaggle layout, the label first: pixels of one to three
    /// digits, each followed by a comma but the last, read without a general loop.
    private func labelFirstRow(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into row: UnsafeMutablePointer<Float>) -> (Int?, Int) {
        let end = bytes.count
        var position = start, label = 0, digits = 0
        while position < end, digits < 10 {
            let digit = bytes[position] &- 48
            if digit >= 10 { break }
            label = label &* 10 &+ Int(digit)
            digits += 1
            position += 1
        }
        guard digits > 0, digits < 10, position < end, bytes[position] == 44 else { return (nil, start) }
        if let classCount = rules.classCount, label >= classCount { return (nil, start) }
        position += 1
        for pixel in 0..<pixelCount {
            guard position < end else { return (nil, start) }
            var value = Int(bytes[position] &- 48)
            guard value < 10 else { return (nil, start) }
            position += 1
            if position < end, case let second = Int(bytes[position] &- 48), second < 10 {
                value = value &* 10 &+ second
                position += 1
                if position < end, case let third = Int(bytes[position] &- 48), third < 10 {
                    value = value &* 10 &+ third
                    position += 1
                }
            }
            guard value <= 255 else { return (nil, start) }
            row[pixel] = Float(value)
            if pixel < pixelCount - 1 {
                guard position < end, bytes[position] == 44 else { return (nil, start) }
                position += 1
            }
        }
        if position + 1 < end, bytes[position] == 13, bytes[position + 1] == 10 { position += 1 }  // CR LF
        guard position >= end || bytes[position] == 10 else { return (nil, start) }
        return (label, position + 1)
    }

    /// A line the fast path passed on: blank, a problem, or good after all (spaces).
    private mutating func carefulRow(_ line: UnsafeBufferPointer<UInt8>, line number: Int, into row: UnsafeMutablePointer<Float>) {
        let parsed = RowParser.parse(line)
        if parsed.isBlank { return }
        if let problem = rules.problem(parsed, expectedPixels: pixelCount) {
            result.issues.append(DataSetIssue(path: path, line: number, problem: problem))
            return
        }
        writePixels(parsed.values, skipping: rules.labelColumn, to: row)
        result.labels.append(parsed.values[rules.labelColumn])
        result.ids.append(number)
    }
}

/// Writes a parsed row's cells, less the label column, as Floats.
private func writePixels(_ values: [Int], skipping labelColumn: Int, to row: UnsafeMutablePointer<Float>) {
    var pixel = 0
    for (column, value) in values.enumerated() where column != labelColumn {
        row[pixel] = Float(value)
        pixel += 1
    }
}

/// The index of the newline ending the line that starts at `start`, or `bytes.count`.
private func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    guard start < bytes.count, let found = memchr(bytes.baseAddress! + start, 10, bytes.count - start) else { return bytes.count }
    return bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
}

/// The number of lines in `bytes` (a last line without a newline counts).
private func countLines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var count = 0, start = 0
    while start < bytes.count {
        start = lineEnd(bytes, from: start) + 1
        count += 1
    }
    return count
}

/// Reads a file in blocks of complete lines.
final class BlockReader {
    let path: String
    let size: Int
    private let handle: FileHandle
    private var descriptor: Int32 { handle.fileDescriptor }
    private var pending: [UInt8] = []
    /// The file offset of the first pending byte.
    private var offset = 0
    private var atEnd = false

    /// A line longer than this is refused rather than buffered.
    static let longestLine = 256 << 20
    /// How far past a block's end is read at once, for the end of its last line.
    static let margin = 64 << 10

    init(path: String) throws {
        handle = try openRegularFile(path)
        var status = stat()
        guard fstat(handle.fileDescriptor, &status) == 0 else {
            throw FileError(path, "cannot be read: \(String(cString: strerror(errno)))")
        }
        self.path = path
        size = Int(status.st_size)
    }

    func close() { try? handle.close() }

    /// The file offset of the next unread line.
    var position: Int { offset }

    /// Moves to the first line that starts at or after `position` and returns
    /// the number of lines before it.
    func skipToFirstLine(startingAtOrAfter position: Int) throws -> Int {
        guard position > 0 else { return 0 }
        var lines = 0
        while true {
            try fill(upTo: CSVDataSet.defaultBlockSize)
            if pending.isEmpty { return lines }
            // The line after a newline at `position - 1` or later is the first one that starts in range.
            let (consumed, found) = pending.withUnsafeBufferPointer { bytes -> (Int, Bool) in
                var start = 0
                while true {
                    let end = lineEnd(bytes, from: start)
                    if end == bytes.count { return (bytes.count, false) }
                    lines += 1
                    if offset + end >= position - 1 { return (end + 1, true) }
                    start = end + 1
                }
            }
            consume(consumed)
            if found { return lines }
        }
    }

    /// The next run of complete lines that start before `limit`, or nil when there are no more.
    func nextLines(endingBefore limit: Int) throws -> [UInt8]? {
        guard offset < limit else { return nil }
        // Up to `limit`, and a little past it for the end of the last line.
        var wanted = limit - offset + Self.margin
        var cut = 0
        while true {
            try fill(upTo: wanted)
            cut = pending.withUnsafeBufferPointer { bytes in
                var cut = bytes.count
                if !atEnd {
                    guard let last = bytes.lastIndex(of: 10) else { return 0 }
                    cut = last + 1
                }
                // A line that starts before `limit` is ours to its end; the ones after it are the next shard's.
                if limit - offset < cut { cut = min(lineEnd(bytes, from: limit - offset - 1) + 1, cut) }
                return cut
            }
            if cut > 0 || atEnd { break }
            guard pending.count < Self.longestLine else {
                throw FileError(path, "has a line longer than \(Self.longestLine >> 20) MiB at byte \(offset); is it a CSV file?")
            }
            wanted = pending.count * 2
        }
        guard cut > 0 else { return nil }
        let lines = Array(pending[..<cut])
        consume(cut)
        return lines
    }

    /// Reads until `pending` holds at least `count` bytes or the file ends.
    private func fill(upTo count: Int) throws {
        while pending.count < count, !atEnd {
            let wanted = count - pending.count
            let old = pending.count
            pending.append(contentsOf: repeatElement(0, count: wanted))
            let got = pending.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + old, wanted) }
            guard got >= 0 else { throw FileError(path, "cannot be read: \(String(cString: strerror(errno)))") }
            pending.removeLast(wanted - got)
            if got == 0 { atEnd = true }
        }
    }

    private func consume(_ count: Int) {
        pending.removeFirst(count)
        offset += count
    }
}
