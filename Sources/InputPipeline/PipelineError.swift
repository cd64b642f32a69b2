/// A preprocessing step or input option that makes no sense: a usage error.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
