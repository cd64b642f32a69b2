import CKernels
import Foundation
@testable import Layers
import ModelGraph
import Testing
import TestSupport

/// Every fast kernel against its naive twin (direct loops, sums in Double) on
/// random data, over the geometry each must handle: strides, dilation, both
/// paddings, groups, depth multipliers, and sizes that span several of the
/// pieces a kernel spreads over the cores.
@Suite struct KernelTwinTests {
    static func random(_ shape: [Int], in range: ClosedRange<Float> = -2...2) -> Tensor {
        var generator = SystemRandomNumberGenerator()
        return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float.random(in: range, using: &generator) })
    }

    /// im2col + sgemm against the direct Double convolution. The 1×1 cases take
    /// the path without gathering; 23×19 positions span two tiles.
    @Test(arguments: [(3, 2, 1, 1, Padding.valid, 1), (3, 2, 2, 1, .same, 1), (3, 2, 1, 2, .same, 2), (3, 2, 3, 1, .valid, 3),
                      (3, 2, 2, 2, .same, 1), (1, 1, 1, 1, .valid, 1), (1, 1, 1, 1, .same, 1), (1, 1, 2, 1, .valid, 1),
                      (1, 1, 1, 1, .same, 2), (7, 7, 2, 1, .same, 1)])
    func im2colConvolutionEqualsTheDirectOne(kh: Int, kw: Int, stride: Int, dilation: Int, padding: Padding, groups: Int) {
        let input = Self.random([2, 23, 19, 6])
        let kernel = Self.random([kh, kw, 6 / groups, 12], in: -1...1)
        let rows = WindowAxis(input: 23, window: kh, stride: stride, dilation: dilation, padding: padding)
        let columns = WindowAxis(input: 19, window: kw, stride: stride, dilation: dilation, padding: padding)
        for bias in [Self.random([12], in: -1...1), nil] {
            let fast = convolve2D(input, kernel: kernel, bias: bias, rows: rows, columns: columns, groups: groups)
            let direct = convolve2DReference(input, kernel: kernel, bias: bias, rows: rows, columns: columns, groups: groups)
            #expect(fast.shape == [2, rows.output, columns.output, 12])
            #expect(parityViolation(fast, direct, label: "conv") == nil, "\(parityViolation(fast, direct, label: "conv") ?? "")")
        }
    }

    /// Patches gathered from one channel (runs of 3 values) and from 40 (runs of 120, past
    /// the short-copy loop), with and without groups, against the direct convolution.
    @Test(arguments: [(1, 1), (40, 1), (40, 4)])
    func im2colGathersShortAndLongRuns(channels: Int, groups: Int) {
        let input = Self.random([2, 9, 8, channels]), kernel = Self.random([3, 3, channels / groups, 8], in: -1...1)
        let rows = WindowAxis(input: 9, window: 3, stride: 1, padding: .same), columns = WindowAxis(input: 8, window: 3, stride: 1, padding: .same)
        for bias in [Self.random([8], in: -1...1), nil] {
            let fast = convolve2D(input, kernel: kernel, bias: bias, rows: rows, columns: columns, groups: groups)
            let direct = convolve2DReference(input, kernel: kernel, bias: bias, rows: rows, columns: columns, groups: groups)
            #expect(parityViolation(fast, direct, label: "conv") == nil, "\(parityViolation(fast, direct, label: "conv") ?? "")")
        }
    }

    /// The tile size changes how the work is cut, never the result beyond rounding.
    @Test func convolutionTilesOfAnySizeAgree() {
        let input = Self.random([1, 17, 13, 5]), kernel = Self.random([3, 3, 5, 4], in: -1...1)
        let rows = WindowAxis(input: 17, window: 3, stride: 1, padding: .same), columns = WindowAxis(input: 13, window: 3, stride: 1, padding: .same)
        let direct = convolve2DReference(input, kernel: kernel, bias: nil, rows: rows, columns: columns, groups: 1)
        for tileRows in [1, 7, 64, 221, 1000] {
            let fast = convolve2D(input, kernel: kernel, bias: nil, rows: rows, columns: columns, groups: 1, tileRows: tileRows)
            #expect(parityViolation(fast, direct, label: "tiles of \(tileRows)") == nil)
        }
    }

    @Test(arguments: [(3, 1, 1, Padding.same, 1), (3, 2, 1, .same, 1), (5, 1, 1, .same, 1), (3, 1, 2, .same, 1),
                      (3, 2, 1, .valid, 3), (5, 2, 1, .valid, 2)])
    func depthwiseConvolutionEqualsTheDirectOne(window: Int, stride: Int, dilation: Int, padding: Padding, multiplier: Int) {
        let input = Self.random([2, 21, 18, 7])
        let kernel = Self.random([window, window, 7, multiplier], in: -1...1)
        let rows = WindowAxis(input: 21, window: window, stride: stride, dilation: dilation, padding: padding)
        let columns = WindowAxis(input: 18, window: window, stride: stride, dilation: dilation, padding: padding)
        for bias in [Self.random([7 * multiplier], in: -1...1), nil] {
            let fast = depthwiseConvolve2D(input, kernel: kernel, bias: bias, rows: rows, columns: columns)
            let direct = depthwiseConvolve2DReference(input, kernel: kernel, bias: bias, rows: rows, columns: columns)
            #expect(fast.shape == [2, rows.output, columns.output, 7 * multiplier])
            #expect(parityViolation(fast, direct, label: "depthwise") == nil, "\(parityViolation(fast, direct, label: "depthwise") ?? "")")
        }
    }

    @Test(arguments: [(3, 2, Padding.same), (3, 2, .valid), (2, 2, .valid), (3, 1, .same)])
    func poolingEqualsTheDirectOne(window: Int, stride: Int, padding: Padding) {
        let input = Self.random([2, 19, 16, 9])
        let rows = WindowAxis(input: 19, window: window, stride: stride, padding: padding)
        let columns = WindowAxis(input: 16, window: window, stride: stride, padding: padding)
        for kind in [Pooling2D.Kind.max, .average] {
            let fast = pool2D(input, kind: kind, rows: rows, columns: columns)
            let direct = pool2DReference(input, kind: kind, rows: rows, columns: columns)
            #expect(parityViolation(fast, direct, label: "\(kind) pool") == nil, "\(parityViolation(fast, direct, label: "\(kind) pool") ?? "")")
        }
    }

    /// A NaN in a window is the window's maximum, wherever it stands in the window.
    @Test func maxPoolingKeepsNaN() {
        var input = Self.random([1, 6, 6, 3])
        input.scalars[(2 * 6 + 3) * 3 + 1] = .nan
        let rows = WindowAxis(input: 6, window: 3, stride: 2, padding: .same), columns = rows
        let fast = pool2D(input, kind: .max, rows: rows, columns: columns)
        let direct = pool2DReference(input, kind: .max, rows: rows, columns: columns)
        #expect(fast.scalars.map(\.isNaN) == direct.scalars.map(\.isNaN))
        #expect(fast.scalars.contains { $0.isNaN })
        #expect(zip(fast.scalars, direct.scalars).allSatisfy { $0.isNaN || $0 == $1 })
    }

    @Test func globalPoolingEqualsTheDirectOne() {
        let input = Self.random([3, 9, 7, 11])
        for kind in [Pooling2D.Kind.max, .average] {
            let fast = globalPool(input, kind: kind, outputShape: [11])
            let direct = globalPoolReference(input, kind: kind, outputShape: [11])
            #expect(parityViolation(fast, direct, label: "global \(kind) pool") == nil)
        }
    }
}

