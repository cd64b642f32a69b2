import ModelGraph

/// Max or average pooling over `[H, W, C]` samples (Keras's MaxPooling2D and
/// AveragePooling2D); with `same` padding the average counts only real input
/// positions, as TensorFlow does.
public struct Pooling2D: UnaryLayer {
    /// What a window reduces to.
    public enum Kind: String, Sendable {
        case max, average
    }

    public let name: String
    public let kind: Kind
    /// The pool's size, strides and padding.
    public let window: Window2D

    public init(name: String, kind: Kind, poolSize: (Int, Int), strides: (Int, Int), padding: Padding) {
        self.name = name
        self.kind = kind
        window = Window2D(size: poolSize, strides: strides, padding: padding)
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3 else { throw LayerError(self, "expects an [H, W, C] input, got \(shapeDescription(input))") }
        let (height, width) = try window.outputSize(for: input, of: self)
        return [height, width, input[2]]
    }

    public func forward(_ input: Tensor) -> Tensor {
        let (rows, columns) = window.axes(for: input.sampleShape)
        return pool2D(input, kind: kind, rows: rows, columns: columns)
    }
}

/// The mean or max of each channel over all positions (Keras's
/// GlobalAveragePooling1D/2D and GlobalMaxPooling1D/2D), optionally keeping the
/// reduced axes with extent 1.
public struct GlobalPooling: UnaryLayer {
    public let name: String
    public let kind: Pooling2D.Kind
    public let keepDimensions: Bool

    public init(name: String, kind: Pooling2D.Kind, keepDimensions: Bool) {
        self.name = name
        self.kind = kind
        self.keepDimensions = keepDimensions
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count >= 2 else { throw LayerError(self, "expects a [steps…, C] input, got \(shapeDescription(input))") }
        return keepDimensions ? Array(repeating: 1, count: input.count - 1) + [input.last!] : [input.last!]
    }

    public func forward(_ input: Tensor) -> Tensor {
        globalPool(input, kind: kind, outputShape: (try? outputShape(for: input.sampleShape)) ?? [input.shape.last!])
    }
}

/// Max or average pooling over `[steps, C]` samples (Keras's MaxPooling1D and
/// AveragePooling1D), run as 2-D pooling of height 1.
public struct Pooling1D: UnaryLayer {
    public let name: String
    public let pool: Pooling2D

    public init(name: String, pool: Pooling2D) {
        self.name = name
        self.pool = pool
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 2 else { throw LayerError(self, "expects a [steps, C] input, got \(shapeDescription(input))") }
        return Array(try pool.outputShape(for: [1] + input).dropFirst())
    }

    public func forward(_ input: Tensor) -> Tensor {
        let output = pool.forward(input.reshaped([input.batchSize, 1] + input.sampleShape))
        return output.reshaped([output.batchSize] + Array(output.sampleShape.dropFirst()))
    }
}
