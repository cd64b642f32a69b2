import ArgumentParser
import LayerLens

/// `layerlens summary MODEL`: the layers, their output shapes and parameter counts.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model's layers, output shapes and parameter counts, like Keras's model.summary()."
    )

    @OptionGroup var modelArguments: ModelArguments

    @Flag(help: "Print JSON: {model, keras_version, layers: [{name, class, activation, output_shape, params}], total_params}.")
    var json = false

    func run() throws {
        let model = try stage { try loadModel(at: modelArguments.model) }
        let summary = ModelSummary(model)
        if json {
            try printData(try stage { try prettyJSON(ModelSummaryJSON(summary)) })
        } else {
            try printLine(SummaryTable(summary).text)
        }
    }
}

/// The text table `summary` prints.
struct SummaryTable {
    let summary: ModelSummary

    init(_ summary: ModelSummary) { self.summary = summary }

    var text: String {
        let header = ["Layer", "Class", "Output shape", "Params", "Activation"] + (summary.isGraph ? ["Connected to"] : [])
        let rows = summary.rows.map { row in
            [row.name, row.typeName, batchShapeDescription(row.outputShape),
             groupedDigits(row.parameterCount), row.activation ?? ""] + (summary.isGraph ? [row.connectedTo.joined(separator: ", ")] : [])
        }
        let source = summary.source
        var lines = ["Model: \"\(summary.modelName)\"  (\(source.path), \(source.description))",
                     "Input: " + summary.inputs.map { "\($0.name) \(batchShapeDescription($0.shape))" }.joined(separator: ", ")]
        lines += alignedTable(header: header, rows: rows, rightAligned: [3])
        lines.append("Total params: \(groupedDigits(summary.totalParameters))")
        return lines.joined(separator: "\n")
    }
}
