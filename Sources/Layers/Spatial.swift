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
            return Resampling.resize(input, toHeight: outHeight, toWidth: outWidth, method: .bilinear)
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

/// Resizes `[H, W, C]` samples to `height × width` as `tf.image.resize` does
/// (bilinear with half-pixel centres, or nearest), optionally cropping the
/// centre to the target's aspect ratio first.
public struct Resize: UnaryLayer {
    public let name: String
    public let height: Int
    public let width: Int
    /// `.bilinear` or `.nearest`.
    public let method: ResizeMethod
    /// Whether the largest centred window of the target's aspect ratio is cut out before resizing.
    public let cropToAspectRatio: Bool

    public init(name: String, height: Int, width: Int, method: ResizeMethod, cropToAspectRatio: Bool) {
        self.name = name
        self.height = height
        self.width = width
        self.method = method
        self.cropToAspectRatio = cropToAspectRatio
    }

    public func outputShape(for input: [Int]) throws -> [Int] { try resizedShape(input, height: height, width: width, of: self) }

    public func forward(_ input: Tensor) -> Tensor {
        var cropped = input
        if cropToAspectRatio {
            // The largest centred window of the target's aspect ratio, as Keras computes it.
            let (inputHeight, inputWidth) = (input.shape[1], input.shape[2])
            let cropHeight = max(min(inputHeight, Int(Double(inputWidth * height) / Double(width))), 1)
            let cropWidth = max(min(inputWidth, Int(Double(inputHeight * width) / Double(height))), 1)
            cropped = centredCrop(input, height: cropHeight, width: cropWidth)
        }
        return Resampling.resize(cropped, toHeight: height, toWidth: width, method: method)
    }
}

/// Cuts the centred `height × width` window out of `[H, W, C]` samples; a
/// sample smaller than the window is instead resized to it (bilinear, cropped to
/// its aspect ratio), as Keras's CenterCrop does.
public struct CenterCrop: UnaryLayer {
    public let name: String
    public let height: Int
    public let width: Int

    public init(name: String, height: Int, width: Int) {
        self.name = name
        self.height = height
        self.width = width
    }

    public func outputShape(for input: [Int]) throws -> [Int] { try resizedShape(input, height: height, width: width, of: self) }

    public func forward(_ input: Tensor) -> Tensor {
        let (inputHeight, inputWidth) = (input.shape[1], input.shape[2])
        guard inputHeight >= height, inputWidth >= width else {
            return Resize(name: name, height: height, width: width, method: .bilinear, cropToAspectRatio: true).forward(input)
        }
        return centredCrop(input, height: height, width: width)
    }
}

/// The centred `height × width` window of each `[H, W, C]` sample of `input`
/// (the extra row or column, when the margins are odd, on the bottom and right).
func centredCrop(_ input: Tensor, height: Int, width: Int) -> Tensor {
    let (inputHeight, inputWidth) = (input.shape[1], input.shape[2])
    let top = (inputHeight - height) / 2, left = (inputWidth - width) / 2
    return Cropping2D(name: "", edges: Edges2D(top: top, bottom: inputHeight - height - top, left: left, right: inputWidth - width - left))
        .forward(input)
}

/// The shape of an `[H, W, C]` sample brought to `height × width`; throws for any other input.
func resizedShape(_ input: [Int], height: Int, width: Int, of layer: any Layer) throws -> [Int] {
    guard input.count == 3, input[0] > 0, input[1] > 0 else { throw LayerError(layer, "expects an [H, W, C] input, got \(shapeDescription(input))") }
    return [height, width, input[2]]
}
