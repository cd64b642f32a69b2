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
/// own peak resident memory in bytes, as GNU time (`/usr/bin/time -f %M`) reports
/// it from the `wait4` of a child it forked. The test process cannot take that
/// figure from its own `wait4`: Linux counts in a child's peak the memory of the
/// process it was spawned from (the shared address space before `exec`), and the
/// test process holds hundreds of MB while the suite runs.
public func layerlensPeakMemory(_ arguments: [String]) throws -> (status: Int32, peakBytes: Int) {
    let report = try Fixtures.temporaryFolder() + "/peak.txt"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let time = "/usr/bin/time"
    let argv = ([time, "-f", "%M", "-o", report, try executableURL().path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, time, &actions, nil, argv, environ)
    guard spawned == 0 else { throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: time]) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // GNU time exits with the command's status, 128 + the signal when it was killed.
    let exited = status & 0x7f == 0
    // The report's last line is the peak in KiB (a line saying how the command ended may come first).
    let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n")
    guard let kibibytes = lines.last.flatMap({ Int($0) }) else {
        throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: report])
    }
    return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), kibibytes * 1024)
}
