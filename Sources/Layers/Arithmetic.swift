import Foundation
import ModelGraph

/// `x · scale + offset`, where scale and offset are scalars or broadcast along
/// the trailing axes (Keras's Rescaling layer).
public struct Rescaling: UnaryLayer {
    public let name: String
    /// One value, or one per position of the trailing axes.
    public let scale: [Float]
    /// One value, or one per position of the trailing axes.
    public let offset: [Float]

    public init(name: String, scale: [Float], offset: [Float]) {
        self.name = name
        self.scale = scale
        self.offset = offset
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        // Broadcasting works when the values cover exactly the last k axes.
        let trailingSizes = input.reversed().reduce(into: [1]) { sizes, extent in sizes.append(sizes.last! * extent) }
        for values in [scale, offset] where values.count != 1 {
            guard trailingSizes.contains(values.count) else {
                throw LayerError(self, "\(values.count) scale/offset values do not broadcast over shape \(shapeDescription(input))")
            }
        }
        return input
    }

    public func forward(_ input: Tensor) -> Tensor {
        var output = input
        for index in output.scalars.indices {
            output.scalars[index] = output.scalars[index] * scale[index % scale.count] + offset[index % offset.count]
        }
        return output
    }
}

/// `x op c` (or `c op x`) with a constant `c` that broadcasts over each sample:
/// a scalar (`x + 3`, `x · 1/6`), or a learned per-channel vector (a layer scale).
public struct ConstantArithmetic: UnaryLayer {
    public let name: String
    public let operation: BinaryOperation
    /// The constant, shaped to broadcast against one sample (rank 0 for a scalar).
    public let constant: Tensor
    /// Whether the constant is the left operand (`1 − x`).
    public let constantFirst: Bool
    /// Whether the constant is a stored weight, counted as parameters.
    public let isWeight: Bool

    public init(name: String, operation: BinaryOperation, constant: Tensor, constantFirst: Bool = false, isWeight: Bool = false) {
        self.name = name
        self.operation = operation
        self.constant = constant
        self.constantFirst = constantFirst
        self.isWeight = isWeight
    }

    public var parameterCount: Int { isWeight ? constant.count : 0 }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard let shape = broadcastShape(input, constant.shape), shape.count <= input.count else {
            throw LayerError(self, "a constant of shape \(shapeDescription(constant.shape)) does not broadcast over \(shapeDescription(input))")
        }
        return shape
    }

    public func forward(_ input: Tensor) -> Tensor {
        let shape = broadcastShape(input.shape, constant.shape)!
        return constantFirst ? operation.apply(constant, input, outputShape: shape) : operation.apply(input, constant, outputShape: shape)
    }
}

/// `x + scale · y`: a residual branch scaled before it is added (Inception-ResNet's blocks).
public struct ScaledSum: Layer {
    public let name: String
    public let scale: Float

    public init(name: String, scale: Float) {
        self.name = name
        self.scale = scale
    }

    public func outputShape(forInputs shapes: [[Int]]) throws -> [Int] {
        guard shapes.count == 2, shapes[0] == shapes[1] else {
            throw LayerError(self, "takes two inputs of one shape, got \(shapes.map(shapeDescription).joined(separator: " and "))")
        }
        return shapes[0]
    }

    public func forward(_ inputs: [Tensor]) -> Tensor {
        let scale = scale
        return broadcastCombine(inputs[0], inputs[1], outputShape: inputs[0].shape, run: runOf { x, y in x + y * scale })
    }
}

/// An element-wise function of one input that is not an activation (`abs`, `sqrt`, `exp`, …).
public struct ElementwiseFunction: UnaryLayer {
    /// The function applied to every value.
    public enum Function: String, Sendable, CaseIterable {
        case negative, absolute, square, sqrt, reciprocalSqrt, exp, log, reciprocal, sign, floor, ceil, round
    }

    public let name: String
    public let function: Function

    public init(name: String, function: Function) {
        self.name = name
        self.function = function
    }

    public func outputShape(for input: [Int]) throws -> [Int] { input }

    public func forward(_ input: Tensor) -> Tensor {
        var output = input
        output.scalars.withUnsafeMutableBufferPointer { values in
            switch function {
            case .negative: for i in values.indices { values[i] = -values[i] }
            case .absolute: for i in values.indices { values[i] = abs(values[i]) }
            case .square: for i in values.indices { values[i] *= values[i] }
            case .sqrt: for i in values.indices { values[i] = values[i].squareRoot() }
            case .reciprocalSqrt: for i in values.indices { values[i] = 1 / values[i].squareRoot() }
            case .exp: for i in values.indices { values[i] = Foundation.exp(values[i]) }
            case .log: for i in values.indices { values[i] = Foundation.log(values[i]) }
            case .reciprocal: for i in values.indices { values[i] = 1 / values[i] }
            case .sign: for i in values.indices { values[i] = values[i] > 0 ? 1 : values[i] < 0 ? -1 : values[i] }
            case .floor: for i in values.indices { values[i] = values[i].rounded(.down) }
            case .ceil: for i in values.indices { values[i] = values[i].rounded(.up) }
            case .round: for i in values.indices { values[i] = values[i].rounded(.toNearestOrEven) }
            }
        }
        return output
    }
}
