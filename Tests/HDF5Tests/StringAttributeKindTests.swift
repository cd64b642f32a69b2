import Foundation
import HDF5
import Testing
import TestSupport

/// String attributes of every kind old and new Keras files carry.
@Suite struct StringAttributeKindTests {
    /// Each tiny fixture stores every string attribute in one kind (see
    /// `Fixtures/make_old_keras.py`): all read to the same strings.
    @Test(arguments: [("h5py2", "2.0.5"), ("vlen_utf8", "2.1.6"), ("fixed_ascii", "2.2.4"), ("fixed_utf8", "2.3.1"),
                      ("one_element", "2.0.5")])
    func readsEveryStringKind(kind: String, version: String) throws {
        let root = try HDF5File(path: Fixtures.path("old_keras/tiny_\(kind).h5")).root()
        #expect(try root.stringAttribute("keras_version") == version)
        #expect(try root.stringAttribute("backend") == "tensorflow")
        let config = try JSONSerialization.jsonObject(with: Data(try root.stringAttribute("model_config").utf8)) as? [String: Any]
        #expect(config?["class_name"] as? String == "Model")
        let weights = try root.group("model_weights")
        #expect(try weights.stringAttribute("keras_version") == version)
        #expect(try weights.stringsAttribute("layer_names") == [
            "input_1", "conv2d_1", "batch_normalization_1", "activation_1", "global_average_pooling2d_1", "dense_1"])
        #expect(try weights.group("conv2d_1").stringsAttribute("weight_names") == ["conv2d_1/kernel:0", "conv2d_1/bias:0"])
        // A weightless layer's names: an empty float64 array, as h5py 2.x wrote `[]`.
        #expect(try weights.group("activation_1").stringsAttribute("weight_names") == [])
    }

    @Test func refusesManyStringsWhereOneIsExpected() throws {
        let weights = try HDF5File(path: Fixtures.path("old_keras/tiny_h5py2.h5")).root().group("model_weights")
        let error = #expect(throws: HDF5Error.self) { try weights.stringAttribute("layer_names") }
        #expect(error?.description == "attribute 'layer_names' holds 6 strings where one was expected")
        #expect(throws: HDF5Error.self) { try weights.group("activation_1").stringAttribute("weight_names") }
    }
}
