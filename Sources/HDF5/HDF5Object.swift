import CHDF5

/// An open HDF5 file, group or dataset handle, closed when the last reference goes.
public class HDF5Object {
    let id: hid_t
    private let close: (hid_t) -> herr_t
    /// Keeps the file (and any in-memory image) alive while its objects are open.
    let owner: AnyObject?

    init(id: hid_t, owner: AnyObject?, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.owner = owner
        self.close = close
    }

    deinit { HDF5Status.serialized { _ = close(id) } }

    /// Whether this object carries attribute `name` (`H5Aexists`).
    public func hasAttribute(_ name: String) -> Bool {
        HDF5Status.serialized { H5Aexists(id, name) > 0 }
    }

    /// The names of this object's attributes, in creation order where recorded
    /// (`H5Aget_name_by_idx`).
    public func attributeNames() throws -> [String] {
        try HDF5Status.serialized { try unlockedAttributeNames() }
    }

    private func unlockedAttributeNames() throws -> [String] {
        var info = H5O_info_t()
        try HDF5Status.check(H5Oget_info2(id, &info, UInt32(H5O_INFO_NUM_ATTRS)), "cannot read object info")
        return try (0..<Int(info.num_attrs)).map { index in
            let length = H5Aget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index), nil, 0, ll_h5p_default())
            try HDF5Status.check(herr_t(truncatingIfNeeded: length), "cannot read attribute name \(index)")
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            H5Aget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index), &buffer, buffer.count, ll_h5p_default())
            return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Attribute `name` as a list of strings: a scalar string gives one element,
    /// an array of fixed- or variable-length strings gives each element, and an
    /// empty numeric array (which Keras writes for "no names") gives none.
    public func stringsAttribute(_ name: String) throws -> [String] {
        try HDF5Status.serialized { try unlockedStringsAttribute(name) }
    }

    private func unlockedStringsAttribute(_ name: String) throws -> [String] {
        let attribute = try HDF5Status.check(H5Aopen(id, name, ll_h5p_default()), "cannot open attribute '\(name)'")
        defer { H5Aclose(attribute) }
        let space = try HDF5Status.check(H5Aget_space(attribute), "cannot read the shape of attribute '\(name)'")
        defer { H5Sclose(space) }
        let count = Int(H5Sget_simple_extent_npoints(space))
        let fileType = try HDF5Status.check(H5Aget_type(attribute), "cannot read the type of attribute '\(name)'")
        defer { H5Tclose(fileType) }
        guard H5Tget_class(fileType) == H5T_STRING else {
            if count == 0 { return [] }
            throw HDF5Error("attribute '\(name)' holds \(count) non-string values where strings were expected")
        }
        if count == 0 { return [] }
        if H5Tis_variable_str(fileType) > 0 {
            return try readVariableStrings(attribute, name: name, count: count)
        }
        return try readFixedStrings(attribute, name: name, count: count, width: H5Tget_size(fileType))
    }

    /// Attribute `name` as one string (the first element of a string array).
    public func stringAttribute(_ name: String) throws -> String {
        guard let first = try stringsAttribute(name).first else {
            throw HDF5Error("attribute '\(name)' is empty")
        }
        return first
    }

    private func readVariableStrings(_ attribute: hid_t, name: String, count: Int) throws -> [String] {
        let memoryType = try HDF5Status.check(H5Tcopy(ll_h5t_c_s1()), "cannot make a string type")
        defer { H5Tclose(memoryType) }
        H5Tset_size(memoryType, ll_h5t_variable())
        H5Tset_cset(memoryType, H5T_CSET_UTF8)
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        try HDF5Status.check(H5Aread(attribute, memoryType, &pointers), "cannot read attribute '\(name)'")
        defer {
            let space = H5Screate_simple(1, [hsize_t(count)], nil)
            H5Dvlen_reclaim(memoryType, space, ll_h5p_default(), &pointers)  // H5Treclaim from 1.12 on; Debian 12 ships 1.10
            H5Sclose(space)
        }
        return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }

    private func readFixedStrings(_ attribute: hid_t, name: String, count: Int, width: Int) throws -> [String] {
        let memoryType = try HDF5Status.check(H5Tcopy(ll_h5t_c_s1()), "cannot make a string type")
        defer { H5Tclose(memoryType) }
        H5Tset_size(memoryType, width)
        H5Tset_strpad(memoryType, H5T_STR_NULLPAD)
        var bytes = [UInt8](repeating: 0, count: count * width)
        try HDF5Status.check(H5Aread(attribute, memoryType, &bytes), "cannot read attribute '\(name)'")
        return (0..<count).map { index in
            let slice = bytes[(index * width)..<((index + 1) * width)]
            let end = slice.firstIndex(of: 0) ?? slice.endIndex
            return String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
        }
    }
}
