import FileIO

/// Sums of Float values that come out the same in any order, so that shards of
/// a data set merge into exactly the single run's numbers.
///
/// Each value is truncated once to a multiple of 2⁻⁴⁰ and the multiples are added
/// as 128-bit integers, which is associative. The truncation (below 10⁻¹²) is far
/// finer than a Float's own precision at the magnitudes activations have.
public enum ExactSum {
    /// 2⁴⁰: the fixed-point scale.
    static let scale = 1_099_511_627_776.0

    /// `value` in fixed point, truncated toward zero (one machine conversion in the common case).
    @inline(__always)
    public static func fixed(_ value: Double) -> Int128 {
        let scaled = value * scale
        if abs(scaled) < 9.0e18 { return Int128(Int64(scaled)) }
        return Int128(exactly: scaled.rounded(.towardZero)) ?? (scaled > 0 ? Int128.max / 1024 : Int128.min / 1024)
    }

    /// A fixed-point sum back as a Double, correctly rounded.
    public static func value(_ sum: Int128) -> Double { double(sum) / scale }

    /// `Double(integer)` without the standard library's generic conversion, which
    /// is not specialised for Int128 and took a tenth of an eval's statistics time.
    /// Magnitudes past 2⁶³ keep their top 64 bits with a sticky bit for the rest
    /// (64 bits are more than a Double's 53 + 1, so the one rounding stays correct).
    static func double(_ integer: Int128) -> Double {
        if integer >= Int128(Int64.min), integer <= Int128(Int64.max) { return Double(Int64(truncatingIfNeeded: integer)) }
        let magnitude = integer.magnitude
        let shift = 64 - magnitude.leadingZeroBitCount
        let sticky: UInt64 = magnitude & ((UInt128(1) << shift) - 1) == 0 ? 0 : 1
        let top = Double(UInt64(truncatingIfNeeded: magnitude >> shift) | sticky) * Double(sign: .plus, exponent: shift, significand: 1)
        return integer < 0 ? -top : top
    }
}

/// Int128 arrays written as decimal strings in JSON (JSON numbers are doubles to most readers).
@propertyWrapper
public struct ExactSums: Codable, Sendable, Equatable {
    public var wrappedValue: [Int128]

    public init(wrappedValue: [Int128]) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        let texts = try [String](from: decoder)
        wrappedValue = try texts.map { text in
            guard let value = Int128(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(quoted(text)) is not a 128-bit integer"))
            }
            return value
        }
    }

    public func encode(to encoder: Encoder) throws { try wrappedValue.map(String.init).encode(to: encoder) }
}
