import Foundation
import LayerLens

/// Writes `data` and a newline to standard output, unbuffered and checked: a
/// failed write (a full disk) prints one error line and exits with status 1.
func printData(_ data: Data) throws {
    try stage {
        do {
            try FileHandle.standardOutput.write(contentsOf: data + Data("\n".utf8))
        } catch {
            throw FileError("standard output", "cannot be written (\(reason(of: error)))")
        }
    }
}

/// Writes `text` and a newline to standard output, checked as `printData` is.
func printLine(_ text: String) throws {
    try printData(Data(text.utf8))
}

/// Refuses, before any work is done, output files that must not be replaced
/// (`requireReplaceableFile`) and a dump `folder` that must not be
/// (`requireReplaceableFolder`): one error line, exit status 1, nothing written.
func checkOutputs(files: [String?], dumpFolder folder: String? = nil) throws {
    try stage {
        for file in files.compactMap({ $0 }) { try requireReplaceableFile(file) }
        if let folder { try requireReplaceableFolder(folder, endings: TraceDump.fileEndings) }
    }
}

/// A class and its probability as the commands print it: `X 99.2%`, or `X NaN`.
func scoreText(_ score: ClassScore) -> String {
    score.probability.isFinite ? "\(score.label) \(String(format: "%.1f%%", Double(score.probability) * 100))" : "\(score.label) NaN"
}

/// The file name of `path` without its extension: what default report names are made of.
func baseName(_ path: String) -> String {
    URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
}

/// `text` as a piece of a file name: letters and digits kept (lowercased), every run
/// of anything else one `-`, at most 60 characters: `gray,scale=1/255` → `gray-scale-1-255`.
func fileNamePart(_ text: String) -> String {
    var part = ""
    for character in text.lowercased() {
        if character.isASCII, character.isLetter || character.isNumber {
            part.append(character)
        } else if !part.isEmpty, part.last != "-" {
            part.append("-")
        }
    }
    var cut = String(part.prefix(60))
    while cut.last == "-" { cut.removeLast() }
    return cut
}

/// Whether a report path asks for the HTML report (`.html` or `.htm`, any case) rather than the PNG one.
func isHTML(_ path: String) -> Bool {
    ["html", "htm"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
}
