import FileIO
import Foundation
import ModelGraph

/// Reads and writes NumPy's `.npy` format (versions 1, 2 and 3) and `.npz` archives.
///
/// The format is a magic string, a version, a header length and a Python dict
/// literal (`{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`), then
/// the raw elements. It is parsed by hand: no Swift library reads it, and the
/// header grammar NumPy writes is small and fixed.
public enum NumPyFile {
    /// The largest element count LayerLens accepts from one array (4 Gi elements).
    public static let elementLimit = 1 << 32

    /// How much of a file or member is read to find its header: NumPy writes a few
    /// hundred bytes; a header may in principle be 4 GiB long.
    static let headerReadLimit = 1 << 20

    /// Reads the `.npy` file at `path`. Throws `FileError` naming the file.
    public static func read(_ path: String) throws -> NumPyArray {
        try decode(try readRegularFile(path), name: path)
    }

    /// Reads every array of the `.npz` archive at `path`, keyed by name without `.npy`.
    public static func readArchive(_ path: String) throws -> [String: NumPyArray] {
        let zip = try ZipFile(path: path)
        var arrays: [String: NumPyArray] = [:]
        for entry in zip.entryNames where entry.hasSuffix(".npy") {
            let key = String(entry.dropLast(4))
            arrays[key] = try decode(try zip.contents(of: entry), name: "\(path) [\(shortened(key))]")
        }
        return arrays
    }

    /// Decodes `.npy` bytes; `name` labels errors.
    public static func decode(_ data: Data, name: String) throws -> NumPyArray {
        let bytes = [UInt8](data)
        let header = try parseHeader(bytes, name: name)
        let count = header.elementCount
        let byteCount = header.dataByteCount
        guard bytes.count - header.dataOffset >= byteCount else {
            throw FileError(name, "is truncated: shape \(shapeDescription(header.shape)) needs \(byteCount) bytes of data, the file has \(bytes.count - header.dataOffset)")
        }
        let payload = bytes[header.dataOffset..<(header.dataOffset + byteCount)]
        var storage = try decodeElements(payload, header: header, count: count, name: name)
        if header.fortranOrder, header.shape.count > 1 {
            storage = reorderFromFortran(storage, shape: header.shape)
        }
        return NumPyArray(shape: header.shape, storage: storage)
    }

    /// Encodes a float32 tensor as a version 1.0 `.npy` file in C order.
    public static func encode(_ tensor: Tensor) -> Data {
        var data = encodeHeader(float32Shape: tensor.shape)
        tensor.scalars.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        return data
    }

    /// The version 1.0 `.npy` header of a C-order float32 array of `shape`: what
    /// precedes its elements.
    public static func encodeHeader(float32Shape shape: [Int]) -> Data {
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': \(pythonTuple(shape)), }"
        // Pad with spaces so that magic + version + length + header + newline is a multiple of 64.
        let unpadded = 10 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let length = UInt16(dict.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(dict.utf8))
        return data
    }

    /// Encodes named float32 tensors as an uncompressed `.npz` archive.
    public static func encodeArchive(_ arrays: [(name: String, tensor: Tensor)]) throws -> Data {
        let builder = try ZipBuilder()
        for array in arrays { try builder.add(array.name + ".npy", encode(array.tensor)) }
        return builder.data
    }

    // MARK: - Header

    struct Header {
        var kind: Character
        var itemSize: Int
        var bigEndian: Bool
        var fortranOrder: Bool
        var shape: [Int]
        /// The product of `shape`, at most `elementLimit`.
        var elementCount: Int
        var dataOffset: Int

        /// Elements per row (first-axis slice).
        var rowElements: Int { shape.dropFirst().reduce(1, *) }
        /// The bytes the elements take after the header.
        var dataByteCount: Int { elementCount * itemSize }
    }

