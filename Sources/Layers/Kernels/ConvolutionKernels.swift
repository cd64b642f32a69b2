import CKernels
import COpenBLAS
import ModelGraph

/// Output positions per piece of a convolution: the pieces run on all cores,
/// each gathering its own patches and calling sgemm for them. It depends on the
/// layer only, so that the sgemm calls (and OpenBLAS's rounding, which depends on
/// their shape) are the same on every machine: 256 rows, small enough that a
/// piece's patches stay in the cache sgemm reads them from, or more for a small
/// kernel, so that each call has about 2¹⁸ multiply-adds to amortise its cost
/// (a 3×3 kernel from 1 channel to 16 filters gets 2,048).
func convolutionTileRows(patch: Int, filters: Int) -> Int {
    var rows = 256
    while rows < 4096, rows * patch * filters < 1 << 18 { rows *= 2 }
    return rows
}

/// A 2-D convolution of a batch `[N, H, W, C]` as im2col + OpenBLAS sgemm: each
/// output position's receptive field (zero outside the input) becomes a row of
/// `KH·KW·C/groups` values, multiplied by the kernel, which in Keras's layout
/// `[KH, KW, C/groups, filters]` already is that matrix (one column block per
/// group). Positions go in tiles (`convolutionTileRows`), spread over the cores.
/// A 1×1 convolution with stride 1 needs no gathering: the input is the matrix.
func convolve2D(_ input: Tensor, kernel: Tensor, bias: Tensor?, rows: WindowAxis, columns: WindowAxis, groups: Int,
                tileRows: Int? = nil) -> Tensor {
    let geometry = ConvolutionGeometry(input: input.shape, kernel: kernel.shape, rows: rows, columns: columns, groups: groups)
    let (channels, filters, groupFilters, patch) = (geometry.channels, geometry.filters, geometry.groupFilters, geometry.patch)
    let tileRows = tileRows ?? convolutionTileRows(patch: patch, filters: groupFilters)
    let positions = geometry.batch * rows.output * columns.output
    // Each group's weights as their own [patch, groupFilters] matrix; one group's is the kernel itself.
    let groupWeights: [[Float]] = groups == 1 ? [kernel.scalars] : (0..<groups).map { group in
        (0..<(patch * groupFilters)).map { kernel.scalars[($0 / groupFilters) * filters + group * groupFilters + $0 % groupFilters] }
    }
    // Every element is written below (bias, or sgemm with β = 0), so the output starts uninitialised.
    var output = [Float].large(count: positions * filters) { _ in }
    input.scalars.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            parallelFor((positions + tileRows - 1) / tileRows) { tile in
                let first = tile * tileRows, count = min(tileRows, positions - first)
                let tileOutput = target.baseAddress! + first * filters
                if let bias {
                    bias.scalars.withUnsafeBufferPointer { values in ll_fill_rows(tileOutput, count, values.baseAddress!, filters) }
                }
                let beta: Float = bias == nil ? 0 : 1
                if geometry.isPointwise {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(count), Int32(filters), Int32(channels),
                                1, source.baseAddress! + first * channels, Int32(channels), groupWeights[0], Int32(filters),
                                beta, tileOutput, Int32(filters))
                    return
                }
                withUnsafeTemporaryAllocation(of: Float.self, capacity: count * patch) { patches in
                    for group in 0..<groups {
                        geometry.gatherPatches(from: source.baseAddress!, into: patches.baseAddress!, positions: first..<(first + count), group: group)
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(count), Int32(groupFilters), Int32(patch),
                                    1, patches.baseAddress!, Int32(patch), groupWeights[group], Int32(groupFilters),
                                    beta, tileOutput + group * groupFilters, Int32(filters))
                    }
                }
            }
        }
    }
    return Tensor(shape: [geometry.batch, rows.output, columns.output, filters], scalars: output)
}

/// The sizes of a grouped 2-D convolution of `[N, H, W, C]` by a `[KH, KW, C/groups, filters]`
/// kernel, and its im2col gathering.
struct ConvolutionGeometry {
    let batch, height, width, channels: Int
    let kernelHeight, kernelWidth, groupChannels, filters, groups: Int
    let rows, columns: WindowAxis

    init(input: [Int], kernel: [Int], rows: WindowAxis, columns: WindowAxis, groups: Int) {
        (batch, height, width, channels) = (input[0], input[1], input[2], input[3])
        (kernelHeight, kernelWidth, groupChannels, filters) = (kernel[0], kernel[1], kernel[2], kernel[3])
        self.groups = groups
        self.rows = rows
        self.columns = columns
    }

    var groupFilters: Int { filters / groups }
    /// Values in one receptive field of one group: a row of the im2col matrix.
    var patch: Int { kernelHeight * kernelWidth * groupChannels }

    /// A 1×1 kernel with stride 1 and one group: each output position reads exactly its input position.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && groups == 1 && rows.stride == 1 && columns.stride == 1
            && rows.padBefore == 0 && columns.padBefore == 0 && rows.output == height && columns.output == width
    }

    /// Writes the receptive fields of output `positions` (numbered across the batch)
    /// for channel group `group` into `patches`, one row of `patch` values each, in
    /// the kernel's (ky, kx, c) order; positions outside the input read 0.
    func gatherPatches(from source: UnsafePointer<Float>, into patches: UnsafeMutablePointer<Float>, positions: Range<Int>, group: Int) {
        var sizes = ll_convolution_geometry(
            height: height, width: width, channels: channels, output_height: rows.output, output_width: columns.output,
            kernel_height: kernelHeight, kernel_width: kernelWidth, group_channels: groupChannels, groups: groups,
            row_stride: rows.stride, row_dilation: rows.dilation, row_pad: rows.padBefore,
            column_stride: columns.stride, column_dilation: columns.dilation, column_pad: columns.padBefore)
        ll_gather_patches(&sizes, source, patches, positions.lowerBound, positions.count, group)
    }
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
