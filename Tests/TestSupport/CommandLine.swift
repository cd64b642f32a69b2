import Foundation

/// What one run of the `layerlens` executable did.
public struct CommandResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// Whether the run was stopped for taking longer than its time limit.
    public let timedOut: Bool
}

/// Runs the built `layerlens` binary with `arguments`, in `folder` when given,
/// with `environment` added to this process's environment (test targets that
/// use it depend on LayerLensCLI, so SwiftPM builds it). Its standard output
/// goes to `standardOutput` when given (then `stdout` is empty); a run past
/// `timeLimit` seconds is killed and reports `timedOut`.
public func layerlens(_ arguments: [String], in folder: String? = nil, environment: [String: String] = [:],
                      standardOutput: FileHandle? = nil, timeLimit: TimeInterval = 600) throws -> CommandResult {
    let process = Process()
    process.executableURL = try executableURL()
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    process.standardOutput = standardOutput ?? out
    process.standardError = err
    let start = Date()
    try process.run()
    // SIGKILL, not terminate()'s SIGTERM: the child inherits the test thread's signal
    // mask, in which SIGTERM is blocked, and a child looping inside libhdf5 ran on.
    let deadline = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit, execute: deadline)
    let stdout = standardOutput == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    deadline.cancel()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self), timedOut: Date().timeIntervalSince(start) >= timeLimit)
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

/// Runs `layerlens` with its output discarded and returns its exit status and its
/// own peak resident memory in bytes (`wait4`'s rusage of that one child; Process
/// only offers the maximum over every child the test process ever had).
public func layerlensPeakMemory(_ arguments: [String]) throws -> (status: Int32, peakBytes: Int) {
    let path = try executableURL().path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard spawned == 0 else { throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: path]) }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let exited = status & 0x7f == 0
    return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), usage.ru_maxrss * 1024)
}
