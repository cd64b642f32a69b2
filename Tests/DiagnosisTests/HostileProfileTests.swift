import Foundation
import LayerLens
import Testing
import TestSupport

/// Inputs and files that must get one clear line, never a crash: NaN inputs, a
/// batch where one input is judged, profiles and parts whose numbers lie.
@Suite struct HostileProfileTests {
    let model = Fixtures.path("models/seed_tf2.h5")

    /// The 600-letter profile as a JSON object, written back by `write`.
    func profileJSON(in folder: String) throws -> [String: Any] {
        let path = folder + "/p.json"
        let result = try layerlens(["profile", model, Fixtures.path("doctor/profile_letters.npz"), "--labels", "A-Z", "--limit", "600", "-o", path])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    func write(_ json: [String: Any], to path: String) throws {
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    }

    func npy(_ values: [Float], shape: [Int], at path: String) throws {
        try NumPyFile.encode(Tensor(shape: shape, scalars: values)).write(to: URL(fileURLWithPath: path))
    }

    @Test func nanInputsAreOutAndTheirScoresAreNull() throws {
        let folder = try Fixtures.temporaryFolder()
        try write(try profileJSON(in: folder), to: folder + "/p.json")
        var values = try SeedDoctor.rows("letters/letters_sample.npz")[0]
        values[300] = .nan
        try npy(values, shape: [784], at: folder + "/nan.npy")
        for command in [["doctor"], ["trace", "--no-report"], ["logits"]] {
            let result = try layerlens([command[0], model, folder + "/nan.npy", "--profile", folder + "/p.json", "--json"] + command.dropFirst())
            #expect(result.status == 0, "\(command): \(result.stderr)")
            let text = result.stdout
            #expect(text.contains("\"verdict\" : \"out\""), "\(command)")
            #expect(text.contains("\"score\" : null"), "\(command): the infinite Mahalanobis distance is null in JSON")
        }
    }

    @Test func aBatchIsRefusedInOneLine() throws {
        let folder = try Fixtures.temporaryFolder()
        try write(try profileJSON(in: folder), to: folder + "/p.json")
        try npy(Array(try SeedDoctor.rows("letters/letters_sample.npz").prefix(3).joined()), shape: [3, 784], at: folder + "/batch.npy")
        let result = try layerlens(["doctor", model, folder + "/batch.npy", "--profile", folder + "/p.json"])
        #expect(result.status == 1 && result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("holds 3 samples"), "\(result.stderr)")
    }

    @Test func profilesWhoseNumbersLieAreRefusedOrHarmless() throws {
        let folder = try Fixtures.temporaryFolder()
        let original = try profileJSON(in: folder)
        let photo = Fixtures.path("doctor/photos/photo_A.jpg")
        func run(_ json: [String: Any]) throws -> CommandResult {
            try write(json, to: folder + "/bad.json")
            return try layerlens(["doctor", model, photo, "--profile", folder + "/bad.json", "--preprocess", "gray,resize=28x28:area,invert"])
        }
        var json = original
        var data = json["data"] as! [String: Any]
        data["class_names"] = ["only"]
        json["data"] = data
        var penultimate = json["penultimate"] as! [String: Any]
        penultimate["class_counts"] = [600]
        penultimate["class_means"] = Array((penultimate["class_means"] as! [Double]).prefix(50))
        json["penultimate"] = penultimate
        json["examples"] = ["labels": [Int](), "inputs": [Double](), "features": [Double]()]
        let classes = try run(json)
        #expect(classes.status == 1 && classes.stderr.contains("a different model"), "\(classes.stderr)")

        json = original
        var energy = json["energy"] as! [String: Any]
        energy["count"] = Int.max
        json["energy"] = energy
        let count = try run(json)
        #expect(count.status == 1 && count.stderr.contains("is malformed"), "\(count.stderr)")

        json = original
        var input = json["input"] as! [String: Any], measures = input["measures"] as! [String: Any]
        var extent = measures["ink_extent"] as! [String: Any]
        extent["values"] = (extent["values"] as! [Double]).map { _ in 1e300 }
        measures["ink_extent"] = extent
        input["measures"] = measures
        json["input"] = input
        let huge = try run(json)
        #expect(huge.status == 0, "a fit box from an absurd ink size is clamped: \(huge.stderr)")
    }

    @Test func partsWhoseCountsLieAreRefused() throws {
        let folder = try Fixtures.temporaryFolder(), path = folder + "/part.json"
        let made = try layerlens(["profile", model, Fixtures.path("letters/letters_sample.csv"), "--limit", "30", "--calibration", "30", "--part", path])
        try #require(made.status == 0, "\(made.stderr)")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json["class_counts"] = [Int.max] + [Int](repeating: 0, count: 25)
        try write(json, to: path)
        let result = try layerlens(["merge-profiles", model, path, "-o", folder + "/p.json"])
        #expect(result.status == 1 && result.stderr.contains("exceed its sample count") && !FileManager.default.fileExists(atPath: folder + "/p.json"),
                "\(result.stderr)")
    }

    @Test func dataWithNaNGivesOneLineAndNoProfile() throws {
        let folder = try Fixtures.temporaryFolder()
        var rows = Array(try SeedDoctor.rows("letters/letters_sample.npz").prefix(20))
        rows[7][100] = .infinity
        let x = Tensor(shape: [20, 784], scalars: Array(rows.joined()))
        let y = Tensor(shape: [20], scalars: (0..<20).map { Float($0 % 26) })
        try NumPyFile.encodeArchive([("x", x), ("y", y)]).write(to: URL(fileURLWithPath: folder + "/inf.npz"))
        let result = try layerlens(["profile", model, folder + "/inf.npz", "-o", folder + "/p.json"])
        #expect(result.status == 1 && result.stderr.contains("NaN or infinite") && !FileManager.default.fileExists(atPath: folder + "/p.json"),
                "\(result.stderr)")
    }
}
