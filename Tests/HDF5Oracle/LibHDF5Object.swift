import CHDF5
import FileIO
import Foundation

/// An open libhdf5 group or dataset handle, closed when the last reference goes;
/// its attributes are read as the HDF5 module's `HDF5Object` reads them.
public class LibHDF5Object {
    let id: hid_t
    private let close: (hid_t) -> herr_t
    /// Keeps the file (and any in-memory image) alive while its objects are open.
    let owner: AnyObject?

    init(id: hid_t, owner: AnyObject?, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.owner = owner
        self.close = close
    }

    deinit { LibHDF5Status.serialized { _ = close(id) } }

    /// Whether this object carries attribute `name` (`H5Aexists`).
    public func hasAttribute(_ name: String) -> Bool {
        LibHDF5Status.serialized { H5Aexists(id, name) > 0 }
    }

    /// The names of this object's attributes, in creation order where recorded
    /// (`H5Aget_name_by_idx`).
    public func attributeNames() throws -> [String] {
        try LibHDF5Status.serialized { try unlockedAttributeNames() }
    }

    private func unlockedAttributeNames() throws -> [String] {
        var info = H5O_info_t()
        try LibHDF5Status.check(H5Oget_info2(id, &info, UInt32(H5O_INFO_NUM_ATTRS)), "cannot read object info")
        return try (0..<Int(info.num_attrs)).map { index in
            let length = H5Aget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index), nil, 0, ll_h5p_default())
            try LibHDF5Status.check(herr_t(truncatingIfNeeded: length), "cannot read attribute name \(index)")
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            H5Aget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index), &buffer, buffer.count, ll_h5p_default())
            return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Attribute `name` as a list of strings. Every kind of string attribute
    /// Keras files carry is read: variable- or fixed-length, ASCII or UTF-8
    /// charset, a scalar (one element) or an array (each element). An empty
    /// numeric array, which Keras writes for "no names", gives none. The bytes
    /// must be UTF-8 (ASCII included).
    public func stringsAttribute(_ name: String) throws -> [String] {
        try LibHDF5Status.serialized { try unlockedStringsAttribute(name) }
    }

    /// The most bytes (or string pointers) one attribute may make LayerLens
    /// allocate; Keras splits its attributes at 64 KiB, so only a corrupt file
    /// comes near it.
    static let attributeByteLimit = 256 << 20

    private func unlockedStringsAttribute(_ name: String) throws -> [String] {
        let attribute = try LibHDF5Status.check(H5Aopen(id, name, ll_h5p_default()), "cannot open attribute \(quoted(name))")
        defer { H5Aclose(attribute) }
        let space = try LibHDF5Status.check(H5Aget_space(attribute), "cannot read the shape of attribute \(quoted(name))")
        defer { H5Sclose(space) }
        let points = H5Sget_simple_extent_npoints(space)
        guard points >= 0 else { throw LibHDF5Status.failure("cannot read the shape of attribute \(quoted(name))") }
        let count = Int(points)
        let fileType = try LibHDF5Status.check(H5Aget_type(attribute), "cannot read the type of attribute \(quoted(name))")
        defer { H5Tclose(fileType) }
        guard H5Tget_class(fileType) == H5T_STRING else {
            if count == 0 { return [] }
            throw LibHDF5Error("attribute \(quoted(name)) holds \(count) non-string values where strings were expected")
        }
        if count == 0 { return [] }
        let charset = H5Tget_cset(fileType)
        guard charset == H5T_CSET_ASCII || charset == H5T_CSET_UTF8 else {
            throw LibHDF5Error("attribute \(quoted(name)) has a string character set HDF5 does not define (\(charset.rawValue))")
        }
        let isVariable = H5Tis_variable_str(fileType)
        guard isVariable >= 0 else { throw LibHDF5Status.failure("cannot read the type of attribute \(quoted(name))") }
        let width = isVariable > 0 ? MemoryLayout<UnsafeMutablePointer<CChar>?>.stride : H5Tget_size(fileType)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: width)
        guard width > 0, !overflow, bytes <= Self.attributeByteLimit else {
            throw LibHDF5Error("attribute \(quoted(name)) claims \(count) strings of \(width) bytes, over the \(Self.attributeByteLimit)-byte limit for an attribute")
        }
        // The memory type keeps the file's charset: HDF5 converts between string
        // sizes and paddings, but not between ASCII and UTF-8.
        let memoryType = try LibHDF5Status.check(H5Tcopy(ll_h5t_c_s1()), "cannot make a string type")
        defer { H5Tclose(memoryType) }
        try LibHDF5Status.check(H5Tset_cset(memoryType, charset), "cannot make a string type")
        let encoded = isVariable > 0
            ? try readVariableStrings(attribute, name: name, count: count, memoryType: memoryType)
            : try readFixedStrings(attribute, name: name, count: count, width: width, memoryType: memoryType)
        return try encoded.map { bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw LibHDF5Error("attribute \(quoted(name)) holds bytes that are not UTF-8 text")
            }
            return text
        }
    }

    /// Attribute `name` as one string: a scalar or a one-element array.
    public func stringAttribute(_ name: String) throws -> String {
        let values = try stringsAttribute(name)
        guard values.count == 1 else {
            throw LibHDF5Error("attribute \(quoted(name)) holds \(values.count) strings where one was expected")
        }
        return values[0]
    }

    /// The bytes of each variable-length string, read through HDF5's own
    /// pointers (`H5Aread`), which are handed back with `H5Dvlen_reclaim`.
    private func readVariableStrings(_ attribute: hid_t, name: String, count: Int, memoryType: hid_t) throws -> [[UInt8]] {
        try LibHDF5Status.check(H5Tset_size(memoryType, ll_h5t_variable()), "cannot make a string type")
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        try LibHDF5Status.check(H5Aread(attribute, memoryType, &pointers), "cannot read attribute \(quoted(name))")
        defer {
            let space = H5Screate_simple(1, [hsize_t(count)], nil)
            H5Dvlen_reclaim(memoryType, space, ll_h5p_default(), &pointers)  // H5Treclaim from 1.12 on; Debian 12 ships 1.10
            H5Sclose(space)
        }
        return pointers.map { pointer in
            guard let pointer else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
        }
    }

    /// The bytes of each fixed-length string, converted by HDF5 to null padding
    /// (which drops the trailing spaces of space-padded strings) and cut at the first null.
    private func readFixedStrings(_ attribute: hid_t, name: String, count: Int, width: Int, memoryType: hid_t) throws -> [[UInt8]] {
        try LibHDF5Status.check(H5Tset_size(memoryType, width), "cannot make a string type")
        try LibHDF5Status.check(H5Tset_strpad(memoryType, H5T_STR_NULLPAD), "cannot make a string type")
        var bytes = [UInt8](repeating: 0, count: count * width)
        try LibHDF5Status.check(H5Aread(attribute, memoryType, &bytes), "cannot read attribute \(quoted(name))")
        return (0..<count).map { index in
            let slice = bytes[(index * width)..<((index + 1) * width)]
            return Array(slice[slice.startIndex..<(slice.firstIndex(of: 0) ?? slice.endIndex)])
        }
    }
}
