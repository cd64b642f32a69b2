import Foundation
import LayerLens

/// A one-line progress bar on stderr — count, rate and, when the share read is
/// known, percent and ETA — drawn only when stderr is a terminal, at most ten
/// times a second.
final class ProgressBar {
    private let enabled = isatty(STDERR_FILENO) == 1
    private let start = Date()
    private var lastDrawn = Date.distantPast
    private var drewSomething = false

    func update(_ progress: EvalProgress) {
        guard enabled, Date().timeIntervalSince(lastDrawn) >= 0.1 else { return }
        lastDrawn = Date()
        let elapsed = max(Date().timeIntervalSince(start), 1e-3)
        var line = "\(groupedDigits(progress.samples)) samples  \(groupedDigits(Int(Double(progress.samples) / elapsed)))/s"
        if let fraction = progress.fraction, fraction > 0 {
            let width = 30, filled = Int(fraction * Double(width))
            let remaining = elapsed / fraction - elapsed
            line = "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
                + String(format: "%3.0f%%  ", fraction * 100) + line + String(format: "  ETA %.0f s", remaining)
        }
        try? FileHandle.standardError.write(contentsOf: Data(("\r" + line + "\u{1B}[K").utf8))
        drewSomething = true
    }

    /// Clears the bar.
    func finish() {
        if drewSomething { try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K".utf8)) }
    }
}
