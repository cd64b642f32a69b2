import ModelGraph

/// A layer LayerLens can run: its forward pass at inference.
protocol ForwardLayer: Layer {
    /// The layer's output for a batch `input` (batch first), whose sample shape
    /// the model has already checked with `outputShape(for:)`.
    func forward(_ input: Tensor) -> Tensor
}

/// A layer that combines several inputs: its forward pass at inference.
protocol MergeForwardLayer: Layer {
    func forward(_ inputs: [Tensor]) -> Tensor
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
        let (rows, columns) = window.axes(for: input.sampleShape)
        return apply(activation ?? .linear, to: convolve2D(input, kernel: kernel, bias: bias, rows: rows, columns: columns, groups: groups))
    }
}

extension DepthwiseConv2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let (rows, columns) = window.axes(for: input.sampleShape)
        return apply(activation ?? .linear, to: depthwiseConvolve2D(input, kernel: kernel, bias: bias, rows: rows, columns: columns))
    }
}

extension SeparableConv2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor { pointwise.forward(depthwise.forward(input)) }
}

extension Pooling2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let (rows, columns) = window.axes(for: input.sampleShape)
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

extension UpSampling2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
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

extension Conv1D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let output = conv.forward(input.reshaped([input.batchSize, 1] + input.sampleShape))
        return output.reshaped([output.batchSize] + Array(output.sampleShape.dropFirst()))
    }
}

extension Pooling1D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let output = pool.forward(input.reshaped([input.batchSize, 1] + input.sampleShape))
        return output.reshaped([output.batchSize] + Array(output.sampleShape.dropFirst()))
    }
}

extension Conv2DTranspose: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (kh, kw, filters) = (kernel.shape[0], kernel.shape[1], kernel.shape[2])
        let rows = geometry(input: height, window: kh, stride: strides.0)
        let columns = geometry(input: width, window: kw, stride: strides.1)
        var output = [Float](repeating: 0, count: batch * rows.length * columns.length * filters)
        for n in 0..<batch {
            for iy in 0..<height {
                for ix in 0..<width {
                    let source = ((n * height + iy) * width + ix) * channels
                    for ky in 0..<kh {
                        let y = iy * strides.0 + ky - rows.cropBefore
                        guard y >= 0, y < rows.length else { continue }
                        for kx in 0..<kw {
                            let x = ix * strides.1 + kx - columns.cropBefore
                            guard x >= 0, x < columns.length else { continue }
                            let target = ((n * rows.length + y) * columns.length + x) * filters
                            let weights = (ky * kw + kx) * filters * channels
                            for f in 0..<filters {
                                var sum: Float = 0
                                for c in 0..<channels { sum += input.scalars[source + c] * kernel.scalars[weights + f * channels + c] }
                                output[target + f] += sum
                            }
                        }
                    }
                }
            }
        }
        if let bias {
            for index in output.indices { output[index] += bias.scalars[index % filters] }
        }
        return apply(activation ?? .linear, to: Tensor(shape: [batch, rows.length, columns.length, filters], scalars: output))
    }
}

extension Permute: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let shape = input.sampleShape
        let outputShape = dims.map { shape[$0 - 1] }
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        let sampleCount = shape.reduce(1, *)
        // Output axis k walks input axis dims[k]: the same gather for every sample.
        let sources = stridedOffsets(shape: outputShape, strides: dims.map { strides[$0 - 1] })
        var output = [Float](repeating: 0, count: input.count)
        for n in 0..<input.batchSize {
            for (position, source) in sources.enumerated() {
                output[n * sampleCount + position] = input.scalars[n * sampleCount + source]
            }
        }
        return Tensor(shape: [input.batchSize] + outputShape, scalars: output)
    }
}

extension RepeatVector: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
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

extension Cropping2D: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
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

extension ElementwiseMerge: MergeForwardLayer {
    func forward(_ inputs: [Tensor]) -> Tensor {
        var output = inputs[0]
        for other in inputs.dropFirst() {
            for index in output.scalars.indices {
                let (a, b) = (output.scalars[index], other.scalars[index])
                output.scalars[index] = switch operation {
                case .add, .average: a + b
                case .subtract: a - b
                case .multiply: a * b
                case .maximum: a.isNaN || b.isNaN ? .nan : max(a, b)
                case .minimum: a.isNaN || b.isNaN ? .nan : min(a, b)
                }
            }
        }
        if operation == .average {
            let count = Float(inputs.count)
            for index in output.scalars.indices { output.scalars[index] /= count }
        }
        return output
    }
}

extension Concatenate: MergeForwardLayer {
    func forward(_ inputs: [Tensor]) -> Tensor {
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

extension Dot: MergeForwardLayer {
    func forward(_ inputs: [Tensor]) -> Tensor {
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

extension Normalization: ForwardLayer {
    func forward(_ input: Tensor) -> Tensor {
        let deviation = variance.map { max($0.squareRoot(), 1e-7) }
        var output = input
        for index in output.scalars.indices {
            output.scalars[index] = (input.scalars[index] - mean[index % mean.count]) / deviation[index % deviation.count]
        }
        return output
    }
}
