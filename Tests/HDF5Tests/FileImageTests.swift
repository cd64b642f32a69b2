import Foundation
@testable import HDF5
import Testing
import TestSupport

/// Datasets read in blocks, and HDF5 files read in place from a byte range of a larger file.
@Suite struct FileImageTests {
    /// Reading a few bytes at a time, one outermost row per block, gives what
    /// one read gives, for every rank including a scalar.
    @Test(arguments: ["models/cnn_tf2.h5", "models/normalization_tf2.h5", "models/seed_tf2.h5"])
    func readsDatasetsInBlocks(file: String) throws {
        let weights = try HDF5File(path: Fixtures.path(file)).root().group("model_weights")
        var ranks = Set<Int>()
        for layer in try weights.memberNames() {
            let group = try weights.group(layer)
            for name in try group.stringsAttribute("weight_names") {
                let dataset = try group.dataset(name)
                ranks.insert(try dataset.shape().count)
                #expect(try dataset.readFloats(blockBytes: 1) == dataset.readFloats(), "\(file) \(name)")
            }
        }
        #expect(ranks.count >= 2)
    }

    /// An HDF5 file inside a larger file is read in place from its byte range,
    /// twice over (its pages given back between the reads), as from disk.
    @Test func readsAByteRangeInPlace() throws {
        let seed = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("models/seed_tf2.h5")))
        let path = try Fixtures.temporaryFolder() + "/embedded.bin"
        try (Data(repeating: 0x5A, count: 1001) + seed + Data(repeating: 0xA5, count: 77)).write(to: URL(fileURLWithPath: path))
        let kernel = "model_weights/dense/dense/kernel:0"
        let fromDisk = try HDF5File(path: Fixtures.path("models/seed_tf2.h5")).root().dataset(kernel).readFloats()
        let embedded = try HDF5File(path: path, byteRange: 1001..<(1001 + seed.count)).root().dataset(kernel)
        #expect(try embedded.readFloats(blockBytes: 4096) == fromDisk)
        #expect(try embedded.readFloats() == fromDisk)
        #expect(throws: HDF5Error.self) { try HDF5File(path: path, byteRange: 1001..<(1001 + seed.count + 78)) }
        #expect(throws: HDF5Error.self) { try HDF5File(path: path, byteRange: 1001..<1001) }
        #expect(throws: HDF5Error.self) { try HDF5File(path: path, byteRange: 0..<seed.count) }
    }
}
