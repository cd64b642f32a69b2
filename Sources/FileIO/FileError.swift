/// A problem with one file: what is wrong and which file it is.
///
/// Its description is the one line the CLI prints: `model.h5: not an HDF5 file`.
public struct FileError: Error, CustomStringConvertible, Sendable {
    /// The file as the user named it.
    public let path: String
    /// What is wrong with it, without the path.
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
