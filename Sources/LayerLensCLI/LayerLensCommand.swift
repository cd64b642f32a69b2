import ArgumentParser

/// `layerlens`: shows what a trained Keras model does with one input, layer by layer.
@main
struct LayerLensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layerlens",
        abstract: "Show what a trained Keras model does with an input, layer by layer.",
        subcommands: [SummaryCommand.self, TraceCommand.self]
    )
}
