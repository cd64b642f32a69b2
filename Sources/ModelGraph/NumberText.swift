// Numbers as every stage words them: in reports, tables, warnings and messages.
import Foundation

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

/// A number in at most four significant digits: `1.93e+03`, `0.0421`, `-2.5`.
public func formatNumber(_ value: Float) -> String {
    if value == 0 { return "0" }
    if !value.isFinite { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
    return String(format: "%.3g", Double(value))
}

/// `formatNumber` of a Double, at Float precision as every number LayerLens prints.
public func formatNumber(_ value: Double) -> String { formatNumber(Float(value)) }

/// A share of 0...1 as a percentage with one decimal: `93.8%`.
public func shareText(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

/// `part` of `whole` as a percentage with one decimal: `93.8%`.
public func shareText(_ part: Int, of whole: Int) -> String { String(format: "%.1f%%", 100 * Double(part) / Double(whole)) }

/// A value range as `formatNumber` words its ends: `0..255`, `0.0626..0.872`.
public func rangeDescription(_ range: ClosedRange<Float>) -> String {
    "\(formatNumber(range.lowerBound))..\(formatNumber(range.upperBound))"
}
