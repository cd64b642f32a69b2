import Foundation
import LayerLens
import LayerLensFuzzTargets
import Testing

/// Every input the fuzzers (`scripts/fuzz`) found crashing a reader, kept in
/// `Fixtures/hostile/fuzz/<target>/`, fed again to the same entry point, without
/// sanitizers: the reader must return or throw a user-facing error. A trap stops the
/// whole test process, which is how a regression shows.
@Suite struct FuzzCorpusTests {
    /// `Fixtures/hostile/fuzz/`.
    static let corpus = FuzzTarget.fixtures.appendingPathComponent("hostile/fuzz")

    /// Each (target, input file name) of the corpus.
    static let inputs: [(target: String, file: String)] = {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return folders.sorted().flatMap { folder in
            let files = (try? FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent(folder).path)) ?? []
            return files.sorted().map { (target: folder, file: $0) }
        }
    }()

    @Test func everyFolderIsATarget() {
        let folders = Set(Self.inputs.map(\.target))
        #expect(!folders.isEmpty)
        #expect(folders.subtracting(FuzzTarget.allCases.map(\.rawValue)).isEmpty)
    }

    @Test(arguments: inputs)
    func readerThrowsOrReturns(target name: String, file: String) throws {
        let target = try #require(FuzzTarget(rawValue: name))
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent(name).appendingPathComponent(file))
        do {
            try target.run(data)
        } catch {
            // The readers' errors say what is wrong with the file or the pipeline.
            #expect(error is FileError || error is PipelineError || error is ProfileError, "\(type(of: error)): \(error)")
        }
    }
}
