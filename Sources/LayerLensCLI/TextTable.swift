/// Lines of a table whose columns are padded to their widest cell, with a rule
/// under the header; `rightAligned` column indices are padded on the left.
func alignedTable(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        // The last left-aligned cell is not padded: one very wide cell (a
        // layer joining 3,000 others) would otherwise pad every line to its width.
        cells.enumerated().map { column, cell in
            if rightAligned.contains(column) { return String(repeating: " ", count: widths[column] - cell.count) + cell }
            return column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
        }.joined(separator: "  ").trimmingTrailingSpaces()
    }
    let rule = String(repeating: "─", count: widths.reduce(0, +) + 2 * (widths.count - 1))
    return [rule, line(header), rule] + rows.map(line) + [rule]
}

extension String {
    func trimmingTrailingSpaces() -> String {
        guard let last = lastIndex(where: { $0 != " " }) else { return "" }
        return String(self[...last])
    }
}
