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
        printError("error: \(errorText(error))")
        throw ExitCode.failure
    }
}

/// Prints `layerlens: <message>` on standard error.
func printError(_ message: String) {
    try? FileHandle.standardError.write(contentsOf: Data("layerlens: \(message)\n".utf8))  // nowhere left to report a failure
}

/// An error as the CLI says it: the library's errors about options are worded
/// with the flags that set them; any other error as it describes itself.
func errorText(_ error: any Error) -> String {
    switch error {
    case let error as LabelError:
        switch error {
        case let .unreadableFile(path): "--labels file \(path) cannot be read as UTF-8 text"
        case let .unrecognized(spec): "--labels '\(spec)' is not a-z, A-Z, 0-9, a comma-separated list or an existing file"
        case let .countMismatch(given, outputs): "--labels gives \(given) labels, but the model has \(outputs) outputs"
        }
    case let error as InputOptionError:
        switch error {
        case let .stepsForArray(path): "\(path) is an .npy array, taken as already preprocessed; --preprocess does not apply to it"
        case let .rowOfNonCSV(path, kind): "--row applies to CSV files, not to \(InputOptionError.name(of: kind)) \(path)"
        }
    case let error as EvalError:
        switch error {
        case let .classCountMismatch(folder, classes, output, units):
            (folder.map { "\($0) has \(classes) class folders" } ?? "--labels names \(classes) classes")
                + " but the model's output '\(output)' has \(units) units; give --labels naming every output"
        case .sampleOrLimitWithShard:
            "--sample and --limit cannot be combined with --shard: a sample or the first n of each shard are not those of the whole"
        case let .samplesNotSquareImages(path, values):
            "\(path): --preprocess takes samples as square images; \(values) values are not one"
        case let .preprocessing(path, underlying): "\(path): --preprocess: \(errorText(underlying))"
        default: error.description
        }
    default:
        String(describing: error)
    }
}
