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

    /// A 1,000-class run draws its confusion matrix, per-class rows and class means
    /// for the 40 classes with the most errors, most first, instead of a matrix
    /// 8,000 pixels high; the HTML report's matrix has as many cells.
    @Test func manyClassesShowTheClassesWithTheMostErrors() throws {
        let classes = 1_000
        var statistics = EvalStatistics(model: "model.h5", data: "data.npy", classNames: (0..<classes).map { "class \($0)" }, topK: 5,
                                        probabilityKind: .softmax, layers: [(name: "logits", className: "Dense", sampleShape: [classes])])
        // Two samples of every class, right but for classes 500..<520, whose samples are all taken for class 7.
        let labels = (0..<(2 * classes)).map { $0 % classes }
        let predicted = labels.map { (500..<520).contains($0) ? 7 : $0 }
        var probabilities = [Float](repeating: 0, count: labels.count * classes)
        for (sample, guess) in predicted.enumerated() { probabilities[sample * classes + guess] = 1 }
        statistics.add(input: Tensor(shape: [labels.count, 4], repeating: 0.5), probabilities: probabilities, logits: nil,
                       labels: labels, sampleIDs: Array(labels.indices))
        statistics.addLayer(0, output: Tensor(shape: [labels.count, classes], scalars: probabilities), labels: labels)
        let metrics = EvalMetrics(statistics)
        let shown = EvalReport.shownClasses(metrics)
        #expect(shown.count == EvalReport.classLimit)
        // Class 7 takes 40 wrong predictions; 500..<520 lose 2 each; the rest, error-free, follow by index.
        #expect(shown == [7] + Array(500..<520) + Array(0..<7) + Array(8..<20))
        let png = try EvalReport.render(metrics)
        #expect(pngHeight(png) < 4_000, "\(pngHeight(png)) pixels")
        let html = EvalHTMLReport.classes(metrics)
        #expect(html.components(separatedBy: "<td style=").count - 1 == 40 * 40)
        #expect(html.contains("the 40 classes with the most errors (as true or predicted class) of 1,000, most first"))
        // A run with few classes shows them all, in order.
        let letters = EvalStatistics(model: "model.h5", data: "data.csv", classNames: (0..<26).map(String.init), topK: 3,
                                     probabilityKind: .softmax, layers: [])
        #expect(EvalReport.shownClasses(EvalMetrics(letters)) == Array(0..<26))
    }
}
