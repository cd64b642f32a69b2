import FileIO
import Foundation

/// Expands the inputs of a many-input command: files as given, folders into
/// the PNG, JPEG and `.npy` files they hold (sorted by name, not recursive), and
/// quoted glob patterns (`'photos/*.jpg'`) into the files they match.
public enum InputCollection {
    /// File name endings taken from a folder.
    public static let extensions: Set<String> = ["png", "jpg", "jpeg", "npy"]

    /// The input files named by `arguments`, in order. Throws `FileError` for a
    /// folder holding no such file or a pattern that matches nothing.
    public static func expand(_ arguments: [String]) throws -> [String] {
        var files: [String] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { files.append(argument); continue }
                let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
                let inputs = names.filter { extensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }.sorted()
                guard !inputs.isEmpty else {
                    throw FileError(argument, "is a folder without PNG, JPEG or .npy files")
                }
                files += inputs.map { URL(fileURLWithPath: argument).appendingPathComponent($0).path }
            } else if argument.contains(where: { "*?[".contains($0) }) {
                let matches = glob(argument)
                guard !matches.isEmpty else { throw FileError(argument, "matches no file") }
                files += matches
            } else {
                files.append(argument)  // reported as missing when it is read
            }
        }
        return files
    }

    /// The files matching a shell pattern, sorted (POSIX `glob`).
    static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}
