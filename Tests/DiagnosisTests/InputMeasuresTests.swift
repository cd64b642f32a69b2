import Testing
@testable import Diagnosis

/// Input measures of drawn images whose properties are known by construction.
@Suite struct InputMeasuresTests {
    /// A 28×28 image of `background` with a `side`-pixel square of `ink` whose top-left corner is at (top, left).
    func square(side: Int, top: Int, left: Int, ink: Float = 255, background: Float = 0) -> [Float] {
        var pixels = [Float](repeating: background, count: 28 * 28)
        for y in top..<(top + side) { for x in left..<(left + side) { pixels[y * 28 + x] = ink } }
        return pixels
    }

    func measures(_ pixels: [Float]) -> InputMeasures { InputMeasures(pixels: pixels, height: 28, width: 28, channels: 1) }

    @Test func aCentredSquare() {
        let m = measures(square(side: 14, top: 7, left: 7))
        #expect(m[.minimum] == 0 && m[.maximum] == 255 && m[.background] == 0)
        #expect(abs(m[.mean] - 255 * 196 / 784) < 1e-9)
        #expect(m[.polarity] == 1)  // the centre half is all ink
        #expect(abs(m[.inkExtent] - 0.5) < 1e-12 && abs(m[.inkFraction] - 0.25) < 1e-12)
        #expect(abs(m[.centreRow]) < 1e-12 && abs(m[.centreColumn]) < 1e-12)
        #expect(m[.contrast] == 255)
        #expect(m[.sharpness] >= 1)  // hard edges: forward differences of a 0→1 step
        #expect(m[.noise] == 0)
    }

    @Test func darkInkOnLightPaperHasNegativePolarity() {
        #expect(measures(square(side: 14, top: 7, left: 7, ink: 0, background: 255))[.polarity] == -1)
    }

    @Test func aShiftedSquareMovesTheCentreOfMass() {
        let m = measures(square(side: 6, top: 2, left: 18))
        // Centre at row 4.5, column 20.5; the image centre is 13.5.
        #expect(abs(m[.centreRow] - (4.5 - 13.5) / 28) < 1e-12)
        #expect(abs(m[.centreColumn] - (20.5 - 13.5) / 28) < 1e-12)
        #expect(abs(m[.inkExtent] - 6.0 / 28) < 1e-12)
    }

    @Test func aRangeScaledTo0Through1KeepsTheScaleFreeMeasures() {
        let full = measures(square(side: 10, top: 5, left: 9))
        let unit = measures(square(side: 10, top: 5, left: 9).map { $0 / 255 })
        #expect(unit[.maximum] == 1)
        for measure: InputMeasure in [.polarity, .inkExtent, .inkFraction, .centreRow, .centreColumn, .sharpness] {
            #expect(abs(full[measure] - unit[measure]) < 1e-9, "\(measure)")
        }
    }

    @Test func blurSoftensTheEdgesAndGrainShowsAsNoise() {
        var blurred = square(side: 12, top: 8, left: 8)
        let sharp = blurred
        for _ in 0..<2 {  // two passes of a 3×3 box filter
            var next = blurred
            for y in 1..<27 {
                for x in 1..<27 {
                    var sum: Float = 0
                    for dy in -1...1 { for dx in -1...1 { sum += blurred[(y + dy) * 28 + x + dx] } }
                    next[y * 28 + x] = sum / 9
                }
            }
            blurred = next
        }
        #expect(measures(blurred)[.sharpness] < 0.7 * measures(sharp)[.sharpness])
        var grain = sharp
        for i in grain.indices where grain[i] == 0 { grain[i] = Float((i * 7919) % 23) }  // up to 22 grey levels of grain
        #expect(measures(grain)[.noise] > 0.05)
    }

    @Test func aBlankImageMeasuresNoInk() {
        let m = measures([Float](repeating: 3, count: 784))
        #expect(m[.inkFraction] == 0 && m[.inkExtent] == 0 && m[.sharpness] == 0 && m[.polarity] == 0)
    }
}
