import Foundation
@testable import HDF5
import Testing
import TestSupport

/// Files whose objects reach outside themselves are refused by name, and no filter outside the ones Keras writes is accepted.
@Suite struct ConfinementTests {
    /// Each hostile kernel is refused, whether opened from its group or through
    /// the whole path, while the same layer's bias beside it still reads. The
    /// fixtures lie beside `secret.h5`, which external links and virtual
    /// datasets would reach (HDF5 looks beside the file), so following them would read, not throw.
    @Test(arguments: HostileHDF5Fixtures.legacyFiles)
    func refusesTheKernel(file: String, refusal: String) throws {
        let root = try HDF5File(path: Fixtures.path(file)).root()
        let layer = try root.group("model_weights/dense_32")
        for open in [{ try layer.dataset("dense_32/kernel:0") }, { try root.dataset("model_weights/dense_32/dense_32/kernel:0") }] {
            let error = #expect(throws: HDF5Error.self) { try open().readFloats() }
            #expect(error?.description == refusal)
        }
        #expect(layer.contains("dense_32/kernel:0"))
        #expect(try layer.dataset("dense_32/bias:0").readFloats().count == 8)
    }

    /// The filters Keras writes are not refused: the kernel chunked through
    /// shuffle, deflate and Fletcher32 reads as the plain one it was made from.
    @Test func readsTheFiltersKerasWrites() throws {
        let kernel = String(HostileHDF5Fixtures.legacyKernel.dropFirst())
        let filtered = try HDF5File(path: Fixtures.path("hostile/hdf5/keras_filters.h5")).root().dataset(kernel).readFloats()
        let plain = try HDF5File(path: Fixtures.path("models/sequence_zoo_tf2.h5")).root().dataset(kernel).readFloats()
        #expect(filtered.count == 40)
        #expect(filtered == plain)
    }

    /// A path through a link HDF5 would leave the file by is refused at that
    /// link, not followed to look for what lies beyond it.
    @Test func refusesAPathThroughAnExternalLink() throws {
        let root = try HDF5File(path: Fixtures.path("hostile/hdf5/external_link.h5")).root()
        let error = #expect(throws: HDF5Error.self) { try root.group("model_weights/dense_32/dense_32/kernel:0/inside") }
        #expect(error?.description == "link \(HostileHDF5Fixtures.legacyKernel) points into another file (external link); refused")
    }
}
