import FileIO
import Foundation
@testable import KerasFormat
import Layers
import ModelGraph
import Testing
import TestSupport

/// The files of Fixtures/hostile/config (`make_config_hostile.py`): numbers in a
/// config or a weight header that once trapped, allocated what the file merely
/// declared, or took minutes, are refused with an error naming the file and the
/// problem — or, for the large but honest graphs, read quickly.
@Suite struct HostileConfigTests {
    /// Each refused file and what its error must say.
    static let refused: [(file: String, problem: String)] = [
        ("shape_1e300.h5", "layer 'input_1' (InputLayer): 'batch_input_shape' is 1e+300, not a whole number"),
        ("padding_1e300.h5", "layer 'zero_padding2d' (ZeroPadding2D): 'padding' is 1e+300, not a whole number from 0 to"),
        ("node_index_1e300.h5", "'node index' is 1e+300, not a whole number from 0 to 1048576"),
        ("axis_1e300.h5", "layer 'softmax' (Softmax): 'axis' is 1e+300, not a whole number"),
        ("kernel_size_1e300.h5", "layer 'conv2d' (Conv2D): 'kernel_size' is 1e+300, not a whole number from 1 to"),
        ("kernel_size_1e300.keras", "layer 'conv2d_3' (Conv2D): 'kernel_size' is 1e+300, not a whole number from 1 to"),
        ("softmax_axis_99.h5", "layer 'softmax' (Softmax): softmax axis [99] is out of range for input (4,)"),
        ("cropping_negative.h5", "layer 'cropping2d' (Cropping2D): 'cropping' is -3, not a whole number from 0 to"),
        ("cropping_over_input.h5", "layer 'cropping2d' (Cropping2D): cannot crop"),
        ("repeat_negative.h5", "layer 'repeat_vector' (RepeatVector): 'n' must be positive"),
        ("units_zero.h5", "layer 'dense' (Dense): 'units' must be positive"),
        ("reshape_overflow.h5", "layer 'reshape' (Reshape): target shape (2147483648, 2147483648, 2147483648, -1) is not valid"),
        ("upsampling_overflow.h5", "layer 'up_sampling2d' (UpSampling2D): would need 18.4 EB for its output of shape (1, 2147483648, 2147483648, 1); the limit is 4.0 GB"),
        ("kernel_4tib.h5", "layer 'dense' (Dense): weight '/model_weights/dense/dense/kernel:0' of shape (1048576, 1048576) would need 4.4 TB; the limit is 4.3 GB"),
        ("kernel_8gib.h5", "weight '/model_weights/dense/dense/kernel:0' of shape (65536, 32768) would need 8.6 GB; the limit is 4.3 GB"),
        ("kernel_2gib_unwritten.h5", "weight '/model_weights/dense/dense/kernel:0' of shape (32768, 16384) would need 2.1 GB, but the file stores only 0 bytes of it"),
        ("weights_20gib_in_all.h5", "layer 'dense_4': weight '/model_weights/dense_4/dense_4/kernel:0' of shape (32768, 32768) takes the model's weights past 17.2 GB, the limit for all of them together; refused"),
    ]

    @Test(arguments: refused.map(\.file))
    func refusesTheFileNamingIt(file: String) throws {
        let path = Fixtures.path("hostile/config/" + file)
        let problem = try #require(Self.refused.first { $0.file == file }?.problem)
        let error = #expect(throws: FileError.self) { try KerasModelReader.read(path) }
        #expect(error?.description.hasPrefix(path + ": ") == true, "\(error?.description ?? "no error")")
        #expect(error?.description.contains(problem) == true, "\(error?.description ?? "no error")")
    }

    /// How long it takes is checked by `HostileConfigCLITests`: in a test
    /// process every thrown error records a backtrace, and decoding the config's
    /// JSON throws (and catches) several per value, so timing here measures that.
    @Test func readsAReversed20000LayerChainInExecutionOrder() throws {
        let model = try KerasModelReader.read(Fixtures.path("hostile/config/chain_20000_reversed.h5"))
        // Execution order, whatever the config's order: l0 first, l19999 last.
        #expect(model.nodes.map(\.name) == (0..<20_000).map { "l\($0)" })
        #expect(model.parameterCount == 1000)
    }

    @Test func reads3000FanOutBranches() throws {
        let model = try KerasModelReader.read(Fixtures.path("hostile/config/fanout_3000.h5"))
        #expect(model.nodes.count == 3001)
        #expect(model.outputShape == [6000])
        #expect(model.nodes.last?.inputs.count == 3000)
    }
}

/// The checked shape arithmetic every inferred shape goes through.
@Suite struct SizeLimitTests {
    @Test func elementCountRefusesNegativeExtentsAndOverflow() {
        #expect(SizeLimits.elementCount([]) == 1)
        #expect(SizeLimits.elementCount([3, 4, 0]) == 0)
        #expect(SizeLimits.elementCount([3, 4, 5]) == 60)
        #expect(SizeLimits.elementCount([3, -4]) == nil)
        #expect(SizeLimits.elementCount([1 << 31, 1 << 31, 1 << 31]) == nil)
        #expect(SizeLimits.elementCount([1 << 31, 1 << 31]) == 1 << 62)
    }

    @Test func outputBudgetChargesEveryLayerAgainstTheTraceLimit() throws {
        let layer = Flatten(name: "flatten")
        var budget = OutputBudget(batch: 2)
        try budget.charge([100, 100], of: layer)
        #expect(budget.elements == 20_000)
        // Half the limit per sample is fine once; twice it is over.
        let half = SizeLimits.traceBytes / 4 / 2 / 2
        var large = OutputBudget(batch: 2)
        try large.charge([half], of: layer)
        let error = #expect(throws: LayerError.self) { try large.charge([half + 1], of: layer) }
        #expect(error?.description == "layer 'flatten': would need 2.0 GB for its output of shape (2, 250000001) (4.0 GB with the layers before it); the limit is 4.0 GB")
        #expect(throws: LayerError.self) { try budget.charge([-1, 5], of: layer) }
        #expect(throws: LayerError.self) { try budget.charge([1 << 31, 1 << 31, 4], of: layer) }
    }

    @Test func byteDescriptionUsesDecimalUnits() {
        #expect(SizeLimits.byteDescription(512) == "512 bytes")
        #expect(SizeLimits.byteDescription(17_179_869_184) == "17.2 GB")
    }
}
