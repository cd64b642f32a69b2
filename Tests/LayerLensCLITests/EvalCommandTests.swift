import Foundation
import LayerLens
import Testing
import TestSupport

@Suite struct EvalCommandTests {
    let model = Fixtures.path("models/seed_tf2.h5")
    let sample = Fixtures.path("letters/letters_sample.csv")

    func json(_ result: CommandResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// Keras's own numbers for the seed model on the sample (Fixtures/make_fixtures.py).
    func golden() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("goldens/eval_seed_tf2.json")))) as? [String: Any])
    }

    @Test func printsEveryNumberAsJSON() throws {
        let result = try layerlens(["eval", model, sample, "--labels", "A-Z", "--json", "--no-report"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let output = try json(result), keras = try golden()
        #expect(output["count"] as? Int == 1300)
        #expect(output["model"] as? String == model)
        #expect(abs((output["accuracy"] as? Double ?? 0) - (keras["accuracy"] as? Double ?? 1)) <= 1e-6)
        #expect(abs((output["top_k_accuracy"] as? Double ?? 0) - (keras["top_k_accuracy"] as? Double ?? 1)) <= 1e-6)
        #expect(abs((output["ece"] as? Double ?? 0) - (keras["ece"] as? Double ?? 1)) <= 1e-6)
        #expect(output["confusion"] as? [[Int]] == keras["confusion"] as? [[Int]])
        let perClass = try #require(output["per_class"] as? [[String: Any]])
        #expect(perClass.map { $0["label"] as? String } == (65...90).map { String(UnicodeScalar(UInt8($0))) })
        #expect(perClass.map { $0["support"] as? Int } == (keras["support"] as? [Int])?.map { $0 })
        let layers = try #require(output["layers"] as? [[String: Any]]), kerasLayers = try #require(keras["layers"] as? [[String: Any]])
        #expect(layers.map { $0["name"] as? String } == kerasLayers.map { $0["name"] as? String })
        #expect(layers.map { $0["dead_units"] as? [Int] } == kerasLayers.map { $0["dead_units"] as? [Int] })
        #expect(layers.map { $0["always_active_units"] as? [Int] } == kerasLayers.map { $0["always_active_units"] as? [Int] })
        #expect(layers.map { ($0["mean"] as? [Double])?.count } == [200, 150, 100, 50, 26])
        #expect(layers.map { ($0["std"] as? [Double])?.count } == [200, 150, 100, 50, 26])
    }

    /// A small `--memory` budget traces the letters CNN a few samples at a time
    /// (its per-sample outputs take about 0.5 MB), with the same results as the
    /// default; a budget outside 16MiB…1TiB is a usage error.
    @Test func aMemoryBudgetChangesHowNotWhat() throws {
        let cnn = Fixtures.path("models/cnn_tf2.h5")
        #expect(MemoryPlan(model: try loadModel(at: cnn), budget: 16 << 20).chunkSize < Tracer.chunkSize)
        let base = ["eval", cnn, sample, "--labels", "A-Z", "--json", "--no-report"]
        let standard = try json(try layerlens(base)), tight = try json(try layerlens(base + ["--memory", "16MiB"]))
        #expect(tight["accuracy"] as? Double == standard["accuracy"] as? Double)
        #expect(tight["confusion"] as? [[Int]] == standard["confusion"] as? [[Int]])
        for size in ["12", "2TiB", "1.5GiB", "lots"] {
            let result = try layerlens(base + ["--memory", size])
            #expect(result.status == 64, "--memory \(size)")
            #expect(result.stderr.contains("--memory"), "\(result.stderr)")
        }
    }

    @Test func writesTheReportAndASummary() throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["eval", model, sample, "--labels", "A-Z"], in: folder)
        #expect(result.status == 0)
        #expect(result.stdout.contains("1,300 samples"))
        #expect(result.stdout.contains("accuracy 93.85%"))
        #expect(result.stdout.contains("wrote Reports/eval_letters_sample.png"))
        let png = try Data(contentsOf: URL(fileURLWithPath: folder + "/Reports/eval_letters_sample.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func shardPartsMergeIntoTheSingleRunsJSON() throws {
        let folder = try Fixtures.temporaryFolder()
        for index in 0..<2 {
            let part = try layerlens(["eval", model, sample, "--labels", "A-Z", "--shard", "\(index)/2", "--part", "\(folder)/p\(index).json", "--no-report"])
            #expect(part.status == 0)
        }
        var merged = try json(try layerlens(["merge", "\(folder)/p1.json", "\(folder)/p0.json", "--json", "--no-report"]))
        var single = try json(try layerlens(["eval", model, sample, "--labels", "A-Z", "--json", "--no-report"]))
        #expect(merged["shards"] as? [String] == ["0/2", "1/2"])
        merged["shards"] = nil
        single["shards"] = nil
        #expect(NSDictionary(dictionary: merged).isEqual(to: single))
        let missing = try layerlens(["merge", "\(folder)/p0.json", "--no-report"])
        #expect(missing.stderr.contains("warning: parts 1/2 are missing"))
    }

    /// A CSV of the sample's first rows with four bad rows among them.
    func badCSV() throws -> String {
        let lines = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n").prefix(20).map(String.init)
        let pixels = lines[0].split(separator: ",").dropFirst()
        var text = lines[0..<5].joined(separator: "\n") + "\n"
        text += "3," + pixels.dropLast().joined(separator: ",") + "\n"                      // line 6: a short row
        text += "3,x" + "," + pixels.dropFirst().joined(separator: ",") + "\n"              // line 7: not a number
        text += "30," + pixels.joined(separator: ",") + "\n"                                // line 8: no such class
        text += "3,300," + pixels.dropFirst().joined(separator: ",") + "\n"                 // line 9: not a pixel
        text += lines[5..<20].joined(separator: "\n") + "\n"
        let path = try Fixtures.temporaryFolder() + "/data.csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func badRowsAreSkippedCountedAndListedWithTheirLines() throws {
        let data = try badCSV()
        let result = try layerlens(["eval", model, data, "--json", "--no-report"])
        #expect(result.status == 0)
        let output = try json(result)
        #expect(output["count"] as? Int == 20)
        #expect(output["skipped"] as? Int == 4)
        let stderr = result.stderr.split(separator: "\n").map(String.init)
        #expect(stderr == [
            "layerlens: skipped: \(data): line 6: 784 cells where the rows before have 785",
            "layerlens: skipped: \(data): line 7: column 2: 'x' is not a whole number",
            "layerlens: skipped: \(data): line 8: label 30 is outside 0..25",
            "layerlens: skipped: \(data): line 9: column 2: pixel value 300 is outside 0..255",
            "layerlens: warning: 4 samples skipped; --strict stops at the first",
        ])
    }

    @Test func strictStopsAtTheFirstBadRowAndWritesNothing() throws {
        let folder = try Fixtures.temporaryFolder()
        let data = try badCSV()
        let result = try layerlens(["eval", model, data, "--strict", "-o", "report.png", "--part", "part.json"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "layerlens: error: \(data): line 6: 784 cells where the rows before have 785\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func anEmptyOrMissingDataSetIsOneLine() throws {
        let empty = try Fixtures.temporaryFolder() + "/empty.csv"
        FileManager.default.createFile(atPath: empty, contents: Data())
        let result = try layerlens(["eval", model, empty, "--no-report"])
        #expect(result.status == 1)
        #expect(result.stderr == "layerlens: error: \(empty): the file is empty\n")
        let missing = try layerlens(["eval", model, "/no/such.csv"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "layerlens: error: /no/such.csv: no such file or folder\n")
        let image = try layerlens(["eval", model, Fixtures.path("images/photo_x.jpg")])
        #expect(image.status == 1)
        #expect(image.stderr.hasPrefix("layerlens: error: \(Fixtures.path("images/photo_x.jpg")): is not a data set"))
    }

    @Test func anImageFolderWithAnUnreadableFileSkipsIt() throws {
        let folder = try Fixtures.temporaryFolder() + "/letters"
        for letter in ["A", "B"] {
            try FileManager.default.createDirectory(atPath: "\(folder)/\(letter)", withIntermediateDirectories: true)
            for index in 0..<4 {
                try FileManager.default.copyItem(atPath: Fixtures.path("letters/folder/\(letter)/\(letter)\(index).png"), toPath: "\(folder)/\(letter)/\(letter)\(index).png")
            }
        }
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: "\(folder)/A/broken.png"))
        let result = try layerlens(["eval", model, folder, "--labels", "A-Z", "--json", "--no-report"])
        #expect(result.status == 0)
        let output = try json(result)
        #expect(output["count"] as? Int == 8)
        #expect(output["skipped"] as? Int == 1)
        #expect(result.stderr.hasPrefix("layerlens: skipped: \(folder)/A/broken.png: "))
        let confusion = try #require(output["confusion"] as? [[Int]])
        #expect(confusion[0].reduce(0, +) == 4 && confusion[1].reduce(0, +) == 4)  // A and B are classes 0 and 1 of A-Z
        let strict = try layerlens(["eval", model, folder, "--labels", "A-Z", "--strict", "--no-report"])
        #expect(strict.status == 1)
        #expect(strict.stderr.hasPrefix("layerlens: error: \(folder)/A/broken.png: "))
        #expect(strict.stderr.split(separator: "\n").count == 1)
        let unlabelled = try layerlens(["eval", model, folder, "--no-report"])
        #expect(unlabelled.stderr == "layerlens: error: \(folder) has 2 class folders but the model's output 'dense_4' has 26 units; give --labels naming every output\n")
    }

    @Test func readsTheLabelFromAnotherColumn() throws {
        let rows = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n").map { line -> String in
            let cells = line.split(separator: ",")
            return (cells.dropFirst() + [cells[0]]).joined(separator: ",")
        }
        let path = try Fixtures.temporaryFolder() + "/label_last.csv"
        try Data(("p" + (0..<784).map(String.init).joined(separator: ",p") + ",label\n" + rows.joined(separator: "\n")).utf8).write(to: URL(fileURLWithPath: path))
        let output = try json(try layerlens(["eval", model, path, "--label-column", "785", "--json", "--no-report"]))
        #expect(output["count"] as? Int == 1300)
        #expect(output["confusion"] as? [[Int]] == (try golden())["confusion"] as? [[Int]])
    }

    @Test func samplesOfTheWrongWidthAreOneLine() throws {
        let path = try Fixtures.temporaryFolder() + "/narrow.csv"
        try Data("1,0,0,0\n2,255,255,255\n".utf8).write(to: URL(fileURLWithPath: path))
        let result = try layerlens(["eval", model, path, "--no-report"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("layerlens: error: \(path): samples have 3 values but the model's input"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func usageErrorsAreOneLine() throws {
        for arguments in [["--shard", "2/2", "--part", "p.json"], ["--shard", "0/2"], ["--top-k", "0"], ["--sample", "10", "--shard", "0/2", "--part", "p"]] {
            let result = try layerlens(["eval", model, sample] + arguments)
            #expect(result.status == 64)
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }
}
