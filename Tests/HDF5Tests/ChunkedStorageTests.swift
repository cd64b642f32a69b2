import Foundation
import HDF5
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
}
