import Foundation
import LayerLens
import Testing
import TestSupport

/// A stranger's file cannot hang or crash a command, and outputs only ever replace regular files.
@Suite struct SafeIOTests {
    let model = Fixtures.path("models/seed_tf2.h5")
    let letter = Fixtures.path("letters/letter_A.npy")

    /// A new FIFO in a fresh temporary folder.
    func makeFIFO(named name: String = "fifo") throws -> String {
        let path = try Fixtures.temporaryFolder() + "/" + name
        #expect(mkfifo(path, 0o644) == 0)
        return path
    }

    /// The kind of file at `path` (`S_IFIFO`, `S_IFCHR`, …), without following a link.
    func kind(of path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    /// Expects a run that ended by itself with status `status` and exactly one
    /// stderr line, `layerlens: error: …`, containing every one of `phrases`.
    func expectOneErrorLine(_ result: CommandResult, status: Int32 = 1, saying phrases: [String]) {
        #expect(!result.timedOut, "the command hung")
        #expect(result.status == status)
        #expect(result.stderr.hasPrefix("layerlens: error: ") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        for phrase in phrases { #expect(result.stderr.contains(phrase), "\(result.stderr)") }
    }

    @Test func aFIFOAsAnyInputIsRefusedWithoutHanging() throws {
        let fifo = try makeFIFO()
        let part = try Fixtures.temporaryFolder() + "/part.json"
        for arguments in [["summary", fifo], ["trace", model, fifo, "--no-report"],
                          ["trace", model, letter, "--no-report", "--labels", fifo], ["eval", model, fifo, "--no-report"],
                          ["eval", model, Fixtures.path("letters/letter_A_28x28.npy"), "--y-file", fifo, "--no-report"],
                          ["merge", fifo, "--no-report"], ["eval", model, fifo, "--shard", "0/2", "--part", part]] {
            let result = try layerlens(arguments, timeLimit: 60)
            expectOneErrorLine(result, saying: ["\(fifo): not a regular file (a FIFO)"])
        }
        // logits goes on past an input it cannot read, and then says how many there were.
        let logits = try layerlens(["logits", model, fifo], timeLimit: 60)
        #expect(!logits.timedOut && logits.status == 1)
        #expect(logits.stderr.hasPrefix("layerlens: error: \(fifo): not a regular file (a FIFO)\n"), "\(logits.stderr)")
        #expect(kind(of: fifo) == S_IFIFO)
    }

    @Test func aFIFOInsideAnImageFolderIsRefusedWithoutHanging() throws {
        let folder = try Fixtures.temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/a", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("images/drawing_x.png"), toPath: folder + "/a/x.png")
        #expect(mkfifo(folder + "/a/y.png", 0o644) == 0)
        let result = try layerlens(["eval", model, folder, "--labels", "a-z", "--strict", "--no-report"], timeLimit: 60)
        expectOneErrorLine(result, saying: ["\(folder)/a/y.png: not a regular file (a FIFO)"])
    }

    @Test func aFolderAsAModelIsRefused() throws {
        let folder = try Fixtures.temporaryFolder()
        expectOneErrorLine(try layerlens(["summary", folder], timeLimit: 60), saying: ["\(folder): is a folder, not a file"])
    }

    @Test func outputsThatAreNotRegularFilesAreNeverReplaced() throws {
        let fifo = try makeFIFO(named: "report.png")
        let folder = try Fixtures.temporaryFolder() + "/report.png"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let link = URL(fileURLWithPath: fifo).deletingLastPathComponent().path + "/link.png"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fifo)
        let dump = try Fixtures.temporaryFolder() + "/dump"
        for (arguments, named) in [(["trace", model, letter, "-o", fifo], fifo), (["trace", model, letter, "-o", link], link),
                                   (["trace", model, letter, "-o", folder], folder), (["trace", model, letter, "--dump", fifo, "--no-report"], fifo),
                                   (["trace", model, letter, "-o", fifo, "--dump", dump], fifo),
                                   (["diff", model, letter, letter, "-o", fifo], fifo),
                                   (["eval", model, Fixtures.path("letters/letters_sample.csv"), "-o", folder], folder),
                                   (["eval", model, Fixtures.path("letters/letters_sample.csv"), "--shard", "0/2", "--part", fifo], fifo)] {
            let result = try layerlens(arguments, timeLimit: 120)
            expectOneErrorLine(result, saying: ["\(named): "])
            #expect(result.stderr.contains("(a FIFO)") || result.stderr.contains("is a folder"), "\(result.stderr)")
        }
        #expect(kind(of: fifo) == S_IFIFO)
        #expect(kind(of: link) == S_IFLNK)
        #expect(kind(of: folder) == S_IFDIR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dump), "the dump was written though the report could not be")
    }

    /// A device node as `-o`: as root, one made for the test in a temporary
    /// folder (root could replace /dev/null itself); else /dev/null.
    @Test func aDeviceNodeAsOutputIsNeverReplaced() throws {
        var device = "/dev/null"
        if getuid() == 0 {
            device = try Fixtures.temporaryFolder() + "/null"
            let mknod = try Process.run(URL(fileURLWithPath: "/usr/bin/mknod"), arguments: [device, "c", "1", "3"])
            mknod.waitUntilExit()
            try #require(mknod.terminationStatus == 0)
        }
        let result = try layerlens(["trace", model, letter, "-o", device], timeLimit: 120)
        expectOneErrorLine(result, saying: ["\(device): not a regular file (a character device)"])
        #expect(kind(of: device) == S_IFCHR)
        #expect(kind(of: "/dev/null") == S_IFCHR)
    }

