import CHDF5
import FileIO

/// An HDF5 group: a folder of named groups and datasets.
public final class HDF5Group: HDF5Object {
    /// The group's path inside its file, for messages.
    public let path: String

    init(id: hid_t, path: String, owner: AnyObject?) {
        self.path = path
        super.init(id: id, owner: owner, close: H5Gclose)
    }

    /// Whether `relativePath` (`a/b/c`) names a link below this group; checks
    /// each component in turn, as `H5Lexists` requires.
    public func contains(_ relativePath: String) -> Bool {
        HDF5Status.serialized { unlockedContains(relativePath) }
    }

    private func unlockedContains(_ relativePath: String) -> Bool {
        var prefix = ""
        for component in relativePath.split(separator: "/") {
            prefix += prefix.isEmpty ? String(component) : "/" + component
            if H5Lexists(id, prefix, ll_h5p_default()) <= 0 { return false }
        }
        return !prefix.isEmpty
    }

    /// The group at `relativePath` (`H5Gopen2`).
    public func group(_ relativePath: String) throws -> HDF5Group {
        try HDF5Status.serialized {
            guard contains(relativePath) else { throw HDF5Error("no group \(quoted(join(relativePath)))") }
            let child = try HDF5Status.check(H5Gopen2(id, relativePath, ll_h5p_default()), "cannot open group \(quoted(join(relativePath)))")
            return HDF5Group(id: child, path: join(relativePath), owner: owner)
        }
    }

    /// The dataset at `relativePath` (`H5Dopen2`).
    public func dataset(_ relativePath: String) throws -> HDF5Dataset {
        try HDF5Status.serialized {
            guard contains(relativePath) else { throw HDF5Error("no dataset \(quoted(join(relativePath)))") }
            let child = try HDF5Status.check(H5Dopen2(id, relativePath, ll_h5p_default()), "cannot open dataset \(quoted(join(relativePath)))")
            return HDF5Dataset(id: child, path: join(relativePath), owner: owner)
        }
    }

    /// The names of the group's members, in name order (`H5Lget_name_by_idx`).
    public func memberNames() throws -> [String] {
        try HDF5Status.serialized { try unlockedMemberNames() }
    }

    private func unlockedMemberNames() throws -> [String] {
        var info = H5G_info_t()
        try HDF5Status.check(H5Gget_info(id, &info), "cannot list group \(quoted(path))")
        return try (0..<Int(info.nlinks)).map { index in
            let length = H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index), nil, 0, ll_h5p_default())
            guard length >= 0 else { throw HDF5Status.failure("cannot list group \(quoted(path))") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index), &buffer, buffer.count, ll_h5p_default())
            return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    private func join(_ relativePath: String) -> String {
        path == "/" ? "/" + relativePath : path + "/" + relativePath
    }
}
