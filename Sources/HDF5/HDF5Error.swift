/// Why an HDF5 file could not be read: corrupt or truncated bytes, a feature
/// LayerLens does not read, or something refused (a link or storage outside the file).
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
