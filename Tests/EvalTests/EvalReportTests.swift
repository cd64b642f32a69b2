import Foundation
import LayerLens
import Testing
import TestSupport

@Suite struct EvalReportTests {
    /// The height in a PNG's IHDR chunk.
    func pngHeight(_ png: Data) -> Int { png[20..<24].reduce(0) { $0 << 8 | Int($1) } }

    @Test func aModelWithManyLayersStillGivesAReport() throws {
        let layers = (0..<120).map { (name: "dense_\($0)", className: "Dense", sampleShape: [64]) }
        let statistics = EvalStatistics(model: "model.h5", data: "data.csv", classNames: (0..<10).map(String.init), topK: 3,
                                        probabilityKind: .softmax, layers: layers)
        let png = try EvalReport.render(EvalMetrics(statistics))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(pngHeight(png) <= 32_767)
        #expect(pngHeight(png) > 20_000)
    }
}
