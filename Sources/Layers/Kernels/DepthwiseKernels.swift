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

/// The same depthwise convolution as the direct Double convolution computes it:
/// a convolution with one group per input channel, the `[KH, KW, C, M]` kernel
/// read as `[KH, KW, 1, C·M]` (the same values in the same order). The reference
/// the fast kernel is tested against.
func depthwiseConvolve2DReference(_ input: Tensor, kernel: Tensor, bias: Tensor?, rows: WindowAxis, columns: WindowAxis) -> Tensor {
    let (kh, kw, channels, multiplier) = (kernel.shape[0], kernel.shape[1], kernel.shape[2], kernel.shape[3])
    return convolve2DReference(input, kernel: kernel.reshaped([kh, kw, 1, channels * multiplier]), bias: bias,
                               rows: rows, columns: columns, groups: channels)
}
