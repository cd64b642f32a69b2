import ModelGraph

/// A layer that is the identity at inference: Dropout and its relatives,
/// GaussianNoise, ActivityRegularization.
public struct InferenceIdentity: UnaryLayer {
    public let name: String

    public init(name: String) { self.name = name }

    public func outputShape(for input: [Int]) throws -> [Int] { input }

    public func forward(_ input: Tensor) -> Tensor { input }
}

/// Flattens each sample to a vector (channels-last order, as stored).
public struct Flatten: UnaryLayer {
    public let name: String

    public init(name: String) { self.name = name }

    public func outputShape(for input: [Int]) throws -> [Int] { [input.reduce(1, *)] }

    public func forward(_ input: Tensor) -> Tensor { input.reshaped([input.batchSize, input.count / max(input.batchSize, 1)]) }
}

/// Gives each sample a new shape; one extent may be -1, inferred from the rest.
public struct Reshape: UnaryLayer {
    public let name: String
    /// The requested sample shape, possibly with one -1.
    public let targetShape: [Int]

    public init(name: String, targetShape: [Int]) {
        self.name = name
        self.targetShape = targetShape
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        let count = input.reduce(1, *)
        let unknowns = targetShape.filter { $0 == -1 }.count
        guard unknowns <= 1, targetShape.allSatisfy({ $0 == -1 || $0 > 0 }),
              let known = SizeLimits.elementCount(targetShape.filter { $0 != -1 }) else {
            throw LayerError(self, "target shape \(shapeDescription(targetShape)) is not valid")
        }
        if unknowns == 1, known > 0, count % known == 0 {
            return targetShape.map { $0 == -1 ? count / known : $0 }
        }
        guard unknowns == 0, known == count else {
            throw LayerError(self, "cannot reshape \(shapeDescription(input)) (\(count) values) to \(shapeDescription(targetShape))")
        }
        return targetShape
    }

    public func forward(_ input: Tensor) -> Tensor {
        // The model checked this shape when it was built, so it cannot fail here.
        input.reshaped([input.batchSize] + ((try? outputShape(for: input.sampleShape)) ?? input.sampleShape))
    }
}

/// Reorders the axes of each sample: output axis k is sample axis `axes[k]`
/// (0-based, the batch axis not counted).
public struct Permute: UnaryLayer {
    public let name: String
    /// For each output axis, the sample axis it takes.
    public let axes: [Int]

    public init(name: String, axes: [Int]) {
        self.name = name
        self.axes = axes
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard axes.sorted() == Array(input.indices) else {
            throw LayerError(self, "axes \(axes) are not a permutation of the \(input.count) sample axes")
        }
        return axes.map { input[$0] }
    }

    public func forward(_ input: Tensor) -> Tensor {
        let shape = input.sampleShape
        let outputShape = axes.map { shape[$0] }
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        let sampleCount = shape.reduce(1, *)
        // Output axis k walks sample axis axes[k]: the same gather for every sample.
        let sources = stridedOffsets(shape: outputShape, strides: axes.map { strides[$0] })
        var output = [Float](repeating: 0, count: input.count)
        for n in 0..<input.batchSize {
            for (position, source) in sources.enumerated() {
                output[n * sampleCount + position] = input.scalars[n * sampleCount + source]
            }
        }
        return Tensor(shape: [input.batchSize] + outputShape, scalars: output)
    }
}

/// Repeats a vector sample n times: `[F]` → `[n, F]` (Keras's RepeatVector).
public struct RepeatVector: UnaryLayer {
    public let name: String
    public let count: Int

    public init(name: String, count: Int) {
        self.name = name
        self.count = count
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 1 else { throw LayerError(self, "expects a vector input, got \(shapeDescription(input))") }
        return [count, input[0]]
    }

    public func forward(_ input: Tensor) -> Tensor {
        let width = input.sampleShape[0]
        var output: [Float] = []
        output.reserveCapacity(input.count * count)
        for n in 0..<input.batchSize {
            let row = input.scalars[(n * width)..<((n + 1) * width)]
            for _ in 0..<count { output += row }
        }
        return Tensor(shape: [input.batchSize, count, width], scalars: output)
    }
}

/// Python-style indexing of each sample: per sample axis a strided range
/// (`1:5`, `::2`, negative bounds from the end) or a single index, which drops the axis.
public struct Slice: UnaryLayer {
    /// What one sample axis keeps.
    public enum Selection: Sendable, Equatable {
        /// `start:stop:step`; nil bounds are the axis's ends for the step's direction.
        case range(start: Int?, stop: Int?, step: Int)
        /// One position (negative from the end); the axis is dropped.
        case index(Int)
    }

    public let name: String
    /// One selection per leading sample axis; the axes after them are kept whole.
    public let selections: [Selection]

    public init(name: String, selections: [Selection]) {
        self.name = name
        self.selections = selections
    }

    /// For each sample axis, its first position, step and count, and whether it is kept; nil when out of range.
    func plan(for input: [Int]) -> [(start: Int, step: Int, count: Int, kept: Bool)]? {
        guard selections.count <= input.count else { return nil }
        var plan: [(start: Int, step: Int, count: Int, kept: Bool)] = []
        for (axis, extent) in input.enumerated() {
            switch axis < selections.count ? selections[axis] : .range(start: nil, stop: nil, step: 1) {
            case let .index(position):
                let resolved = position < 0 ? position + extent : position
                guard resolved >= 0, resolved < extent else { return nil }
                plan.append((resolved, 1, 1, false))
            case let .range(start, stop, step):
                guard step != 0 else { return nil }
                // Python's slice.indices: clamp the bounds into the axis for the step's direction.
                func clamp(_ bound: Int?, _ fallback: Int) -> Int {
                    guard var value = bound else { return fallback }
                    if value < 0 { value += extent }
                    return step > 0 ? Swift.min(Swift.max(value, 0), extent) : Swift.min(Swift.max(value, -1), extent - 1)
                }
                let first = clamp(start, step > 0 ? 0 : extent - 1), end = clamp(stop, step > 0 ? extent : -1)
                let count = step > 0 ? Swift.max(0, (end - first + step - 1) / step) : Swift.max(0, (first - end - step - 1) / -step)
                plan.append((first, step, count, true))
            }
        }
        return plan
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard let plan = plan(for: input) else {
            throw LayerError(self, "\(selections.count) selections do not fit a sample of shape \(shapeDescription(input))")
        }
        return plan.filter(\.kept).map(\.count)
    }

    public func forward(_ input: Tensor) -> Tensor {
        let sampleShape = input.sampleShape
        let plan = plan(for: sampleShape)!
        var strides = [Int](repeating: 1, count: sampleShape.count)
        for axis in sampleShape.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * sampleShape[axis + 1] }
        let base = zip(plan, strides).reduce(0) { $0 + $1.0.start * $1.1 }
        let sources = stridedOffsets(shape: plan.map(\.count), strides: zip(plan, strides).map { $0.step * $1 })
        let sampleCount = sampleShape.reduce(1, *)
        var output: [Float] = []
        output.reserveCapacity(input.batchSize * sources.count)
        for n in 0..<input.batchSize {
            for source in sources { output.append(input.scalars[n * sampleCount + base + source]) }
        }
        return Tensor(shape: [input.batchSize] + plan.filter(\.kept).map(\.count), scalars: output)
    }
}
