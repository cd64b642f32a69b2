import FileIO
import Foundation

/// One row of a Kaggle-style CSV data set: the label in the first column, then
/// the pixels 0...255 of a square grey image, row-major.
public struct CSVSample: Sendable {
    /// The pixels as a grey image.
    public let raster: Raster
    /// The label column's value.
    public let label: Int
}

/// Reads single rows of Kaggle-style CSV files (a header line is detected and skipped).
public enum CSVRowReader {
    /// Row `row` (0-based, not counting a header) of `path`. Throws `FileError`
    /// naming the file and line for a missing row or a malformed cell.
    public static func read(_ path: String, row: Int) throws -> CSVSample {
        try requireReadableFile(path)
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FileError(path, "cannot be opened") }
        defer { try? handle.close() }
        var lineNumber = 0, dataRow = 0
        var pending = Data()
        while true {
            let chunk = (try? handle.read(upToCount: 1 << 20)) ?? Data()
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                lineNumber += 1
                if let sample = try consume(line, lineNumber: lineNumber, dataRow: &dataRow, wanted: row, path: path) { return sample }
            }
            if chunk.isEmpty {
                if !pending.isEmpty {
                    lineNumber += 1
                    if let sample = try consume(String(decoding: pending, as: UTF8.self), lineNumber: lineNumber,
                                                dataRow: &dataRow, wanted: row, path: path) { return sample }
                }
                throw FileError(path, "has \(dataRow) data rows; row \(row) does not exist (rows count from 0)")
            }
        }
    }

    private static func consume(_ line: String, lineNumber: Int, dataRow: inout Int, wanted: Int, path: String) throws -> CSVSample? {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        let cells = trimmed.split(separator: ",", omittingEmptySubsequences: false)
        if lineNumber == 1, cells.contains(where: { Double($0.trimmingCharacters(in: .whitespaces)) == nil }) {
            return nil  // a header
        }
        defer { dataRow += 1 }
        guard dataRow == wanted else { return nil }
        let numbers = try cells.enumerated().map { column, cell -> Double in
            guard let value = Double(cell.trimmingCharacters(in: .whitespaces)) else {
                throw FileError(path, "line \(lineNumber), column \(column + 1): '\(cell)' is not a number")
            }
            return value
        }
        let pixels = numbers.dropFirst()
        let side = Int(Double(pixels.count).squareRoot())
        guard pixels.count > 0, side * side == pixels.count else {
            throw FileError(path, "line \(lineNumber): \(pixels.count) pixel values after the label, not a square image (784 for 28×28)")
        }
        if let bad = pixels.firstIndex(where: { !(0...255).contains($0) }) {
            throw FileError(path, "line \(lineNumber), column \(bad + 1): pixel value \(numbers[bad]) is outside 0..255")
        }
        guard let label = numbers.first, label == label.rounded(), label >= 0 else {
            throw FileError(path, "line \(lineNumber): the label '\(cells[0])' is not a non-negative whole number")
        }
        return CSVSample(raster: Raster(height: side, width: side, channels: 1, values: pixels.map { Float($0) }), label: Int(label))
    }
}
