import Foundation
import ModelGraph

/// A way an input differs from the profile's data, with its evidence.
public struct Mismatch: Sendable, Equatable {
    /// How far outside the data an input lies.
    public enum Severity: String, Sendable, Comparable {
        case low, medium, high
        public static func < (a: Severity, b: Severity) -> Bool { [low, medium, high].firstIndex(of: a)! < [low, medium, high].firstIndex(of: b)! }
    }

    /// What differs.
    public enum Kind: String, Sendable, CaseIterable {
        case range, background, polarity, size, position, sharpness, contrast, noise

        /// Whether its measures are in the units of the values (not shares or positions).
        var inValueUnits: Bool { [.range, .background, .contrast].contains(self) }

        /// The measures that show it.
        var measures: [InputMeasure] {
            switch self {
            case .range: [.maximum, .minimum]
            case .background: [.background]
            case .polarity: [.polarity]
            case .size: [.inkExtent]
            case .position: [.centreRow, .centreColumn]
            case .sharpness: [.sharpness]
            case .contrast: [.contrast]
            case .noise: [.noise]
            }
        }
    }

    public let kind: Kind
    public let severity: Severity
    /// The input's value of the measure that shows it most.
    public let value: Double
    /// The data's 0.5% and 99.5% quantiles of that measure.
    public let expected: ClosedRange<Double>
    public let message: String
}

extension Profile {
    /// The mismatches of an input with these measures, most severe first. A
    /// measure is out when it lies outside the data's 0.5–99.5% band by more than
    /// its tolerance; the severity grows with the distance past the band, in band
    /// widths (low: within a quarter, medium: within one, high: beyond) or, for
    /// measures in value units, in the data's value span (low: within 15%, medium:
    /// within half, high: beyond), since their bands can be a single value. `range`
    /// explains the background and contrast, so these are not named beside it.
    public func mismatches(of measures: InputMeasures) -> [Mismatch] {
        var found: [Mismatch] = []
        let valueSpan = max(input.table(.maximum)!.quantile(0.995) - input.table(.minimum)!.quantile(0.005), 1e-12)
        for kind in Mismatch.Kind.allCases {
            var worst: (measure: InputMeasure, excess: Double, band: ClosedRange<Double>)?
            for measure in kind.measures {
                guard let table = input.table(measure) else { continue }
                let band = table.quantile(0.005)...table.quantile(0.995)
                let value = measures[measure]
                let outside = value < band.lowerBound - table.tolerance ? band.lowerBound - value
                    : value > band.upperBound + table.tolerance ? value - band.upperBound : 0
                let excess = outside / (kind.inValueUnits ? valueSpan : band.upperBound - band.lowerBound + table.tolerance + 1e-12)
                if outside > 0, excess > (worst?.excess ?? 0) { worst = (measure, excess, band) }
            }
            guard let worst else { continue }
            let flipped = kind == .polarity && (measures[.polarity] > 0) != (input.table(.polarity)!.median > 0)
            let (high, medium) = kind.inValueUnits ? (0.5, 0.15) : (1.0, 0.25)
            let severity: Mismatch.Severity = flipped || worst.excess > high ? .high : worst.excess > medium ? .medium : .low
            found.append(Mismatch(kind: kind, severity: severity, value: measures[worst.measure], expected: worst.band,
                                  message: message(kind, worst.measure, measures)))
        }
        if found.contains(where: { $0.kind == .range }) { found.removeAll { $0.kind == .background || $0.kind == .contrast } }
        return found.sorted { $0.severity > $1.severity }
    }

    private func message(_ kind: Mismatch.Kind, _ measure: InputMeasure, _ measures: InputMeasures) -> String {
        func band(_ m: InputMeasure, scale: Double = 1) -> String {
            let table = input.table(m)!
            return formatNumber(table.quantile(0.005) * scale) + "–" + formatNumber(table.quantile(0.995) * scale)
        }
        let side = Double(max(input.imageShape[0], input.imageShape[1]))
        switch kind {
        case .range:
            let low = input.table(.minimum)!.median, high = input.table(.maximum)!.median
            return "values \(formatNumber(measures[.minimum]))..\(formatNumber(measures[.maximum])) against the data's \(formatNumber(low))..\(formatNumber(high))"
        case .background:
            return "background level \(formatNumber(measures[.background])) against the data's \(band(.background))"
        case .polarity:
            func words(_ p: Double) -> String { p > 0 ? "light ink on a dark background" : "dark ink on a light background" }
            return "\(words(measures[.polarity])) (polarity \(formatNumber(measures[.polarity]))); the data has \(words(input.table(.polarity)!.median)) (\(band(.polarity)))"
        case .size:
            return "the ink spans \(formatNumber(measures[.inkExtent] * side)) px of \(Int(side)); the data's \(band(.inkExtent, scale: side)) px"
        case .position:
            let dy = measures[.centreRow] * Double(input.imageShape[0]), dx = measures[.centreColumn] * Double(input.imageShape[1])
            let vertical = abs(dy) < 0.05 ? "" : "\(formatNumber(abs(dy))) px \(dy > 0 ? "below" : "above")"
            let horizontal = abs(dx) < 0.05 ? "" : "\(formatNumber(abs(dx))) px \(dx > 0 ? "right of" : "left of")"
            let offset = [horizontal, vertical].filter { !$0.isEmpty }.joined(separator: " and ")
            return "the ink's centre of mass is \(offset) the centre; the data's is within \(band(.centreColumn, scale: Double(input.imageShape[1]))) px across and \(band(.centreRow, scale: Double(input.imageShape[0]))) px down"
        case .sharpness:
            return "edges \(measures[.sharpness] > input.table(.sharpness)!.median ? "sharper" : "softer") than the data's (sharpness \(formatNumber(measures[.sharpness])) against \(band(.sharpness)))"
        case .contrast:
            return "ink contrast \(formatNumber(measures[.contrast])) against the data's \(band(.contrast))"
        case .noise:
            return "a noisier background (noise \(formatNumber(measures[.noise])) against the data's \(band(.noise)))"
        }
    }
}
