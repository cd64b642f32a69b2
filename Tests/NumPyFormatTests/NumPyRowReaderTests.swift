import FileIO
import Foundation
import NumPyFormat
import Testing
import TestSupport

/// Rows streamed from disk equal the fixture ramps NumPy wrote (element i is i mod 251, plus the file's offset).
@Suite struct NumPyRowReaderTests {
    @Test(arguments: [
        ("f4_2x3x4.npy", 0.0, 1),
        ("f8_5x7.npy", 0.5, 2),
        ("u1_300.npy", 0, 7),
        ("i4_3x100.npy", -100, 2),
        ("f4_big_endian_6x5.npy", 0, 4),
        ("f4_v2_4x4.npy", 0, 3),
    ])
    func streamsRowsAsNumPyWroteThem(file: String, offset: Double, step: Int) throws {
        let reader = try NumPyRowReader(path: Fixtures.path("npy/" + file))
        var values: [Float] = []
        for start in stride(from: 0, to: reader.rowCount, by: step) {
            values += try reader.floats(rows: start..<min(start + step, reader.rowCount))
        }
        let count = reader.shape.reduce(1, *)
        #expect(values == (0..<count).map { Float(Double($0 % 251) + (file.hasPrefix("u1") ? 0 : offset)) })
    }

    @Test func refusesFortranOrderAndTruncation() throws {
        let fortran = #expect(throws: FileError.self) { try NumPyRowReader(path: Fixtures.path("npy/f4_fortran_3x4x5.npy")) }
        #expect(fortran?.problem.contains("Fortran order") == true)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("npy/f8_5x7.npy")))
        let cut = try Fixtures.temporaryFolder() + "/cut.npy"
        try bytes.prefix(bytes.count - 8).write(to: URL(fileURLWithPath: cut))
        let truncated = #expect(throws: FileError.self) { try NumPyRowReader(path: cut) }
        #expect(truncated?.problem.hasPrefix("is truncated") == true)
    }
}
