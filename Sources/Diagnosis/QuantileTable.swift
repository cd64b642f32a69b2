import Foundation

/// A distribution kept as its quantiles at a fixed grid of probabilities, with
/// the tail probability of a new value read from it: how a profile stores each
/// measure, score and layer distance of its data.
///
/// Beyond the data's extremes the tail keeps falling, exponentially in the
/// distance past the extreme measured in the data's own spread, so that a value
/// far outside scores further out than one just outside: two inputs beyond every
/// training sample are still ranked.
public struct QuantileTable: Codable, Sendable, Equatable {
    /// The grid: 0, 0.1%, 0.5%, then every percent from 1% to 99%, 99.5%, 99.9%, 100%.
    public static let probabilities: [Double] = [0, 0.001, 0.005] + (1...99).map { Double($0) / 100 } + [0.995, 0.999, 1]

    /// The quantiles at `probabilities`, non-decreasing.
    public let values: [Double]
    /// How many samples they were taken from.
    public let count: Int
    /// Differences smaller than this (in the measure's units) are not counted as
    /// lying outside: a measure that is exactly 0 on every training sample does not
    /// make a value of 0.001 infinitely unusual.
    public let tolerance: Double

    /// The quantiles of `samples` (NumPy's default linear interpolation).
    public init(samples: [Double], tolerance: Double = 0) {
        let sorted = samples.filter(\.isFinite).sorted()
        count = sorted.count
        self.tolerance = tolerance
        guard !sorted.isEmpty else {
            values = Self.probabilities.map { _ in 0 }
            return
        }
        values = Self.probabilities.map { p in
            let position = p * Double(sorted.count - 1)
            let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
            return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
        }
    }

    /// The quantile at probability `p` (one of the grid's or between them).
    public func quantile(_ p: Double) -> Double {
        let grid = Self.probabilities
        guard let upper = grid.firstIndex(where: { $0 >= p }) else { return values[values.count - 1] }
        guard upper > 0 else { return values[0] }
        let fraction = (p - grid[upper - 1]) / (grid[upper] - grid[upper - 1])
        return values[upper - 1] + (values[upper] - values[upper - 1]) * fraction
    }

    public var median: Double { quantile(0.5) }

    /// The share of the data below `value` (0...1), read between the grid's
    /// points; a run of equal quantiles counts half below.
    public func percentile(_ value: Double) -> Double {
        let grid = Self.probabilities
        if value.isNaN { return 1 }  // NaN is stranger than anything the data holds
        if value < values[0] { return 0 }
        if value > values[values.count - 1] { return 1 }
        let firstAtOrAbove = values.firstIndex(where: { $0 >= value })!
        let lastAtOrBelow = values.lastIndex(where: { $0 <= value })!
        if firstAtOrAbove <= lastAtOrBelow { return (grid[firstAtOrAbove] + grid[lastAtOrBelow]) / 2 }
        let (low, high) = (lastAtOrBelow, firstAtOrAbove)
        return grid[low] + (grid[high] - grid[low]) * (value - values[low]) / (values[high] - values[low])
    }

    /// Which tails of a distribution make a value unusual.
    public enum Side: String, Sendable, Codable {
        /// Only large values (a distance, a score where higher is stranger).
        case upper
        /// Only small values (the largest softmax probability).
        case lower
        /// Both: a value can be unusual by being too small as well as too large.
        case both
    }

    /// The probability of a value at least this unusual among the data, on `side`:
    /// at least 1/(count+1) inside the data's range, and falling by e for every
    /// spread (the 1%–99% width, or the tolerance) beyond it.
    public func tailProbability(_ value: Double, side: Side) -> Double {
        guard value.isFinite else { return value.isNaN ? Self.floor : (side == .both || (value > 0) == (side == .upper) ? Self.floor : 1) }
        let centre = median
        // Move the value `tolerance` towards the median: differences within it are not evidence.
        let shifted = value > centre ? max(centre, value - tolerance) : min(centre, value + tolerance)
        let resolution = 1 / (Double(count) + 1)
        let spread = max(quantile(0.99) - quantile(0.01), tolerance, 1e-6 * (abs(centre) + 1))
        func upperTail() -> Double {
            let top = values[values.count - 1]
            if shifted > top { return resolution * exp(-(shifted - top) / spread) }
            return max(resolution, 1 - percentile(shifted))
        }
        func lowerTail() -> Double {
            let bottom = values[0]
            if shifted < bottom { return resolution * exp(-(bottom - shifted) / spread) }
            return max(resolution, percentile(shifted))
        }
        let p: Double
        switch side {
        case .upper: p = upperTail()
        case .lower: p = lowerTail()
        case .both: p = min(1, 2 * min(upperTail(), lowerTail()))
        }
        return max(p, Self.floor)
    }

    /// The most samples a table may say it was taken from: 2⁴⁰.
    public static let countLimit = 1 << 40

    /// The smallest tail probability reported: 10⁻³⁰⁰, so that its −log₁₀ stays finite.
    public static let floor = 1e-300

    /// Whether the table is well formed: the grid's length, finite non-decreasing values.
    public var isValid: Bool {
        values.count == Self.probabilities.count && values.allSatisfy(\.isFinite) && (0...Self.countLimit).contains(count)
            && tolerance.isFinite && tolerance >= 0
            && zip(values, values.dropFirst()).allSatisfy { $0 <= $1 }
    }
}

/// −log₁₀ of a tail probability: 2 for 1%, 3 for 0.1%.
@inline(__always) func surprise(_ probability: Double) -> Double { -log10(max(probability, QuantileTable.floor)) }
