import CHDF5
import FileIO

/// An HDF5 group read by libhdf5: a folder of named groups and datasets (the oracle's `HDF5Group`).
public final class LibHDF5Group: LibHDF5Object {
    /// The group's path inside its file, for messages.
    public let path: String

    init(id: hid_t, path: String, owner: AnyObject?) {
        self.path = path
        super.init(id: id, owner: owner, close: H5Gclose)
    }

    /// Whether `relativePath` (`a/b/c`) names a link below this group, looked
    /// up one component at a time through hard links only. A path that meets a
    /// link LayerLens does not follow (external, soft or user-defined) counts as
    /// present, so that opening it reports the refusal.
    public func contains(_ relativePath: String) -> Bool {
        LibHDF5Status.serialized { (try? LibHDF5Confinement.hardLinkExists(relativePath, in: id, groupPath: path)) ?? true }
    }

    /// The group at `relativePath` (`H5Gopen2`), reached through hard links only.
    public func group(_ relativePath: String) throws -> LibHDF5Group {
        try LibHDF5Status.serialized {
            let childPath = Self.joined(path, relativePath)
            guard try LibHDF5Confinement.hardLinkExists(relativePath, in: id, groupPath: path) else { throw LibHDF5Error("no group \(quoted(childPath))") }
            let child = try LibHDF5Status.check(H5Gopen2(id, relativePath, ll_h5p_default()), "cannot open group \(quoted(childPath))")
            return LibHDF5Group(id: child, path: childPath, owner: owner)
        }
    }

    /// The dataset at `relativePath` (`H5Dopen2`), reached through hard links
    /// only, and refused when its data would come from outside the file or
    /// through a filter plugin (see `LibHDF5Confinement.checkStorage`).
    public func dataset(_ relativePath: String) throws -> LibHDF5Dataset {
        try LibHDF5Status.serialized {
            let childPath = Self.joined(path, relativePath)
            guard try LibHDF5Confinement.hardLinkExists(relativePath, in: id, groupPath: path) else { throw LibHDF5Error("no dataset \(quoted(childPath))") }
            let child = try LibHDF5Status.check(H5Dopen2(id, relativePath, ll_h5p_default()), "cannot open dataset \(quoted(childPath))")
            let dataset = LibHDF5Dataset(id: child, path: childPath, owner: owner)
            try LibHDF5Confinement.checkStorage(ofDataset: child, path: childPath)
            return dataset
        }
    }

    /// The names of the group's members, in name order (`H5Lget_name_by_idx`).
    /// Listing reads the group's own links and follows none of them; opening a
    /// member checks its link.
    public func memberNames() throws -> [String] {
        try LibHDF5Status.serialized { try unlockedMemberNames() }
    }

    private func unlockedMemberNames() throws -> [String] {
        var info = H5G_info_t()
        try LibHDF5Status.check(H5Gget_info(id, &info), "cannot list group \(quoted(path))")
        return try (0..<Int(info.nlinks)).map { index in
            let length = H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index), nil, 0, ll_h5p_default())
            guard length >= 0 else { throw LibHDF5Status.failure("cannot list group \(quoted(path))") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index), &buffer, buffer.count, ll_h5p_default())
            return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// `relativePath` below the group at `groupPath`, as a path in the file.
    static func joined(_ groupPath: String, _ relativePath: String) -> String {
        groupPath == "/" ? "/" + relativePath : groupPath + "/" + relativePath
    }
}
