import FileIO

/// The careful CSV row parser: any bytes, exact messages. The fast path of
/// `CSVDataSet` hands it every line it does not accept at once (a header, a
/// blank line, spaces, a bad cell), so there is one definition of a good row.
struct RowParser {
    struct Row {
        var values: [Int] = []
        var hasNonNumeric = false
        var badCell: (column: Int, text: String)?
        var isBlank: Bool { values.isEmpty && badCell == nil }
    }

    /// Parses one line (without its newline).
    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Row {
        var parser = RowParser()
        for byte in line { parser.consume(byte) }
        parser.endCell(endOfLine: true)
        return parser.row
    }

    private var row = Row()
    private var current = 0, digits = 0, negative = false, cellText: [UInt8] = [], cellBad = false

    private mutating func consume(_ byte: UInt8) {
        let digit = byte &- UInt8(ascii: "0")
        if digit < 10 {
            if digits < 18 { current = current &* 10 &+ Int(digit) }
            digits += 1
            if cellBad { cellText.append(byte) }
        } else if byte == UInt8(ascii: ",") {
            endCell(endOfLine: false)
        } else if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
            return
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

/// What makes a parsed row usable: a label in its column and range, pixels 0...255.
struct RowRules: Sendable {
    let labelColumn: Int
    let classCount: Int?

    /// Why `row` cannot be used, given the pixel count of the rows before, or nil.
    func problem(_ row: RowParser.Row, expectedPixels: Int?) -> String? {
        if let bad = row.badCell { return "column \(bad.column + 1): \(quoted(bad.text)) is not a whole number" }
        guard row.values.count > labelColumn, row.values.count >= 2 else {
            return "\(row.values.count) cells; a row needs a label in column \(labelColumn + 1) and at least one pixel"
        }
        if let expectedPixels, row.values.count - 1 != expectedPixels {
            return "\(row.values.count) cells where the rows before have \(expectedPixels + 1)"
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
