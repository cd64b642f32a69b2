import ArgumentParser
import Foundation
import LayerLens
import Layers

/// `layerlens`: shows what a trained Keras model does with one input, layer by layer.
@main
struct LayerLensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layerlens",
        abstract: "Show what a trained Keras model does with an input, layer by layer.",
        version: layerLensVersion,
        subcommands: [SummaryCommand.self, TraceCommand.self, DiffCommand.self, LogitsCommand.self, EvalCommand.self, MergeCommand.self,
                      ProfileCommand.self, MergeProfilesCommand.self, DoctorCommand.self]
    )

    /// Parses and runs a command. Usage errors print one line,
    /// `layerlens: error: …`, and exit with status 64; help goes to stdout.
    static func main() {
        prepareComputeRuntime()  // before parsing: OpenBLAS's idle pool would spin on the other core meanwhile, and malloc is set before the first large block
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // Help goes to stdout; a failed write has printed its error line.
                guard (try? printLine(fullMessage(for: error))) != nil else { Foundation.exit(ExitCode.failure.rawValue) }
            } else {
                let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                printError("error: " + message)
            }
            Foundation.exit(code.rawValue)
        }
    }
}
