// Counts as every stage words them: in reports, tables and warnings.

/// An integer with thousands separators: 208,626.
public func groupedDigits(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var groups: [String] = []
    var end = digits.endIndex
    while end > digits.startIndex {
        let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
        groups.insert(String(digits[start..<end]), at: 0)
        end = start
    }
    return (value < 0 ? "-" : "") + groups.joined(separator: ",")
}
