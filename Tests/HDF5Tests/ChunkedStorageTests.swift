import CDeflate
import Foundation
@testable import HDF5
import NumPyFormat
import Testing
import TestSupport

/// Chunked datasets (Fixtures/hdf5_chunked/, from make_hdf5_chunked.py): every
/// chunk index libhdf5 writes, the filters Keras writes, edge chunks and chunks
/// never written read bit for bit as libhdf5 reads them; corrupt copies throw.
@Suite struct ChunkedStorageTests {
    static let folder = Fixtures.path("hdf5_chunked")

    /// Each expected array, as "file.dataset" (its .npy file's name without the extension).
    static let datasets: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }.sorted()

    /// The HDF5 files, by name.
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasSuffix(".h5") }.sorted()

    @Test func findsTheFixtures() {
        #expect(Self.datasets.count >= 20)
        #expect(Self.files.count >= 8)
    }

    /// The dataset reads as libhdf5 reads it into float32, bit for bit.
    @Test(arguments: datasets)
    func readsAsLibHDF5Does(_ name: String) throws {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        let expected = try NumPyFile.read("\(Self.folder)/\(name).npy")
        let dataset = try HDF5File(path: "\(Self.folder)/\(parts[0]).h5").root().dataset(parts[1])
        #expect(try dataset.shape() == expected.shape)
        let values = try dataset.readFloats()
        #expect(values.map(\.bitPattern) == expected.floats.map(\.bitPattern))
        #expect(dataset.storageBytes() >= 0)
    }

    /// Chunks never written are not stored: a dataset never written stores nothing.
    @Test func countsOnlyStoredChunks() throws {
        let root = try HDF5File(path: "\(Self.folder)/earliest.h5").root()
        #expect(try root.dataset("f32_never_written").storageBytes() == 0)
        #expect(try root.dataset("u8_plain").storageBytes() == 3 * 3 * 5 * 4)
        #expect(try root.dataset("f32_sparse_fill0").storageBytes() == 3 * 5 * 5 * 4)
    }

    /// Copies with bytes flipped (spread over the whole file) or cut short
    /// either read (a flipped data byte changes only a value) or throw
    /// `HDF5Error`: none traps, loops or allocates past its dataset.
    @Test(arguments: files)
    func corruptCopiesThrowOrRead(_ file: String) throws {
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(Self.folder)/\(file)")))
        let names = Self.datasets.filter { $0.hasPrefix(file.dropLast(3) + ".") }.map { String($0.split(separator: ".")[1]) }
        func readAll(_ bytes: [UInt8]) {
            do {
                let root = try HDF5File(imageOfSize: bytes.count) { $0.copyBytes(from: bytes) }.root()
                for name in names {
                    do {
                        let dataset = try root.dataset(name)
                        _ = dataset.storageBytes()
                        let values = try dataset.readFloats()
                        #expect(values.count == (try dataset.shape()).reduce(1, *))
                    } catch is HDF5Error {
                    }
                }
            } catch is HDF5Error {
            } catch {
                Issue.record("\(file): \(error) is not an HDF5Error")
            }
        }
        // About 400 bytes spread over the file, each flipped whole or in its lowest bit; then 40 lengths.
        let step = max(1, original.count / 400) | 1
        for position in stride(from: 0, to: original.count, by: step) {
            var copy = original
            copy[position] ^= position % 2 == 0 ? 0xff : 0x01
            readAll(copy)
        }
        for length in stride(from: 1, to: original.count, by: max(1, original.count / 40)) {
            readAll(Array(original[0..<length]))
        }
    }

    /// A version-1 B-tree whose inner node points at itself is refused, not walked forever.
    @Test func refusesAChunkTreeThatLoops() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(Self.folder)/earliest_many_chunks.h5")))
        // The level-1 chunk node: "TREE", type 1, level 1; its first child's address lies after the
        // entry count, two sibling addresses and the first key (two 4-byte fields and three 8-byte offsets).
        let signature = Array("TREE".utf8) + [1, 1]
        let node = try #require((0..<(bytes.count - 6)).first { Array(bytes[$0..<($0 + 6)]) == signature })
        let child = node + 6 + 2 + 16 + 4 + 4 + 3 * 8
        for byte in 0..<8 { bytes[child + byte] = UInt8(truncatingIfNeeded: node >> (8 * byte)) }
        let root = try HDF5File(imageOfSize: bytes.count) { $0.copyBytes(from: bytes) }.root()
        let error = #expect(throws: HDF5Error.self) { try root.dataset("i16_many_chunks").readFloats() }
        #expect(error?.description.contains("reached twice") == true)
    }

    /// A deflate stream that inflates past the chunk's size (a deflate bomb) is refused, and
    /// its output never grows past the chunk; one of exactly the chunk's size inflates.
    @Test func refusesADeflateBomb() throws {
        func deflated(_ data: [UInt8]) -> [UInt8] {
            var size = compressBound(UInt(data.count))
            var output = [UInt8](repeating: 0, count: Int(size))
            #expect(compress2(&output, &size, data, UInt(data.count), 9) == Z_OK)
            return Array(output[0..<Int(size)])
        }
        let chunk = [UInt8](repeating: 7, count: 4096)
        #expect(try ChunkFilters.inflate(deflated(chunk), limit: 4096, what: "a chunk") == chunk)
        let bomb = deflated([UInt8](repeating: 0, count: 16 << 20))
        let error = #expect(throws: HDF5Error.self) { try ChunkFilters.inflate(bomb, limit: 4096, what: "a chunk") }
        #expect(error?.description.contains("inflates past") == true)
        #expect(throws: HDF5Error.self) { try ChunkFilters.inflate(Array(deflated(chunk).dropLast(6)), limit: 4096, what: "a chunk") }
    }

    /// Shuffle is undone (a tail short of an element kept); Fletcher32 matches HDF5's and is dropped.
    @Test func undoesShuffleAndFletcher32() throws {
        #expect(ChunkFilters.unshuffle([1, 3, 5, 2, 4, 6, 9], elementSize: 2) == [1, 2, 3, 4, 5, 6, 9])
        let data: [UInt8] = [0x01, 0x02, 0x03]
        // Words 0x0102 and 0x0300: sum1 = 0x0402, sum2 = 0x0102 + 0x0402.
        let checksum: UInt32 = 0x0504_0402
        let stored = data + (0..<4).map { UInt8(truncatingIfNeeded: checksum >> (8 * $0)) }
        #expect(try ChunkFilters.verifyFletcher32(stored, what: "a chunk") == data)
        #expect(throws: HDF5Error.self) { try ChunkFilters.verifyFletcher32(data + [0, 0, 0, 0], what: "a chunk") }
    }
}
