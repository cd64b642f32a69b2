import CKernels
import ModelGraph

/// Max or average pooling of `[N, H, W, C]`; padded positions take no part. One
/// output row at a time, the rows spread over the cores, each window's positions
/// folded in as whole channel vectors (contiguous in NHWC: CKernels's loops).
func pool2D(_ input: Tensor, kind: Pooling2D.Kind, rows: WindowAxis, columns: WindowAxis) -> Tensor {
    let batch = input.shape[0], height = input.shape[1], width = input.shape[2], channels = input.shape[3]
    // The window geometry, read once: these are computed properties of WindowAxis.
    let (outputRows, rowStride, rowPad, rowWindow) = (rows.output, rows.stride, rows.padBefore, rows.window)
    let (outputColumns, columnStride, columnPad, columnWindow) = (columns.output, columns.stride, columns.padBefore, columns.window)
    let isMax = kind == .max
    // Every output position is set below before it is accumulated into.
    var output = [Float].large(count: batch * outputRows * outputColumns * channels) { _ in }
    input.scalars.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            parallelFor(batch * outputRows) { row in
                let n = row / outputRows, oy = row % outputRows
                let yStart = max(oy * rowStride - rowPad, 0), yEnd = min(oy * rowStride - rowPad + rowWindow, height)
                ll_pool_row(target.baseAddress! + row * outputColumns * channels, source.baseAddress! + n * height * width * channels,
                            width, channels, yStart, yEnd, outputColumns, columnStride, columnPad, columnWindow, isMax ? 1 : 0)
            }
        }
    }
    return Tensor(shape: [batch, outputRows, outputColumns, channels], scalars: output)
}

/// The same pooling taken window by window, each window's mean in Double: the
/// reference the fast kernel is tested against.
func pool2DReference(_ input: Tensor, kind: Pooling2D.Kind, rows: WindowAxis, columns: WindowAxis) -> Tensor {
    let batch = input.shape[0], height = input.shape[1], width = input.shape[2], channels = input.shape[3]
    var output: [Float] = []
    output.reserveCapacity(batch * rows.output * columns.output * channels)
    for n in 0..<batch {
        for oy in 0..<rows.output {
            for ox in 0..<columns.output {
                for c in 0..<channels {
                    var values: [Float] = []
                    for dy in 0..<rows.window {
                        for dx in 0..<columns.window {
                            let y = oy * rows.stride + dy - rows.padBefore, x = ox * columns.stride + dx - columns.padBefore
                            if y >= 0, y < height, x >= 0, x < width { values.append(input.scalars[((n * height + y) * width + x) * channels + c]) }
                        }
                    }
                    if kind == .max {
                        output.append(values.contains(where: \.isNaN) ? .nan : values.max() ?? -.infinity)
                    } else {
                        output.append(Float(values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))))
                    }
                }
            }
        }
    }
    return Tensor(shape: [batch, rows.output, columns.output, channels], scalars: output)
}

/// The mean or max of each channel over every position of each sample: the
/// positions folded in as whole channel vectors, sums in Double, the samples
/// spread over the cores.
func globalPool(_ input: Tensor, kind: Pooling2D.Kind, outputShape: [Int]) -> Tensor {
    let batch = input.shape[0], channels = input.shape.last!
    let positions = input.count / max(batch * channels, 1)
    var output = [Float](repeating: 0, count: batch * channels)
    input.scalars.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            parallelFor(batch) { n in
                var sums = [Double](repeating: 0, count: channels), largest = [Float](repeating: -.infinity, count: channels)
                for p in 0..<positions {
                    let values = source.baseAddress! + (n * positions + p) * channels
                    for c in 0..<channels {
                        let value = values[c]
                        sums[c] += Double(value)
                        largest[c] = value > largest[c] || value != value ? value : largest[c]
                    }
                }
                for c in 0..<channels {
                    target[n * channels + c] = kind == .max ? largest[c] : Float(sums[c] / Double(max(positions, 1)))
                }
            }
        }
    }
    return Tensor(shape: [batch] + outputShape, scalars: output)
}

/// The same global pooling, one channel at a time: the reference the fast kernel is tested against.
func globalPoolReference(_ input: Tensor, kind: Pooling2D.Kind, outputShape: [Int]) -> Tensor {
    let batch = input.shape[0], channels = input.shape.last!
    let positions = input.count / max(batch * channels, 1)
    var output = [Float](repeating: 0, count: batch * channels)
    for n in 0..<batch {
        for c in 0..<channels {
            let values = (0..<positions).map { input.scalars[(n * positions + $0) * channels + c] }
            output[n * channels + c] = kind == .max ? (values.contains(where: \.isNaN) ? .nan : values.max() ?? -.infinity)
                : Float(values.reduce(0.0) { $0 + Double($1) } / Double(max(positions, 1)))
        }
    }
    return Tensor(shape: [batch] + outputShape, scalars: output)
}
