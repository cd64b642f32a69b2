import Foundation
import LayerLens
@testable import Report
import Testing
import TestSupport

@Suite struct EvalReportTests {
    /// The height in a PNG's IHDR chunk.
    func pngHeight(_ png: Data) -> Int { png[20..<24].reduce(0) { $0 << 8 | Int($1) } }

    /// Every layer is in the overview, the page stays within its bound, and
    /// the output and the layer before it are drawn in full.
    @Test func aModelWithManyLayersFitsThePageWithEveryLayer() throws {
        let layers = (0..<120).map { (name: "dense_\($0)", className: "Dense", sampleShape: [64]) }
        let statistics = EvalStatistics(model: "model.h5", data: "data.csv", classNames: (0..<10).map(String.init), topK: 3,
                                        probabilityKind: .softmax, layers: layers)
        let png = try EvalReport.render(EvalMetrics(statistics))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(pngHeight(png) <= Int(TraceReport.pageLimit) + 200)
        let metrics = EvalMetrics(statistics)
        #expect(EvalReport.overviewTiles(metrics).count == 120)
        // With no samples no unit was ever above 0: every layer is all dead, so the three
        // deadest are the first three (ties go to the earlier layer), beside the last two.
        #expect(EvalReport.layersToLookAt(metrics) == [0, 1, 2, 118, 119])
    }
}
