import DataSets
import Foundation
import InputPipeline
import ModelGraph
import Trace

/// What `doctor` concludes about an input's out-of-distribution scores.
public enum Verdict: String, Sendable {
    /// Its combined score is within the data's 95th percentile.
    case `in`
    /// Above the data's 95th percentile, within its 99.5th.
    case suspicious
    /// Above the data's 99.5th percentile and ten times rarer than its rarest sample (`CombinedProfile.outAbove`).
    case out
}

/// A score and where it falls among the profile's data (0...1).
public struct PlacedScore: Sendable {
    public let score: Double
    public let percentile: Double
}

/// The out-of-distribution scores of one input.
public struct OODScores: Sendable {
    public let mahalanobis: PlacedScore
    public let energy: PlacedScore
    public let maxSoftmax: PlacedScore
    /// The largest surprise of any evidence (`Profile.combinedScore`).
    public let combined: PlacedScore
    public let verdict: Verdict
}

/// How one layer's units sit against the data.
public struct LayerStanding: Sendable {
    public let name: String
    public let className: String
    /// The share of units outside their 0.1–99.9% band.
    public let outsideFraction: Double
    /// The root mean square z-score of the units.
    public let distance: Double
    /// Where the distance falls among the data (0...1).
    public let distancePercentile: Double
    /// Where the units' norm falls among the data (0...1): near 0 when the layer is
    /// nearly silent, as after inputs scaled to 0..1 instead of 0..255.
    public let normPercentile: Double
    /// The largest surprise of the layer's distance, norm and outside share.
    public let surprise: Double
    /// Whether the layer has left the data: a surprise of 3 (a tail of 0.1%) or more.
    public var isOff: Bool { surprise >= Self.offSurprise }

    public static let offSurprise = 3.0
}

/// One input run through one pipeline and judged against a profile.
public struct Reading: Sendable {
    public let prepared: PreparedInput
    public let prediction: Prediction
    public let evidence: Evidence
    public let scores: [EvidenceScore]
    public let mismatches: [Mismatch]
    public let layers: [LayerStanding]
    public let ood: OODScores
    /// The penultimate layer's units.
    public let features: [Float]

    /// The steps that ran, implicit ones included, as `--preprocess` writes them; nil for an array input.
    public var pipeline: String? {
        prepared.steps.isEmpty ? nil : prepared.steps.map(\.text).joined(separator: ",")
    }

    /// The first layer that has left the data.
    public var firstLayerOff: LayerStanding? { layers.first(where: \.isOff) }

    /// What the fix search minimises: the surprise of every piece of evidence
    /// but the largest softmax probability, summed. The prediction's confidence
    /// never decides which pipeline is right.
    public var pipelineDistance: Double {
        scores.filter { $0.name != "max_softmax" }.reduce(0) { $0 + $1.surprise }
    }
}

/// The pipeline `doctor` proposes, and what the input looks like through it.
public struct Suggestion: Sendable {
    public let steps: [PreprocessStep]
    /// The edits from the input's pipeline, in the order the search took them.
    public let edits: [String]
    /// The same pipeline as Python (NumPy + OpenCV); nil for inputs that are not image files.
    public let python: String?
    public let reading: Reading

    /// The pipeline as `--preprocess` takes it.
    public var pipeline: String { steps.map(\.text).joined(separator: ",") }
}

/// `doctor`'s findings for one input.
public struct Examination: Sendable {
    public let path: String
    public let reading: Reading
    /// Indexes into the profile's examples, nearest first (penultimate features).
    public let nearestExamples: [Int]
    /// The pipeline that brings the input closest to the data, when it differs from the input's.
    public let suggestion: Suggestion?
}

/// A profile that does not belong to the model it is used with.
public struct ProfileMismatchError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Compares inputs with a profile of a model's training data.
public struct Doctor: Sendable {
    public let model: Model
    public let profile: Profile
    public let labels: [String]
    private let gaussian: ClassGaussian
    private let layouts: [UnitLayout]

