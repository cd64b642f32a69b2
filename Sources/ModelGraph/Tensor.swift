/// A dense n-dimensional array of Float in C (row-major) order.
///
/// Shapes are batch first and channels last: a batch of 8 vectors of 784 values
/// is `[8, 784]`, a batch of 8 RGB images `[8, H, W, 3]`.
public struct Tensor: Sendable, Equatable {
    /// The extent of each axis, outermost first.
    public var shape: [Int]
    /// The elements in C order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float]

    /// A tensor of `shape` holding `scalars`, which must fill it exactly.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count, "\(scalars.count) values cannot fill shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The leading (batch) axis; 1 for a scalar.
    public var batchSize: Int { shape.first ?? 1 }

    /// The shape of one sample: every axis but the first.
    public var sampleShape: [Int] { Array(shape.dropFirst()) }

    /// The same values under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Samples `range` of the batch axis.
    public func batch(_ range: Range<Int>) -> Tensor {
        let stride = sampleShape.reduce(1, *)
        return Tensor(shape: [range.count] + sampleShape,
                      scalars: Array(scalars[(range.lowerBound * stride)..<(range.upperBound * stride)]))
    }

    /// The values of sample `index` of the batch axis, row-major: what reports
    /// and comparisons take of a trace (sample 0).
    public func scalars(ofSample index: Int) -> [Float] {
        let stride = sampleShape.reduce(1, *)
        return Array(scalars[(index * stride)..<((index + 1) * stride)])
    }

    /// Joins tensors of the same sample shape along the batch axis.
    public static func concatenatingBatches(_ parts: [Tensor]) -> Tensor {
        guard let first = parts.first else { return Tensor(shape: [0]) }
        if parts.count == 1 { return first }
        let scalars = [Float].large(count: parts.reduce(0) { $0 + $1.count }) { buffer in
            var offset = 0
            for part in parts {
                part.scalars.withUnsafeBufferPointer { source in
                    (buffer.baseAddress! + offset).update(from: source.baseAddress!, count: source.count)
                }
                offset += part.count
            }
        }
        return Tensor(shape: [parts.reduce(0) { $0 + $1.batchSize }] + first.sampleShape, scalars: scalars)
    }
}

/// The min, max, mean and non-finite count of a tensor's values.
public struct ValueStatistics: Sendable, Equatable {
    /// The smallest value (NaN-free values only; NaN when there are none).
    public let min: Float
    /// The largest value.
    public let max: Float
    /// The arithmetic mean, accumulated in Double.
    public let mean: Double
    /// How many values are NaN or infinite.
    public let nonFiniteCount: Int

    /// The statistics of samples that take only the values 0...255, given as how many
    /// samples hold each (`counts[v]` of value v): exact, and a pass over 256 numbers.
    public init(byteCounts counts: [Int]) {
        let total = counts.reduce(0, +)
        let lowest = counts.firstIndex { $0 > 0 }, highest = counts.lastIndex { $0 > 0 }
        min = lowest.map(Float.init) ?? .nan
        max = highest.map(Float.init) ?? .nan
        mean = total > 0 ? Double(counts.indices.reduce(0) { $0 + $1 * counts[$1] }) / Double(total) : .nan
        nonFiniteCount = 0
    }

    /// The statistics of `values`, skipping NaN and infinities in min, max and mean.
    public init(of values: [Float]) {
        self = values.withUnsafeBufferPointer { ValueStatistics(buffer: $0) }
    }

    /// The statistics of a slice of values.
    public init(of values: ArraySlice<Float>) {
        self = values.withUnsafeBufferPointer { ValueStatistics(buffer: $0) }
    }

    private init(buffer: UnsafeBufferPointer<Float>) {
        var low = Float.infinity, high = -Float.infinity, sum = 0.0, finite = 0
        for value in buffer where value.isFinite {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
            sum += Double(value)
            finite += 1
        }
        min = finite > 0 ? low : .nan
        max = finite > 0 ? high : .nan
        mean = finite > 0 ? sum / Double(finite) : .nan
        nonFiniteCount = buffer.count - finite
    }
}

extension Tensor {
    /// Min, max and mean of every element.
    public var statistics: ValueStatistics { ValueStatistics(of: scalars) }
}

/// Formats a sample shape with its batch axis as None, as model summaries print it: `(None, 28, 28)`.
public func batchShapeDescription(_ sampleShape: [Int]) -> String {
    "(" + (["None"] + sampleShape.map(String.init)).joined(separator: ", ") + ")"
}

/// For each element of an array of `shape` in C order, its offset in a source
/// laid out with `strides` (one per axis): how transposes and Fortran-order
/// arrays are gathered into C order.
public func stridedOffsets(shape: [Int], strides: [Int]) -> [Int] {
    precondition(shape.count == strides.count)
    let count = shape.reduce(1, *)
    var offsets = [Int]()
    offsets.reserveCapacity(count)
    var index = [Int](repeating: 0, count: shape.count)
    var offset = 0
    for _ in 0..<count {
        offsets.append(offset)
        // Advance the multi-index like an odometer, the last axis fastest.
        var axis = shape.count - 1
        while axis >= 0 {
            index[axis] += 1
            offset += strides[axis]
            if index[axis] < shape[axis] { break }
            offset -= strides[axis] * index[axis]
            index[axis] = 0
            axis -= 1
        }
    }
    return offsets
}