/// CKernels's vectorisable exponential against libm's, over its whole range.
@Suite struct ExponentialTests {
    @Test func staysWithinTwoUlpOfLibm() {
        var worst: Float = 0
        for step in 0...400_000 {
            let x = -87.3 + Float(step) * (88.72 + 87.3) / 400_000
            let ours = ll_exp(x), libm = Foundation.exp(x)
            worst = max(worst, abs(ours - libm) / libm.ulp)
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
    }

    @Test func handlesTheEdges() {
        #expect(ll_exp(0) == 1)
        #expect(ll_exp(-.infinity) == 0)
        #expect(ll_exp(-200) == 0)
        #expect(ll_exp(.infinity) == .infinity)
        #expect(ll_exp(89) == .infinity)
        #expect(ll_exp(.nan).isNaN)
        #expect(ll_exp(88.72).isFinite)
        #expect(sigmoid(.nan).isNaN)
        #expect(sigmoid(-200) == 0 && sigmoid(200) == 1)
    }
}

/// eval's per-unit sums (CKernels's register-blocked loop) against the plain
/// row-by-row loop: each unit adds its rows in the same order, so the two agree
/// bit for bit, for unit counts below, at and across the 16-unit stripes and rows
/// that span several cache blocks.
@Suite struct AccumulationTwinTests {
    @Test(arguments: [(1, 1), (7, 3), (16, 5), (17, 300), (40, 2_000), (1_300, 9)])
    func blockedSumsEqualThePlainLoop(units: Int, rows: Int) {
        let values = KernelTwinTests.random([rows, units]).scalars
        var sums = (0..<units).map { Double($0) / 7 }, squares = [Double](repeating: 0.5, count: units), positive = [Int](repeating: 2, count: units)
        var plainSums = sums, plainSquares = squares, plainPositive = positive
        ll_accumulate_rows(values, rows, units, &sums, &squares, &positive)
        for row in 0..<rows {
            for unit in 0..<units {
                let wide = Double(values[row * units + unit])
                plainSums[unit] += wide
                plainSquares[unit] += wide * wide
                plainPositive[unit] += values[row * units + unit] > 0 ? 1 : 0
            }
        }
        #expect(sums == plainSums)
        #expect(squares == plainSquares)
        #expect(positive == plainPositive)
    }
}
