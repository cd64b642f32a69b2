import FileIO
import Foundation

/// Class labels from a spec: `a-z`, `A-Z`, `0-9`, a comma list, or a file
/// with one label per line.
public enum LabelParser {
    /// The labels `spec` describes, checked against the model's `count` outputs.
    public static func parse(_ spec: String, count: Int) throws -> [String] {
        let labels: [String]
        if let range = characterRange(spec) {
            labels = range
        } else if FileManager.default.fileExists(atPath: spec) {
            guard let text = String(data: try readRegularFile(spec), encoding: .utf8) else {
                throw LabelError.unreadableFile(spec)
            }
            labels = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } else if spec.contains(",") {
            labels = spec.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            throw LabelError.unrecognized(spec)
        }
        guard labels.count == count else {
            throw LabelError.countMismatch(given: labels.count, outputs: count)
        }
        return labels
    }

    /// `a-z`-style ranges of single characters.
    static func characterRange(_ spec: String) -> [String]? {
        let scalars = Array(spec.unicodeScalars)
        guard scalars.count == 3, scalars[1] == "-", scalars[0].value < scalars[2].value,
              scalars[2].value - scalars[0].value < 1000 else { return nil }
        return (scalars[0].value...scalars[2].value).compactMap { UnicodeScalar($0).map { String(Character($0)) } }
    }
}

/// A labels spec that does not fit. The cases carry what was wrong;
/// `description` words them for a library user (the CLI words them with its flag).
public enum LabelError: Error, CustomStringConvertible, Sendable {
    /// The spec names a file that is not UTF-8 text.
    case unreadableFile(String)
    /// The spec is no range, list or existing file.
    case unrecognized(String)
    /// The spec gives `given` labels for a model of `outputs` outputs.
    case countMismatch(given: Int, outputs: Int)

    public var description: String {
        switch self {
        case let .unreadableFile(path): "labels file \(path) cannot be read as UTF-8 text"
        case let .unrecognized(spec): "labels '\(spec)' is not a-z, A-Z, 0-9, a comma-separated list or an existing file"
        case let .countMismatch(given, outputs): "\(given) labels given, but the model has \(outputs) outputs"
        }
    }
}
