import CKernels
import Foundation
import ModelGraph

/// Applies `activation` to `tensor` (batch first). Element-wise functions run in
/// Float with the same formulas Keras uses; the softmax family reduces along its
/// axes with the maximum subtracted first, as Keras does.
func apply(_ activation: Activation, to tensor: consuming Tensor) -> Tensor {
    switch activation {
    case .linear:
        return tensor
    case let .softmax(axes):
        return reduceAlong(axes: axes, of: tensor) { slice in slice.withUnsafeMutableBufferPointer { softmax($0) } }
    case let .logSoftmax(axes):
        return reduceAlong(axes: axes, of: tensor) { slice in slice.withUnsafeMutableBufferPointer { softmax($0, log: true) } }
    case let .sparsemax(axis):
        return reduceAlong(axes: [axis], of: tensor) { sparsemax(&$0) }
    case let .glu(axis):
        return gatedLinearUnit(tensor, axis: axis)
    case .relu(nil, 0, 0):
        // The common case, without a closure call per element; NaN stays NaN.
        // The tensor is consumed, so a caller's last use is changed in place, not copied.
        return map(tensor) { ll_relu($0, $1, $2) }
    case let .relu(maxValue?, 0, 0):
        // ReLU6 and its kin: clamped, NaN kept.
        return map(tensor) { ll_relu_clamped($0, $1, $2, maxValue) }
    case .sigmoid:
        return map(tensor) { ll_sigmoid($0, $1, $2) }
    case .swish:
        return map(tensor) { ll_swish($0, $1, $2) }
    default:
        let function = elementwise(activation)
        return map(tensor) { source, target, count in
            for index in 0..<count { target[index] = function(source[index]) }
        }
    }
}

/// `tensor` mapped element by element by `run`, which maps `count` values from
/// its first pointer to its second (a loop of CKernels, or of a Swift function),
/// the elements spread over the cores. Written to a new buffer: the input is still
/// held by the trace (or by the layer that made it), so changing it in place
/// would copy it first anyway.
private func map(_ tensor: Tensor, _ run: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
    let scalars = [Float].large(count: tensor.count) { target in
        tensor.scalars.withUnsafeBufferPointer { source in
            parallelRanges(source.count) { range in
                run(source.baseAddress! + range.lowerBound, target.baseAddress! + range.lowerBound, range.count)
            }
        }
    }
    return Tensor(shape: tensor.shape, scalars: scalars)
}

/// The scalar function of an element-wise activation.
func elementwise(_ activation: Activation) -> @Sendable (Float) -> Float {
    switch activation {
    case .linear, .softmax, .logSoftmax, .sparsemax, .glu:
        return { $0 }
    case let .relu(maxValue, negativeSlope, threshold):
        return { x in
            var y: Float = x > threshold || x.isNaN ? x : 0  // NaN stays NaN, as in TensorFlow
            if let maxValue { y = min(max(y, 0), maxValue) }
            if negativeSlope != 0 { y -= negativeSlope * max(threshold - x, 0) }
            return y
        }
    case let .thresholdedReLU(theta):
        return { $0 > theta || $0.isNaN ? $0 : 0 }  // x · (x > θ): NaN stays NaN
    case let .elu(alpha):
        return { $0 > 0 ? $0 : alpha * expm1($0) }
    case .selu:
        let alpha: Float = 1.6732632423543772, scale: Float = 1.0507009873554805
        return { scale * ($0 > 0 ? $0 : alpha * expm1($0)) }
    case let .celu(alpha):
        return { max($0, 0) + min(0, alpha * expm1($0 / alpha)) }
    case let .gelu(approximate):
        if approximate {
            let c = Float((2 / Double.pi).squareRoot())
            return { x in 0.5 * x * (1 + Foundation.tanh(c * (x + 0.044715 * x * x * x))) }
        }
        return { x in 0.5 * x * (1 + erf(x / Float(2).squareRoot())) }
    case .sigmoid:
        return sigmoid
    case .hardSigmoid(.slopeOneFifth):
        return { min(max(0.2 * $0 + 0.5, 0), 1) }
    case .hardSigmoid(.shiftedReLU6):
        return { min(max($0 + 3, 0), 6) / 6 }
    case .hardSwish:
        return { $0 * min(max($0 + 3, 0), 6) / 6 }
    case .tanh:
        return { Foundation.tanh($0) }
    case .hardTanh:
        return { min(max($0, -1), 1) }
    case let .hardShrink(threshold):
        return { abs($0) > threshold ? $0 : 0 }
    case let .softShrink(threshold):
        return { $0 > threshold ? $0 - threshold : ($0 < -threshold ? $0 + threshold : 0) }
    case .tanhShrink:
        return { $0 - Foundation.tanh($0) }
    case .softplus:
        return softplus
    case .softsign:
        return { $0 / (1 + abs($0)) }
    case .swish:
        return { $0 * sigmoid($0) }
    case .mish:
        return { $0 * Foundation.tanh(softplus($0)) }
    case .exponential:
        return { exp($0) }
    case .logSigmoid:
        return { -softplus(-$0) }
    case let .squareplus(b):
        return { ($0 + ($0 * $0 + b).squareRoot()) / 2 }
    case .sparsePlus:
        return { $0 <= -1 ? 0 : ($0 >= 1 ? $0 : ($0 + 1) * ($0 + 1) / 4) }
    case .sparseSigmoid:
        return { $0 <= -1 ? 0 : ($0 >= 1 ? 1 : ($0 + 1) / 2) }
    }
}

