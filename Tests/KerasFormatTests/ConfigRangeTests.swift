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
        ("[null, 4]", #"["input_1", 1e300, 0, {}]"#, "'node index' is 1e+300, not a whole number from 0 to 1048576"),
        ("[null, 4]", #"["input_1", 0, -1e19, {}]"#, "'tensor index' is -1e+19, not a whole number from 0 to 1048576"),
        ("[null, 1e300]", #"["input_1", 0, 0, {}]"#, "'batch_input_shape' is 1e+300, not a whole number from -2147483648 to 2147483648"),
        ("[null, 100000, 100000, 1000]", #"["input_1", 0, 0, {}]"#, "elements per sample, over the limit"),
    ])
    func refusesImpossibleNumbers(shape: String, reference: String, problem: String) throws {
        let error = #expect(throws: KerasConfigError.self) {
            try GraphConfig(json: config(shape: shape, reference: reference), kerasMajorVersion: 2)
        }
        #expect(error?.description.contains(problem) == true, "\(error?.description ?? "no error")")
    }

    @Test func integerAccessorHoldsNumbersToTheirRange() {
        #expect(JSONValue.number(7).integer(in: 0...10) == 7)
        #expect(JSONValue.number(-3).integer() == -3)
        #expect(JSONValue.number(11).integer(in: 0...10) == nil)
        #expect(JSONValue.number(2.5).integer() == nil)
        #expect(JSONValue.number(1e300).integer() == nil)
        #expect(JSONValue.number(-1e300).integer() == nil)
        #expect(JSONValue.number(.nan).integer() == nil)
        #expect(JSONValue.number(Double(1 << 31)).integer() == 1 << 31)
        #expect(JSONValue.number(Double(1 << 31) + 1).integer() == nil)
        #expect(JSONValue.string("3").integer() == nil)
        // A range wider than the config limit is clamped to it.
        #expect(JSONValue.number(1e15).integer(in: 0...Int.max) == nil)
    }

    @Test func integerErrorsNameTheLayerTheKeyAndTheValue() throws {
        let config = ConfigObject(["units": .number(1e300), "axis": .array([.number(1), .number(-99.5)])], context: "layer 'dense' (Dense)")
        let units = #expect(throws: KerasConfigError.self) { try config.int("units", in: 1...100) }
        #expect(units?.description == "layer 'dense' (Dense): 'units' is 1e+300, not a whole number from 1 to 100")
        let axis = #expect(throws: KerasConfigError.self) { try config.intOrInts("axis") }
        #expect(axis?.description == "layer 'dense' (Dense): 'axis' is -99.5, not a whole number from -2147483648 to 2147483648")
        #expect(throws: KerasConfigError.self) { try config.pair("units") }
    }
}
