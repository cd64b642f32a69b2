import ModelGraph
import Trace

/// What one layer's output for one sample says about the layer's state: how
/// many of its units (channels, for a map) are zero throughout, how many sit at
/// a bound of a saturating activation, how many values are NaN or infinite.
public struct LayerHealth: Sendable, Equatable {
    /// Position in model order.
    public let index: Int
    /// `channel` for an `[H, W, C]` map (a channel counts as one unit), else `unit`.
    public let unitKind: String
    /// How many units (channels) there are.
    public let units: Int
    /// Units that are exactly 0 at every position, in a layer with no negative
    /// values (a ReLU-like floor; not softmax or sigmoid outputs): dead for this input.
    public let zeroUnits: Int
    /// Units at a bound of a saturating activation (sigmoid, tanh, hard sigmoid,
    /// ReLU6) at every position, within 1% of the activation's range.
    public let saturatedUnits: Int
    /// How many values are NaN or infinite.
    public let nonFiniteCount: Int

    /// The share of units that are dead for this input.
    public var zeroFraction: Double { units == 0 ? 0 : Double(zeroUnits) / Double(units) }
    /// The share of units that are saturated.
    public var saturatedFraction: Double { units == 0 ? 0 : Double(saturatedUnits) / Double(units) }

    /// The bounds a saturating activation flattens out at, by its Keras name,
    /// and the span of its range.
    static func saturation(of activation: String?) -> (bounds: [Float], span: Float) {
        switch activation {
        case "sigmoid", "hard_sigmoid": ([0, 1], 1)
        case "tanh", "softsign": ([-1, 1], 2)
        case "relu6": ([6], 6)  // 0 is the dead end, counted as such
        default: ([], 1)
        }
    }

    /// The health of sample 0 of `layer`'s output.
    public init(of layer: TracedLayer) {
        let values = layer.output.scalars(ofSample: 0)
        let shape = layer.output.sampleShape
        let channels = shape.count == 3 ? shape[2] : 1
        let positions = channels == 0 ? 0 : values.count / channels
        let statistics = ValueStatistics(of: values)
        let (bounds, span) = Self.saturation(of: layer.activation)
        let tolerance = 0.01 * span
        // One pass per unit: a channel of a map is strided by `channels`.
        var zero = 0, saturated = 0
        let unitCount = shape.count == 3 ? channels : values.count
        let stride = shape.count == 3 ? channels : 1
        let length = shape.count == 3 ? positions : 1
        // Zeros count as dead where 0 is a floor the layer stops at (ReLU and the
        // like), not in probabilities, where a 0 is a softmax or sigmoid underflow.
        let floorIsZero = statistics.min >= 0 && !["softmax", "sigmoid", "hard_sigmoid"].contains(layer.activation ?? "")
        for unit in 0..<unitCount {
            var allZero = floorIsZero, atBound = !bounds.isEmpty
            var position = 0
            while position < length, allZero || atBound {
                let value = values[unit + position * stride]
                if value != 0 { allZero = false }
                if atBound, !bounds.contains(where: { abs(value - $0) <= tolerance }) { atBound = false }
                position += 1
            }
            if allZero { zero += 1 } else if atBound { saturated += 1 }
        }
        index = layer.index
        unitKind = shape.count == 3 ? "channel" : "unit"
        units = unitCount
        zeroUnits = zero
        saturatedUnits = saturated
        nonFiniteCount = statistics.nonFiniteCount
    }
}

/// A layer worth a first look, and why.
public struct NotableLayer: Sendable, Equatable {
    /// Why a layer deserves a first look.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// The model's output: what the prediction is made from.
        case output
        /// One of the last layers before the output that change the values.
        case nearOutput
        /// The first layer with NaN or infinite values.
        case firstNonFinite(count: Int)
        /// At least half the units are zero throughout for this input.
        case dead(units: Int, of: Int, kind: String)
        /// At least half the units sit at a bound of the activation.
        case saturated(units: Int, of: Int, kind: String)

        public var description: String {
            switch self {
            case .output: "the output"
            case .nearOutput: "last layers"
            case let .firstNonFinite(count): "first NaN/inf (\(count) values)"
            case let .dead(units, total, kind): "\(percentText(units, total)) of \(kind)s dead (0 everywhere)"
            case let .saturated(units, total, kind): "\(percentText(units, total)) of \(kind)s saturated"
            }
        }
    }

    public let index: Int
    public let reasons: [Reason]

    /// The layers a debugger looks at first, in model order: the output and the
    /// two layers before it that change the values (pass-throughs such as
    /// Dropout or Flatten, whose values equal their input's, are skipped); the
    /// first layer with NaN or infinite values; and the up to three layers with
    /// the largest share (at least half) of dead or saturated units.
    public static func find(in trace: Trace, model: Model, health: [LayerHealth]) -> [NotableLayer] {
        var reasons: [Int: [Reason]] = [:]
        if case let .node(output)? = model.outputs.first {
            reasons[output, default: []].append(.output)
            for index in layersBefore(output, count: 2, trace: trace, model: model) { reasons[index, default: []].append(.nearOutput) }
        }
        if let first = health.first(where: { $0.nonFiniteCount > 0 }) {
            reasons[first.index, default: []].append(.firstNonFinite(count: first.nonFiniteCount))
        }
        let troubled = health.compactMap { layer -> (index: Int, share: Double, reason: Reason)? in
            if layer.zeroFraction >= 0.5 { return (layer.index, layer.zeroFraction, .dead(units: layer.zeroUnits, of: layer.units, kind: layer.unitKind)) }
            if layer.saturatedFraction >= 0.5 {
                return (layer.index, layer.saturatedFraction, .saturated(units: layer.saturatedUnits, of: layer.units, kind: layer.unitKind))
            }
            return nil
        }
        for entry in troubled.sorted(by: { $0.share != $1.share ? $0.share > $1.share : $0.index < $1.index }).prefix(3) {
            reasons[entry.index, default: []].append(entry.reason)
        }
        return reasons.keys.sorted().map { NotableLayer(index: $0, reasons: reasons[$0]!) }
    }

    /// The `count` layers before node `end` that change the values, latest
    /// first: pass-throughs such as Dropout or Flatten are skipped.
    public static func layersBefore(_ end: Int, count: Int, trace: Trace, model: Model) -> [Int] {
        var found: [Int] = []
        var index = end - 1
        while index >= 0, found.count < count {
            if !isPassThrough(index, trace: trace, model: model) { found.append(index) }
            index -= 1
        }
        return found
    }

    /// Whether node `index` only passes its one input's values on (same values, in order).
    static func isPassThrough(_ index: Int, trace: Trace, model: Model) -> Bool {
        guard model.nodes[index].inputs.count == 1 else { return false }
        let input = trace.value(model.nodes[index].inputs[0])
        return input.scalars(ofSample: 0) == trace.layers[index].output.scalars(ofSample: 0)
    }
}

/// `62%`, or `<1%` for a share that would round to zero.
public func percentText(_ part: Int, _ whole: Int) -> String {
    let percent = Double(part) / Double(max(whole, 1)) * 100
    return percent > 0 && percent < 1 ? "<1%" : "\(Int(percent.rounded()))%"
}
