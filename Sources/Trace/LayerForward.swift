import ModelGraph

/// A layer LayerLens can run: its forward pass at inference.
protocol ForwardLayer: Layer {
    /// The layer's output for a batch `input` (batch first), whose sample shape
    /// the model has already checked with `outputShape(for:)`.
    func forward(_ input: Tensor) -> Tensor
}

extension Dense: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let rows = input.count / inputUnits
        let product = denseForward(input: input.scalars, rows: rows, kernel: kernel.scalars,
                                   inputUnits: inputUnits, units: units, bias: bias?.scalars)
        let linear = Tensor(shape: input.shape.dropLast() + [units], scalars: product)
        return apply(activation ?? .linear, to: linear)
    }
}

extension ActivationLayer: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor { apply(activation ?? .linear, to: input) }
}

extension PReLU: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        // Broadcast alpha over the sample: shared axes have extent 1 in alpha.
        let sampleShape = input.sampleShape
        let sampleCount = sampleShape.reduce(1, *)
        var alphaStrides = [Int](repeating: 0, count: sampleShape.count)
        var step = 1
        for axis in stride(from: sampleShape.count - 1, through: 0, by: -1) {
            alphaStrides[axis] = alpha.shape[axis] == 1 ? 0 : step
            step *= alpha.shape[axis]
        }
        let alphaIndex: [Int] = (0..<sampleCount).map { flat in
            var remainder = flat
            var index = 0
            for axis in stride(from: sampleShape.count - 1, through: 0, by: -1) {
                index += (remainder % sampleShape[axis]) * alphaStrides[axis]
                remainder /= sampleShape[axis]
            }
            return index
        }
        var output = input
        for index in output.scalars.indices where output.scalars[index] < 0 {
            output.scalars[index] *= alpha.scalars[alphaIndex[index % sampleCount]]
        }
        return output
    }
}

extension InferenceIdentity: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor { input }
}

extension Flatten: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor { input.reshaped([input.batchSize, input.count / max(input.batchSize, 1)]) }
}

extension Reshape: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        // The model checked this shape when it was built, so it cannot fail here.
        input.reshaped([input.batchSize] + ((try? outputShape(for: input.sampleShape)) ?? input.sampleShape))
    }
}

extension Rescaling: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        var output = input
        for index in output.scalars.indices {
            output.scalars[index] = output.scalars[index] * scale[index % scale.count] + offset[index % offset.count]
        }
        return output
    }
}

extension Conv2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let (rows, columns) = axes(for: input.sampleShape)
        return apply(activation ?? .linear, to: convolve2D(input, kernel: kernel, bias: bias, rows: rows, columns: columns, groups: groups))
    }
}

extension DepthwiseConv2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let (rows, columns) = axes(for: input.sampleShape)
        return apply(activation ?? .linear, to: depthwiseConvolve2D(input, kernel: kernel, bias: bias, rows: rows, columns: columns))
    }
}

extension SeparableConv2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor { pointwise.forward(depthwise.forward(input)) }
}

extension Pooling2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let (rows, columns) = axes(for: input.sampleShape)
        return pool2D(input, kind: kind, rows: rows, columns: columns)
    }
}

extension GlobalPooling: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        globalPool(input, kind: kind, outputShape: (try? outputShape(for: input.sampleShape)) ?? [input.shape.last!])
    }
}

extension BatchNormalization: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor { batchNormalize(input, layer: self) }
}

extension LayerNormalization: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor { layerNormalize(input, layer: self) }
}

extension ZeroPadding2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outHeight = height + top + bottom, outWidth = width + left + right
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

extension UpSampling2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outHeight = height * factors.0, outWidth = width * factors.1
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
