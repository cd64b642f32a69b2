import FileIO
import Foundation
import HDF5
@testable import KerasFormat
import ModelGraph
import Testing
import TestSupport

/// Files of every Keras generation: standalone Keras 2.0–2.3 files as h5py 2.x
/// wrote them (every HDF5 string kind, the old config dialect, the Theano
/// backend), Keras 1 files and corrupted ones.
@Suite struct OldKerasFileTests {
    /// Each old file loads with Keras's layer calls, classes, shapes and parameter count.
    @Test(arguments: OldKerasFixtures.models)
    func readsEveryGeneration(name: String) throws {
        let entry = try #require(try OldKerasFixtures.manifest().models[name])
        let model = try KerasModelReader.read(Fixtures.path(entry.model))
        #expect(model.nodes.map(\.name) == entry.layers.map(\.name))
        #expect(model.nodes.map(\.typeName) == entry.layers.map(\.class))
        #expect(model.outputShapes == entry.layers.map { Array($0.shape.dropFirst()) })
        #expect(model.parameterCount == entry.total_params)
        #expect(model.source.producerVersion == entry.keras_version)
    }

    /// Keras 1 files are refused by their keras_version, or without one by their config.
    @Test(arguments: [
        ("old_keras/keras1_1_2_2.h5",
         "written by Keras 1.2.2; LayerLens reads files from Keras 2.0 on — load it in Keras 2 and save it again"),
        ("old_keras/keras1_no_version.h5",
         "written by Keras 1 (no keras_version is recorded, and its config has the Keras 1 layer class 'Convolution2D'); LayerLens reads files from Keras 2.0 on"),
    ])
    func refusesKeras1Files(file: String, problem: String) throws {
        let path = Fixtures.path(file)
        let error = #expect(throws: FileError.self) { try KerasModelReader.read(path) }
        #expect(error?.path == path)
        #expect(error?.problem.hasPrefix(problem) == true, "\(error?.problem ?? "no error")")
    }

    /// A Keras 2.0.5 file whose string attribute bytes were damaged is refused
    /// with one line naming the file and the attribute, not a crash.
    @Test(arguments: [
        ("corrupt_keras_version_text.h5", "attribute 'keras_version' holds bytes that are not UTF-8 text"),
        ("corrupt_model_config_reference.h5", "cannot read attribute 'model_config'"),
        ("corrupt_model_config_text.h5", "the model config is not a JSON object"),
        ("corrupt_weight_names.h5", "no dataset '/model_weights/conv2d_1/conv2d_1/kernel:9'"),
    ])
    func refusesCorruptStringAttributes(file: String, problem: String) throws {
        let path = Fixtures.path("old_keras/" + file)
        let error = #expect(throws: FileError.self) { try KerasModelReader.read(path) }
        #expect(error?.path == path)
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "no error")")
        #expect(error?.description.contains("\n") == false)
    }

    /// The string attributes as every kind stores them read the same.
    @Test(arguments: ["h5py2", "vlen_utf8", "fixed_ascii", "fixed_utf8", "one_element"])
    func readsEveryStringKindAlike(kind: String) throws {
        let reference = try KerasModelReader.read(Fixtures.path("old_keras/tiny_h5py2.h5"))
        let model = try KerasModelReader.read(Fixtures.path("old_keras/tiny_\(kind).h5"))
        #expect(try HDF5File(path: Fixtures.path("old_keras/tiny_\(kind).h5")).root().stringAttribute("backend") == "tensorflow")
        #expect(ModelSummary(model).rows.map(\.name) == ModelSummary(reference).rows.map(\.name))
        #expect(model.parameterCount == reference.parameterCount)
    }

    @Test func keepsVersionsItCanRead() throws {
        #expect(try KerasGeneration.checkedVersion(recorded: "2.0.5", config: nil) == "2.0.5")
        #expect(try KerasGeneration.checkedVersion(recorded: "2.1.6-tf", config: nil) == "2.1.6-tf")
        #expect(try KerasGeneration.checkedVersion(recorded: "3.15.1", config: nil) == "3.15.1")
        #expect(try KerasGeneration.checkedVersion(recorded: nil, config: nil) == "2")
        for bad in ["", "abc", "2", "2..1", "v2.0.5"] {
            #expect(throws: KerasConfigError.self) { try KerasGeneration.checkedVersion(recorded: bad, config: nil) }
        }
        #expect(throws: KerasConfigError.self) { try KerasGeneration.checkedVersion(recorded: "0.3.3", config: nil) }
    }

    /// Keras 2 and 3 configs, every fixture's, show no Keras 1 marker; Keras 1
    /// options are found in nested models too.
    @Test func findsKeras1MarkersOnlyInKeras1Configs() throws {
        for name in GoldenManifest.sequentialModels + GoldenManifest.graphModels {
            let entry = try #require(try Fixtures.manifest().models[name])
            let model = try KerasModelReader.read(Fixtures.path(entry.model))
            #expect(Int(model.source.producerVersion.prefix { $0.isNumber }) ?? 0 >= 2)
        }
        let nested = #"{"class_name": "Model", "config": {"layers": [{"class_name": "Sequential", "config": [{"class_name": "Dense", "config": {"output_dim": 3, "init": "glorot_uniform"}}]}]}}"#
        #expect(KerasGeneration.keras1Marker(in: try #require(JSONValue.parse(Data(nested.utf8)))) == "the Keras 1 option 'init'")
        let keras2 = #"{"class_name": "Sequential", "config": [{"class_name": "Conv2D", "config": {"filters": 3, "padding": "same"}}]}"#
        #expect(KerasGeneration.keras1Marker(in: try #require(JSONValue.parse(Data(keras2.utf8)))) == nil)
    }

    /// Theano-backend kernels: spatial axes reversed for the convolutions Keras 2
    /// converted, every element moved to its mirror position; others untouched.
    @Test func flipsTheanoKernelsAsKeras2Did() throws {
        let shape = [2, 3, 2, 4]
        let kernel = Tensor(shape: shape, scalars: (0..<48).map(Float.init))
        let bias = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        let flipped = KerasGeneration.theanoArraysAsKerasLoadsThem([kernel, bias], className: "Conv2D")
        #expect(flipped[1] == bias)
        func element(_ tensor: Tensor, _ i: Int, _ j: Int, _ c: Int, _ f: Int) -> Float {
            tensor.scalars[((i * shape[1] + j) * shape[2] + c) * shape[3] + f]
        }
        for i in 0..<2 { for j in 0..<3 { for c in 0..<2 { for f in 0..<4 {
            #expect(element(flipped[0], i, j, c, f) == element(kernel, 1 - i, 2 - j, c, f))
        } } } }
        #expect(KerasGeneration.theanoArraysAsKerasLoadsThem([kernel], className: "SeparableConv2D") == [kernel])
        let oneDimensional = Tensor(shape: [3, 1, 2], scalars: [0, 1, 2, 3, 4, 5])
        #expect(KerasGeneration.theanoArraysAsKerasLoadsThem([oneDimensional], className: "Conv1D")[0].scalars == [4, 5, 2, 3, 0, 1])
    }
}
