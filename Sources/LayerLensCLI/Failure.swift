import ArgumentParser
import Foundation
import LayerLens

/// Runs one stage of a command; a failure prints one line on stderr,
/// `layerlens: error: <what>`, and exits with status 1.
func stage<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("error: \(error)")
        throw ExitCode.failure
    }
}

/// Prints `layerlens: <message>` on standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("layerlens: \(message)\n".utf8))
}
