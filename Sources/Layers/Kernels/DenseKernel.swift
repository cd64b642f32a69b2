import COpenBLAS

/// `output[r, u] = Σ_i input[r, i] · kernel[i, u] + bias[u]` for `rows` rows:
/// one OpenBLAS `cblas_sgemm` for the whole batch, the bias broadcast first.
///
/// - Parameters:
///   - input: `rows × inputUnits`, row-major.
///   - kernel: `inputUnits × units`, row-major (Keras's layout).
///   - bias: `units` values, or nil.
func denseForward(input: [Float], rows: Int, kernel: [Float], inputUnits: Int, units: Int, bias: [Float]?) -> [Float] {
    var output = [Float].large(count: rows * units) { target in
        for row in 0..<rows {
            if let bias {
                bias.withUnsafeBufferPointer { (target.baseAddress! + row * units).update(from: $0.baseAddress!, count: units) }
            } else {
                (target.baseAddress! + row * units).initialize(repeating: 0, count: units)
            }
        }
    }
    guard rows > 0, units > 0, inputUnits > 0 else { return output }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                Int32(rows), Int32(units), Int32(inputUnits),
                1, input, Int32(inputUnits), kernel, Int32(units),
                bias == nil ? 0 : 1, &output, Int32(units))
    return output
}

/// The same product computed naively in Double: the reference the BLAS path is tested against.
func denseForwardReference(input: [Float], rows: Int, kernel: [Float], inputUnits: Int, units: Int, bias: [Float]?) -> [Float] {
    var output = [Float](repeating: 0, count: rows * units)
    for row in 0..<rows {
        for unit in 0..<units {
            var sum = Double(bias?[unit] ?? 0)
            for i in 0..<inputUnits { sum += Double(input[row * inputUnits + i]) * Double(kernel[i * units + unit]) }
            output[row * units + unit] = Float(sum)
        }
    }
    return output
}
