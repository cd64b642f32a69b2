import Foundation
import LayerLens
import Testing
import TestSupport

/// `trace` and `diff` with a report keep every layer's output: the size is
/// checked against `--memory` before anything runs, with one line saying what to do.
@Suite struct KeptOutputsBudgetTests {
    /// The upsampling fixture with its first layer enlarging 80×80 instead of 2×3: from a 5×4×3 input,
    /// outputs of 400×320×3, 800×640×3 and 2400×1280×3 — with the input 11,136,060 floats
    /// (44,544,240 bytes, 42.5 MiB) per sample. Returns the model and a one-sample input.
    func largeModel() throws -> (model: String, input: String) {
        let folder = try Fixtures.temporaryFolder()
        let archive = try ZipFile(path: Fixtures.path("models/upsampling_k3.keras"))
        let config = String(decoding: try archive.contents(of: "config.json"), as: UTF8.self)
        #expect(config.contains("\"size\": [2, 3]"))
        let members = try ["metadata.json", "model.weights.h5"].map { ArchiveMember(name: $0, data: try archive.contents(of: $0)) }
        let model = folder + "/large.keras"
        try writeDeflatedArchive([ArchiveMember(name: "config.json", data: Data(config.replacingOccurrences(of: "\"size\": [2, 3]", with: "\"size\": [80, 80]").utf8))]
                                 + members, to: model)
        let input = folder + "/input.npy"
        try NumPyFile.encode(Tensor(shape: [5, 4, 3], scalars: (0..<60).map { Float($0) / 60 })).write(to: URL(fileURLWithPath: input))
        return (model, input)
    }

    @Test func aTraceOverTheBudgetIsRefusedBeforeItRuns() throws {
        let (model, input) = try largeModel()
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["trace", model, input, "-o", folder + "/report.png", "--dump", folder + "/dump", "--memory", "32MiB"])
        #expect(result.status == 1)
        #expect(result.stderr == "layerlens: error: \(model): keeping every layer's output needs 42.5 MiB, over the memory budget of 32.0 MiB; give --memory 43MiB\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        // Within the budget it runs.
        let fits = try layerlens(["trace", model, input, "--no-report", "--json", "--memory", "43MiB"])
        #expect(fits.status == 0, "\(fits.stderr)")
    }

    @Test func aDiffReportOverTheBudgetIsRefusedAndTheMetricsAloneAreNot() throws {
        let (model, input) = try largeModel()
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["diff", model, input, input, "-o", folder + "/diff.png", "--memory", "32MiB"])
        #expect(result.status == 1)
        // Two samples kept: 89,088,480 bytes.
        #expect(result.stderr == "layerlens: error: \(model): keeping every layer's output needs 85.0 MiB, over the memory budget of 32.0 MiB; "
            + "give --memory 85MiB, or --no-report (the metrics without keeping the outputs)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let streamed = try layerlens(["diff", model, input, input, "--no-report", "--json", "--memory", "32MiB"])
        #expect(streamed.status == 0, "\(streamed.stderr)")
    }

    @Test func defaultRunsKeepEveryOutputAsBefore() throws {
        let folder = try Fixtures.temporaryFolder()
        let model = Fixtures.path("models/cnn_tf2.h5"), a = Fixtures.path("letters/folder/A/A0.png"), b = Fixtures.path("letters/folder/P/P0.png")
        let trace = try layerlens(["trace", model, a, "-o", folder + "/trace.png", "--dump", folder + "/dump"])
        #expect(trace.status == 0, "\(trace.stderr)")
        let diff = try layerlens(["diff", model, a, b, "-o", folder + "/diff.html"])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == ["trace.png", "dump", "diff.html"])
    }
}
