import Foundation

/// Class labels from `--labels`: `a-z`, `A-Z`, `0-9`, a comma list, or a file
/// with one label per line.
public enum LabelParser {
    /// The labels `spec` describes, checked against the model's `count` outputs.
    public static func parse(_ spec: String, count: Int) throws -> [String] {
        let labels: [String]
        if let range = characterRange(spec) {
            labels = range
        } else if FileManager.default.fileExists(atPath: spec) {
            guard let text = try? String(contentsOfFile: spec, encoding: .utf8) else {
                throw LabelError("--labels file \(spec) cannot be read as UTF-8 text")
            }
            labels = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } else if spec.contains(",") {
            labels = spec.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            throw LabelError("--labels '\(spec)' is not a-z, A-Z, 0-9, a comma-separated list or an existing file")
        }
        guard labels.count == count else {
            throw LabelError("--labels gives \(labels.count) labels, but the model has \(count) outputs")
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

/// A `--labels` value that does not fit.
public struct LabelError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
