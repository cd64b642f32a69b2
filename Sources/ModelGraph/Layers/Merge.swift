/// Element-wise merges of same-shaped inputs (Keras's Add, Subtract, Multiply,
/// Average, Maximum, Minimum); Subtract takes exactly two.
public struct ElementwiseMerge: MergeLayer {
    /// How the inputs combine.
    public enum Operation: String, Sendable, CaseIterable {
        case add = "Add", subtract = "Subtract", multiply = "Multiply", average = "Average", maximum = "Maximum", minimum = "Minimum"
    }

    public let name: String
    public let operation: Operation

    public init(name: String, operation: Operation) {
        self.name = name
        self.operation = operation
    }

    public var className: String { operation.rawValue }

    public func outputShape(for input: [Int]) throws -> [Int] { try outputShape(forInputs: [input]) }

    public func outputShape(forInputs shapes: [[Int]]) throws -> [Int] {
        guard shapes.count >= 2, operation != .subtract || shapes.count == 2 else {
            throw LayerError(self, operation == .subtract ? "takes exactly two inputs" : "takes at least two inputs")
        }
        guard shapes.allSatisfy({ $0 == shapes[0] }) else {
            throw LayerError(self, "needs inputs of one shape, got \(shapes.map(shapeDescription).joined(separator: ", "))")
        }
        return shapes[0]
    }
}

/// Joins inputs along one axis (Keras's Concatenate; `axis` counts the batch
/// axis as 0, negative from the end).
public struct Concatenate: MergeLayer {
    public let name: String
    public var className: String { "Concatenate" }
    public let axis: Int

    public init(name: String, axis: Int) {
        self.name = name
        self.axis = axis
    }

    /// The sample axis joined along, for samples of `rank` axes.
    public func sampleAxis(rank: Int) -> Int { axis < 0 ? rank + axis : axis - 1 }

    public func outputShape(for input: [Int]) throws -> [Int] { try outputShape(forInputs: [input]) }

    public func outputShape(forInputs shapes: [[Int]]) throws -> [Int] {
        guard shapes.count >= 2, let first = shapes.first else { throw LayerError(self, "takes at least two inputs") }
        let joined = sampleAxis(rank: first.count)
        guard first.indices.contains(joined) else { throw LayerError(self, "axis \(axis) is out of range for \(shapeDescription(first))") }
        for shape in shapes where shape.count != first.count || shape.indices.contains(where: { $0 != joined && shape[$0] != first[$0] }) {
            throw LayerError(self, "cannot join \(shapes.map(shapeDescription).joined(separator: " and ")) along axis \(axis)")
        }
        var output = first
        output[joined] = shapes.reduce(0) { $0 + $1[joined] }
        return output
    }
}

/// The dot product of two vectors per sample (Keras's Dot for 1-D samples),
/// optionally of their L2-normalised forms (cosine similarity).
public struct Dot: MergeLayer {
    public let name: String
    public var className: String { "Dot" }
    public let normalize: Bool

    public init(name: String, normalize: Bool) {
        self.name = name
        self.normalize = normalize
    }

    public func outputShape(for input: [Int]) throws -> [Int] { try outputShape(forInputs: [input]) }

    public func outputShape(forInputs shapes: [[Int]]) throws -> [Int] {
        guard shapes.count == 2, shapes[0].count == 1, shapes[0] == shapes[1] else {
            throw LayerError(self, "LayerLens takes Dot of two equal-length vectors; got \(shapes.map(shapeDescription).joined(separator: " and "))")
        }
        return [1]
    }
}
