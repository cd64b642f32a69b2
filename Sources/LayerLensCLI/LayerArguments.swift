import ArgumentParser
import Foundation
import LayerLens

/// `--layers`: which layers a report draws in full.
struct LayerArguments: ParsableArguments {
    @Option(help: ArgumentHelp("""
        Draw these layers in full, below the overview of every layer: comma-separated names or globs (conv5_*), index ranges \
        (10:20, :5, -20:), indexes (12), classes (class:Conv2D) or the last N (last:5). --dump and --json keep every layer.
        """, valueName: "selector"))
    var layers: String?

    func validate() throws {
        _ = try selector()
    }

    /// The parsed `--layers`; a malformed one is a usage error naming the term.
    func selector() throws -> LayerSelector? {
        do { return try layers.map { try LayerSelector(parsing: $0) } } catch let error as LayerSelectorError {
            throw ValidationError("--layers: \(error)")
        }
    }

    /// The layers of `model` that `--layers` selects, or nil without it; a term
    /// that matches no layer is a usage error naming it.
    func selection(in model: Model) throws -> LayerSelection? {
        try selection(names: model.nodes.map(\.name), typeNames: model.nodes.map(\.typeName))
    }

    /// The layers known by name and type name (a merged eval's, which has no
    /// model) that `--layers` selects, or nil without it.
    func selection(names: [String], typeNames: [String]) throws -> LayerSelection? {
        do { return try selector()?.select(names: names, typeNames: typeNames) } catch let error as LayerSelectorError {
            throw ValidationError("--layers: \(error)")
        }
    }

    /// Draws a report with `draw`; a picture too tall to draw (too many layers
    /// chosen to draw in full) keeps its error and says how to draw fewer.
    func drawReport(_ draw: () throws -> Data) throws -> Data {
        do { return try draw() } catch let error as CanvasSizeError where error.height > Canvas.maximumSide {
            throw RenderError("\(error); draw fewer layers in full with --layers (e.g. --layers last:5)")
        }
    }
}
