import Foundation
import LayerLens
import Testing
import TestSupport

/// A photo of 10,000 × 10,000 pixels: 300 MB as decoded bytes, 1.2 GB as floats.
@Suite struct LargeInputTests {
    @Test func aHundredMegapixelPhotoTracesInUnderAGibibyte() throws {
        let folder = try Fixtures.temporaryFolder()
        let side = 10_000
        try encodePNG(rgb: [UInt8](repeating: 0, count: side * side * 3), width: side, height: side)
            .write(to: URL(fileURLWithPath: folder + "/large.png"))
        let run = try layerlensPeakMemory(["trace", Fixtures.path("models/seed_tf2.h5"), folder + "/large.png",
                                           "--preprocess", "gray,resize=28x28:area,invert", "-o", folder + "/large_report.png"])
        #expect(run.status == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/large_report.png"))
        #expect(run.peakBytes < 1 << 30, "peak resident memory \(run.peakBytes >> 20) MiB")
    }
}
