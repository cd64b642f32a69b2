import Foundation
@testable import KerasFormat
import Testing

/// Numbers in a model config that would crash a conversion or size an
/// impossible allocation are refused with a `KerasConfigError`.
@Suite struct ConfigRangeTests {
    /// A functional config of one input of `shape` and one Dense layer whose
    /// call takes `reference`.
    private func config(shape: String, reference: String) -> Data {
        Data(#"""
        {"class_name": "Model", "config": {"name": "m", "layers": [
          {"name": "input_1", "class_name": "InputLayer", "config": {"batch_input_shape": \#(shape), "name": "input_1"}, "inbound_nodes": []},
          {"name": "dense_1", "class_name": "Dense", "config": {"name": "dense_1", "units": 2}, "inbound_nodes": [[\#(reference)]]}],
         "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_1", 0, 0]]}}
        """#.utf8)
    }

    @Test func readsASaneConfig() throws {
        let graph = try GraphConfig(json: config(shape: "[null, 4]", reference: #"["input_1", 0, 0, {}]"#), kerasMajorVersion: 2)
        #expect(graph.inputs.map(\.shape) == [[4]])
        #expect(graph.layers.map { $0.calls.map(\.tensors) } == [[[TensorReference(layer: "input_1", node: 0, tensor: 0)]]])
    }

    @Test(arguments: [
        ("[null, 4]", #"["input_1", 1e300, 0, {}]"#, "a tensor reference is not [layer, node, tensor]"),
        ("[null, 4]", #"["input_1", 0, -1e19, {}]"#, "a tensor reference is not [layer, node, tensor]"),
        ("[null, 1e300]", #"["input_1", 0, 0, {}]"#, "holds a non-integer or one too large"),
        ("[null, 100000, 100000, 1000]", #"["input_1", 0, 0, {}]"#, "elements per sample, over the limit"),
    ])
    func refusesImpossibleNumbers(shape: String, reference: String, problem: String) throws {
        let error = #expect(throws: KerasConfigError.self) {
            try GraphConfig(json: config(shape: shape, reference: reference), kerasMajorVersion: 2)
        }
        #expect(error?.description.contains(problem) == true, "\(error?.description ?? "no error")")
    }
}
