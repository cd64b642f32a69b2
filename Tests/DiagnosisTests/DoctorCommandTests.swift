import Foundation
import LayerLens
import Testing
import TestSupport

/// `layerlens profile` and `layerlens doctor` as a user runs them.
@Suite struct DoctorCommandTests {
    let model = Fixtures.path("models/seed_tf2.h5")
    let photo = Fixtures.path("doctor/photos/photo_X.jpg")

    /// A profile of the first 600 profile letters, written by the command.
    func profile(in folder: String) throws -> String {
        let path = folder + "/seed.profile.json"
        let result = try layerlens(["profile", model, Fixtures.path("doctor/profile_letters.npz"), "--labels", "A-Z", "--limit", "600", "-o", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("profiled 600 samples"))
        return path
    }

    @Test func doctorJSONHasEveryFieldTheIssueNames() throws {
        let folder = try Fixtures.temporaryFolder()
        let profile = try profile(in: folder)
        let result = try layerlens(["doctor", model, photo, photo, "--profile", profile,
                                    "--preprocess", "gray,scale=1/255,invert,resize=28x28", "--labels", "A-Z", "--json", "-o", folder + "/doctor.png"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/doctor.png"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["profile"] as? String == profile)
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        #expect(inputs.count == 2)
        let first = inputs[0]
        #expect(Set(first.keys).isSuperset(of: ["input", "pipeline", "prediction", "mismatches", "layers", "first_layer_off", "ood", "suggestion", "warnings"]))
        let mismatch = try #require((first["mismatches"] as? [[String: Any]])?.first)
        #expect(mismatch["kind"] as? String == "range" && mismatch["severity"] as? String == "high")
        #expect(Set((mismatch["expected"] as? [String: Double] ?? [:]).keys) == ["low", "high"])
        let ood = try #require(first["ood"] as? [String: Any])
        for score in ["mahalanobis", "energy", "max_softmax", "combined"] {
            #expect(Set((ood[score] as? [String: Double] ?? [:]).keys) == ["score", "percentile"], "\(score)")
        }
        #expect(ood["verdict"] as? String == "out")
        #expect(first["first_layer_off"] as? String == "dense")
        let layers = try #require(first["layers"] as? [[String: Any]])
        #expect(layers.map { $0["name"] as? String } == ["dense", "dense_1", "dense_2", "dense_3", "dense_4"])
        let suggestion = try #require(first["suggestion"] as? [String: Any])
        #expect((suggestion["python"] as? String)?.contains("def preprocess(path):") == true)
        #expect((suggestion["prediction"] as? [String: Any])?["label"] as? String == "X")
        // The run's warnings are in the JSON as on stderr.
        let kinds = (first["warnings"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
        #expect(kinds.contains("value_range") && result.stderr.contains("value range changed"))
        // An array has no pipeline to fix.
        let array = try layerlens(["doctor", model, Fixtures.path("letters/letter_A.npy"), "--profile", profile, "--json"])
        #expect(array.status == 0, "\(array.stderr)")
        let arrayInput = try #require(((try JSONSerialization.jsonObject(with: Data(array.stdout.utf8)) as? [String: Any])?["inputs"] as? [[String: Any]])?.first)
        #expect(arrayInput["suggestion"] is NSNull && arrayInput["pipeline"] is NSNull)
        #expect((arrayInput["ood"] as? [String: Any])?["verdict"] as? String == "in")
    }

    @Test func theTextNamesTheMismatchAndPrintsThePythonOnce() throws {
        let folder = try Fixtures.temporaryFolder()
        let profile = try profile(in: folder)
        let result = try layerlens(["doctor", model, photo, photo, "--profile", profile, "--preprocess", "gray,scale=1/255,invert,resize=28x28", "--labels", "A-Z"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("high      range"))
        #expect(result.stdout.contains("suggestion  --preprocess gray,invert,fit="))
        #expect(result.stdout.components(separatedBy: "def preprocess(path):").count == 2)
    }

    @Test func badProfilesGetOneLineAndNoOutput() throws {
        let folder = try Fixtures.temporaryFolder()
        let profile = try profile(in: folder)
        let cnn = Fixtures.path("models/cnn_tf2.h5")
        let damaged = folder + "/damaged.json"
        try Data(try Data(contentsOf: URL(fileURLWithPath: profile)).prefix(5000)).write(to: URL(fileURLWithPath: damaged))
        let cases: [(arguments: [String], says: String)] = [
            ([cnn, photo, "--profile", profile], "a different model"),
            ([model, photo, "--profile", damaged], "is not a LayerLens profile"),
            ([model, photo, "--profile", folder + "/missing.json"], "missing.json"),
            ([model, photo, "--profile", Fixtures.path("models/seed_tf2.h5")], "is not a LayerLens profile"),
        ]
        for run in cases {
            let result = try layerlens(["doctor"] + run.arguments + ["-o", folder + "/never.png"])
            #expect(result.status == 1 && result.stdout.isEmpty, "\(run.arguments)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(run.says), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/never.png"))
        }
        let refused = try layerlens(["profile", model, Fixtures.path("doctor/ood.npz"), "-o", folder + "/p.json"])
        #expect(refused.status == 1 && refused.stderr.contains("ood.npz") && !FileManager.default.fileExists(atPath: folder + "/p.json"))
    }

    /// trace and logits with --profile: the same scores doctor gives, a warning when the input is not in,
    /// and no "ood" at all without a profile.
    @Test func traceAndLogitsJudgeTheirInputsWithAProfile() throws {
        let folder = try Fixtures.temporaryFolder()
        let profile = try profile(in: folder)
        func json(_ arguments: [String]) throws -> [String: Any] {
            let result = try layerlens(arguments + ["--labels", "A-Z", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        let broken = ["--preprocess", "gray,scale=1/255,invert,resize=28x28"]
        let doctorInput = try #require((try json(["doctor", model, photo, "--profile", profile, "--no-fix"] + broken)["inputs"] as? [[String: Any]])?.first)
        let doctorOOD = try #require(doctorInput["ood"] as? [String: Any])

        let trace = try json(["trace", model, photo, "--profile", profile, "--no-report"] + broken)
        let traceOOD = try #require(trace["ood"] as? [String: Any])
        #expect(traceOOD["verdict"] as? String == "out")
        #expect((traceOOD["combined"] as? [String: Double])?["score"] == (doctorOOD["combined"] as? [String: Double])?["score"])
        let warning = (trace["warnings"] as? [[String: Any]])?.first { $0["kind"] as? String == "out_of_distribution" }
        #expect((warning?["message"] as? String)?.contains("range (high)") == true)
        #expect(try json(["trace", model, photo, "--no-report"] + broken)["ood"] == nil)

        // Streamed: the logits run scores each sample from the layers as they pass, as doctor does from a trace.
        let logits = try #require(try json(["logits", model, photo, "--profile", profile] + broken)["inputs"] as? [[String: Any]])
        let logitsOOD = try #require(logits.first?["ood"] as? [String: Any])
        let doctorCombined = try #require((doctorOOD["combined"] as? [String: Double])?["score"])
        let logitsCombined = try #require((logitsOOD["combined"] as? [String: Double])?["score"])
        #expect(abs(logitsCombined - doctorCombined) <= 1e-6 * max(1, doctorCombined))
        let letter = try #require(try json(["logits", model, Fixtures.path("letters/letter_A.npy"), "--profile", profile])["inputs"] as? [[String: Any]])
        #expect((letter.first?["ood"] as? [String: Any])?["verdict"] as? String == "in")
        #expect((letter.first?["warnings"] as? [Any])?.isEmpty == true)
    }

    /// eval --profile counts the verdicts over the data set (streamed, as logits judges), warns when samples
    /// fall out, and the counts of shards merge into the whole run's.
    @Test func evalCountsTheVerdictsOverTheDataSet() throws {
        let folder = try Fixtures.temporaryFolder()
        let profile = try profile(in: folder)
        let data = Fixtures.path("letters/letters_sample.csv")
        func json(_ arguments: [String]) throws -> [String: Any] {
            let result = try layerlens(["eval", model, data, "--labels", "A-Z", "--profile", profile, "--no-report", "--json"] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        let whole = try json([])
        let counts = try #require(whole["ood"] as? [String: Int])
        #expect(counts.values.reduce(0, +) == 1300 && counts["in"]! >= 1040, "\(counts)")
        let broken = try json(["--preprocess", "scale=1/255"])
        #expect((broken["ood"] as? [String: Int])?["out"] == 1300)
        let warning = (broken["warnings"] as? [[String: Any]])?.first { $0["kind"] as? String == "out_of_distribution" }
        #expect((warning?["message"] as? String)?.hasPrefix("1,300 of 1,300 samples (100.0%) are out of the training data") == true)
        for shard in ["0/2", "1/2"] {
            _ = try json(["--shard", shard, "--part", folder + "/part\(shard.prefix(1)).json"])
        }
        let merged = try layerlens(["merge", folder + "/part0.json", folder + "/part1.json", "--no-report", "--json"])
        #expect(merged.status == 0, "\(merged.stderr)")
        let mergedJSON = try #require(try JSONSerialization.jsonObject(with: Data(merged.stdout.utf8)) as? [String: Any])
        #expect(mergedJSON["ood"] as? [String: Int] == counts)
        // Parts judged against different profiles do not merge.
        let other = try layerlens(["profile", model, Fixtures.path("doctor/profile_letters.npz"), "--labels", "A-Z", "--limit", "500", "-o", folder + "/other.json"])
        #expect(other.status == 0)
        let otherPart = try layerlens(["eval", model, data, "--labels", "A-Z", "--profile", folder + "/other.json", "--no-report",
                                       "--shard", "1/2", "--part", folder + "/other_part1.json"])
        #expect(otherPart.status == 0, "\(otherPart.stderr)")
        let mixed = try layerlens(["merge", folder + "/part0.json", folder + "/other_part1.json", "--no-report", "--json"])
        #expect(mixed.status == 1 && mixed.stderr.contains("different profiles"), "\(mixed.stderr)")
        #expect(try json(["--limit", "5"]).keys.contains("ood"))
        let plain = try layerlens(["eval", model, data, "--labels", "A-Z", "--no-report", "--json", "--limit", "5"])
        #expect(!((try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])?.keys.contains("ood") ?? true))
    }

    /// eval --save-profile writes, from the same pass, the profile `layerlens profile` writes.
    @Test func evalWritesTheSameProfileInItsPass() throws {
        let folder = try Fixtures.temporaryFolder()
        let data = Fixtures.path("doctor/profile_letters.npz")
        let alone = folder + "/alone.json", beside = folder + "/beside.json"
        let profiled = try layerlens(["profile", model, data, "--labels", "A-Z", "-o", alone])
        #expect(profiled.status == 0, "\(profiled.stderr)")
        let evaluated = try layerlens(["eval", model, data, "--labels", "A-Z", "--no-report", "--save-profile", beside])
        #expect(evaluated.status == 0 && evaluated.stdout.contains("wrote " + beside), "\(evaluated.stderr)")
        let a = try Profile.read(alone), b = try Profile.read(beside)
        #expect(a.data.count == 2600 && b.data.count == 2600 && a.examples.labels == b.examples.labels)
        func close(_ x: [Float], _ y: [Float]) -> Bool {
            x.count == y.count && zip(x, y).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) }
        }
        #expect(close(a.input.meanImage, b.input.meanImage))
        for (x, y) in zip(a.layers, b.layers) {
            #expect(close(x.unitMean, y.unitMean) && close(x.unitDeviation, y.unitDeviation) && x.firingRate == y.firingRate, "\(x.name)")
            #expect(x.unitLow == y.unitLow && x.unitHigh == y.unitHigh, "\(x.name): the calibration sample is the same")
        }
        #expect(close(a.penultimate.covariance, b.penultimate.covariance))
        #expect(abs(a.combined.outAbove - b.combined.outAbove) <= 1e-6 * a.combined.outAbove)
        let refused = try layerlens(["eval", model, data, "--shard", "0/2", "--part", folder + "/p.json", "--save-profile", folder + "/x.json"])
        #expect(refused.status == 64 && refused.stderr.contains("--save-profile"))
    }

    /// profile --shard/--part and merge-profiles on the command line; a shard without a part is a usage error.
    @Test func shardPartsMergeIntoAProfile() throws {
        let folder = try Fixtures.temporaryFolder()
        let data = Fixtures.path("letters/letters_sample.csv")
        for shard in ["0/2", "1/2"] {
            let result = try layerlens(["profile", model, data, "--labels", "A-Z", "--shard", shard, "--part", folder + "/p\(shard.prefix(1)).json"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let merged = try layerlens(["merge-profiles", model, folder + "/p1.json", folder + "/p0.json", "-o", folder + "/merged.json"])
        #expect(merged.status == 0 && merged.stdout.contains("1,300 samples"), "\(merged.stderr)")
        let whole = try layerlens(["profile", model, data, "--labels", "A-Z", "-o", folder + "/whole.json"])
        #expect(whole.status == 0)
        let a = try Profile.read(folder + "/merged.json"), b = try Profile.read(folder + "/whole.json")
        #expect(a.examples.labels == b.examples.labels && a.layers.map(\.unitHigh) == b.layers.map(\.unitHigh))
        let missing = try layerlens(["merge-profiles", model, folder + "/p1.json", "-o", folder + "/half.json"])  // the CSV is one 8 MiB block: shard 1 has it
        #expect(missing.status == 0 && missing.stderr.contains("1 of 2 shards are missing"))
        let usage = try layerlens(["profile", model, data, "--shard", "0/2", "-o", folder + "/x.json"])
        #expect(usage.status == 64 && usage.stderr.contains("--shard"))
    }

    /// An image folder's pipeline, implicit steps included, is recorded by eval (JSON) and profile.
    @Test func anImageFoldersPipelineIsRecorded() throws {
        let folder = try Fixtures.temporaryFolder(), images = Fixtures.path("letters/folder")
        let eval = try layerlens(["eval", model, images, "--labels", "A-Z", "--preprocess", "gray,resize=28x28:area", "--no-report", "--json",
                                  "--save-profile", folder + "/p.json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        #expect(json["preprocess"] as? String == "gray,resize=28x28:area,flatten")
        #expect(try Profile.read(folder + "/p.json").data.pipeline == "gray,resize=28x28:area,flatten")
    }
}
