import Foundation

/// What one run of the `layerlens` executable did.
public struct CommandResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// Whether the run was stopped for taking longer than its time limit.
    public let timedOut: Bool
}

/// Runs the built `layerlens` binary with `arguments`, in `folder` when given
/// (test targets that use it depend on LayerLensCLI, so SwiftPM builds it).
/// Its standard output goes to `standardOutput` when given (then `stdout` is
/// empty); a run past `timeLimit` seconds is killed and reports `timedOut`.
public func layerlens(_ arguments: [String], in folder: String? = nil, standardOutput: FileHandle? = nil,
                      timeLimit: TimeInterval = 600) throws -> CommandResult {
    let process = Process()
    process.executableURL = try executableURL()
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = standardOutput ?? out
    process.standardError = err
    let start = Date()
    try process.run()
    let deadline = DispatchWorkItem { if process.isRunning { process.terminate() } }
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