    static func parseHeader(_ bytes: [UInt8], name: String) throws -> Header {
        guard bytes.count >= 10, bytes[0..<6].elementsEqual([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else {
            throw FileError(name, "is not a NumPy .npy file (no \\x93NUMPY signature)")
        }
        let major = bytes[6]
        let (lengthBytes, headerStart): (Int, Int) = switch major {
        case 1: (2, 10)
        case 2, 3: (4, 12)
        default: (0, 0)
        }
        guard lengthBytes > 0 else { throw FileError(name, "has .npy format version \(major), which is not supported (1, 2 and 3 are)") }
        guard bytes.count >= headerStart else { throw FileError(name, "is truncated inside its header") }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[6 + 2 + $1]) << (8 * $1) }
        guard bytes.count >= headerStart + headerLength else { throw FileError(name, "is truncated inside its header") }
        let text = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = value(of: "descr", in: text), let order = value(of: "fortran_order", in: text),
              let shapeText = value(of: "shape", in: text) else {
            throw FileError(name, "has a malformed .npy header: \(quoted(text.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        let type = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard type.count >= 3, let kind = type.dropFirst().first, let size = Int(type.dropFirst(2)),
              ["f4", "f8", "u1", "i1", "i4", "i8", "b1"].contains("\(kind)\(size)") else {
            throw FileError(name, "holds elements of type \(quoted(type)); LayerLens reads float32, float64, uint8, int32, int64 and bool")
        }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = dims.compactMap { Int($0) }
        guard shape.count == dims.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw FileError(name, "has a malformed shape \(quoted(shapeText)) in its header")
        }
        // The nonzero extents' product, overflow checked: a zero extent empties the
        // array but may not hide a product of the others that overflows (NumPy
        // refuses such shapes too), so every partial product stays within the limit.
        let nonzeroCount = try shape.filter { $0 != 0 }.reduce(1) { product, extent in
            let (result, overflow) = product.multipliedReportingOverflow(by: extent)
            guard !overflow, result <= elementLimit else {
                throw FileError(name, "declares shape \(quoted(shapeText)), over the \(elementLimit)-element limit")
            }
            return result
        }
        return Header(kind: kind, itemSize: size, bigEndian: type.first == ">", fortranOrder: order == "True", shape: shape,
                      elementCount: shape.contains(0) ? 0 : nonzeroCount, dataOffset: headerStart + headerLength)
    }

    /// The text after `'key':` up to the next top-level comma or closing brace.
    static func value(of key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)':") else { return nil }
        var depth = 0
        var result = ""
        for character in header[keyRange.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0, character == "," || character == "}" { break }
            result.append(character)
            if depth == 0, character == ")" { break }
        }
        return result.trimmingCharacters(in: .whitespaces)
    }

    static func pythonTuple(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    // MARK: - Elements

    static func decodeElements(_ payload: ArraySlice<UInt8>, header: Header, count: Int, name: String) throws -> NumPyArray.Storage {
        let raw = Array(payload)
        func load<T: FixedWidthInteger>(_: T.Type) -> [T] {
            raw.withUnsafeBytes { buffer in
                (0..<count).map { index in
                    let value = buffer.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self)
                    return header.bigEndian ? T(bigEndian: value) : T(littleEndian: value)
                }
            }
        }
        switch (header.kind, header.itemSize) {
        case ("f", 4): return .float32(load(UInt32.self).map { Float(bitPattern: $0) })
        case ("f", 8): return .float64(load(UInt64.self).map { Double(bitPattern: $0) })
        case ("u", 1): return .uint8(raw)
        case ("i", 1): return .int32(raw.map { Int32(Int8(bitPattern: $0)) })
        case ("i", 4): return .int32(load(Int32.self))
        case ("i", 8): return .int64(load(Int64.self))
        case ("b", 1): return .bool(raw.map { $0 != 0 })
        default: throw FileError(name, "holds an unsupported element type")
        }
    }

    /// `count` elements of C-order `payload` converted to Float: rows as a data set reads them.
    static func decodeFloats(_ payload: ArraySlice<UInt8>, header: Header, count: Int, name: String) throws -> [Float] {
        NumPyArray(shape: [count], storage: try decodeElements(payload, header: header, count: count, name: name)).floats
    }

    /// Reorders column-major (Fortran) elements into row-major order.
    static func reorderFromFortran(_ storage: NumPyArray.Storage, shape: [Int]) -> NumPyArray.Storage {
        func reorder<T>(_ values: [T]) -> [T] {
            // Strides of the stored (Fortran) layout: the first axis varies fastest.
            var fortranStrides = [Int](repeating: 1, count: shape.count)
            for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
            return stridedOffsets(shape: shape, strides: fortranStrides).map { values[$0] }
        }
        switch storage {
        case let .float32(values): return .float32(reorder(values))
        case let .float64(values): return .float64(reorder(values))
        case let .uint8(values): return .uint8(reorder(values))
        case let .int32(values): return .int32(reorder(values))
        case let .int64(values): return .int64(reorder(values))
        case let .bool(values): return .bool(reorder(values))
        }
    }
}
