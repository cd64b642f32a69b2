import Foundation
import HDF5
import Testing
import TestSupport

@Suite struct HDF5Tests {
    let seedPath = Fixtures.path("models/seed_tf2.h5")

    @Test func readsVariableLengthStringAttributes() throws {
        let root = try HDF5File(path: seedPath).root()
        #expect(try root.stringAttribute("keras_version") == "2.21.0")
        #expect(try root.stringAttribute("backend") == "tensorflow")
        let weights = try root.group("model_weights")
        #expect(try weights.stringsAttribute("layer_names") == ["dense", "dense_1", "dense_2", "dense_3", "dense_4"])
        #expect(try weights.group("dense").stringsAttribute("weight_names") == ["dense/kernel:0", "dense/bias:0"])
    }

    @Test func readsFixedLengthStringAttributes() throws {
        let weights = try HDF5File(path: Fixtures.path("models/seed_tf2_split_attributes.h5")).root().group("model_weights")
        #expect(try weights.stringsAttribute("layer_names0") == ["dense", "dense_1"])
        #expect(try weights.stringsAttribute("layer_names1") == ["dense_2", "dense_3", "dense_4"])
        #expect(try weights.attributeNames().sorted() == ["backend", "keras_version", "layer_names0", "layer_names1"])
    }

    @Test func listsMembersAndReadsDatasets() throws {
        let group = try HDF5File(path: seedPath).root().group("model_weights/dense/dense")
        #expect(try group.memberNames() == ["bias:0", "kernel:0"])
        let kernel = try group.dataset("kernel:0")
        #expect(try kernel.shape() == [784, 200])
        let values = try kernel.readFloats()
        #expect(values.count == 784 * 200)
        #expect(values.contains { $0 != 0 })
    }

    @Test func opensAFileImageFromMemory() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: seedPath))
        let fromDisk = try HDF5File(path: seedPath).root().dataset("model_weights/dense_4/dense_4/bias:0").readFloats()
        let fromMemory = try HDF5File(imageOfSize: bytes.count) { $0.copyBytes(from: bytes) }.root().dataset("model_weights/dense_4/dense_4/bias:0").readFloats()
        #expect(fromMemory == fromDisk)
        #expect(fromMemory.count == 26)
    }

    @Test func reportsMissingObjectsAndCorruptFiles() throws {
        let root = try HDF5File(path: seedPath).root()
        #expect(!root.contains("model_weights/nothing/here"))
        #expect(throws: HDF5Error.self) { try root.group("nothing") }
        #expect(throws: HDF5Error.self) { try root.stringAttribute("no_such_attribute") }
        let folder = try Fixtures.temporaryFolder()
        let truncated = folder + "/truncated.h5"
        try Data(contentsOf: URL(fileURLWithPath: seedPath)).prefix(4096).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: HDF5Error.self) { try HDF5File(path: truncated) }
        let text = Data("not hdf5 at all".utf8)
        #expect(throws: HDF5Error.self) { try HDF5File(imageOfSize: text.count) { $0.copyBytes(from: text) } }
    }
}
