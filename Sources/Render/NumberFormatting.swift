import Foundation

/// A number in at most four significant digits: `1.93e+03`, `0.0421`, `-2.5`.
public func formatNumber(_ value: Float) -> String {
    if value == 0 { return "0" }
    if !value.isFinite { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
    return String(format: "%.3g", Double(value))
}
