import ModelGraph

/// Inputs folded together element by element with one operation (`x + y + z`,
/// `x / y`, the maximum of several), broadcasting as NumPy and Keras do — a
/// squeeze-and-excite block multiplies `[H, W, C]` by `[1, 1, C]`. Operations
/// that are not associative take exactly two inputs; an average sums, then divides.
public struct ElementwiseMerge: Layer {
    public let name: String
    public let operation: BinaryOperation
    /// Whether the folded sum is divided by the number of inputs (Keras's Average).
    public let averaged: Bool

    public init(name: String, operation: BinaryOperation, averaged: Bool = false) {
        self.name = name
        self.operation = operation
        self.averaged = averaged
    }

    public func outputShape(forInputs shapes: [[Int]]) throws -> [Int] {
        let binary = ![.add, .multiply, .maximum, .minimum].contains(operation)
        guard shapes.count >= 2, !binary || shapes.count == 2 else {
            throw LayerError(self, binary ? "takes exactly two inputs" : "takes at least two inputs")
        }
        guard let shape = shapes.dropFirst().reduce(Optional(shapes[0]), { sofar, next in sofar.flatMap { broadcastShape($0, next) } }) else {
            throw LayerError(self, "cannot broadcast inputs of shapes \(shapes.map(shapeDescription).joined(separator: ", ")) together")
        }
        return shape
    }

    public func forward(_ inputs: [Tensor]) -> Tensor {
        var output = inputs[0]
        for other in inputs.dropFirst() {
            output = combineBatches(operation, output, other)
        }
        if averaged {
            let count = Float(inputs.count)
            for index in output.scalars.indices { output.scalars[index] /= count }
        }
        return output
    }
}

/// Joins inputs along one axis (Keras's Concatenate; `axis` counts the batch
/// axis as 0, negative from the end).
public struct Concatenate: Layer {
    public let name: String
    public let axis: Int

    public init(name: String, axis: Int) {
        self.name = name
        self.axis = axis
    }

    /// The sample axis joined along, for samples of `rank` axes.
    public func sampleAxis(rank: Int) -> Int { axis < 0 ? rank + axis : axis - 1 }

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

    public func forward(_ inputs: [Tensor]) -> Tensor {
        let sampleShape = inputs[0].sampleShape
        let joined = sampleAxis(rank: sampleShape.count)
        // Each sample is `outer` blocks; each input adds its own slab to every block.
        let outer = sampleShape[..<joined].reduce(1, *)
        let slabs = inputs.map { $0.sampleShape[joined...].reduce(1, *) }
        let sampleSize = slabs.reduce(0, +) * outer
        var output: [Float] = []
        output.reserveCapacity(inputs[0].batchSize * sampleSize)
        for n in 0..<inputs[0].batchSize {
            for block in 0..<outer {
                for (input, slab) in zip(inputs, slabs) {
                    let start = (n * outer + block) * slab
                    output += input.scalars[start..<(start + slab)]
                }
            }
        }
        var shape = inputs[0].shape
        shape[joined + 1] = inputs.reduce(0) { $0 + $1.shape[joined + 1] }
        return Tensor(shape: shape, scalars: output)
    }
}

/// The dot product of two vectors per sample (Keras's Dot for 1-D samples),
/// optionally of their L2-normalised forms (cosine similarity).
public struct Dot: Layer {
    public let name: String
    public let normalize: Bool

    public init(name: String, normalize: Bool) {
        self.name = name
        self.normalize = normalize
    }

    public func outputShape(forInputs shapes: [[Int]]) throws -> [Int] {
        guard shapes.count == 2, shapes[0].count == 1, shapes[0] == shapes[1] else {
            throw LayerError(self, "LayerLens takes Dot of two equal-length vectors; got \(shapes.map(shapeDescription).joined(separator: " and "))")
        }
        return [1]
    }

    public func forward(_ inputs: [Tensor]) -> Tensor {
        let width = inputs[0].sampleShape[0]
        let values = (0..<inputs[0].batchSize).map { n -> Float in
            let a = inputs[0].scalars[(n * width)..<((n + 1) * width)], b = inputs[1].scalars[(n * width)..<((n + 1) * width)]
            var dot = 0.0, normA = 0.0, normB = 0.0
            for (x, y) in zip(a, b) {
                dot += Double(x) * Double(y)
                normA += Double(x) * Double(x)
                normB += Double(y) * Double(y)
            }
            // Keras normalises each vector by max(‖v‖, 1e-12) first.
            return Float(normalize ? dot / (max(normA.squareRoot(), 1e-12) * max(normB.squareRoot(), 1e-12)) : dot)
        }
        return Tensor(shape: [inputs[0].batchSize, 1], scalars: values)
    }
}
