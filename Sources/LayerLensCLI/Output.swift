import Foundation
import LayerLens

/// Writes `data` to standard output.
func printData(_ data: Data) {
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// A class and its probability as the commands print it: `X 99.2%`, or `X NaN`.
func scoreText(_ score: ClassScore) -> String {
    score.probability.isFinite ? "\(score.label) \(String(format: "%.1f%%", Double(score.probability) * 100))" : "\(score.label) NaN"
}

/// The file name of `path` without its extension: what default report names are made of.
func baseName(_ path: String) -> String {
    URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
}

/// Whether a report path asks for the HTML report (`.html` or `.htm`, any case) rather than the PNG one.
func isHTML(_ path: String) -> Bool {
    ["html", "htm"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
}
