/// An RGB colour with components in 0...1.
public struct RGB: Sendable, Equatable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(_ red: Double, _ green: Double, _ blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A grey of the given level.
    public static func gray(_ level: Double) -> RGB { RGB(level, level, level) }
    public static let black = RGB(0, 0, 0)
    public static let white = RGB(1, 1, 1)
}

/// A matplotlib colormap: 256 colours looked up as matplotlib does.
public struct Colormap: Sendable {
    let table: [(Double, Double, Double)]
    /// Its matplotlib name.
    public let name: String

    /// matplotlib's default, perceptually uniform: dark blue (low) to yellow (high).
    public static let viridis = Colormap(table: viridisTable, name: "viridis")
    /// matplotlib's diverging `RdBu_r`: blue (negative) through white to red (positive).
    public static let redBlue = Colormap(table: redBlueTable, name: "RdBu_r")

    /// The colour of `t` in 0...1: entry `⌊t · 256⌋`, clamped to 0...255 (NaN gives entry 0).
    public func color(_ t: Double) -> RGB {
        // Clamped before the conversion to Int, which traps on ±∞.
        let index = t.isNaN ? 0 : min(Int((min(max(t, 0), 1) * Double(table.count)).rounded(.down)), table.count - 1)
        let entry = table[index]
        return RGB(entry.0, entry.1, entry.2)
    }
}

/// Maps values to 0...1 for a colormap: `(v − low) / (high − low)`, or 0 when
/// the range is empty (as matplotlib's Normalize does for vmin == vmax).
public struct ColorScale: Sendable, Equatable {
    public let low: Float
    public let high: Float

    public init(low: Float, high: Float) {
        self.low = low
        self.high = high
    }

    public func position(_ value: Float) -> Double {
        high > low ? Double((value - low) / (high - low)) : 0
    }
}
