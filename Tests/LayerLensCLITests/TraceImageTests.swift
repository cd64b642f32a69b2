import Foundation
import LayerLens
import Testing
import TestSupport

@Suite struct TraceImageTests {
    let model = Fixtures.path("models/seed_tf2.h5")

    @Test func writesTheReportToReportsByDefaultAndPrintsItsPath() throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["trace", model, Fixtures.path("images/photo_x.jpg"), "--preprocess", "gray,resize=28x28:area,invert",
                                    "--labels", "A-Z"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("X "))
        #expect(result.stdout.contains("wrote Reports/photo_x.png"))
        let png = try Data(contentsOf: URL(fileURLWithPath: folder + "/Reports/photo_x.png"))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/Reports") == ["photo_x.png"])
    }

    @Test func printsTheJSONContract() throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["trace", model, Fixtures.path("images/photo_p_exif.jpg"), "--labels", "A-Z", "--top", "3",
                                    "--json", "-o", folder + "/r.png", "--dump", folder + "/dump"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["model", "input", "preprocess", "layers", "prediction", "top", "report", "warnings"])
        #expect(json["preprocess"] as? [String] == ["gray", "resize=28x28:bilinear", "flatten"])
        #expect(json["report"] as? String == folder + "/r.png")
        let top = try #require(json["top"] as? [[String: Any]])
        #expect(top.count == 3)
        #expect(Set(top[0].keys) == ["index", "label", "logit", "probability"])
        let layers = try #require(json["layers"] as? [[String: Any]])
        #expect(layers.map { $0["shape"] as? [Int] } == [[1, 200], [1, 150], [1, 100], [1, 50], [1, 26]])
        #expect(FileManager.default.fileExists(atPath: folder + "/r.png"))
        let raw = try NumPyFile.read(folder + "/dump/raw.npy")
        #expect(raw.shape == [675, 637, 3])  // upright: EXIF orientation applied
    }

    @Test func readsACSVRowWithItsLabel() throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["trace", model, Fixtures.path("letters/letters_sample.csv"), "--row", "3", "--labels", "A-Z",
                                    "--json", "-o", folder + "/row.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["preprocess"] as? [String] == ["flatten"])
        // Row 3's label, read independently of LayerLens.
        let line = try String(contentsOfFile: Fixtures.path("letters/letters_sample.csv"), encoding: .utf8).split(separator: "\n")[3]
        let label = Int(line.split(separator: ",")[0])!
        let prediction = try #require(json["prediction"] as? [String: Any])
        #expect(prediction["index"] as? Int == label)  // the seed model gets this held-out row right
    }

    @Test func aCSVRowPastTheEndIsOneLine() throws {
        let data = Fixtures.path("letters/letters_sample.csv")
        let result = try layerlens(["trace", model, data, "--row", "1300", "--no-report"])
        #expect(result.status == 1)
        #expect(result.stderr == "layerlens: error: \(data): has 1300 data rows; row 1300 does not exist (rows count from 0)\n")
    }

    @Test func convolutionalReportsTakeAChannelLimit() throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["trace", Fixtures.path("models/cnn_k3.keras"), Fixtures.path("images/drawing_x.png"),
                                    "--preprocess", "gray,resize=28x28:area,invert", "--max-channels", "4", "--labels", "A-Z", "-o", folder + "/cnn.png"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("X "))
        #expect(FileManager.default.fileExists(atPath: folder + "/cnn.png"))
        #expect(try layerlens(["trace", Fixtures.path("models/cnn_k3.keras"), Fixtures.path("images/drawing_x.png"), "--max-channels", "0"]).status == 64)
    }

    @Test func decodesAMisnamedPNGAndSaysSo() throws {
        let folder = try Fixtures.temporaryFolder()
        try FileManager.default.copyItem(atPath: Fixtures.path("images/drawing_x.png"), toPath: folder + "/really_png.jpg")
        let result = try layerlens(["trace", model, folder + "/really_png.jpg", "-o", folder + "/r.png"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/r.png"))
    }
}

/// Bad images and options: one line on stderr naming the file or option, a
/// non-zero exit, and no report written.
@Suite struct BadImageTests {
    let model = Fixtures.path("models/seed_tf2.h5")

    func expectFailure(_ arguments: [String], status: Int32 = 1, saying problem: String, report: String) throws {
        let result = try layerlens(arguments + ["-o", report])
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("layerlens: error: "))
        #expect(result.stderr.contains(problem), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: report))
    }

    @Test func corruptTruncatedAndUnsupportedImages() throws {
        let folder = try Fixtures.temporaryFolder()
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("images/photo_x.jpg")))
        let png = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("images/drawing_x.png")))
        let files: [(String, Data, String)] = [
            ("cut.jpg", jpeg.prefix(jpeg.count / 3), "is a corrupt or truncated JPEG"),
            ("cut.png", png.prefix(png.count / 3), "is a corrupt or truncated PNG"),
            ("noise.png", Data((0..<500).map { UInt8($0 % 251) }), "is not an image (PNG, JPEG), a NumPy .npy array or a CSV data set"),
            ("empty.png", Data(), "the file is empty"),
        ]
        for (name, bytes, problem) in files {
            try bytes.write(to: URL(fileURLWithPath: folder + "/" + name))
            try expectFailure(["trace", model, folder + "/" + name], saying: folder + "/" + name + ": " + problem, report: folder + "/r.png")
        }
        try expectFailure(["trace", model, Fixtures.path("images/cmyk.jpg")], saying: "CMYK", report: folder + "/r.png")
        try expectFailure(["trace", model, Fixtures.path("images/photo_x.jpg"), "--max-pixels", "1000"],
                          saying: "is 637×675 = 429975 pixels, over the limit of 1000", report: folder + "/r.png")
    }

    @Test func badOptions() throws {
        let folder = try Fixtures.temporaryFolder()
        let image = Fixtures.path("images/drawing_x.png")
        try expectFailure(["trace", model, image, "--labels", "a-j"], saying: "--labels gives 10 labels, but the model has 26 outputs",
                          report: folder + "/r.png")
        try expectFailure(["trace", model, image, "--preprocess", "gray,resize=0x5"], status: 64,
                          saying: "preprocessing step 'resize=0x5'", report: folder + "/r.png")
        try expectFailure(["trace", model, image, "--preprocess", "gray,sharpen"], status: 64,
                          saying: "preprocessing step 'sharpen': unknown step", report: folder + "/r.png")
        try expectFailure(["trace", model, Fixtures.path("letters/letter_A.npy"), "--preprocess", "gray"],
                          saying: "--preprocess does not apply", report: folder + "/r.png")
        try expectFailure(["trace", model, Fixtures.path("letters/letters_sample.csv"), "--row", "999999"],
                          saying: "row 999999 does not exist", report: folder + "/r.png")
    }
}

