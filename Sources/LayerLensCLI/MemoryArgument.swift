import ArgumentParser
import Foundation
import LayerLens

/// A `--memory` size: a whole number of bytes with an optional unit, binary
/// (`KiB`, `MiB`, `GiB`, `TiB`, or `K`, `M`, `G`, `T`) or decimal (`KB`, `MB`, `GB`, `TB`).
struct MemorySize: ExpressibleByArgument {
    let bytes: Int

    init(bytes: Int) {
        self.bytes = bytes
    }

    /// The range a budget may take: below 16 MiB nothing real fits, above 1 TiB is no budget.
    static let range = (16 << 20)...(1 << 40)

    static let units: [String: Int] = [
        "": 1, "b": 1,
        "k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tib": 1 << 40,
        "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000, "tb": 1_000_000_000_000,
    ]

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 13, let count = Int(digits),
              let unit = Self.units[String(text.dropFirst(digits.count)).trimmingCharacters(in: .whitespaces)] else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: unit)
        guard !overflow, Self.range.contains(bytes) else { return nil }
        self.bytes = bytes
    }

    static var defaultValueDescription: String { "1GiB" }
}

/// `--memory`: for the commands that run many samples the budget their chunks
/// are fitted to, for those that keep every layer's output a bound checked first.
struct MemoryArguments: ParsableArguments {
    @Option(help: ArgumentHelp("The memory the run may use for samples and layer outputs (16MiB to 1TiB). A run that streams (eval, logits, diff without a report) fits the samples traced together to it and frees each layer's output once no later layer reads it; a run that keeps every layer's output (trace, diff with a report) refuses to start beyond it.", valueName: "size"))
    var memory = MemorySize(bytes: MemoryPlan.defaultBudget)

    /// The budget in bytes.
    var budget: Int { memory.bytes }

    /// Stops the command with one line on stderr when keeping every layer's output
    /// of `batch` samples of `model` (read from `path`) would pass the budget,
    /// naming the `--memory` that would do and `alternative` (another way out, or nil).
    func requireRoomForEveryOutput(of model: Model, path: String, batch: Int, alternative: String?) throws {
        let needed = MemoryPlan.keptBytes(of: model, batch: batch)
        guard needed > budget else { return }
        let unit = needed > 1 << 30 ? (name: "GiB", bytes: 1 << 30) : (name: "MiB", bytes: 1 << 20)
        let suggestion = needed / unit.bytes + 1
        printError("error: \(path): keeping every layer's output needs \(Self.text(needed)), over the memory budget of \(Self.text(budget)); "
            + "give --memory \(suggestion)\(unit.name)" + (alternative.map { ", or \($0)" } ?? ""))
        throw ExitCode.failure
    }

    /// `bytes` in binary units as `--memory` takes them: `1.5 GiB`, `24.0 MiB`.
    private static func text(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) : String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
    }
}
