import FileIO
import Foundation
@testable import KerasFormat
import ModelGraph
import Testing
import TestSupport

@Suite struct KerasFormatTests {
    @Test(arguments: GoldenManifest.sequentialModels)
    func readsLayersAsKerasListsThem(name: String) throws {
        let entry = try #require(try Fixtures.manifest().models[name])
        let model = try KerasModelReader.read(Fixtures.path(entry.model))
        #expect(model.layers.map(\.name) == entry.layers.map(\.name))
        #expect(model.nodes.map(\.typeName) == entry.layers.map(\.class))
        #expect(model.outputShapes == entry.layers.map { Array($0.shape.dropFirst()) })
        #expect(model.parameterCount == entry.total_params)
        #expect(model.source.producerVersion == entry.keras_version)
        for (layer, expected) in zip(model.layers, entry.layers) where !expected.activation.isEmpty {
            let name = layer.activation?.name
            let aliases: [String: Set<String>] = ["silu": ["swish"], "hard_silu": ["hard_swish"]]
            #expect(name == expected.activation || aliases[expected.activation]?.contains(name ?? "") == true,
                    "layer \(layer.name): \(name ?? "none") vs Keras's \(expected.activation)")
        }
    }

    /// Functional graphs: calls named as LayerLens names them, in the fixture
    /// script's order; inputs and outputs as Keras lists them.
    @Test(arguments: GoldenManifest.graphModels)
    func readsGraphsWithTheirCalls(name: String) throws {
        let entry = try #require(try Fixtures.manifest().models[name])
        let model = try KerasModelReader.read(Fixtures.path(entry.model))
        #expect(model.nodes.map(\.name) == entry.layers.map(\.name))
        #expect(model.outputShapes == entry.layers.map { Array($0.shape.dropFirst()) })
        #expect(model.parameterCount == entry.total_params)
        #expect(model.isGraph)
    }

    @Test func nestedModelsAndSharedLayers() throws {
        let model = try KerasModelReader.read(Fixtures.path("models/siamese_k3.keras"))
        #expect(model.inputs.map(\.name) == ["left", "right"])
        #expect(model.outputs.count == 2)
        let shared = model.nodes.filter { $0.layer.name == "shared" }
        #expect(shared.map(\.name) == ["shared", "shared#2"])
        // The encoder's second call starts from the second input.
        #expect(model.nodes.first { $0.name.hasPrefix("encoder#2/") }?.inputs == [.input(1)])
        #expect(model.nodes.first { $0.name.hasPrefix("encoder/") }?.inputs == [.input(0)])
        let summary = ModelSummary(model)
        #expect(summary.rows.first { $0.name == "difference" }?.connectedTo == ["shared", "shared#2"])
        #expect(summary.rows.first { $0.name == "shared#2" }?.parameterCount == 0)  // counted at its first call
    }

    @Test func seedModelMatchesTheSeedCase() throws {
        let model = try KerasModelReader.read(Fixtures.path("models/seed_tf2.h5"))
        #expect(model.inputShape == [784])
        #expect(model.outputShapes == [[200], [150], [100], [50], [26]])
        #expect(model.parameterCount == 208_626)
        #expect(model.source.container == "h5")
        let archive = try KerasModelReader.read(Fixtures.path("models/seed_k3.keras"))
        #expect(archive.source.container == "keras")
        #expect(archive.source.producer == "Keras" && KerasModelReader.majorVersion(archive.source.producerVersion) == 3)
    }

    @Test func hardSigmoidFollowsTheSavingKerasVersion() throws {
        let keras2 = try KerasModelReader.read(Fixtures.path("models/activations_tf2.h5"))
        let keras3 = try KerasModelReader.read(Fixtures.path("models/activations_k3.keras"))
        #expect(keras2.layers.contains { $0.activation == .hardSigmoid(.slopeOneFifth) })
        #expect(keras3.layers.contains { $0.activation == .hardSigmoid(.shiftedReLU6) })
    }

    /// Each malformed file gets a `FileError` naming it, whose problem says what is wrong.
    @Test(arguments: HostileHDF5Fixtures.allFiles + [
        ("bad/weights_only_tf2.h5", "weights-only"),
        ("bad/weights_only_k3.weights.h5", "weights-only"),
        ("bad/shape_mismatch.h5", "weight 'kernel' has shape (784, 200) in the file, but the config implies (784, 199)"),
        ("bad/lambda_tf2.h5", "Lambda layers hold Python code"),
        ("bad/unknown_classes_tf2.h5", "unsupported layer classes: Gizmo (1 layer), Lambda (1 layer), MyBlock (2 layers), Mystery (1 layer);"),
        ("bad/lstm_k3.keras", "unsupported layer class: LSTM (1 layer)"),
        ("bad/channels_first_tf2.h5", "layer 'conv2d' (Conv2D): data_format 'channels_first' is not supported"),
        ("bad/upsampling_bicubic_k3.keras", "interpolation 'bicubic' is not supported"),
        ("bad/graph_cycle_tf2.h5", "layer 'conv_a' (Conv2D): takes 'conv_b', which is never computed: the graph has a cycle"),
        ("bad/graph_dangling_tf2.h5", "layer 'conv_b' (Conv2D): takes 'nowhere', which is not a layer or input of the model"),
        ("letters/letters_sample.csv", "neither an HDF5 file"),
        ("does/not/exist.h5", "no such file"),
    ])
    func refusesBadFiles(file: String, problem: String) throws {
        let path = Fixtures.path(file)
        let error = #expect(throws: FileError.self) { try KerasModelReader.read(path) }
        #expect(error?.path == path)
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "no error")")
    }

    @Test(arguments: ["models/seed_tf2.h5", "models/seed_k3.keras"])
    func refusesTruncatedFiles(file: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(file)))
        let path = try Fixtures.temporaryFolder() + "/truncated-" + URL(fileURLWithPath: file).lastPathComponent
        for length in [bytes.count / 2, bytes.count - 100, 2000] {
            try bytes.prefix(length).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: FileError.self) { try KerasModelReader.read(path) }
            #expect(error?.path == path)
        }
    }

    @Test func snakeCasesClassNamesAsKerasDoes() throws {
        // The keys Keras 3 itself wrote into activations_k3.keras's weights file.
        #expect(snakeCase("PReLU") == "p_re_lu")
        #expect(snakeCase("SpatialDropout1D") == "spatial_dropout1d")
        #expect(snakeCase("LeakyReLU") == "leaky_re_lu")
        #expect(snakeCase("GaussianDropout") == "gaussian_dropout")
        #expect(snakeCase("Conv2DTranspose") == "conv2d_transpose")
    }
}
