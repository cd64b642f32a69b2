import Foundation

/// What one run of the `layerlens` executable did.
public struct CommandResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs the built `layerlens` binary with `arguments`, in `folder` when given
/// (test targets that use it depend on LayerLensCLI, so SwiftPM builds it).
public func layerlens(_ arguments: [String], in folder: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = try executableURL()
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}

/// The `layerlens` binary SwiftPM built beside the test bundle.
private func executableURL() throws -> URL {
    var folder = Bundle.main.bundleURL
    for _ in 0..<3 {
        let candidate = folder.appendingPathComponent("layerlens")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "layerlens next to \(Bundle.main.bundleURL.path)"])
}

/// Runs the built `layerlens` binary with `arguments`, its output discarded, and
/// returns its exit status and its peak resident memory in bytes: the child's own
/// `ru_maxrss`, from `wait4` on its process id.
public func layerlensPeakMemory(_ arguments: [String]) throws -> (status: Int32, maxResidentBytes: Int) {
    let path = try executableURL().path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for descriptor: Int32 in [1, 2] { posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0) }
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
    var status: Int32 = 0, usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
        guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
    // A normal exit gives its code; death by a signal gives minus the signal.
    let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : -(status & 0x7F)
    return (exitStatus, usage.ru_maxrss * 1024)
}
