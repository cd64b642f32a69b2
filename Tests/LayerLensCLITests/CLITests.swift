import Foundation
import LayerLens
import Testing
import TestSupport

/// `layerlens --version` prints the version alone, on stdout, and succeeds.
@Test func versionIsPrinted() throws {
    let result = try layerlens(["--version"])
    #expect(result.status == 0)
    #expect(result.stdout == layerLensVersion + "\n")
    #expect(result.stdout.split(separator: ".").count == 3)
}

@Suite struct SummaryCommandTests {
    @Test func printsTheKerasStyleTable() throws {
        let result = try layerlens(["summary", Fixtures.path("models/seed_tf2.h5")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Total params: 208,626"))
        #expect(result.stdout.contains("dense_4  Dense  (None, 26)"))
        #expect(result.stderr.isEmpty)
    }

    @Test func printsTheJSONContract() throws {
        let result = try layerlens(["summary", Fixtures.path("models/seed_k3.keras"), "--json"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["total_params"] as? Int == 208_626)
        #expect(json["producer"] as? String == "Keras")
        #expect(json["producer_version"] as? String == "3.15.1")
        #expect(json["format"] as? String == "keras")
        #expect(json["model"] as? String == Fixtures.path("models/seed_k3.keras"))
        let layers = try #require(json["layers"] as? [[String: Any]])
        #expect(layers.map { $0["name"] as? String } == ["dense", "dense_1", "dense_2", "dense_3", "dense_4"])
        #expect(layers.first?["class"] as? String == "Dense")
        #expect(layers.first?["activation"] as? String == "relu")
        #expect(layers.last?["activation"] as? String == "linear")
        #expect(layers.first?["params"] as? Int == 157_000)
        let shape = try #require(layers.first?["output_shape"] as? [Any])
        #expect(shape.count == 2 && shape[0] is NSNull && shape[1] as? Int == 200)
    }
}

@Suite struct TraceCommandTests {
    @Test func dumpsEveryLayerAsKerasComputedIt() throws {
        let folder = try Fixtures.temporaryFolder() + "/dump"
        let result = try layerlens(["trace", Fixtures.path("models/seed_tf2.h5"), Fixtures.path("letters/letter_A.npy"), "--dump", folder, "--no-report"])
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))) as? [String: Any])
        let layers = try #require(manifest["layers"] as? [[String: Any]])
        #expect(layers.map { $0["file"] as? String } == ["0_dense.npy", "1_dense_1.npy", "2_dense_2.npy", "3_dense_3.npy", "4_dense_4.npy"])
        #expect(layers.map { $0["shape"] as? [Int] } == [[1, 200], [1, 150], [1, 100], [1, 50], [1, 26]])
        let goldens = try NumPyFile.readArchive(Fixtures.path("goldens/seed_tf2.npz"))
        for (index, key) in ["0_dense", "1_dense_1", "2_dense_2", "3_dense_3", "4_dense_4"].enumerated() {
            let dumped = try NumPyFile.read(folder + "/" + key + ".npy").tensor
            let keras = try #require(goldens[key]).tensor.batch(0..<1)  // golden row 0 is letter_A.npy
            #expect(parityViolation(dumped, keras, label: key) == nil)
            let statistics = keras.statistics
            #expect(abs((layers[index]["max"] as? Double ?? .nan) - Double(statistics.max)) <= 1e-4 + 1e-5 * Double(abs(statistics.max)))
        }
        #expect(try NumPyFile.read(folder + "/input.npy").floats == goldens["input"]?.tensor.batch(0..<1).scalars)
    }

    @Test func noReportWritesOnlyTheDump() throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["trace", Fixtures.path("models/seed_tf2.h5"), Fixtures.path("letters/letter_A.npy"),
                                    "--dump", folder + "/dump", "--no-report"], in: folder)
        #expect(result.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["dump"])
        #expect(result.stdout.contains("wrote 7 files to \(folder)/dump"))
    }

    /// A second trace into the same folder replaces the first one's files with its own:
    /// the inputs differ (the letter A, then its inversion), so old files would show.
    @Test func replacesAnEarlierDump() throws {
        let temporary = try Fixtures.temporaryFolder()
        let folder = temporary + "/dump"
        let model = Fixtures.path("models/seed_tf2.h5")
        let letter = try NumPyFile.read(Fixtures.path("letters/letter_A.npy")).tensor
        let inverted = Tensor(shape: letter.shape, scalars: letter.scalars.map { 255 - $0 })
        try NumPyFile.encode(inverted).write(to: URL(fileURLWithPath: temporary + "/inverted.npy"))
        #expect(try layerlens(["trace", model, Fixtures.path("letters/letter_A.npy"), "--dump", folder, "--no-report"]).status == 0)
        let first = try NumPyFile.read(folder + "/0_dense.npy").tensor
        #expect(try layerlens(["trace", model, temporary + "/inverted.npy", "--dump", folder, "--no-report"]).status == 0)
        #expect(try NumPyFile.read(folder + "/input.npy").tensor.scalars == inverted.scalars)
        #expect(try NumPyFile.read(folder + "/0_dense.npy").tensor.scalars != first.scalars)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).sorted() == ["dump", "inverted.npy"])  // no staging folder left
    }

    @Test func flattensA28x28InputWithANotice() throws {
        let folder = try Fixtures.temporaryFolder() + "/dump"
        let result = try layerlens(["trace", Fixtures.path("models/seed_k3.h5"), Fixtures.path("letters/letter_A_28x28.npy"), "--dump", folder, "--no-report"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("shape (28, 28) reshaped to the model's input shape (784,)"))
        #expect(try NumPyFile.read(folder + "/input.npy").shape == [1, 784])
    }

    /// An input of ±3e38 (finite, but its range overflows float32) is drawn in both reports.
    @Test func drawsAnInputOfExtremeFiniteValues() throws {
        let folder = try Fixtures.temporaryFolder()
        let values = (0..<784).map { [Float(3e38), -3e38, 0][$0 % 3] }
        try NumPyFile.encode(Tensor(shape: [784], scalars: values)).write(to: URL(fileURLWithPath: folder + "/extreme.npy"))
        for report in ["extreme.png", "extreme.html"] {
            let result = try layerlens(["trace", Fixtures.path("models/seed_tf2.h5"), folder + "/extreme.npy", "-o", folder + "/" + report])
            #expect(result.status == 0, "\(report): \(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: folder + "/" + report))
        }
    }

    @Test func warnsAboutNaNButStillTraces() throws {
        let folder = try Fixtures.temporaryFolder()
        var values = [Float](repeating: 10, count: 784)
        values[3] = .nan
        values[9] = .infinity
        try NumPyFile.encode(Tensor(shape: [784], scalars: values)).write(to: URL(fileURLWithPath: folder + "/nan.npy"))
        let result = try layerlens(["trace", Fixtures.path("models/seed_tf2.h5"), folder + "/nan.npy", "--dump", folder + "/out", "-o", folder + "/nan.png"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning:") && result.stderr.contains("2 of 784 input values are NaN or infinite"))
        #expect(FileManager.default.fileExists(atPath: folder + "/out/manifest.json"))
    }
}

/// Each bad input: exit status 1, one line on stderr naming the file, nothing written.
@Suite struct BadInputTests {
    func expectCleanFailure(_ arguments: [String], naming file: String, saying problem: String, noOutputAt output: String? = nil) throws {
        let result = try layerlens(arguments)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("layerlens: error: "))
        #expect(result.stderr.contains(file), "\(result.stderr)")
        #expect(result.stderr.contains(problem), "\(result.stderr)")
        if let output { #expect(!FileManager.default.fileExists(atPath: output)) }
    }

    @Test func badModelFiles() throws {
        let input = Fixtures.path("letters/letter_A.npy")
        for (file, problem) in [("bad/weights_only_tf2.h5", "weights-only"), ("bad/shape_mismatch.h5", "config implies (784, 199)"),
                                ("bad/lambda_tf2.h5", "Python code"), ("bad/lstm_k3.keras", "unsupported layer class"),
                                ("letters/letters_sample.csv", "neither an HDF5 file"), ("nope.h5", "no such file")] {
            let folder = try Fixtures.temporaryFolder() + "/dump"
            try expectCleanFailure(["trace", Fixtures.path(file), input, "--dump", folder, "--no-report"], naming: Fixtures.path(file),
                                   saying: problem, noOutputAt: folder)
            try expectCleanFailure(["summary", Fixtures.path(file)], naming: Fixtures.path(file), saying: problem)
        }
    }

    @Test func truncatedModelFiles() throws {
        let folder = try Fixtures.temporaryFolder()
        for file in ["seed_tf2.h5", "seed_k3.keras"] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("models/" + file)))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: folder + "/" + file))
            try expectCleanFailure(["summary", folder + "/" + file], naming: folder + "/" + file, saying: "truncated")
        }
    }

    @Test func inputWithTheWrongNumberOfValues() throws {
        let folder = try Fixtures.temporaryFolder()
        try NumPyFile.encode(Tensor(shape: [1, 783])).write(to: URL(fileURLWithPath: folder + "/short.npy"))
        try expectCleanFailure(["trace", Fixtures.path("models/seed_tf2.h5"), folder + "/short.npy", "--dump", folder + "/out", "-o", folder + "/short.png"],
                               naming: folder + "/short.npy", saying: "the model expects (784,)", noOutputAt: folder + "/out")
    }

    @Test func outputFolderThatCannotBeWritten() throws {
        let folder = try Fixtures.temporaryFolder()
        try Data("a file".utf8).write(to: URL(fileURLWithPath: folder + "/occupied"))
        try expectCleanFailure(["trace", Fixtures.path("models/seed_tf2.h5"), Fixtures.path("letters/letter_A.npy"), "--dump", folder + "/occupied/dump", "--no-report"],
                               naming: folder + "/occupied/dump", saying: "cannot be written")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["occupied"])
    }
}
