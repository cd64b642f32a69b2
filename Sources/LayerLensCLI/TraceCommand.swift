import ArgumentParser
import Foundation
import LayerLens

/// `layerlens trace MODEL INPUT.npy`: every layer's output for one input.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Run a model on an input and show or dump every layer's output.",
        discussion: "INPUT is an already-preprocessed .npy array: the model's input shape, with or without the batch axis."
    )

    @OptionGroup var modelArguments: ModelArguments

    @Argument(help: "The input: a .npy array shaped like the model's input (a batch axis is optional).")
    var input: String

    @Option(help: ArgumentHelp("Write input.npy, <k>_<layer>.npy for every layer and manifest.json into this folder.", valueName: "dir"))
    var dump: String?

    func run() throws {
        let model = try stage { try loadModel(at: modelArguments.model) }
        let modelInput = try stage { try ModelInput.load(npy: input, for: model) }
        modelInput.notices.forEach { printError($0) }
        let trace = try stage { try Tracer.trace(model, input: modelInput.tensor) }
        if let dump {
            try stage { try TraceDump.write(trace, modelPath: modelArguments.model, inputPath: input, to: dump) }
            print("wrote \(trace.layers.count + 2) files to \(dump)")
        } else {
            print(TraceTable(trace).text)
        }
    }
}

/// The per-layer table `trace` prints without `--dump`.
struct TraceTable {
    let trace: Trace

    init(_ trace: Trace) { self.trace = trace }

    var text: String {
        let header = ["#", "Layer", "Class", "Activation", "Shape", "Min", "Max", "Mean"]
        let rows = trace.layers.map { layer -> [String] in
            let statistics = layer.output.statistics
            return [String(layer.index), layer.name, layer.className, layer.activation ?? "",
                    shapeDescription(layer.output.shape), number(statistics.min), number(statistics.max), number(statistics.mean)]
        }
        var lines = alignedTable(header: header, rows: rows, rightAligned: [0, 5, 6, 7])
        if let last = trace.layers.last {
            let width = last.output.sampleShape.reduce(1, *)
            for sample in 0..<last.output.batchSize {
                let values = last.output.scalars[(sample * width)..<((sample + 1) * width)]
                if let best = values.indices.max(by: { values[$0] < values[$1] }) {
                    lines.append("sample \(sample): largest output is unit \(best - sample * width) (\(number(values[best])))")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    private func number<Value: BinaryFloatingPoint & CVarArg>(_ value: Value) -> String {
        String(format: "%.6g", Double(value))
    }
}