    /// Checks that `profile` (read from `profilePath`) was made with `model`: the
    /// same layers with the same unit counts and the same input shape.
    public init(model: Model, profile: Profile, profilePath: String, labels: [String]? = nil) throws {
        let layouts = model.nodes.map { UnitLayout(sampleShape: $0.outputShape) }
        guard model.inputs.count == 1, profile.model.inputShape == model.inputs[0].shape,
              profile.model.layerNames == model.nodes.map(\.name), profile.model.unitCounts == layouts.map(\.units) else {
            throw ProfileMismatchError(description: "\(profilePath): the profile was made with a different model (\(profile.model.file)): its layers or input shape differ")
        }
        self.model = model
        self.profile = profile
        self.layouts = layouts
        self.labels = labels ?? profile.data.classNames
        gaussian = ClassGaussian(profile.penultimate, features: profile.layers[profile.penultimate.layer].units)
    }

    /// Runs a prepared input through the model and judges it.
    public func read(_ prepared: PreparedInput) throws -> Reading {
        let trace = try Tracer.trace(model, input: prepared.tensor)
        let units = trace.layers.map { layouts[$0.index].values(of: $0.output).values }
        let shape = profile.input.imageShape
        let measures = InputMeasures(pixels: prepared.tensor.scalars, height: shape[0], width: shape[1], channels: shape[2])
        let layerEvidence = profile.layerEvidence(units: units)
        let prediction = Prediction(trace: trace, model: model, labels: labels)
        let features = units[profile.penultimate.layer]
        let (energy, maxSoftmax) = energyAndMaxSoftmax(logits: prediction.logits ?? [], probabilities: prediction.probabilities)
        let evidence = Evidence(measures: measures, layerDistances: layerEvidence.distances, layerLogNorms: layerEvidence.logNorms,
                                outsideFractions: layerEvidence.outside, mahalanobis: gaussian.minimumDistance(features),
                                energy: energy, maxSoftmax: maxSoftmax)
        let scores = profile.scores(of: evidence)
        let byName = Dictionary(scores.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let layers = profile.layers.enumerated().map { index, layer in
            let parts = ["distance", "norm", "outside"].compactMap { byName["layer:\(layer.name):\($0)"] }
            return LayerStanding(name: layer.name, className: layer.className, outsideFraction: evidence.outsideFractions[index],
                                 distance: evidence.layerDistances[index], distancePercentile: parts[0].percentile,
                                 normPercentile: parts[1].percentile,
                                 surprise: parts.map(\.surprise).max() ?? 0)
        }
        func placed(_ name: String) -> PlacedScore { PlacedScore(score: byName[name]!.value, percentile: byName[name]!.percentile) }
        let combined = Profile.combinedScore(scores)
        let verdict: Verdict = combined > profile.combined.outAbove ? .out : combined > profile.combined.suspiciousAbove ? .suspicious : .in
        let ood = OODScores(mahalanobis: placed("mahalanobis"), energy: placed("energy"), maxSoftmax: placed("max_softmax"),
                            combined: PlacedScore(score: combined, percentile: profile.combined.score.percentile(combined)), verdict: verdict)
        return Reading(prepared: prepared, prediction: prediction, evidence: evidence, scores: scores,
                       mismatches: profile.mismatches(of: measures), layers: layers, ood: ood, features: features)
    }

    /// Examines the input at `path` read with `options` (its pipeline among them):
    /// judges it, finds its nearest examples and, for an image or a CSV row,
    /// searches for the pipeline that brings it closest to the data.
    public func examine(_ path: String, options: InputOptions, searchFix: Bool = true, nearest: Int = 6) throws -> Examination {
        let prepared = try loadInput(path, for: model, options: options)
        let reading = try read(prepared)
        var suggestion: Suggestion?
        if searchFix, let raw = prepared.raw {
            suggestion = try PipelineSearch(doctor: self, raw: raw, isImageFile: options.row == nil).search(from: reading)
        }
        return Examination(path: path, reading: reading, nearestExamples: nearestExamples(to: reading.features, count: nearest),
                           suggestion: suggestion)
    }

    /// The profile's examples nearest to `features` (Euclidean), nearest first.
    func nearestExamples(to features: [Float], count: Int) -> [Int] {
        let examples = profile.examples, d = features.count
        let distances = (0..<examples.count).map { index in
            (0..<d).reduce(Float(0)) { sum, i in
                let difference = examples.features[index * d + i] - features[i]
                return sum + difference * difference
            }
        }
        return Array(distances.indices.sorted { distances[$0] < distances[$1] }.prefix(count))
    }
}
