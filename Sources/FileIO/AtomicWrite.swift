import Foundation

/// Writes `data` to `path` through a temporary file in the same folder and a
/// rename, so a reader never sees a half-written file. Throws `FileError`.
public func writeAtomically(_ data: Data, to path: String) throws {
    do {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw FileError(path, "cannot be written (\(reason(of: error)))")
    }
}

/// Writes `data` atomically to `path`, first creating the folder it goes in.
public func writeCreatingFolder(_ data: Data, to path: String) throws {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
        throw FileError(path, "cannot be written (its folder cannot be made: \(reason(of: error)))")
    }
    try writeAtomically(data, to: path)
}

/// Writes a set of files into `folder` all or nothing: they are first written
/// into a hidden staging folder beside it, then moved in; on any failure the
/// staging folder is removed and `folder` keeps what it had.
/// `files` maps file names to contents. Throws `FileError` naming `folder`.
public func writeFilesAtomically(_ files: [(name: String, data: Data)], into folder: String) throws {
    let manager = FileManager.default
    let target = URL(fileURLWithPath: folder)
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
        throw FileError(folder, "exists and is not a folder")
    }
    let parent = target.deletingLastPathComponent()
    let staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
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
            try file.data.write(to: staging.appendingPathComponent(file.name))
        }
        try manager.createDirectory(at: target, withIntermediateDirectories: true)
        for file in files {
            // rename(2) replaces an existing file of the same name atomically.
            let source = staging.appendingPathComponent(file.name).path
            if rename(source, target.appendingPathComponent(file.name).path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(errno))])
            }
        }
    } catch {
        throw FileError(folder, "cannot be written (\(reason(of: error)))")
    }
}

/// A short human reason for a Foundation file error.
func reason(of error: Error) -> String {
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
