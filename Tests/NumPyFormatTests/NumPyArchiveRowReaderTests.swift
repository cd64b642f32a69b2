import FileIO
import Foundation
import NumPyFormat
import Testing
import TestSupport

/// `.npz` members streamed row by row give what reading them whole gives, and
/// hostile `.npy` headers and members are refused in one line.
@Suite struct NumPyArchiveRowReaderTests {
    /// The letters sample as NumPy stored it and a deflated copy made here.
    static func letterArchives() throws -> [String] {
        let stored = Fixtures.path("letters/letters_sample.npz")
        return [stored, try deflatedCopy(of: stored)]
    }

    /// Rows `range` of `x` in runs of `runLength`, with the ranges of the runs.
    func streamed(_ path: String, rows range: Range<Int>, runLength: Int) throws -> (floats: [Float], runs: [Range<Int>]) {
        let reader = try NumPyArchiveRowReader(archive: try ZipFile(path: path), key: "x")
        var floats: [Float] = [], runs: [Range<Int>] = []
        try reader.forEachRun(of: range, runEnd: { min($0 + runLength, range.upperBound) }) { run, values in
            runs.append(run)
            floats += values
            return true
        }
        return (floats, runs)
    }

    @Test func streamsTheRowsReadingWholeGives() throws {
        let whole = try #require(try NumPyFile.readArchive(Fixtures.path("letters/letters_sample.npz"))["x"])
        for path in try Self.letterArchives() {
            for (range, runLength) in [(0..<1300, 97), (0..<1300, 4096), (250..<700, 64), (1299..<1300, 1)] {
                let read = try streamed(path, rows: range, runLength: runLength)
                #expect(read.floats == whole.floats(elements: (range.lowerBound * 784)..<(range.upperBound * 784)))
                #expect(read.runs.first?.lowerBound == range.lowerBound && read.runs.last?.upperBound == range.upperBound)
                #expect(zip(read.runs, read.runs.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            }
        }
    }

    @Test func stopsWhenTheReaderSaysSo() throws {
        let reader = try NumPyArchiveRowReader(archive: try ZipFile(path: try Self.letterArchives()[1]), key: "x")
        var runs = 0
        try reader.forEachRun(of: 0..<1300, runEnd: { $0 + 10 }) { _, _ in
            runs += 1
            return runs < 3
        }
        #expect(runs == 3)
    }

    /// A member that inflates past its declared size stops there, whether read
    /// whole or streamed; the error names the archive and the member.
    @Test func refusesADeflateBomb() throws {
        let path = Fixtures.path("hostile/zip/deflate_bomb.npz")
        let start = ContinuousClock.now
        let whole = #expect(throws: FileError.self) { try NumPyFile.readArchive(path) }
        let streamed = #expect(throws: FileError.self) { try NumPyArchiveRowReader(archive: try ZipFile(path: path), key: "x") }
        #expect(ContinuousClock.now - start < .seconds(5))
        for error in [whole, streamed] {
            #expect(error?.description == "\(path): member 'x.npy' inflates past its declared 31.5 kB; refused")
        }
    }

    /// Shape (2^40, 2^40, 0) holds no element, but the product of its first two
    /// extents overflows: refused by the header check instead of trapping.
    @Test func refusesAZeroExtentHidingAnOverflow() throws {
        let path = Fixtures.path("hostile/zip/empty_overflowing_shape.npy")
        let expected = "\(path): declares shape '(1099511627776, 1099511627776, 0)', over the 4294967296-element limit"
        #expect((#expect(throws: FileError.self) { try NumPyFile.read(path) })?.description == expected)
        #expect((#expect(throws: FileError.self) { try NumPyRowReader(path: path) })?.description == expected)
    }
}
