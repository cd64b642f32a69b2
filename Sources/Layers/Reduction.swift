import ModelGraph

/// The mean, sum, maximum or minimum of each sample over some of its axes,
/// accumulated in Double; the reduced axes are dropped or kept with extent 1.
public struct Reduce: UnaryLayer {
    /// What the values along the reduced axes become.
    public enum Kind: String, Sendable {
        case mean, sum, max, min
    }

    public let name: String
    public let kind: Kind
    /// The sample axes reduced (0-based, the batch axis not counted; negative from the end).
    public let axes: [Int]
    public let keepDimensions: Bool

    public init(name: String, kind: Kind, axes: [Int], keepDimensions: Bool) {
        self.name = name
        self.kind = kind
        self.axes = axes
        self.keepDimensions = keepDimensions
    }

    /// `axes` resolved against a sample of `rank` axes, or nil when one is out of range or repeated.
    func resolvedAxes(rank: Int) -> Set<Int>? {
        let resolved = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard resolved.allSatisfy({ $0 >= 0 && $0 < rank }), Set(resolved).count == resolved.count else { return nil }
        return Set(resolved)
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard let reduced = resolvedAxes(rank: input.count) else {
            throw LayerError(self, "axes \(axes) are not distinct axes of a sample of shape \(shapeDescription(input))")
        }
        return input.indices.compactMap { axis in reduced.contains(axis) ? (keepDimensions ? 1 : nil) : input[axis] }
    }

    public func forward(_ input: Tensor) -> Tensor {
        let sampleShape = input.sampleShape
        let reduced = resolvedAxes(rank: sampleShape.count)!
        // Each output position gathers a fixed pattern of input offsets: the
        // kept axes choose where it starts, the reduced ones what it covers.
        var strides = [Int](repeating: 1, count: sampleShape.count)
        for axis in sampleShape.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * sampleShape[axis + 1] }
        let kept = sampleShape.indices.filter { !reduced.contains($0) }, gone = sampleShape.indices.filter { reduced.contains($0) }
        let starts = stridedOffsets(shape: kept.map { sampleShape[$0] }, strides: kept.map { strides[$0] })
        let covered = stridedOffsets(shape: gone.map { sampleShape[$0] }, strides: gone.map { strides[$0] })
        let sampleCount = sampleShape.reduce(1, *)
        var output = [Float](repeating: 0, count: input.batchSize * starts.count)
        input.scalars.withUnsafeBufferPointer { values in
            for n in 0..<input.batchSize {
                for (position, start) in starts.enumerated() {
                    let base = n * sampleCount + start
                    var sum = 0.0, largest = -Float.infinity, smallest = Float.infinity, sawNaN = false
                    for offset in covered {
                        let value = values[base + offset]
                        sum += Double(value)
                        largest = Swift.max(largest, value)
                        smallest = Swift.min(smallest, value)
                        sawNaN = sawNaN || value.isNaN
                    }
                    output[n * starts.count + position] = switch kind {
                    case .mean: Float(sum / Double(Swift.max(covered.count, 1)))
                    case .sum: Float(sum)
                    case .max: sawNaN ? .nan : largest
                    case .min: sawNaN ? .nan : smallest
                    }
                }
            }
        }
        return Tensor(shape: [input.batchSize] + ((try? outputShape(for: sampleShape)) ?? []), scalars: output)
    }
}
