import COpenBLAS
import ModelGraph

/// A 2-D convolution of a batch `[N, H, W, C]` as im2col + one OpenBLAS sgemm per
/// channel group: each output position's receptive field (zero outside the
/// input) becomes a row of `KH·KW·C/groups` values, multiplied by the kernel
/// reshaped to `[KH·KW·C/groups, filters/groups]`.
func convolve2D(_ input: Tensor, kernel: Tensor, bias: Tensor?, rows: WindowAxis, columns: WindowAxis, groups: Int) -> Tensor {
    let batch = input.shape[0], height = input.shape[1], width = input.shape[2], channels = input.shape[3]
    let kh = kernel.shape[0], kw = kernel.shape[1], groupChannels = kernel.shape[2], filters = kernel.shape[3]
    let groupFilters = filters / groups
    let outHeight = rows.output, outWidth = columns.output
    let positions = batch * outHeight * outWidth
    let patch = kh * kw * groupChannels
    var output = [Float](repeating: 0, count: positions * filters)
    var patches = [Float](repeating: 0, count: positions * patch)
    var weights = [Float](repeating: 0, count: patch * groupFilters)
    var product = [Float](repeating: 0, count: positions * groupFilters)
    for group in 0..<groups {
        input.scalars.withUnsafeBufferPointer { source in
            patches.withUnsafeMutableBufferPointer { target in
                var row = 0
                for n in 0..<batch {
                    for oy in 0..<outHeight {
                        for ox in 0..<outWidth {
                            var column = row * patch
                            for ky in 0..<kh {
                                let y = oy * rows.stride + ky * rows.dilation - rows.padBefore
                                for kx in 0..<kw {
                                    let x = ox * columns.stride + kx * columns.dilation - columns.padBefore
                                    if y >= 0, y < height, x >= 0, x < width {
                                        let base = ((n * height + y) * width + x) * channels + group * groupChannels
                                        for c in 0..<groupChannels { target[column + c] = source[base + c] }
                                    } else {
                                        for c in 0..<groupChannels { target[column + c] = 0 }
                                    }
                                    column += groupChannels
                                }
                            }
                            row += 1
                        }
                    }
                }
            }
        }
        // The kernel rows are (ky, kx, c) in C order, matching the patch layout.
        for r in 0..<patch {
            for f in 0..<groupFilters { weights[r * groupFilters + f] = kernel.scalars[r * filters + group * groupFilters + f] }
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(positions), Int32(groupFilters), Int32(patch),
                    1, patches, Int32(patch), weights, Int32(groupFilters), 0, &product, Int32(groupFilters))
        for position in 0..<positions {
            for f in 0..<groupFilters {
                let channel = group * groupFilters + f
                output[position * filters + channel] = product[position * groupFilters + f] + (bias?.scalars[channel] ?? 0)
            }
        }
    }
    return Tensor(shape: [batch, outHeight, outWidth, filters], scalars: output)
}

/// The same convolution computed directly in Double, window by window: the
/// reference the im2col path is tested against.
func convolve2DReference(_ input: Tensor, kernel: Tensor, bias: Tensor?, rows: WindowAxis, columns: WindowAxis, groups: Int) -> Tensor {
    let batch = input.shape[0], height = input.shape[1], width = input.shape[2], channels = input.shape[3]
    let kh = kernel.shape[0], kw = kernel.shape[1], groupChannels = kernel.shape[2], filters = kernel.shape[3]
    let groupFilters = filters / groups
    var output = [Float](repeating: 0, count: batch * rows.output * columns.output * filters)
    for n in 0..<batch {
        for oy in 0..<rows.output {
            for ox in 0..<columns.output {
                for f in 0..<filters {
                    let group = f / groupFilters
                    var sum = Double(bias?.scalars[f] ?? 0)
                    for ky in 0..<kh {
                        for kx in 0..<kw {
                            let y = oy * rows.stride + ky * rows.dilation - rows.padBefore
                            let x = ox * columns.stride + kx * columns.dilation - columns.padBefore
                            guard y >= 0, y < height, x >= 0, x < width else { continue }
                            for c in 0..<groupChannels {
                                let value = input.scalars[((n * height + y) * width + x) * channels + group * groupChannels + c]
                                sum += Double(value) * Double(kernel.scalars[((ky * kw + kx) * groupChannels + c) * filters + f])
                            }
                        }
                    }
                    output[((n * rows.output + oy) * columns.output + ox) * filters + f] = Float(sum)
                }
            }
        }
    }
    return Tensor(shape: [batch, rows.output, columns.output, filters], scalars: output)
}

