import FileIO
import Foundation

/// A problem with one row of a data set, skipped in the default mode.
public struct DataSetIssue: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    /// The 1-based line in the file.
    public let line: Int
    public let problem: String

    public var description: String { "\(path): line \(line): \(problem)" }
}

/// A batch of rows of a data set: features as Float, row-major, and labels.
public struct DataSetBatch: Sendable {
    /// `count × features` values.
    public var features: [Float]
    public var labels: [Int]
    /// The 1-based file line of each row, for messages.
    public var lines: [Int]
    public let featureCount: Int

    public var count: Int { labels.count }
}

/// Streams a Kaggle-style CSV data set — one label column (the first by default)
/// and integer pixel values 0...255 — in batches, in constant memory.
///
/// Hand-written because generic CSV parsers are far too slow for the 292 million
/// integers of a 372,450-row file: it reads 4 MiB blocks and parses the bytes
/// directly. A header line (any non-numeric cell in the first line) is skipped.
/// Rows with a wrong cell count, a non-integer cell, a label outside
/// `0..<classCount` or a pixel outside 0...255 are problems: `strict` stops at
/// the first, otherwise they are skipped and collected.
public final class CSVDataSet {
    public let path: String
    public let labelColumn: Int
    public let classCount: Int?
    public let strict: Bool
    /// The rows skipped so far, with their problems.
    public private(set) var issues: [DataSetIssue] = []

    static let blockSize = 4 << 20

    public init(path: String, labelColumn: Int = 0, classCount: Int? = nil, strict: Bool = false) throws {
        try requireReadableFile(path)
        self.path = path
        self.labelColumn = labelColumn
        self.classCount = classCount
        self.strict = strict
    }

    /// Calls `body` with batches of up to `batchSize` good rows, in file order.
    /// Throws `FileError` for an unreadable or empty file, or the first bad row when strict.
    public func forEachBatch(size batchSize: Int, _ body: (DataSetBatch) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FileError(path, "cannot be opened") }
        defer { try? handle.close() }
        var parser = RowParser()
        var featureCount: Int?  // set by the first good row
        var batch: DataSetBatch?
        var line = 0
        var sawData = false
        func finish(_ row: RowParser.Row) throws {
            line += 1
            if line == 1, row.hasNonNumeric { return }  // a header
            guard !row.isBlank else { return }
            sawData = true
            if let problem = check(row, expected: featureCount) {
                let issue = DataSetIssue(path: path, line: line, problem: problem)
                if strict { throw issue }
                issues.append(issue)
                return
            }
            if featureCount == nil { featureCount = row.values.count - 1 }
            if batch == nil {
                batch = DataSetBatch(features: [], labels: [], lines: [], featureCount: row.values.count - 1)
                batch!.features.reserveCapacity(batchSize * (row.values.count - 1))
            }
            for (column, value) in row.values.enumerated() where column != labelColumn { batch!.features.append(Float(value)) }
            batch!.labels.append(row.values[labelColumn])
            batch!.lines.append(line)
            if batch!.count == batchSize {
                try body(batch!)
                batch!.features.removeAll(keepingCapacity: true)
                batch!.labels.removeAll(keepingCapacity: true)
                batch!.lines.removeAll(keepingCapacity: true)
            }
        }
        while true {
            // The parser keeps a row that runs past the end of a block, so blocks need no overlap.
            let block = (try? handle.read(upToCount: Self.blockSize)) ?? Data()
            try parser.feed([UInt8](block), final: block.isEmpty, onRow: finish)
            if block.isEmpty { break }
        }
        if let batch, batch.count > 0 { try body(batch) }
        guard sawData else { throw FileError(path, "holds no data rows") }
    }

    /// Why a parsed row cannot be used, or nil.
    private func check(_ row: RowParser.Row, expected: Int?) -> String? {
        if let bad = row.badCell { return "column \(bad.column + 1): '\(bad.text)' is not a whole number" }
        guard row.values.count > labelColumn, row.values.count >= 2 else {
            return "\(row.values.count) cells; a row needs a label and at least one pixel"
        }
        if let expected, row.values.count - 1 != expected {
            return "\(row.values.count) cells where the rows before have \(expected + 1)"
        }
        let label = row.values[labelColumn]
        if label < 0 || (classCount.map { label >= $0 } ?? false) {
            return "label \(label) is outside 0..\((classCount ?? 1) - 1)"
        }
        for (column, value) in row.values.enumerated() where column != labelColumn && !(0...255).contains(value) {
            return "column \(column + 1): pixel value \(value) is outside 0..255"
        }
        return nil
    }
}

/// Parses CSV bytes of integers into rows, one byte at a time.
struct RowParser {
    struct Row {
        var values: [Int] = []
        var hasNonNumeric = false
        var badCell: (column: Int, text: String)?
        var isBlank: Bool { values.isEmpty && badCell == nil }
    }

    private var row = Row()
    private var current = 0, digits = 0, negative = false, cellText: [UInt8] = [], cellBad = false
    var inRow: Bool { !row.values.isEmpty || digits > 0 || negative || cellBad }

    /// Parses `bytes`, calling `onRow` for each line they complete; a line left
    /// open waits for the next call, or ends with `final`.
    mutating func feed(_ bytes: [UInt8], final: Bool, onRow: (Row) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer {
                let digit = byte &- UInt8(ascii: "0")
                if digit < 10 {
                    if digits < 18 { current = current &* 10 &+ Int(digit) }
                    digits += 1
                    if cellBad { cellText.append(byte) }
                } else if byte == UInt8(ascii: ",") {
                    endCell(endOfLine: false)
                } else if byte == UInt8(ascii: "\n") {
                    endCell(endOfLine: true)
                    try emitRow(onRow)
                } else if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    continue
                } else if byte == UInt8(ascii: "-"), digits == 0, !negative, !cellBad {
                    negative = true
                } else {
                    if !cellBad {
                        // Only a bad cell keeps its text, for the message: what came before, then the rest.
                        cellText = Array(((negative ? "-" : "") + (digits > 0 ? String(current) : "")).utf8)
                        cellBad = true
                    }
                    cellText.append(byte)
                }
            }
        }
        if final, inRow {
            endCell(endOfLine: true)
            try emitRow(onRow)
        }
    }

    private mutating func emitRow(_ onRow: (Row) throws -> Void) throws {
        let capacity = row.values.count
        try onRow(row)
        row = Row()
        row.values.reserveCapacity(capacity)
    }

    private mutating func endCell(endOfLine: Bool) {
        defer { current = 0; digits = 0; negative = false; cellBad = false; cellText.removeAll(keepingCapacity: true) }
        if endOfLine, digits == 0, !negative, !cellBad, row.values.isEmpty, row.badCell == nil { return }  // a blank line
        if cellBad || digits == 0 || digits > 18 {
            row.hasNonNumeric = true
            if row.badCell == nil {
                row.badCell = (row.values.count, cellBad ? String(decoding: cellText, as: UTF8.self) : (negative ? "-" : ""))
            }
            row.values.append(0)
        } else {
            row.values.append(negative ? -current : current)
        }
    }
}
