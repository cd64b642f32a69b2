import Foundation

/// Throws `FileError` unless writing a file at `path` would create a new file or
/// replace a regular one: a device, a folder, a FIFO or a socket (or a symbolic
/// link to one) is never replaced. Every file LayerLens writes is checked here,
/// before any work and again just before it is written.
public func requireReplaceableFile(_ path: String) throws {
    var status = stat()
    guard stat(path, &status) == 0 else { return }  // nothing there (or a dangling link): a new file
    switch status.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: throw FileError(path, "is a folder; give a file name to write")
    default: throw FileError(path, "not a regular file (\(kindName(of: status.st_mode))); only a regular file is replaced")
    }
}

/// Writes `data` to `path` through a temporary file in the same folder and a
/// rename, so a reader never sees a half-written file; only a regular file is
/// replaced (`requireReplaceableFile`). Throws `FileError`.
public func writeAtomically(_ data: Data, to path: String) throws {
    try requireReplaceableFile(path)
    do {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw FileError(path, "cannot be written (\(reason(of: error)))")
    }
}

/// Writes `data` atomically to `path`, first creating the folder it goes in.
public func writeCreatingFolder(_ data: Data, to path: String) throws {
    try requireReplaceableFile(path)
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
        throw FileError(path, "cannot be written (its folder cannot be made: \(reason(of: error)))")
    }
    try writeAtomically(data, to: path)
}

/// Throws `FileError` unless `folder` can be replaced whole by a folder of new
/// files: it does not exist, or it is a real folder (not a link) holding only
/// regular files with name `endings` (`npy`), as an earlier write of the same
/// kind left it. A folder of anything else is the user's, and is kept.
public func requireReplaceableFolder(_ folder: String, endings: Set<String>) throws {
    var status = stat()
    guard lstat(folder, &status) == 0 else { return }
    switch status.st_mode & S_IFMT {
    case S_IFDIR: break
    case S_IFLNK: throw FileError(folder, "is a symbolic link; give the folder itself, which is replaced whole")
    default: throw FileError(folder, "exists and is not a folder (\(kindName(of: status.st_mode)))")
    }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    for entry in entries {
        let isRegular = lstat(folder + "/" + entry, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
        guard isRegular, endings.contains(URL(fileURLWithPath: entry).pathExtension) else {
            throw FileError(folder, "holds \(quoted(entry)), which it would lose: only a folder of earlier output files is replaced; give a new folder")
        }
    }
}

/// Writes a set of files as the folder `folder`, all or nothing: they are
/// written into a hidden staging folder beside it, which then takes its place
/// by renames (the old folder is moved aside, the new one in, the old one
/// removed). On any failure the staging folder is removed and `folder` keeps
/// what it had. An existing folder is replaced only as `requireReplaceableFolder`
/// allows. `files` maps file names to contents; `write` writes one file (a test
/// can make it fail). Throws `FileError` naming `folder`.
public func writeFilesAtomically(_ files: [(name: String, data: Data)], into folder: String,
                                 write: (Data, URL) throws -> Void = { try $0.write(to: $1) }) throws {
    try requireReplaceableFolder(folder, endings: Set(files.map { URL(fileURLWithPath: $0.name).pathExtension }))
    let manager = FileManager.default
    let target = URL(fileURLWithPath: folder)
    let parent = target.deletingLastPathComponent()
    let hiddenName = ".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier)"
    let staging = parent.appendingPathComponent(hiddenName + ".partial"), aside = parent.appendingPathComponent(hiddenName + ".old")
    do {
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        try? manager.removeItem(at: staging)
        try manager.createDirectory(at: staging, withIntermediateDirectories: false)
    } catch {
        throw FileError(folder, "cannot be written (\(reason(of: error)))")
    }
    defer { try? manager.removeItem(at: staging) }
    do {
        for file in files {
            try write(file.data, staging.appendingPathComponent(file.name))
        }
        try swapIn(staging, for: target, keepingOldAt: aside)
    } catch {
        throw FileError(folder, "cannot be written (\(reason(of: error)))")
    }
    try? manager.removeItem(at: aside)
}

/// Puts folder `new` in the place of `target` by rename(2): an existing
/// `target` is first moved to `aside`, and moved back if `new` cannot go in.
private func swapIn(_ new: URL, for target: URL, keepingOldAt aside: URL) throws {
    func move(_ source: URL, _ destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(errno))])
        }
    }
    let hadOld = FileManager.default.fileExists(atPath: target.path)
    if hadOld { try move(target, aside) }
    do {
        try move(new, target)
    } catch {
        if hadOld { try? move(aside, target) }
        throw error
    }
}

/// A short human reason for a Foundation file error.
public func reason(of error: Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
       let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
        return String(cString: strerror(code.rawValue))
    }
    if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
    switch nsError.code {
    case NSFileWriteNoPermissionError: return "permission denied"
    case NSFileWriteOutOfSpaceError: return "no space left on device"
    case NSFileWriteVolumeReadOnlyError: return "read-only file system"
    case NSFileNoSuchFileError, NSFileWriteFileExistsError: return "no such folder"
    default: return nsError.localizedDescription
    }
}
