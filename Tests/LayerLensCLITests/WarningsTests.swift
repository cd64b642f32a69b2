import Foundation
import LayerLens
import Testing
import TestSupport

/// The seed case's warnings in every command's JSON and on stderr: its broken pipeline
/// (0..1 where the model was trained on 0..255) against the one that works.
@Suite struct WarningsTests {
    let model = Fixtures.path("models/seed_tf2.h5"), photo = Fixtures.path("images/photo_x.jpg")
    let broken = "gray,scale=1/255,invert,resize=28x28", working = "gray,resize=28x28:area,invert"

    func json(_ arguments: [String], status: Int32 = 0) throws -> (json: [String: Any], stderr: String) {
        let result = try layerlens(arguments + ["--json"])
        #expect(result.status == status, "\(result.stderr)")
        return (try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]), result.stderr)
    }

    func kinds(_ value: Any?) -> [String] { (value as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String } }

    @Test func trace() throws {
        let (bad, stderr) = try json(["trace", model, photo, "--preprocess", broken, "--labels", "A-Z", "--no-report"])
        #expect(kinds(bad["warnings"]) == ["value_range", "near_uniform"])
        #expect(stderr.contains("warning: \(photo): value range changed: raw 0..255 → model input 0..1"))
        #expect(kinds(try json(["trace", model, photo, "--preprocess", working, "--labels", "A-Z", "--no-report"]).json["warnings"]).isEmpty)
    }

    @Test func logits() throws {
        let inputs = ["photo_x.jpg", "photo_p_exif.jpg", "drawing_x.png"].map { Fixtures.path("images/" + $0) }
        let (bad, stderr) = try json(["logits", model] + inputs + ["--preprocess", broken, "--labels", "A-Z"])
        #expect(kinds(bad["warnings"]) == ["same_class"])
        let each = try #require(bad["inputs"] as? [[String: Any]])
        #expect(each.map { kinds($0["warnings"]) } == Array(repeating: ["value_range", "near_uniform"], count: 3))
        #expect(stderr.contains("(and 2 more inputs)") && stderr.contains("warning: all 3 inputs predict the same class, H"))
        let good = try json(["logits", model] + inputs + ["--preprocess", working, "--labels", "A-Z"]).json
        #expect(kinds(good["warnings"]).isEmpty)
        #expect((good["inputs"] as? [[String: Any]] ?? []).allSatisfy { kinds($0["warnings"]).isEmpty })
    }

    @Test func diff() throws {
        let (result, _) = try json(["diff", model, photo, photo, "--preprocess-a", broken, "--preprocess-b", working, "--labels", "A-Z", "--no-report"])
        #expect(kinds(result["warnings"]) == ["value_range", "value_range", "near_uniform"])
        let messages = (result["warnings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(messages.first?.hasPrefix("A enters the model on 0..1, B on 0..255") == true)
        #expect(messages.dropFirst().allSatisfy { $0.hasPrefix("A: ") })
    }

    @Test func eval() throws {
        let csv = Fixtures.path("letters/letters_sample.csv")
        let (bad, stderr) = try json(["eval", model, csv, "--labels", "A-Z", "--preprocess", "invert,scale=1/255"])
        #expect(kinds(bad["warnings"]) == ["same_class"])
        #expect(stderr.contains("samples (88.5%) are predicted as H, the true class of 50 (3.8%)"))
        #expect(kinds(try json(["eval", model, csv, "--labels", "A-Z"]).json["warnings"]).isEmpty)
    }
}
