import Foundation

/// Opens `path` for reading, refusing anything but a regular file (a FIFO, a
/// device, a socket, a folder) before it can block or be read: the path is
/// checked with `stat`, opened non-blocking (so a FIFO swapped in meanwhile
/// cannot hang the open), and the opened descriptor checked again with `fstat`.
/// Every file a user names is opened here. Throws `FileError`.
public func openRegularFile(_ path: String) throws -> FileHandle {
    var status = stat()
    guard stat(path, &status) == 0 else { throw FileError(path, openProblem(errno)) }
    try requireRegular(status, path)
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { throw FileError(path, openProblem(errno)) }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    guard fstat(descriptor, &status) == 0 else { throw FileError(path, "cannot be read (\(String(cString: strerror(errno))))") }
    try requireRegular(status, path)
    // Regular files never block; the flag is cleared so that reads behave as usual.
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    return handle
}

/// The whole contents of the regular file at `path`, opened by `openRegularFile`.
public func readRegularFile(_ path: String) throws -> Data {
    let handle = try openRegularFile(path)
    do {
        return try handle.readToEnd() ?? Data()
    } catch {
        throw FileError(path, "cannot be read (\(reason(of: error)))")
    }
}

/// Throws `FileError` unless `path` is an existing, readable regular file: the
/// check `openRegularFile` makes, for readers (HDF5, zip archives) that open
/// the file by its path themselves.
public func requireReadableFile(_ path: String) throws {
    _ = try openRegularFile(path)
}

/// Throws `FileError` unless `status` describes a regular file.
private func requireRegular(_ status: stat, _ path: String) throws {
    guard status.st_mode & S_IFMT != S_IFREG else { return }
    if status.st_mode & S_IFMT == S_IFDIR { throw FileError(path, "is a folder, not a file") }
    throw FileError(path, "not a regular file (\(kindName(of: status.st_mode)))")
}

/// A file's kind in words: `a FIFO`, `a character device`, ….
func kindName(of mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFREG: "a regular file"
    case S_IFIFO: "a FIFO"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFSOCK: "a socket"
    case S_IFDIR: "a folder"
    case S_IFLNK: "a symbolic link"
    default: "an unknown kind of file"
    }
}

/// Why `stat` or `open` failed, worded for a file to be read.
private func openProblem(_ code: Int32) -> String {
    switch code {
    case ENOENT, ENOTDIR: "no such file"
    case EACCES, EPERM: "is not readable (permission denied)"
    default: "cannot be opened (\(String(cString: strerror(code))))"
    }
}
