import CKernels
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

/// Maps one innermost run of a broadcast: `count` values from `a` and `b`, read
/// with strides of 0 (broadcast) or 1, into `out`.
typealias BroadcastRun = (_ a: UnsafePointer<Float>, _ strideA: Int, _ b: UnsafePointer<Float>, _ strideB: Int,
                          _ out: UnsafeMutablePointer<Float>, _ count: Int) -> Void

/// `a op b` for every position of the broadcast of `a` and `b` (whole shapes,
/// batch axis included), which must broadcast to `outputShape`, `run` doing each
/// innermost run. Same shapes are one run, cut in ranges over the cores; otherwise
/// the runs are spread over the cores.
func broadcastCombine(_ a: Tensor, _ b: Tensor, outputShape: [Int], run: BroadcastRun) -> Tensor {
    let count = outputShape.reduce(1, *)
    if a.shape == b.shape {
        let scalars = [Float].large(count: count) { target in
            a.scalars.withUnsafeBufferPointer { x in
                b.scalars.withUnsafeBufferPointer { y in
                    parallelRanges(count) { range in
                        let start = range.lowerBound
                        run(x.baseAddress! + start, 1, y.baseAddress! + start, 1, target.baseAddress! + start, range.count)
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
                    for index in runs {
                        run(x.baseAddress! + startsA[index], innerA, y.baseAddress! + startsB[index], innerB,
                            target.baseAddress! + index * inner, inner)
                    }
                }
            }
        }
    }
    return Tensor(shape: outputShape, scalars: scalars)
}

/// A `BroadcastRun` of the scalar function `body`.
@inline(__always)
func runOf(_ body: @escaping (Float, Float) -> Float) -> BroadcastRun {
    { a, strideA, b, strideB, out, count in
        for index in 0..<count { out[index] = body(a[index * strideA], b[index * strideB]) }
    }
}

/// A `BroadcastRun` of CKernels's loop for `operation`.
private func runOf(_ operation: ll_binary_operation) -> BroadcastRun {
    { a, strideA, b, strideB, out, count in ll_binary(operation, a, strideA, b, strideB, out, count) }
}

/// A two-operand element-wise function, NaN-propagating where TensorFlow's is.
public enum BinaryOperation: String, Sendable, CaseIterable {
    case add, subtract, multiply, divide, maximum, minimum, power, squaredDifference

    /// `a op b` for every position of the broadcast of `a` and `b` (whole shapes).
    func apply(_ a: Tensor, _ b: Tensor, outputShape: [Int]) -> Tensor {
        let run = switch self {
        case .add: runOf(LL_ADD)
        case .subtract: runOf(LL_SUBTRACT)
        case .multiply: runOf(LL_MULTIPLY)
        case .divide: runOf(LL_DIVIDE)
        case .maximum: runOf { x, y in x.isNaN || y.isNaN ? .nan : max(x, y) }
        case .minimum: runOf { x, y in x.isNaN || y.isNaN ? .nan : min(x, y) }
        case .power: runOf { x, y in Float(pow(Double(x), Double(y))) }
        case .squaredDifference: runOf { x, y in (x - y) * (x - y) }
        }
        return broadcastCombine(a, b, outputShape: outputShape, run: run)
    }
}
