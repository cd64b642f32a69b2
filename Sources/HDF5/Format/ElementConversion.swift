/// Converts stored numbers to Float the way libhdf5 converts them into
/// `H5T_NATIVE_FLOAT`: floats rounded to nearest (beyond Float's range,
/// ±infinity), integers rounded to nearest, either byte order.
enum ElementConversion {
    /// The first `count` elements of `type` in `bytes` (which holds at least `count` × the element size).
    static func floats(from bytes: UnsafeRawBufferPointer, count: Int, type: Datatype) -> [Float] {
        guard count > 0 else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { output, initialized in
            convert(bytes, count: count, type: type, into: output)
            initialized = count
        }
    }

    /// Writes the first `count` elements of `type` in `bytes` into `output` (which has room for them).
    static func convert(_ bytes: UnsafeRawBufferPointer, count: Int, type: Datatype, into output: UnsafeMutableBufferPointer<Float>) {
            switch type {
            case .float(4, false):
                // A plain copy: the bytes may lie at any alignment (inside a zip member, say).
                UnsafeMutableRawBufferPointer(output).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<(count * 4)]))
            case .float(let size, let bigEndian):
                for index in 0..<count {
                    let bits = word(bytes, at: index * size, size: size, bigEndian: bigEndian)
                    switch size {
                    case 2: output[index] = Float(Float16(bitPattern: UInt16(bits)))
                    case 4: output[index] = Float(bitPattern: UInt32(bits))
                    default: output[index] = Float(Double(bitPattern: bits))
                    }
                }
            case .integer(let size, let signed, let bigEndian):
                for index in 0..<count {
                    let bits = word(bytes, at: index * size, size: size, bigEndian: bigEndian)
                    if signed {
                        let shift = UInt64(64 - 8 * size)
                        output[index] = Float(Int64(bitPattern: bits << shift) >> Int64(shift))
                    } else {
                        output[index] = Float(bits)
                    }
                }
            default:
                preconditionFailure("converting a non-numeric type")
            }
    }

    /// The `size`-byte element at `offset` as the low bits of a word.
    @inline(__always)
    private static func word(_ bytes: UnsafeRawBufferPointer, at offset: Int, size: Int, bigEndian: Bool) -> UInt64 {
        var value: UInt64 = 0
        for byte in 0..<size {
            let shift = bigEndian ? size - 1 - byte : byte
            value |= UInt64(bytes[offset + byte]) << (8 * UInt64(shift))
        }
        return value
    }
}
