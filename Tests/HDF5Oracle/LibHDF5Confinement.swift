import CHDF5

/// Keeps every read inside the one file opened: HDF5 can make a file's objects
/// read other files (external links, virtual datasets, external storage) or load
/// code (filter plugins), and a file from a stranger must do neither. Each check
/// refuses by name, before any object's data is read; Keras never writes any of these.
enum LibHDF5Confinement {
    /// The filters Keras (through h5py) may write: deflate, shuffle and Fletcher32,
    /// each built into libhdf5. Any other would send HDF5 to its plugin folder.
    static let allowedFilters: [H5Z_filter_t: String] = [
        H5Z_filter_t(H5Z_FILTER_DEFLATE): "deflate",
        H5Z_filter_t(H5Z_FILTER_SHUFFLE): "shuffle",
        H5Z_filter_t(H5Z_FILTER_FLETCHER32): "Fletcher32",
    ]

    /// Whether `relativePath` (`a/b/c`) names a link below `group`, following
    /// only hard links: each component's link is looked up (`H5Lexists`, then
    /// `H5Lget_info`) before the next is looked up through it, so no external,
    /// soft or user-defined link is ever traversed; meeting one is refused.
    /// `groupPath` is the group's path in its file, for messages. Only under the HDF5 lock.
    static func hardLinkExists(_ relativePath: String, in group: hid_t, groupPath: String) throws -> Bool {
        var prefix = ""
        for component in relativePath.split(separator: "/") {
            prefix += prefix.isEmpty ? String(component) : "/" + component
            guard H5Lexists(group, prefix, ll_h5p_default()) > 0 else { return false }
            var info = H5L_info_t()
            let link = "link \(LibHDF5Group.joined(groupPath, prefix))"
            try LibHDF5Status.check(H5Lget_info(group, prefix, &info, ll_h5p_default()), "cannot read \(link)")
            switch info.type {
            case H5L_TYPE_HARD: continue
            case H5L_TYPE_EXTERNAL: throw refusal("\(link) points into another file (external link)")
            case H5L_TYPE_SOFT: throw refusal("\(link) names another path in the file, which may lead in a circle (soft link)")
            default: throw refusal("\(link) is of a user-defined type \(info.type.rawValue), resolved by code outside the file (user-defined link)")
            }
        }
        return !prefix.isEmpty
    }

    /// Refuses dataset `dataset` (at `path`) when reading it would read another
    /// file or load a filter plugin: external storage (`H5Pget_external_count`),
    /// a virtual layout (`H5Pget_layout`) or a filter Keras does not write
    /// (`H5Pget_filter2`). Reads only the dataset's creation properties, none of
    /// its data. Only under the HDF5 lock.
    static func checkStorage(ofDataset dataset: hid_t, path: String) throws {
        let creation = try LibHDF5Status.check(H5Dget_create_plist(dataset), "cannot read the storage properties of dataset \(path)")
        defer { H5Pclose(creation) }
        let externalFiles = H5Pget_external_count(creation)
        try LibHDF5Status.check(externalFiles, "cannot read the storage properties of dataset \(path)")
        if externalFiles > 0 { throw refusal("dataset \(path) stores its data in another file (external storage)") }
        if H5Pget_layout(creation) == H5D_VIRTUAL { throw refusal("dataset \(path) maps its data from other files (virtual dataset)") }
        let filters = H5Pget_nfilters(creation)
        try LibHDF5Status.check(filters, "cannot read the filters of dataset \(path)")
        for index in 0..<UInt32(filters) {
            let filter = H5Pget_filter2(creation, index, nil, nil, nil, 0, nil, nil)
            guard filter >= 0 else { throw LibHDF5Status.failure("cannot read the filters of dataset \(path)") }
            if allowedFilters[filter] == nil {
                let known = allowedFilters.values.sorted().joined(separator: ", ")
                throw refusal("dataset \(path) needs filter \(filter), which HDF5 would load as a plugin (not one Keras writes: \(known))")
            }
        }
    }

    /// The error for something refused: `what`, then `; refused`.
    static func refusal(_ what: String) -> LibHDF5Error {
        LibHDF5Error("\(what); refused")
    }
}
