import FileIO
import Foundation
import KerasFormat
import ModelGraph
import Testing
import TestSupport

/// `.keras` archives: the weights member located in the zip, read in place
/// when stored, unpacked once when deflated, refused in one line when damaged.
@Suite struct ArchiveTests {
    /// A `.keras` archive's weights are read in place when stored (as Keras
    /// writes them) and unpacked once when deflated: the two give the same model.
    @Test func readsStoredAndDeflatedArchivesAlike() throws {
        let storedPath = Fixtures.path("old_keras/tiny_k3.keras"), deflatedPath = Fixtures.path("old_keras/tiny_k3_deflated.keras")
        let stored = try ZipFile(path: storedPath).member("model.weights.h5")
        let deflated = try ZipFile(path: deflatedPath).member("model.weights.h5")
        #expect(stored.isStored && !deflated.isStored)
        #expect(stored.uncompressedSize == deflated.uncompressedSize)
        let archive = try Data(contentsOf: URL(fileURLWithPath: storedPath))
        let member = try ZipFile(path: deflatedPath).contents(of: "model.weights.h5")
        #expect(archive[stored.dataRange] == member)
        let fromStored = try KerasModelReader.read(storedPath), fromDeflated = try KerasModelReader.read(deflatedPath)
        #expect(fromStored.parameterCount == fromDeflated.parameterCount)
        #expect(ModelSummary(fromStored).rows.map(\.name) == ModelSummary(fromDeflated).rows.map(\.name))
    }

    /// Archive damage is one `FileError`: a member missing from the directory,
    /// a weights member whose bytes run past a truncated archive.
    @Test func refusesDamagedArchives() throws {
        let source = Fixtures.path("old_keras/tiny_k3.keras")
        #expect(throws: FileError.self) { try ZipFile(path: source).member("no/such/member") }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
        let stored = try ZipFile(path: source).member("model.weights.h5")
        // The central directory kept, the weights member cut short: its range now passes the end.
        let cut = bytes[..<(stored.dataRange.upperBound - 100)] + bytes[stored.dataRange.upperBound...]
        let path = try Fixtures.temporaryFolder() + "/cut.keras"
        try cut.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: FileError.self) { try KerasModelReader.read(path) }
        #expect(error?.path == path)
        #expect(error?.description.contains("\n") == false)
    }

    /// Each hostile archive of `Fixtures/hostile/zip` is refused in one line naming
    /// the archive, the member and what is wrong, quickly: a wrong CRC-32 (stored
    /// and deflated members), a deflate bomb stopped at its declared size, a ZIP64
    /// offset past the file (which trapped inside ZIPFoundation).
    @Test(arguments: [
        ("crc_mismatch.keras", "member 'model.weights.h5' fails its CRC-32 check"),
        ("crc_mismatch_deflated.keras", "member 'config.json' fails its CRC-32 check"),
        ("deflate_bomb.keras", "member 'model.weights.h5' inflates past its declared 21.6 kB; refused"),
        ("zip64_offset.keras", "the local header offset of member 'config.json', 18446744073709551600, lies past the end of the 5242-byte file"),
    ])
    func refusesHostileArchives(file: String, problem: String) throws {
        let path = Fixtures.path("hostile/zip/" + file)
        let start = ContinuousClock.now
        let error = #expect(throws: FileError.self) { try KerasModelReader.read(path) }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(error?.path == path)
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "no error")")
        #expect(error?.description.contains("\n") == false)
    }
}
