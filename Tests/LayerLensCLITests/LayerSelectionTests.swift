import Foundation
import LayerLens
@testable import Report
import Testing
import TestSupport

/// `--layers` on `trace` and `diff`: a deep network whose full report is too tall
/// to draw is drawn for the layers chosen, and the header says which.
@Suite struct LayerSelectionTests {
    /// NASNetLarge (truncated fixture, 362 nodes): its full trace report is 54,367 pixels tall.
    let deepModel = Fixtures.path("applications/nasnetlarge_k3.keras")
    let photo = Fixtures.path("images/photo_x.jpg")
    let hint = "; choose the layers to draw with --layers (e.g. --layers last:20)\n"

    /// The width and height in a PNG's IHDR chunk.
    func pngSize(_ path: String) throws -> (width: Int, height: Int) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(24))
        try #require(bytes.count == 24 && bytes[0..<4] == [0x89, 0x50, 0x4E, 0x47] && bytes[12..<16] == Array("IHDR".utf8)[...])
        let number = { (offset: Int) in bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (number(16), number(20))
    }

    /// The height in `layerlens: error: a W×H picture is too large to draw …`.
    func failingHeight(_ stderr: String) throws -> Int {
        let size = try #require(stderr.split(separator: " ").first { $0.contains("×") })
        return try #require(Int(size.split(separator: "×")[1]))
    }

    @Test func traceOfADeepNetworkDrawsTheSelectedLayersAndSaysWhich() throws {
        let folder = try Fixtures.temporaryFolder()
        let full = try layerlens(["trace", deepModel, photo, "-o", folder + "/full.png"])
        #expect(full.status == 1)
        #expect(full.stderr.hasPrefix("layerlens: error: a 1548×"))
        #expect(full.stderr.hasSuffix("picture is too large to draw (at most 32767 pixels a side)" + hint))
        let oldHeight = try failingHeight(full.stderr)
        #expect(oldHeight > 32767)
        #expect(!FileManager.default.fileExists(atPath: folder + "/full.png"))

        let result = try layerlens(["trace", deepModel, photo, "--layers", "last:20", "-o", folder + "/last.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let size = try pngSize(folder + "/last.png")
        #expect(size.height < oldHeight)
        #expect(size.height <= 32767)

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

    @Test func diffDrawsTheSelectedLayerRows() throws {
        let folder = try Fixtures.temporaryFolder()
        let pair = ["diff", deepModel, photo, photo, "--preprocess-a", "resize=32x32", "--preprocess-b", "resize=32x32,invert"]
        let full = try layerlens(pair + ["-o", folder + "/full.png"])
        #expect(full.status == 1)
        #expect(full.stderr.hasSuffix(hint))
        let result = try layerlens(pair + ["--layers", "class:Dense,-3:", "-o", folder + "/d.png"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try pngSize(folder + "/d.png").height < (try failingHeight(full.stderr)))
        #expect(result.stdout.contains("predictions"))  // the printed table keeps every layer
        #expect(result.stdout.contains("normal_concat_3"))
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