/// Depthwise convolution, computed directly: each channel with its own filters.
func depthwiseConvolve2D(_ input: Tensor, kernel: Tensor, bias: Tensor?, rows: WindowAxis, columns: WindowAxis) -> Tensor {
    let batch = input.shape[0], height = input.shape[1], width = input.shape[2], channels = input.shape[3]
    let kh = kernel.shape[0], kw = kernel.shape[1], multiplier = kernel.shape[3]
    let outChannels = channels * multiplier
    var output = [Float](repeating: 0, count: batch * rows.output * columns.output * outChannels)
    input.scalars.withUnsafeBufferPointer { source in
        kernel.scalars.withUnsafeBufferPointer { weights in
            output.withUnsafeMutableBufferPointer { target in
                for n in 0..<batch {
                    for oy in 0..<rows.output {
                        for ox in 0..<columns.output {
                            let out = ((n * rows.output + oy) * columns.output + ox) * outChannels
                            for ky in 0..<kh {
                                let y = oy * rows.stride + ky * rows.dilation - rows.padBefore
                                guard y >= 0, y < height else { continue }
                                for kx in 0..<kw {
                                    let x = ox * columns.stride + kx * columns.dilation - columns.padBefore
                                    guard x >= 0, x < width else { continue }
                                    let base = ((n * height + y) * width + x) * channels
                                    let weightBase = (ky * kw + kx) * channels * multiplier
                                    for c in 0..<channels {
                                        let value = source[base + c]
                                        for m in 0..<multiplier {
                                            target[out + c * multiplier + m] += value * weights[weightBase + c * multiplier + m]
                                        }
                                    }
                                }
                            }
                            if let bias { for o in 0..<outChannels { target[out + o] += bias.scalars[o] } }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [batch, rows.output, columns.output, outChannels], scalars: output)
}

/// Max or average pooling of `[N, H, W, C]`; padded positions take no part.
func pool2D(_ input: Tensor, kind: Pooling2D.Kind, rows: WindowAxis, columns: WindowAxis) -> Tensor {
    let batch = input.shape[0], height = input.shape[1], width = input.shape[2], channels = input.shape[3]
    var output = [Float](repeating: 0, count: batch * rows.output * columns.output * channels)
    var window = [Float](repeating: 0, count: channels)
    for n in 0..<batch {
        for oy in 0..<rows.output {
            for ox in 0..<columns.output {
                var count = 0
                for c in 0..<channels { window[c] = kind == .max ? -.infinity : 0 }
                for ky in 0..<rows.window {
                    let y = oy * rows.stride + ky - rows.padBefore
                    guard y >= 0, y < height else { continue }
                    for kx in 0..<columns.window {
                        let x = ox * columns.stride + kx - columns.padBefore
                        guard x >= 0, x < width else { continue }
                        count += 1
                        let base = ((n * height + y) * width + x) * channels
                        for c in 0..<channels {
                            let value = input.scalars[base + c]
                            window[c] = kind == .max ? (value > window[c] || value.isNaN ? value : window[c]) : window[c] + value
                        }
                    }
                }
                let out = ((n * rows.output + oy) * columns.output + ox) * channels
                for c in 0..<channels { output[out + c] = kind == .max ? window[c] : window[c] / Float(max(count, 1)) }
            }
        }
    }
    return Tensor(shape: [batch, rows.output, columns.output, channels], scalars: output)
}