    @Test func aFullDiskOnStandardOutputIsOneErrorLine() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        for arguments in [["summary", model], ["summary", model, "--json"], ["trace", model, letter, "--no-report", "--json"],
                          ["trace", model, letter, "--no-report"], ["logits", model, letter], ["--help"]] {
            let result = try layerlens(arguments, standardOutput: full, timeLimit: 120)
            expectOneErrorLine(result, saying: ["standard output: cannot be written", "No space left on device"])
        }
    }

    @Test func aDumpThatFailsLateLeavesTheEarlierDumpUntouched() throws {
        let parent = try Fixtures.temporaryFolder()
        let dump = parent + "/dump"
        try writeFilesAtomically([("a.npy", Data("old a".utf8)), ("b.npy", Data("old b".utf8))], into: dump)
        let files: [(name: String, data: Data)] = [("a.npy", Data("new a".utf8)), ("b.npy", Data("new b".utf8)), ("c.npy", Data("new c".utf8))]
        struct InjectedFailure: Error {}
        #expect(throws: FileError.self) {
            try writeFilesAtomically(files, into: dump) { data, url in
                guard url.lastPathComponent != "c.npy" else { throw InjectedFailure() }
                try data.write(to: url)
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dump).sorted() == ["a.npy", "b.npy"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dump + "/a.npy")) == Data("old a".utf8))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dump + "/b.npy")) == Data("old b".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["dump"])  // no staging or set-aside folder left

        try writeFilesAtomically(files, into: dump)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dump).sorted() == ["a.npy", "b.npy", "c.npy"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dump + "/a.npy")) == Data("new a".utf8))
    }

    @Test func aDumpNeverReplacesAFolderOfOtherFiles() throws {
        let dump = try Fixtures.temporaryFolder()
        try Data("mine".utf8).write(to: URL(fileURLWithPath: dump + "/notes.txt"))
        let result = try layerlens(["trace", model, letter, "--dump", dump, "--no-report"], timeLimit: 120)
        expectOneErrorLine(result, saying: [dump, "'notes.txt'"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dump) == ["notes.txt"])
    }

    @Test func aLongNameFromAFileIsCutInTheError() throws {
        let folder = try Fixtures.temporaryFolder()
        let longType = "<" + String(repeating: "q", count: 1 << 20)
        let header = "{'descr': '\(longType)', 'fortran_order': False, 'shape': (784,), }\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [2, 0]
        withUnsafeBytes(of: UInt32(header.utf8.count).littleEndian) { bytes += $0 }
        try Data(bytes + Array(header.utf8)).write(to: URL(fileURLWithPath: folder + "/long.npy"))
        let result = try layerlens(["trace", model, folder + "/long.npy", "--no-report"], timeLimit: 120)
        expectOneErrorLine(result, saying: ["\(folder)/long.npy", "…"])
        #expect(result.stderr.count < 200 + folder.count + 200, "an error line of \(result.stderr.count) characters")
    }

    @Test func quotingKeepsBothEndsOfALongText() {
        #expect(quoted("short") == "'short'")
        let long = "start" + String(repeating: "x", count: 1000) + "end"
        let cut = shortened(long)
        #expect(cut.count == 200 && cut.hasPrefix("start") && cut.hasSuffix("end") && cut.contains("…"))
    }

    @Test func numbersOutOfRangeAreUsageErrors() throws {
        let image = Fixtures.path("images/drawing_x.png")
        let csv = Fixtures.path("letters/letters_sample.csv")
        let part = try Fixtures.temporaryFolder() + "/part.json"
        for (arguments, phrase) in [(["trace", model, image, "--preprocess", "=", "--no-report"], "preprocessing step '='"),
                                    (["trace", model, image, "--preprocess", "scale=/", "--no-report"], "'/' is not a number"),
                                    (["logits", model, letter, "--top", "1e18"], "--top"),
                                    (["logits", model, letter, "--top", "1000000000000000000"], "--top must be from 1 to 1000"),
                                    (["diff", model, letter, letter, "--top-units", "99999999999"], "--top-units must be from 0 to 1000"),
                                    (["eval", model, csv, "--top", "9223372036854775807"], "--top must be from 1 to 1000"),
                                    (["eval", model, csv, "--top-k", "0"], "--top must be from 1 to 1000"),
                                    (["eval", model, csv, "--shard", "9223372036854775806/9223372036854775807", "--part", part], "--shard wants K/N"),
                                    (["eval", model, csv, "--shard", "0/99999999999999999999", "--part", part], "--shard wants K/N"),
                                    (["eval", model, csv, "--label-column", "0"], "--label-column must be from 1")] {
            let result = try layerlens(arguments, timeLimit: 60)
            expectOneErrorLine(result, status: 64, saying: [phrase])
        }
        #expect(!FileManager.default.fileExists(atPath: part))
    }

    @Test func mergeRefusesCountsAndShardsOutOfRange() throws {
        let folder = try Fixtures.temporaryFolder()
        let part = folder + "/part.json"
        let made = try layerlens(["eval", model, Fixtures.path("letters/letters_sample.csv"), "--shard", "0/2", "--part", part], timeLimit: 120)
        try #require(made.status == 0, "\(made.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: part))) as? [String: Any])
        for (name, key, value) in [("count", "count", Int.max as Any), ("shards", "shards", [["index": 0, "count": 1_000_000_000_000]] as Any)] {
            var damaged = json
            damaged[key] = value
            let path = folder + "/\(name).json"
            try JSONSerialization.data(withJSONObject: damaged).write(to: URL(fileURLWithPath: path))
            let result = try layerlens(["merge", path, part, "--no-report"], timeLimit: 60)
            expectOneErrorLine(result, saying: ["\(path): is a damaged eval part file"])
        }
    }
}
