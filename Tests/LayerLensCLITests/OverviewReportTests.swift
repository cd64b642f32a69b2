import Foundation
import LayerLens
@testable import Report
import Testing
import TestSupport

/// Reports at any depth: every truncated keras.applications fixture and a
/// generated 1,002-layer model get a PNG trace report within the page bound,
/// with every layer in the overview, and an HTML report with every layer.
@Suite struct OverviewReportTests {
    /// One file of each architecture fixture, and the generated deep model.
    static let models = (try! FileManager.default.contentsOfDirectory(atPath: Fixtures.path("applications")))
        .filter { $0.hasSuffix("_k3.keras") }.sorted().map { "applications/" + $0 } + ["deep/deep1000_k3.keras"]

    /// The long side the reports keep within: the page limit and the margins.
    static let bound = Int(TraceReport.pageLimit) + 200

    @Test(arguments: models)
    func traceReportOfAnArchitectureFitsThePage(model path: String) throws {
        let model = try loadModel(at: Fixtures.path(path))
        let shape = model.inputShape
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["trace", Fixtures.path(path), Fixtures.path("images/photo_x.jpg"),
                                    "--preprocess", "resize=\(shape[1])x\(shape[0])", "-o", folder + "/report.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let size = try pngSize(folder + "/report.png")
        #expect(size.width <= Self.bound && size.height <= Self.bound, "\(path): \(size)")
        // The HTML report of the same trace holds a section for every layer.
        let html = try layerlens(["trace", Fixtures.path(path), Fixtures.path("images/photo_x.jpg"),
                                  "--preprocess", "resize=\(shape[1])x\(shape[0])", "-o", folder + "/report.html"])
        #expect(html.status == 0, "\(html.stderr)")
        let page = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(page.components(separatedBy: "<section class=\"layer\"").count - 1 == model.nodes.count, "\(path)")
    }

    @Test func overviewPlacesEveryLayerOnceInModelOrder() throws {
        let model = try loadModel(at: Fixtures.path("deep/deep1000_k3.keras"))
        let input = try NumPyFile.read(Fixtures.path("deep/deep1000_input.npy")).tensor
        let trace = try Tracer.trace(model, input: input)
        let health = trace.layers.map(LayerHealth.init(of:))
        let overview = NetworkOverview(model: model, tiles: TraceReport.overviewTiles(trace: trace, health: health), detailed: [], width: 2400)
        let geometry = overview.geometry(fittingHeight: 3000)
        let placed = overview.layout(geometry).placements.flatMap { Array($0.group.nodes) }
        #expect(placed == Array(model.nodes.indices))
        #expect(overview.layout(geometry).height <= 3000)
        // No block names: the stages are the spatial sizes, 16 → 8 → 4 → 2, then the vectors.
        #expect(overview.groups.map(\.title) == ["16×16", "8×8", "4×4", "2×2", "vectors"])
    }

    @Test func deepModelMatchesKerasAtTheEnd() throws {
        let model = try loadModel(at: Fixtures.path("deep/deep1000_k3.keras"))
        #expect(model.nodes.count == 1002)
        let golden = try NumPyFile.readArchive(Fixtures.path("deep/deep1000_golden.npz"))
        let trace = try Tracer.trace(model, input: try #require(golden["input"]).tensor)
        let violation = parityViolation(trace.output, try #require(golden["output"]).tensor, label: "deep1000 output")
        #expect(violation == nil, "\(violation ?? "")")
    }
}
