/// A layer that is the identity at inference: Dropout and its relatives,
/// GaussianNoise, ActivityRegularization.
public struct InferenceIdentity: Layer {
    public let name: String
    public let className: String

    public init(name: String, className: String) {
        self.name = name
        self.className = className
    }

    public func outputShape(for input: [Int]) throws -> [Int] { input }
}

/// Flattens each sample to a vector (channels-last order, as stored).
public struct Flatten: Layer {
    public let name: String
    public var className: String { "Flatten" }

    public init(name: String) { self.name = name }

    public func outputShape(for input: [Int]) throws -> [Int] { [input.reduce(1, *)] }
}

/// Gives each sample a new shape; one extent may be -1, inferred from the rest.
public struct Reshape: Layer {
    public let name: String
    public var className: String { "Reshape" }
    /// The requested sample shape, possibly with one -1.
    public let targetShape: [Int]

    public init(name: String, targetShape: [Int]) {
        self.name = name
        self.targetShape = targetShape
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        let count = input.reduce(1, *)
        let known = targetShape.filter { $0 != -1 }.reduce(1, *)
        let unknowns = targetShape.filter { $0 == -1 }.count
        guard unknowns <= 1, targetShape.allSatisfy({ $0 == -1 || $0 > 0 }) else {
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
}

/// `x · scale + offset`, where scale and offset are scalars or broadcast along
/// the trailing axes (Keras's Rescaling layer).
public struct Rescaling: Layer {
    public let name: String
    public var className: String { "Rescaling" }
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
}

/// Reorders the axes of each sample (Keras's Permute; `dims` are 1-based).
public struct Permute: Layer {
    public let name: String
    public var className: String { "Permute" }
    /// For each output axis, the input axis it takes (1-based, as Keras writes it).
    public let dims: [Int]

    public init(name: String, dims: [Int]) {
        self.name = name
        self.dims = dims
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard dims.sorted() == Array(1...max(input.count, 1)), dims.count == input.count else {
            throw LayerError(self, "dims \(dims) are not a permutation of the \(input.count) sample axes")
        }
        return dims.map { input[$0 - 1] }
    }
}

/// Repeats a vector sample n times: `[F]` → `[n, F]` (Keras's RepeatVector).
public struct RepeatVector: Layer {
    public let name: String
    public var className: String { "RepeatVector" }
    public let count: Int

    public init(name: String, count: Int) {
        self.name = name
        self.count = count
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 1 else { throw LayerError(self, "expects a vector input, got \(shapeDescription(input))") }
        return [count, input[0]]
    }
}

/// Cuts rows and columns off `[H, W, C]` samples (Keras's Cropping2D).
public struct Cropping2D: Layer {
    public let name: String
    public var className: String { "Cropping2D" }
    /// Rows cut from the top and bottom, columns from the left and right.
    public let edges: Edges2D

    public init(name: String, edges: Edges2D) {
        self.name = name
        self.edges = edges
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3, input[0] > edges.top + edges.bottom, input[1] > edges.left + edges.right else {
            throw LayerError(self, "cannot crop \(edges) from \(shapeDescription(input))")
        }
        return [input[0] - edges.top - edges.bottom, input[1] - edges.left - edges.right, input[2]]
    }
}
