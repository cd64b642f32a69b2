@testable import Analysis
import Testing

/// ExactSum's hand-written Int128 → Double conversion against the standard
/// library's (the slow generic one it replaces): equal, rounding included.
@Suite struct ExactSumTests {
    @Test func convertsLikeTheStandardLibrary() {
        let edges: [Int128] = [0, 1, -1, Int128(Int64.max), Int128(Int64.max) + 1, Int128(Int64.min), Int128(Int64.min) - 1,
                               Int128.max, Int128.min, Int128.max / 1024, Int128.min / 1024,
                               // Halfway between two Doubles, below and above: ties go to even.
                               (Int128(1) << 80) + (Int128(1) << 27), (Int128(1) << 80) + (Int128(3) << 27),
                               (Int128(1) << 80) + (Int128(1) << 27) + 1, -((Int128(1) << 80) + (Int128(1) << 27))]
        for value in edges { #expect(ExactSum.double(value) == Double(value), "\(value)") }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100_000 {
            let bits = Int.random(in: 0...127, using: &generator)
            let value = Int128.random(in: Int128.min...Int128.max, using: &generator) >> (127 - bits)
            #expect(ExactSum.double(value) == Double(value), "\(value)")
        }
    }
}
