import COpenBLAS
import ModelGraph

/// A 2-D convolution of a batch `[N, H, W, C]` as im2col + OpenBLAS sgemm, one
/// channel group at a time: each output position's receptive field (zero
/// outside the input) becomes a row of `KH·KW·C/groups` values, multiplied by
/// the kernel reshaped to `[KH·KW·C/groups, filters/groups]` and written in
/// place into the output's channels of that group. Positions go in tiles of
/// `tileRows`, so the im2col buffer stays small and is reused instead of
/// growing with the batch.
func convolve2D(_ input: Tensor, kernel: Tensor, bias: Tensor?, rows: WindowAxis, columns: WindowAxis, groups: Int,
                tileRows: Int = 2048) -> Tensor {
    let batch = input.shape[0], height = input.shape[1], width = input.shape[2], channels = input.shape[3]
    let kh = kernel.shape[0], kw = kernel.shape[1], groupChannels = kernel.shape[2], filters = kernel.shape[3]
    let groupFilters = filters / groups
    let outHeight = rows.output, outWidth = columns.output
    let positions = batch * outHeight * outWidth
    let patch = kh * kw * groupChannels
    // Every element is written below (bias, then sgemm on top), so the output starts uninitialised.
    var output = [Float].large(count: positions * filters) { _ in }
    var patches = [Float](repeating: 0, count: min(tileRows, positions) * patch)
    let biasValues = bias?.scalars ?? [Float](repeating: 0, count: filters)
    // The window geometry, read once: these are computed properties of WindowAxis.
    let (rowStride, rowDilation, rowPad) = (rows.stride, rows.dilation, rows.padBefore)
    let (columnStride, columnDilation, columnPad) = (columns.stride, columns.dilation, columns.padBefore)
    // One group and no column dilation: a kernel row's receptive field is contiguous in the input.
    let contiguousRows = groups == 1 && columnDilation == 1
    for group in 0..<groups {
        // The kernel rows are (ky, kx, c) in C order, matching the patch layout.
        var weights = [Float](repeating: 0, count: patch * groupFilters)
        for r in 0..<patch {
            for f in 0..<groupFilters { weights[r * groupFilters + f] = kernel.scalars[r * filters + group * groupFilters + f] }
        }
        for tileStart in stride(from: 0, to: positions, by: tileRows) {
            let tileCount = min(tileRows, positions - tileStart)
            input.scalars.withUnsafeBufferPointer { source in
                patches.withUnsafeMutableBufferPointer { target in
                    for row in 0..<tileCount {
                        let position = tileStart + row
                        let n = position / (outHeight * outWidth), oy = (position / outWidth) % outHeight, ox = position % outWidth
                        var column = row * patch
                        for ky in 0..<kh {
                            let y = oy * rowStride + ky * rowDilation - rowPad
                            let x0 = ox * columnStride - columnPad
                            if contiguousRows, y >= 0, y < height, x0 >= 0, x0 + kw <= width {
                                // The whole kernel row lies inside the input: in NHWC it is one run of kw·C values.
                                let base = ((n * height + y) * width + x0) * channels
                                (target.baseAddress! + column).update(from: source.baseAddress! + base, count: kw * channels)
                                column += kw * channels
                                continue
                            }
                            for kx in 0..<kw {
                                let x = ox * columnStride + kx * columnDilation - columnPad
                                if y >= 0, y < height, x >= 0, x < width {
                                    let base = ((n * height + y) * width + x) * channels + group * groupChannels
                                    for c in 0..<groupChannels { target[column + c] = source[base + c] }
                                } else {
                                    for c in 0..<groupChannels { target[column + c] = 0 }
                                }
                                column += groupChannels
                            }
                        }
                    }
                }
            }
            output.withUnsafeMutableBufferPointer { target in
                let tile = target.baseAddress! + tileStart * filters + group * groupFilters
                // The group's bias goes in first; sgemm adds the product on top, in place (ldc = filters).
                for row in 0..<tileCount {
                    for f in 0..<groupFilters { tile[row * filters + f] = biasValues[group * groupFilters + f] }
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(tileCount), Int32(groupFilters), Int32(patch),
                            1, patches, Int32(patch), weights, Int32(groupFilters), 1, tile, Int32(filters))
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
    let count = batch * rows.output * columns.output * channels
    // The window geometry, read once: these are computed properties of WindowAxis.
    let (outputRows, rowStride, rowPad, rowWindow) = (rows.output, rows.stride, rows.padBefore, rows.window)
    let (outputColumns, columnStride, columnPad, columnWindow) = (columns.output, columns.stride, columns.padBefore, columns.window)
    let isMax = kind == .max
    // Every output position is set below before it is accumulated into.
    var output = [Float].large(count: count) { _ in }
    input.scalars.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            for n in 0..<batch {
                for oy in 0..<outputRows {
                    let yStart = max(oy * rowStride - rowPad, 0), yEnd = min(oy * rowStride - rowPad + rowWindow, height)
                    for ox in 0..<outputColumns {
                        let xStart = max(ox * columnStride - columnPad, 0)
                        let xEnd = min(ox * columnStride - columnPad + columnWindow, width)
                        let out = target.baseAddress! + ((n * outputRows + oy) * outputColumns + ox) * channels
                        for c in 0..<channels { out[c] = isMax ? -.infinity : 0 }
                        for y in yStart..<max(yEnd, yStart) {
                            for x in xStart..<max(xEnd, xStart) {
                                let base = source.baseAddress! + ((n * height + y) * width + x) * channels
                                if isMax {
                                    // A NaN, once met, stays: it is taken and nothing compares above it.
                                    for c in 0..<channels {
                                        let value = base[c], current = out[c]
                                        out[c] = value > current || value != value ? value : current
                                    }
                                } else {
                                    for c in 0..<channels { out[c] += base[c] }
                                }
                            }
                        }
                        if !isMax {
                            let count = Float(max((yEnd - yStart) * (xEnd - xStart), 1))
                            for c in 0..<channels { out[c] /= count }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [batch, rows.output, columns.output, channels], scalars: output)
}