/// Models of several inputs take one INPUT each; graphs are traced call by call.
@Suite struct GraphTraceTests {
    @Test func tracesATwoInputModel() throws {
        let folder = try Fixtures.temporaryFolder()
        let goldens = try NumPyFile.readArchive(Fixtures.path("goldens/siamese_tf2.npz"))
        for index in 0..<2 {
            let rows = try #require(goldens["input_\(index)"]).tensor.batch(0..<1)
            try NumPyFile.encode(rows).write(to: URL(fileURLWithPath: folder + "/in\(index).npy"))
        }
        let model = Fixtures.path("models/siamese_tf2.h5")
        let result = try layerlens(["trace", model, folder + "/in0.npy", folder + "/in1.npy", "--json", "-o", folder + "/r.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let layers = try #require(json["layers"] as? [[String: Any]])
        #expect(layers.count == 14)
        #expect(layers.contains { ($0["name"] as? String)?.hasPrefix("encoder#2/") == true })
        #expect(FileManager.default.fileExists(atPath: folder + "/r.png"))

        let missing = try layerlens(["trace", model, folder + "/in0.npy", "-o", folder + "/r2.png"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "layerlens: error: \(model): the model has 2 input(s) (left, right); give one INPUT for each, 1 given\n")
        #expect(!FileManager.default.fileExists(atPath: folder + "/r2.png"))
    }
}
