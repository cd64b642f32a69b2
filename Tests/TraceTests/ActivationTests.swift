import Foundation
import LayerLens
@testable import KerasFormat
@testable import Layers
@testable import Trace
import Testing
import TestSupport

/// Each built-in activation against Keras's own output on the same values
/// (`goldens/activation_functions.npz`, 2,008 values from −10 to 10).
@Suite struct ActivationTests {
    static let goldens = try! NumPyFile.readArchive(Fixtures.path("goldens/activation_functions.npz"))

    static var cases: [String] {
        goldens.keys.filter { $0 != "x" && !$0.hasSuffix("_approximate") && !$0.hasPrefix("special/") }.sorted()
    }

    static var specialCases: [String] {
        goldens.keys.filter { $0.hasPrefix("special/") && $0 != "special/x" }.sorted()
    }

    /// NaN and ±infinity go through each element-wise function as in Keras:
    /// NaN where Keras gives NaN, the same infinities, finite values within tolerance.
    @Test(arguments: specialCases)
    func handlesNaNAndInfinityAsKeras(key: String) throws {
        let parts = key.split(separator: "/")
        let activation = try #require(ActivationDecoder.activation(named: String(parts[2]), kerasMajorVersion: parts[1] == "keras2" ? 2 : 3))
        let ours = apply(activation, to: try #require(Self.goldens["special/x"]).tensor).scalars
        let keras = try #require(Self.goldens[key]).floats
        for (index, (a, b)) in zip(ours, keras).enumerated() {
            let same = (a.isNaN && b.isNaN) || a == b || (a.isFinite && b.isFinite && abs(a - b) <= 1e-4 + 1e-5 * abs(b))
            #expect(same, "\(key) element \(index): ours \(a), Keras \(b)")
        }
    }

    @Test(arguments: cases)
    func matchesKeras(key: String) throws {
        let parts = key.split(separator: "/")
        let major = parts[0] == "keras2" ? 2 : 3
        let activation = try #require(ActivationDecoder.activation(named: String(parts[1]), kerasMajorVersion: major))
        let x = try #require(Self.goldens["x"]).tensor
        let keras = try #require(Self.goldens[key]).tensor
        let ours = apply(activation, to: x)
        #expect(parityViolation(ours, keras, label: key) == nil, "\(parityViolation(ours, keras, label: key) ?? "")")
    }

    @Test(arguments: ["keras2/gelu_approximate", "keras3/gelu_approximate"])
    func geluTanhApproximationMatchesKeras(key: String) throws {
        let x = try #require(Self.goldens["x"]).tensor
        let keras = try #require(Self.goldens[key]).tensor
        #expect(parityViolation(apply(.gelu(approximate: true), to: x), keras, label: key) == nil)
    }

    @Test func blasDenseEqualsTheNaiveReference() {
        var generator = SystemRandomNumberGenerator()
        let rows = 37, inputUnits = 129, units = 65
        let input = (0..<(rows * inputUnits)).map { _ in Float.random(in: -3...3, using: &generator) }
        let kernel = (0..<(inputUnits * units)).map { _ in Float.random(in: -1...1, using: &generator) }
        let bias = (0..<units).map { _ in Float.random(in: -1...1, using: &generator) }
        for withBias in [true, false] {
            let fast = denseForward(input: input, rows: rows, kernel: kernel, inputUnits: inputUnits, units: units, bias: withBias ? bias : nil)
            let naive = denseForwardReference(input: input, rows: rows, kernel: kernel, inputUnits: inputUnits, units: units, bias: withBias ? bias : nil)
            #expect(parityViolation(Tensor(shape: [rows, units], scalars: fast), Tensor(shape: [rows, units], scalars: naive), label: "dense") == nil)
        }
    }

    /// An axis-wise activation along an axis the sample does not have is refused
    /// when the model is built, not applied as something else.
    @Test func axisWiseActivationsRefuseAxesOutsideTheSample() throws {
        let sample = [4, 5]
        for axes in [[1], [2], [-1], [-2], [1, 2]] {
            #expect(try ActivationLayer(name: "s", activation: .softmax(axes: axes)).outputShape(for: sample) == sample)
        }
        for activation in [Activation.softmax(axes: [99]), .softmax(axes: [0]), .softmax(axes: [3]), .logSoftmax(axes: [-3]), .sparsemax(axis: 5), .glu(axis: 3)] {
            #expect(throws: LayerError.self) { try ActivationLayer(name: "s", activation: activation).outputShape(for: sample) }
        }
    }
}
