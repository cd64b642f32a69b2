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

/// `--memory`, for the commands that run many samples without keeping every layer's output.
struct MemoryArguments: ParsableArguments {
    @Option(help: ArgumentHelp("The memory the run may use for samples and layer outputs (16MiB to 1TiB): the samples traced together are chosen to fit it, and each layer's output is freed once no later layer reads it.", valueName: "size"))
    var memory = MemorySize(bytes: MemoryPlan.defaultBudget)

    /// The budget in bytes.
    var budget: Int { memory.bytes }
}