/// `1 / (1 + e^−x)`, evaluated without overflow for large |x| (CKernels's `ll_sigmoid1`).
@Sendable func sigmoid(_ x: Float) -> Float { ll_sigmoid1(x) }

/// `log(1 + e^x)` as `max(x, 0) + log1p(e^−|x|)`, stable for large |x|.
@Sendable func softplus(_ x: Float) -> Float {
    max(x, 0) + log1p(exp(-abs(x)))
}

/// Softmax (or log-softmax) of one slice, in place: the maximum subtracted
/// first, each exponential and their sum taken in Double. LayerLens's one
/// softmax, run by the Softmax activation and by predictions alike.
public func softmax(_ values: UnsafeMutableBufferPointer<Float>, log: Bool = false) {
    guard let peak = values.max() else { return }
    withUnsafeTemporaryAllocation(of: Double.self, capacity: values.count) { exponentials in
        var sum = 0.0
        for index in values.indices {
            exponentials[index] = exp(Double(values[index] - peak))
            sum += exponentials[index]
        }
        if log {
            let logSum = Float(Foundation.log(sum))
            for index in values.indices { values[index] = values[index] - peak - logSum }
        } else {
            for index in values.indices { values[index] = Float(exponentials[index] / sum) }
        }
    }
}

/// Sparsemax of one slice, exactly as Keras 3 computes it in every backend:
/// with the values sorted in descending order s and their running sums c, the
/// support is every i with `s_i − (c_i − 1)/i > 0`, k its size, and
/// `tau = (Σ_support c_i − 1) / k`. Note that Keras sums the running sums over the
/// support where the published sparsemax takes c_k alone; LayerLens shows what
/// the model computes, so it follows Keras.
func sparsemax(_ values: inout [Float]) {
    let sorted = values.sorted(by: >)
    var cumulative: Float = 0
    var supportSize: Float = 0
    var supportSum: Float = 0
    for (index, value) in sorted.enumerated() {
        cumulative += value
        if value - (cumulative - 1) / Float(index + 1) > 0 {
            supportSize += 1
            supportSum += cumulative
        }
    }
    let tau = (supportSum - 1) / supportSize
    for index in values.indices { values[index] = max(values[index] - tau, 0) }
}

/// Applies `body` to every 1-D slice along the given axes of each sample (several
/// axes are flattened into one slice, as a multi-axis softmax reduces over all).
func reduceAlong(axes: [Int], of tensor: Tensor, _ body: (inout [Float]) -> Void) -> Tensor {
    let rank = tensor.shape.count
    let resolved = Set(axes.map { $0 < 0 ? rank + $0 : $0 }).filter { $0 > 0 && $0 < rank }.sorted()
    guard !resolved.isEmpty else { return tensor }
    var strides = [Int](repeating: 1, count: rank)
    for axis in stride(from: rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * tensor.shape[axis + 1] }
    let kept = (0..<rank).filter { !resolved.contains($0) }
    let sliceOffsets = offsets(over: resolved, shape: tensor.shape, strides: strides)
    var result = tensor
    var slice = [Float](repeating: 0, count: sliceOffsets.count)
    for base in offsets(over: kept, shape: tensor.shape, strides: strides) {
        for (index, offset) in sliceOffsets.enumerated() { slice[index] = tensor.scalars[base + offset] }
        body(&slice)
        for (index, offset) in sliceOffsets.enumerated() { result.scalars[base + offset] = slice[index] }
    }
    return result
}

/// Every element offset reachable by varying only `axes` (in order).
private func offsets(over axes: [Int], shape: [Int], strides: [Int]) -> [Int] {
    axes.reduce([0]) { partial, axis in
        partial.flatMap { base in (0..<shape[axis]).map { base + $0 * strides[axis] } }
    }
}

/// GLU: splits `axis` into halves a and b and returns `a · sigmoid(b)`.
func gatedLinearUnit(_ tensor: Tensor, axis: Int) -> Tensor {
    let rank = tensor.shape.count
    let resolved = axis < 0 ? rank + axis : axis
    let outer = tensor.shape[..<resolved].reduce(1, *)
    let inner = tensor.shape[(resolved + 1)...].reduce(1, *)
    let half = tensor.shape[resolved] / 2
    var shape = tensor.shape
    shape[resolved] = half
    var output = [Float](repeating: 0, count: outer * half * inner)
    for o in 0..<outer {
        for h in 0..<half {
            for i in 0..<inner {
                let a = tensor.scalars[(o * 2 * half + h) * inner + i]
                let b = tensor.scalars[(o * 2 * half + h + half) * inner + i]
                output[(o * half + h) * inner + i] = a * sigmoid(b)
            }
        }
    }
    return Tensor(shape: shape, scalars: output)
}
