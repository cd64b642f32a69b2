import Foundation
import ModelGraph

/// NumPy's broadcasting of two shapes: aligned from the last axis, each pair of
/// extents equal or one of them 1, the shorter shape padded with 1s in front.
/// Nil when they do not broadcast.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    let paddedA = Array(repeating: 1, count: rank - a.count) + a
    let paddedB = Array(repeating: 1, count: rank - b.count) + b
    var shape: [Int] = []
    for (x, y) in zip(paddedA, paddedB) {
        guard x == y || x == 1 || y == 1 else { return nil }
        shape.append(x == 1 ? y : x)
    }
    return shape
}

/// Two batches whose samples broadcast, the one of lower sample rank given
/// extents of 1 right after its batch axis, so that whole shapes broadcast as
/// the samples do (the batch axis never lines up with a sample axis).
func alignedSamples(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
    func padded(_ tensor: Tensor, to rank: Int) -> Tensor {
        let missing = rank - tensor.shape.count
        guard missing > 0 else { return tensor }
        return tensor.reshaped([tensor.batchSize] + Array(repeating: 1, count: missing) + tensor.sampleShape)
    }
    let rank = max(a.shape.count, b.shape.count)
    return (padded(a, to: rank), padded(b, to: rank))
}

/// `a op b` for two batches whose samples broadcast.
func combineBatches(_ operation: BinaryOperation, _ a: Tensor, _ b: Tensor) -> Tensor {
    let (x, y) = alignedSamples(a, b)
    return operation.apply(x, y, outputShape: broadcastShape(x.shape, y.shape)!)
}

/// The element strides of a C-order tensor of `shape` read as `outputShape`
/// (right-aligned): 0 along the axes it is broadcast over.
private func broadcastStrides(_ shape: [Int], to outputShape: [Int]) -> [Int] {
    let padded = Array(repeating: 1, count: outputShape.count - shape.count) + shape
    var strides = [Int](repeating: 0, count: padded.count)
    var step = 1
    for axis in padded.indices.reversed() {
        strides[axis] = padded[axis] == 1 ? 0 : step
        step *= padded[axis]
    }
    return strides
}

/// `body(a[i], b[i])` for every position of the broadcast of `a` and `b`
/// (whole shapes, batch axis included), which must broadcast to `outputShape`.
/// The innermost axis runs as one loop with each side's stride 0 or 1.
@inline(__always)
func broadcastCombine(_ a: Tensor, _ b: Tensor, outputShape: [Int], _ body: (Float, Float) -> Float) -> Tensor {
    let count = outputShape.reduce(1, *)
    if a.shape == b.shape {
        let scalars = [Float].large(count: count) { target in
            a.scalars.withUnsafeBufferPointer { x in
                b.scalars.withUnsafeBufferPointer { y in
                    parallelRanges(count) { range in
                        for index in range { target[index] = body(x[index], y[index]) }
                    }
                }
            }
        }
        return Tensor(shape: outputShape, scalars: scalars)
    }
    let stridesA = broadcastStrides(a.shape, to: outputShape), stridesB = broadcastStrides(b.shape, to: outputShape)
    let inner = outputShape.last ?? 1
    let (innerA, innerB) = (stridesA.last ?? 0, stridesB.last ?? 0)
    // Starting offsets of every innermost run, from the outer axes.
    let outer = Array(outputShape.dropLast())
    let startsA = stridedOffsets(shape: outer, strides: Array(stridesA.dropLast()))
    let startsB = stridedOffsets(shape: outer, strides: Array(stridesB.dropLast()))
    let scalars = [Float].large(count: count) { target in
        a.scalars.withUnsafeBufferPointer { x in
            b.scalars.withUnsafeBufferPointer { y in
                parallelRanges(startsA.count, grain: max(1, (1 << 16) / max(inner, 1))) { runs in
                    for run in runs {
                        let (baseA, baseB, baseOut) = (startsA[run], startsB[run], run * inner)
                        for index in 0..<inner {
                            target[baseOut + index] = body(x[baseA + index * innerA], y[baseB + index * innerB])
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: outputShape, scalars: scalars)
}

/// A two-operand element-wise function, NaN-propagating where TensorFlow's is.
public enum BinaryOperation: String, Sendable, CaseIterable {
    case add, subtract, multiply, divide, maximum, minimum, power, squaredDifference

    /// `a op b` for every position of the broadcast of `a` and `b` (whole shapes).
    func apply(_ a: Tensor, _ b: Tensor, outputShape: [Int]) -> Tensor {
        switch self {
        case .add: broadcastCombine(a, b, outputShape: outputShape, +)
        case .subtract: broadcastCombine(a, b, outputShape: outputShape, -)
        case .multiply: broadcastCombine(a, b, outputShape: outputShape, *)
        case .divide: broadcastCombine(a, b, outputShape: outputShape, /)
        case .maximum: broadcastCombine(a, b, outputShape: outputShape) { x, y in x.isNaN || y.isNaN ? .nan : max(x, y) }
        case .minimum: broadcastCombine(a, b, outputShape: outputShape) { x, y in x.isNaN || y.isNaN ? .nan : min(x, y) }
        case .power: broadcastCombine(a, b, outputShape: outputShape) { x, y in Float(pow(Double(x), Double(y))) }
        case .squaredDifference: broadcastCombine(a, b, outputShape: outputShape) { x, y in (x - y) * (x - y) }
        }
    }
}
