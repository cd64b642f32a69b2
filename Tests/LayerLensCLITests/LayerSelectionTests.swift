import Foundation
import LayerLens
@testable import Report
import Testing
import TestSupport

/// `--layers` on `trace`, `diff` and `eval`: a deep network's report is the
/// overview of every layer plus, in full, the layers chosen; the header says which.
@Suite struct LayerSelectionTests {
    /// NASNetLarge (truncated fixture, 362 nodes): drawn whole, its trace report was 54,367 pixels tall.
    let deepModel = Fixtures.path("applications/nasnetlarge_k3.keras")
    let photo = Fixtures.path("images/photo_x.jpg")

    @Test func traceOfADeepNetworkFitsThePageAndDrawsTheSelectedLayers() throws {
        let folder = try Fixtures.temporaryFolder()
        let overview = try layerlens(["trace", deepModel, photo, "-o", folder + "/overview.png"])
        #expect(overview.status == 0, "\(overview.stderr)")
        let size = try pngSize(folder + "/overview.png")
        #expect(size.height <= 4200 && size.width <= 4200, "\(size)")

        let result = try layerlens(["trace", deepModel, photo, "--layers", "last:20", "-o", folder + "/last.png"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try pngSize(folder + "/last.png").height <= 32767)

        // The same report drawn through the library is the file's bytes, and its header names the selection.
        let model = try loadModel(at: deepModel)
        let input = try loadInput(photo, for: model)
        let trace = try Tracer.trace(model, input: input.tensor)
        let prediction = Prediction(trace: trace, model: model)
        let content = TraceReportContent(modelPath: deepModel, model: model, input: input, groundTruth: nil)
        let selection = try LayerSelector(parsing: "last:20").select(in: model)
        let png = try TraceReport.render(content, trace: trace, prediction: prediction,
                                         options: TraceReportOptions(top: 3, layers: selection))
        #expect(png == (try Data(contentsOf: URL(fileURLWithPath: folder + "/last.png"))))
        let header = TraceReport.headerLines(content, prediction: prediction, layers: selection).map(\.text)
        #expect(header.contains("Layers drawn: last:20 (20 of 362)"))
        #expect(TraceReport.mapBlocks(selection.nodeIndexes, trace: trace, model: model, prediction: prediction, options: TraceReportOptions(layers: selection))
            .map { String($0.titles[0].split(separator: " ")[0]) } == (342..<362).map { "#\($0)" })
    }

    @Test func jsonAndDumpKeepEveryLayer() throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["trace", Fixtures.path("models/residual_k3.keras"), Fixtures.path("images/drawing_x.png"),
                                    "--layers", "conv_a", "--json", "--dump", folder + "/dump", "-o", folder + "/r.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((json["layers"] as? [Any])?.count == 12)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/dump").filter { $0.hasSuffix(".npy") }.count == 12 + 2)
    }

    @Test func diffOfADeepNetworkFitsThePage() throws {
        let folder = try Fixtures.temporaryFolder()
        let pair = ["diff", deepModel, photo, photo, "--preprocess-a", "resize=32x32", "--preprocess-b", "resize=32x32,invert"]
        let overview = try layerlens(pair + ["-o", folder + "/overview.png"])
        #expect(overview.status == 0, "\(overview.stderr)")
        let size = try pngSize(folder + "/overview.png")
        #expect(size.height <= 4200 && size.width <= 4200, "\(size)")
        let result = try layerlens(pair + ["--layers", "class:Dense,-3:", "-o", folder + "/d.png"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("predictions"))  // the printed table keeps every layer
        #expect(result.stdout.contains("normal_concat_3"))
    }

    @Test func evalTakesASelectorByLayerName() throws {
        let folder = try Fixtures.temporaryFolder()
        let model = Fixtures.path("models/cnn_k3.keras"), data = Fixtures.path("letters/folder")
        let chosen = try layerlens(["eval", model, data, "--labels", "A-Z", "--layers", "conv*", "-o", folder + "/e.png"])
        #expect(chosen.status == 0, "\(chosen.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/e.png"))
        let unmatched = try layerlens(["eval", model, data, "--labels", "A-Z", "--layers", "nope", "-o", folder + "/f.png"])
        #expect(unmatched.status == 64)
        #expect(unmatched.stderr.hasPrefix("layerlens: error: --layers: 'nope' matches none of the model's"), "\(unmatched.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/f.png"))
    }

    @Test func badSelectorsAreUsageErrorsNamingTheTerm() throws {
        let model = Fixtures.path("models/residual_k3.keras"), drawing = Fixtures.path("images/drawing_x.png")
        let cases = [
            ("conv_*,nope", "layerlens: error: --layers: 'nope' matches none of the model's 12 layers"),
            ("pool,,gap", "layerlens: error: --layers: term 2 is empty"),
            ("last:x", "layerlens: error: --layers: 'last:x': last: needs a whole number of layers, 1 or more"),
            ("1:99999999999999999999", "layerlens: error: --layers: '1:99999999999999999999': 99999999999999999999 is out of range"),
        ]
        for (selector, message) in cases {
            for command in [["trace", model, drawing], ["diff", model, drawing, drawing]] {
                let result = try layerlens(command + ["--layers", selector, "--no-report"])
                #expect(result.status == 64, "\(command[0]) \(selector)")
                #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
            }
        }
    }
}
