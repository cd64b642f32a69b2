import Foundation

/// Everything measured about one sample that a profile can judge: its input
/// measures, how each layer's units sit against the data, and the three
/// out-of-distribution scores.
public struct Evidence: Sendable {
    public var measures: InputMeasures
    /// Per layer: the root mean square z-score of its units.
    public var layerDistances: [Double]
    /// Per layer: log₁₀ of its units' norm.
    public var layerLogNorms: [Double]
    /// Per layer: the share of units outside their 0.1–99.9% band.
    public var outsideFractions: [Double]
    /// The smallest squared Mahalanobis distance of the penultimate features to a class mean.
    public var mahalanobis: Double
    /// −logsumexp of the logits.
    public var energy: Double
    /// The largest softmax probability.
    public var maxSoftmax: Double
}

/// One judged piece of evidence: where it falls among the data and how surprising that is.
public struct EvidenceScore: Sendable {
    /// `measure:<name>`, `layer:<name>:distance|norm|outside`, `mahalanobis`, `energy`, `max_softmax`.
    public let name: String
    public let value: Double
    /// The share of the profile's data below the value.
    public let percentile: Double
    /// −log₁₀ of the tail probability on the evidence's side(s).
    public let surprise: Double
}

extension Profile {
    /// The layer-level evidence of one sample from its units (`units[layer]`).
    func layerEvidence(units: [[Float]]) -> (distances: [Double], logNorms: [Double], outside: [Double]) {
        var distances: [Double] = [], norms: [Double] = [], outside: [Double] = []
        for (layer, values) in zip(layers, units) {
            var squares = 0.0, norm = 0.0, outsideCount = 0
            // A unit that barely varies in the data (a ReLU that never fires) is measured against a tenth of
            // the layer's typical deviation, so one such unit waking up counts, but does not swamp the layer.
            let floor = max(0.1 * layer.unitDeviation.reduce(0) { $0 + Double($1) } / Double(layer.units), 1e-12)
            for unit in 0..<layer.units {
                let v = Double(values[unit])
                let deviation = max(Double(layer.unitDeviation[unit]), floor)
                let distance = abs(v - Double(layer.unitMean[unit])) / deviation
                let z = distance.isNaN ? 1000 : min(distance, 1000)
                squares += z * z
                norm += v * v
                if values[unit] < layer.unitLow[unit] || values[unit] > layer.unitHigh[unit] { outsideCount += 1 }
            }
            distances.append((squares / Double(layer.units)).squareRoot())
            norms.append(log10(norm.squareRoot() + 1e-12))
            outside.append(Double(outsideCount) / Double(layer.units))
        }
        return (distances, norms, outside)
    }

    /// Every piece of evidence scored against the profile's distributions. The
    /// input measures and the layers' distances and norms are two-sided: an input
    /// can be unusual by sitting too close to the data's means as well as too far
    /// (inputs scaled to 0..1 give first layers closer to the class means than real data).
    public func scores(of evidence: Evidence) -> [EvidenceScore] {
        func score(_ name: String, _ value: Double, _ table: QuantileTable, _ side: QuantileTable.Side) -> EvidenceScore {
            EvidenceScore(name: name, value: value, percentile: table.percentile(value), surprise: surprise(table.tailProbability(value, side: side)))
        }
        var result: [EvidenceScore] = []
        for measure in InputMeasure.allCases {
            if let table = input.table(measure) { result.append(score("measure:" + measure.rawValue, evidence.measures[measure], table, .both)) }
        }
        for (index, layer) in layers.enumerated() {
            result.append(score("layer:\(layer.name):distance", evidence.layerDistances[index], layer.distance, .both))
            result.append(score("layer:\(layer.name):norm", evidence.layerLogNorms[index], layer.logNorm, .both))
            result.append(score("layer:\(layer.name):outside", evidence.outsideFractions[index], layer.outsideFraction, .upper))
        }
        result.append(score("mahalanobis", evidence.mahalanobis, penultimate.mahalanobis, .upper))
        result.append(score("energy", evidence.energy, energy, .upper))
        result.append(score("max_softmax", evidence.maxSoftmax, maxSoftmax, .lower))
        return result
    }

    /// The combined score: the largest surprise of any piece of evidence, so one
    /// clear sign (the range, a layer far from the data, the Mahalanobis distance)
    /// is enough; its percentile among the calibration sample's own combined
    /// scores sets the verdict.
    public static func combinedScore(_ scores: [EvidenceScore]) -> Double {
        scores.map(\.surprise).max() ?? 0
    }
}

/// Energy and the largest softmax probability from one sample's logits.
func energyAndMaxSoftmax(logits: some Collection<Float>, probabilities: some Collection<Float>) -> (energy: Double, maxSoftmax: Double) {
    let values = logits.map(Double.init)
    let top = values.max() ?? 0
    let energy = -(top + log(values.reduce(0) { $0 + exp($1 - top) }))
    // Non-finite outputs are as strange as outputs get: the highest energy, no confidence.
    let confidence = probabilities.contains { !$0.isFinite } ? 0 : Double(probabilities.max() ?? 0)
    return (energy.isFinite ? energy : (values.isEmpty ? 0 : .greatestFiniteMagnitude), confidence)
}
