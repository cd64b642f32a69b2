/// A datatype message, as far as LayerLens reads values: numbers (integers and
/// IEEE floats of either byte order) and strings (fixed or variable length).
enum Datatype {
    /// An integer of `size` bytes.
    case integer(size: Int, signed: Bool, bigEndian: Bool)
    /// An IEEE binary float of `size` bytes (2, 4 or 8) in its standard bit layout.
    case float(size: Int, bigEndian: Bool)
    /// A fixed-length string of `size` bytes, with its padding.
    case fixedString(size: Int, padding: StringPadding, charset: Int)
    /// A variable-length string: each element points into a global heap.
    case variableString(padding: StringPadding, charset: Int)
    /// Any other class (compound, enum, reference, …), by its class number.
    case other(typeClass: Int, size: Int)

    /// How a string fills its width: HDF5's padding types.
    enum StringPadding: Int { case nullTerminated = 0, nullPadded = 1, spacePadded = 2 }

    /// The bytes one element takes in an attribute's or dataset's data.
    func elementSize(_ sizes: FieldSizes) -> Int {
        switch self {
        case .integer(let size, _, _), .float(let size, _), .fixedString(let size, _, _), .other(_, let size): size
        case .variableString: 4 + sizes.offset + 4  // length, global heap collection address, object index
        }
    }

    var isNumeric: Bool {
        switch self {
        case .integer, .float: true
        default: false
        }
    }

    var isString: Bool {
        switch self {
        case .fixedString, .variableString: true
        default: false
        }
    }

    init(_ cursor: inout ByteCursor) throws {
        let classAndVersion = try cursor.uint8()
        let typeClass = Int(classAndVersion & 0x0f)
        // Versions 1 to 3, as libhdf5 1.10 reads; 4 (HDF5 1.12's references) is refused as it refuses it.
        let version = classAndVersion >> 4
        guard (1...3).contains(version) else { throw HDF5Error("\(cursor.what) has datatype version \(version), which LayerLens does not read (1 to 3)") }
        let bits = try cursor.copy(3)
        let size = try cursor.count(width: 4, limit: 1 << 20, "bytes per element")
        let what = cursor.what
        func padding(_ value: UInt8) throws -> StringPadding {
            guard let padding = StringPadding(rawValue: Int(value & 0x0f)) else {
                throw HDF5Error("corrupt file: \(what) has string padding \(value & 0x0f)")
            }
            return padding
        }
        switch typeClass {
        case 0:
            try cursor.skip(4)  // bit offset and precision
            guard [1, 2, 4, 8].contains(size) else { throw HDF5Error("\(what) has a \(size)-byte integer type, which LayerLens does not read") }
            self = .integer(size: size, signed: bits[0] & 0x08 != 0, bigEndian: bits[0] & 0x01 != 0)
        case 1:
            let bitOffset = try cursor.uint16(), precision = try cursor.uint16()
            let exponentPlace = try cursor.uint8(), exponentBits = try cursor.uint8()
            let mantissaPlace = try cursor.uint8(), mantissaBits = try cursor.uint8()
            let bias = try cursor.uint32()
            let standard: [Int: (UInt8, UInt8, UInt8, UInt32)] = [2: (10, 5, 10, 15), 4: (23, 8, 23, 127), 8: (52, 11, 52, 1023)]
            guard bits[0] & 0x40 == 0, let layout = standard[size], bitOffset == 0, Int(precision) == size * 8,
                  layout == (exponentPlace, exponentBits, mantissaBits, bias), mantissaPlace == 0 else {
                throw HDF5Error("\(what) has a \(size)-byte float type that is not IEEE binary16, 32 or 64, which LayerLens does not read")
            }
            self = .float(size: size, bigEndian: bits[0] & 0x01 != 0)
        case 3:
            self = .fixedString(size: size, padding: try padding(bits[0]), charset: Int(bits[0] >> 4))
        case 9:
            guard bits[0] & 0x0f == 1 else { self = .other(typeClass: typeClass, size: size); return }
            self = .variableString(padding: try padding(bits[0] >> 4), charset: Int(bits[1] & 0x0f))
        default:
            self = .other(typeClass: typeClass, size: size)
        }
    }
}
