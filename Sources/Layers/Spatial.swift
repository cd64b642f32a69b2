import ModelGraph

/// Rows and columns added or removed at the four edges of `[H, W, C]` samples.
public struct Edges2D: Sendable, Equatable {
    public let top: Int, bottom: Int, left: Int, right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }
}

/// Zero padding around `[H, W, C]` samples (Keras's ZeroPadding2D).
public struct ZeroPadding2D: UnaryLayer {
    public let name: String
    /// Rows added on top and bottom, columns on the left and right.
    public let edges: Edges2D

    public init(name: String, edges: Edges2D) {
        self.name = name
        self.edges = edges
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3 else { throw LayerError(self, "expects an [H, W, C] input, got \(shapeDescription(input))") }
        return [input[0] + edges.top + edges.bottom, input[1] + edges.left + edges.right, input[2]]
    }

    public func forward(_ input: Tensor) -> Tensor {
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (top, left) = (edges.top, edges.left)
        let outHeight = height + top + edges.bottom, outWidth = width + left + edges.right
        var output = [Float](repeating: 0, count: batch * outHeight * outWidth * channels)
        for n in 0..<batch {
            for y in 0..<height {
                let source = ((n * height + y) * width) * channels
                let target = ((n * outHeight + y + top) * outWidth + left) * channels
                output.replaceSubrange(target..<(target + width * channels), with: input.scalars[source..<(source + width * channels)])
            }
        }
        return Tensor(shape: [batch, outHeight, outWidth, channels], scalars: output)
    }
}

/// Upsampling of `[H, W, C]` samples by whole factors (Keras's UpSampling2D):
/// nearest repeats each pixel; bilinear interpolates as `tf.image.resize` does.
public struct UpSampling2D: UnaryLayer {
    public let name: String
    public let factors: (Int, Int)
    /// `.nearest` or `.bilinear`.
    public let interpolation: ResizeMethod

    public init(name: String, factors: (Int, Int), interpolation: ResizeMethod) {
        self.name = name
        self.factors = factors
        self.interpolation = interpolation
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 3 else { throw LayerError(self, "expects an [H, W, C] input, got \(shapeDescription(input))") }
        return [input[0] * factors.0, input[1] * factors.1, input[2]]
    }

    public func forward(_ input: Tensor) -> Tensor {
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outHeight = height * factors.0, outWidth = width * factors.1
        if interpolation == .bilinear {
            let sample = height * width * channels
            let resized = (0..<batch).flatMap { n in
                Resampling.resize(Array(input.scalars[(n * sample)..<((n + 1) * sample)]), height: height, width: width, channels: channels,
                                  toHeight: outHeight, toWidth: outWidth, method: .bilinear)
            }
            return Tensor(shape: [batch, outHeight, outWidth, channels], scalars: resized)
        }
        var output = [Float](repeating: 0, count: batch * outHeight * outWidth * channels)
        for n in 0..<batch {
            for y in 0..<outHeight {
                for x in 0..<outWidth {
                    let source = ((n * height + y / factors.0) * width + x / factors.1) * channels
                    let target = ((n * outHeight + y) * outWidth + x) * channels
                    for c in 0..<channels { output[target + c] = input.scalars[source + c] }
                }
            }
        }
        return Tensor(shape: [batch, outHeight, outWidth, channels], scalars: output)
    }
}

/// Cuts rows and columns off `[H, W, C]` samples (Keras's Cropping2D).
public struct Cropping2D: UnaryLayer {
    public let name: String
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

    public func forward(_ input: Tensor) -> Tensor {
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outHeight = height - edges.top - edges.bottom, outWidth = width - edges.left - edges.right
        var output: [Float] = []
        output.reserveCapacity(batch * outHeight * outWidth * channels)
        for n in 0..<batch {
            for y in edges.top..<(height - edges.bottom) {
                let start = ((n * height + y) * width + edges.left) * channels
                output += input.scalars[start..<(start + outWidth * channels)]
            }
        }
        return Tensor(shape: [batch, outHeight, outWidth, channels], scalars: output)
    }
}
