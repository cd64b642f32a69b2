import CKernels
import ModelGraph

/// Depthwise convolution of `[N, H, W, C]` by a `[KH, KW, C, M]` kernel: input
/// channel c, filter m gives output channel `c · M + m`. Direct, one output row
/// at a time, the rows spread over the cores; at each output position every
/// kernel tap inside the input adds its channel vector in one loop over the
/// channels (contiguous in NHWC: CKernels's `ll_multiply_add`). sgemm has nothing to offer
/// here: each channel is its own 1-wide product.
func depthwiseConvolve2D(_ input: Tensor, kernel: Tensor, bias: Tensor?, rows: WindowAxis, columns: WindowAxis) -> Tensor {
    let batch = input.shape[0], height = input.shape[1], width = input.shape[2], channels = input.shape[3]
    let kh = kernel.shape[0], kw = kernel.shape[1], multiplier = kernel.shape[3]
    let outChannels = channels * multiplier
    let (outHeight, outWidth) = (rows.output, columns.output)
    let (rowStride, rowDilation, rowPad) = (rows.stride, rows.dilation, rows.padBefore)
    let (columnStride, columnDilation, columnPad) = (columns.stride, columns.dilation, columns.padBefore)
    let biasValues = bias?.scalars ?? [Float](repeating: 0, count: outChannels)
    // Every element is set to its bias below before any tap is added.
    var output = [Float].large(count: batch * outHeight * outWidth * outChannels) { _ in }
    input.scalars.withUnsafeBufferPointer { source in
        kernel.scalars.withUnsafeBufferPointer { weights in
            biasValues.withUnsafeBufferPointer { biasPointer in
                output.withUnsafeMutableBufferPointer { target in
                    parallelFor(batch * outHeight) { row in
                        let n = row / outHeight, oy = row % outHeight
                        for ox in 0..<outWidth {
                            let out = target.baseAddress! + (row * outWidth + ox) * outChannels
                            out.update(from: biasPointer.baseAddress!, count: outChannels)
                            for ky in 0..<kh {
                                let y = oy * rowStride + ky * rowDilation - rowPad
                                guard y >= 0, y < height else { continue }
                                for kx in 0..<kw {
                                    let x = ox * columnStride + kx * columnDilation - columnPad
                                    guard x >= 0, x < width else { continue }
                                    let values = source.baseAddress! + ((n * height + y) * width + x) * channels
                                    let tap = weights.baseAddress! + (ky * kw + kx) * outChannels
                                    if multiplier == 1 {
                                        ll_multiply_add(out, values, tap, channels)
                                    } else {
                                        for c in 0..<channels {
                                            for m in 0..<multiplier { out[c * multiplier + m] += values[c] * tap[c * multiplier + m] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [batch, outHeight, outWidth, outChannels], scalars: output)
}

/// The same depthwise convolution computed window by window in Double: the
/// reference the fast kernel is tested against.
func depthwiseConvolve2DReference(_ input: Tensor, kernel: Tensor, bias: Tensor?, rows: WindowAxis, columns: WindowAxis) -> Tensor {
    let batch = input.shape[0], height = input.shape[1], width = input.shape[2], channels = input.shape[3]
    let kh = kernel.shape[0], kw = kernel.shape[1], multiplier = kernel.shape[3]
    var output = [Float](repeating: 0, count: batch * rows.output * columns.output * channels * multiplier)
    for n in 0..<batch {
        for oy in 0..<rows.output {
            for ox in 0..<columns.output {
                for c in 0..<channels {
                    for m in 0..<multiplier {
                        let o = c * multiplier + m
                        var sum = Double(bias?.scalars[o] ?? 0)
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let y = oy * rows.stride + ky * rows.dilation - rows.padBefore
                                let x = ox * columns.stride + kx * columns.dilation - columns.padBefore
                                guard y >= 0, y < height, x >= 0, x < width else { continue }
                                sum += Double(input.scalars[((n * height + y) * width + x) * channels + c])
                                    * Double(kernel.scalars[(ky * kw + kx) * channels * multiplier + o])
                            }
                        }
                        output[((n * rows.output + oy) * columns.output + ox) * channels * multiplier + o] = Float(sum)
                    }
                }
            }
        }
    }
    return Tensor(shape: [batch, rows.output, columns.output, channels * multiplier], scalars: output)
}
