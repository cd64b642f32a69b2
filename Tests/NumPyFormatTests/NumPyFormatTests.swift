import FileIO
import Foundation
import ModelGraph
import NumPyFormat
import Testing
import TestSupport

/// The fixture script writes every sample array with element i equal to (i mod 251)
/// in C order, cast to the array's type (with the offsets noted per file).
@Suite struct NumPyFormatTests {
    func ramp(_ count: Int, offset: Double = 0) -> [Double] {
        (0..<count).map { Double($0 % 251) + offset }
    }

    @Test(arguments: [
        ("f4_2x3x4.npy", [2, 3, 4], "float32", 0.0),
        ("f8_5x7.npy", [5, 7], "float64", 0.5),
        ("u1_300.npy", [300], "uint8", 0),
        ("i4_3x100.npy", [3, 100], "int32", -100),
        ("i8_10.npy", [10], "int64", -5),
        ("f4_big_endian_6x5.npy", [6, 5], "float32", 0),
        ("f4_fortran_3x4x5.npy", [3, 4, 5], "float32", 0),
        ("f4_v2_4x4.npy", [4, 4], "float32", 0),
    ])
    func readsEachTypeAndLayout(file: String, shape: [Int], dtype: String, offset: Double) throws {
        let array = try NumPyFile.read(Fixtures.path("npy/" + file))
        #expect(array.shape == shape)
        #expect(array.dtypeName == dtype)
        let count = shape.reduce(1, *)
        let expected = ramp(count).map { value -> Double in
            dtype == "uint8" ? value : value + offset
        }
        #expect(array.floats.map(Double.init) == expected.map { Double(Float($0)) })
    }

    @Test func readsBoolAndScalar() throws {
        let flags = try NumPyFile.read(Fixtures.path("npy/b1_17.npy"))
        #expect(flags.shape == [17])
        #expect(flags.integers == (0..<17).map { $0 % 3 == 0 ? 1 : 0 })
        let scalar = try NumPyFile.read(Fixtures.path("npy/f4_scalar.npy"))
        #expect(scalar.shape == [])
        #expect(scalar.floats == [42.5])
    }

    @Test(arguments: ["pair.npz", "pair_compressed.npz"])
    func readsArchives(file: String) throws {
        let arrays = try NumPyFile.readArchive(Fixtures.path("npy/" + file))
        #expect(Set(arrays.keys) == ["x", "y"])
        #expect(arrays["x"]?.shape == [4, 784])
        #expect(arrays["x"]?.floats.map(Double.init) == ramp(4 * 784))
        #expect(arrays["y"]?.integers == [0, 1, 2, 3])
    }

    @Test func writesWhatItReads() throws {
        let tensor = Tensor(shape: [2, 3], scalars: [1.5, -2, 0, 3.25, .pi, -0.0])
        let back = try NumPyFile.decode(NumPyFile.encode(tensor), name: "memory")
        #expect(back.shape == [2, 3])
        #expect(back.floats == tensor.scalars)
        let header = String(decoding: NumPyFile.encode(tensor).prefix(128), as: UTF8.self)
        #expect(header.contains("'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(NumPyFile.encode(tensor).count == 128 + 6 * 4)  // header padded to 64 bytes, as NumPy does
        let archive = try NumPyFile.encodeArchive([("a", tensor)])
        let folder = try Fixtures.temporaryFolder()
        try archive.write(to: URL(fileURLWithPath: folder + "/a.npz"))
        #expect(try NumPyFile.readArchive(folder + "/a.npz")["a"]?.floats == tensor.scalars)
    }

    @Test func refusesBrokenFiles() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("npy/f4_2x3x4.npy")))
        #expect(throws: FileError.self) { try NumPyFile.decode(bytes.prefix(bytes.count - 1), name: "cut") }
        #expect(throws: FileError.self) { try NumPyFile.decode(bytes.prefix(20), name: "cut header") }
        #expect(throws: FileError.self) { try NumPyFile.decode(Data("hello".utf8), name: "text") }
        let error = #expect(throws: FileError.self) {
            try NumPyFile.decode(npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999, 99999999), }"), name: "huge")
        }
        #expect(error?.problem.contains("over the 4294967296-element limit") == true)
        #expect(throws: FileError.self) {
            try NumPyFile.decode(npyBytes(header: "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }"), name: "complex")
        }
        #expect(throws: FileError.self) { try NumPyFile.read("/no/such/file.npy") }
    }

    /// A version 1.0 `.npy` file with `header` and no data.
    func npyBytes(header: String) -> Data {
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        return data
    }
}
