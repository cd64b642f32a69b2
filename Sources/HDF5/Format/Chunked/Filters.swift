import CDeflate

/// Undoes the filters Keras (through h5py) writes, on one chunk's stored bytes:
/// Fletcher32 (checked, then dropped), deflate (inflated by zlib, never past
/// the chunk's size) and shuffle (bytes put back in element order).
enum ChunkFilters {
    /// The HDF5 ids of the filters read here.
    static let deflate = 1, shuffle = 2, fletcher32 = 3

    /// The chunk's bytes before `filters` (the pipeline's filters its mask leaves,
    /// in writing order) were applied; they must come to exactly `chunkBytes`.
    static func undo(_ filters: [FilterPipeline.Filter], on stored: UnsafeRawBufferPointer, chunkBytes: Int,
                     elementSize: Int, what: String) throws -> [UInt8] {
        // Each Fletcher32 adds 4 bytes, so data inflated before one is undone may be that much longer.
        let checksumBytes = 4 * filters.filter { $0.id == fletcher32 }.count
        var data = Array(stored)
        for filter in filters.reversed() {
            switch filter.id {
            case deflate: data = try inflate(data, limit: chunkBytes + checksumBytes, what: what)
            case shuffle: data = unshuffle(data, elementSize: filter.values.first.map(Int.init) ?? elementSize)
            case fletcher32: data = try verifyFletcher32(data, what: what)
            default: throw HDF5Error("\(what) needs filter \(filter.id), which LayerLens does not read")
            }
        }
        guard data.count == chunkBytes else {
            throw HDF5Error("corrupt file: \(what) unfilters to \(data.count) bytes, not the chunk's \(chunkBytes)")
        }
        return data
    }

    /// The zlib stream `compressed` inflated; refused when it is corrupt or inflates past `limit` bytes.
    /// The output grows as inflation fills it, so a small stream never claims a large buffer.
    static func inflate(_ compressed: [UInt8], limit: Int, what: String) throws -> [UInt8] {
        guard compressed.count <= Int(UInt32.max) else { throw HDF5Error("corrupt file: \(what) is too large to inflate") }
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw HDF5Error("\(what) cannot be inflated: zlib does not start")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: min(limit, max(4096, 4 * compressed.count)))
        var produced = 0
        var status = Z_OK
        try compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                if produced == output.count {
                    // Room for one byte past the limit, so that a stream longer than the chunk is seen to be.
                    guard output.count <= limit else { break }
                    output.append(contentsOf: repeatElement(0, count: min(output.count, limit + 1 - output.count)))
                }
                status = output.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress.map { $0 + produced }
                    stream.avail_out = UInt32(buffer.count - produced)
                    let result = CDeflate.inflate(&stream, Z_NO_FLUSH)
                    produced = buffer.count - Int(stream.avail_out)
                    return result
                }
                if status == Z_STREAM_END { break }
                guard status == Z_OK else {
                    throw HDF5Error("corrupt file: \(what) does not inflate (zlib error \(status))")
                }
                if stream.avail_in == 0 && produced < output.count {
                    throw HDF5Error("corrupt file: \(what) ends inside its deflate stream")
                }
            }
        }
        guard status == Z_STREAM_END, produced <= limit else {
            throw HDF5Error("corrupt file: \(what) inflates past the chunk's \(limit) bytes")
        }
        return Array(output[0..<produced])
    }

    /// The bytes in element order again: shuffle stores the first byte of every
    /// element, then every second byte, …; a tail short of an element is kept as is.
    static func unshuffle(_ data: [UInt8], elementSize: Int) -> [UInt8] {
        let count = data.count / max(1, elementSize)
        guard elementSize > 1, count > 1 else { return data }
        var output = data
        for byte in 0..<elementSize {
            for element in 0..<count { output[element * elementSize + byte] = data[byte * count + element] }
        }
        return output
    }

    /// The data without its last 4 bytes, which must be HDF5's Fletcher32 checksum of the rest
    /// (or that checksum with the bytes of each half swapped, as HDF5 before 1.6.3 wrote it).
    static func verifyFletcher32(_ data: [UInt8], what: String) throws -> [UInt8] {
        guard data.count >= 4 else { throw HDF5Error("corrupt file: \(what) is too short for its Fletcher32 checksum") }
        let body = data.count - 4
        let stored = (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[body + $1]) << (8 * UInt32($1)) }
        let computed = fletcher32(data[0..<body])
        let swapped = (computed & 0xff00_ff00) >> 8 | (computed & 0x00ff_00ff) << 8
        guard stored == computed || stored == swapped else { throw HDF5Error("corrupt file: \(what) fails its Fletcher32 checksum") }
        return Array(data[0..<body])
    }

    /// HDF5's Fletcher32 (`H5_checksum_fletcher32`): over big-endian 16-bit words, an odd last byte as the high byte of one.
    static func fletcher32(_ data: ArraySlice<UInt8>) -> UInt32 {
        var sum1: UInt32 = 0, sum2: UInt32 = 0
        var index = data.startIndex
        var words = data.count / 2
        while words > 0 {
            let run = min(words, 360)  // sums reduced every 360 words stay below 2^32
            words -= run
            for _ in 0..<run {
                sum1 &+= UInt32(data[index]) << 8 | UInt32(data[index + 1])
                sum2 &+= sum1
                index += 2
            }
            sum1 = (sum1 & 0xffff) + (sum1 >> 16)
            sum2 = (sum2 & 0xffff) + (sum2 >> 16)
        }
        if data.count % 2 == 1 {
            sum1 &+= UInt32(data[index]) << 8
            sum2 &+= sum1
            sum1 = (sum1 & 0xffff) + (sum1 >> 16)
            sum2 = (sum2 & 0xffff) + (sum2 >> 16)
        }
        sum1 = (sum1 & 0xffff) + (sum1 >> 16)
        sum2 = (sum2 & 0xffff) + (sum2 >> 16)
        return sum2 << 16 | sum1
    }
}
