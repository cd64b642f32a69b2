import Analysis
import DataSets
import FileIO
import Foundation
import InputPipeline
import ModelGraph
import Trace

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
    let layouts: [UnitLayout]

    /// Checks that `profile` (read from `profilePath`) was made with `model`: the
    /// same layers with the same unit counts and the same input shape.
    public init(model: Model, profile: Profile, profilePath: String, labels: [String]? = nil) throws {
        let layouts = model.nodes.map { UnitLayout(sampleShape: $0.outputShape) }
        guard model.inputs.count == 1, profile.model.inputShape == model.inputs[0].shape,
              profile.model.layerNames == model.nodes.map(\.name), profile.model.unitCounts == layouts.map(\.units),
              let image = try? Preprocessor.imageShape(for: model.inputs[0].shape),
              profile.input.imageShape == [image.height, image.width, image.channels],
              profile.data.classNames.count == model.outputShape.reduce(1, *) else {
            throw ProfileMismatchError(description: "\(profilePath): the profile was made with a different model (\(profile.model.file)): its layers, input shape or classes differ")
        }
        self.model = model
        self.profile = profile
        self.layouts = layouts
        self.labels = labels ?? profile.data.classNames
        gaussian = ClassGaussian(profile.penultimate, features: profile.layers[profile.penultimate.layer].units)
    }

    /// Runs a prepared input through the model (or takes its `trace`, when it
    /// has one already) and judges it.
    public func read(_ prepared: PreparedInput, trace existing: Trace? = nil) throws -> Reading {
        guard prepared.tensor.batchSize == 1 else {
            throw ProfileMismatchError(description: "\(prepared.path) holds \(prepared.tensor.batchSize) samples; a profile judges one input at a time (use logits --profile for a batch)")
        }
        let trace = try existing ?? Tracer.trace(model, input: prepared.tensor)
        let units = trace.layers.map { layouts[$0.index].values(of: $0.output).values }
        let prediction = Prediction(trace: trace, model: model, labels: labels)
        let judged = judge(input: prepared.tensor.scalars, units: units, logits: prediction.logits ?? [], probabilities: prediction.probabilities)
        return Reading(prepared: prepared, prediction: prediction, evidence: judged.evidence, scores: judged.scores,
                       mismatches: judged.mismatches, layers: judged.layers, ood: judged.ood, features: units[profile.penultimate.layer])
    }

    /// Everything `read` concludes about one sample, from its model input, every
    /// layer's units, its logits and probabilities.
    struct Judged {
        let evidence: Evidence
        let scores: [EvidenceScore]
        let mismatches: [Mismatch]
        let layers: [LayerStanding]
        let ood: OODScores
    }

    func judge(input: some Collection<Float>, units: [[Float]], logits: [Float], probabilities: [Float]) -> Judged {
        let shape = profile.input.imageShape
        let measures = InputMeasures(pixels: input, height: shape[0], width: shape[1], channels: shape[2])
        let layerEvidence = profile.layerEvidence(units: units)
        let (energy, maxSoftmax) = energyAndMaxSoftmax(logits: logits, probabilities: probabilities)
        let evidence = Evidence(measures: measures, layerDistances: layerEvidence.distances, layerLogNorms: layerEvidence.logNorms,
                                outsideFractions: layerEvidence.outside, mahalanobis: gaussian.minimumDistance(units[profile.penultimate.layer]),
                                energy: energy, maxSoftmax: maxSoftmax)
        let scores = profile.scores(of: evidence)
        let byName = Dictionary(scores.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let layers = profile.layers.enumerated().map { index, layer in
            let parts = ["distance", "norm", "outside"].compactMap { byName["layer:\(layer.name):\($0)"] }
            return LayerStanding(name: layer.name, className: layer.className, outsideFraction: evidence.outsideFractions[index],
                                 distance: evidence.layerDistances[index], distancePercentile: parts[0].percentile,
                                 normPercentile: parts[1].percentile, surprise: parts.map(\.surprise).max() ?? 0)
        }
        func placed(_ name: String) -> PlacedScore { PlacedScore(score: byName[name]!.value, percentile: byName[name]!.percentile) }
        let combined = Profile.combinedScore(scores)
        let verdict: Verdict = combined > profile.combined.outAbove ? .out : combined > profile.combined.suspiciousAbove ? .suspicious : .in
        let ood = OODScores(mahalanobis: placed("mahalanobis"), energy: placed("energy"), maxSoftmax: placed("max_softmax"),
                            combined: PlacedScore(score: combined, percentile: profile.combined.score.percentile(combined)), verdict: verdict)
        return Judged(evidence: evidence, scores: scores, mismatches: profile.mismatches(of: measures), layers: layers, ood: ood)
    }

    /// Examines the input at `path` read with `options` (its pipeline among them):
    /// judges it, finds its nearest examples and, for an image or a CSV row,
    /// searches for the pipeline that brings it closest to the data.
    public func examine(_ path: String, options: InputOptions, searchFix: Bool = true, nearest: Int = 6) throws -> Examination {
        let prepared = try loadInput(path, for: model, options: options)
        let reading = try read(prepared)
        var suggestion: Suggestion?
        if searchFix, let raw = prepared.raw {
            let kind = try FileKind.of(path)
            suggestion = try PipelineSearch(doctor: self, raw: raw, isImageFile: kind == .png || kind == .jpeg, userSteps: options.steps)
                .search(from: reading)
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

extension Doctor: SampleJudge {
    /// The profile's data file, sample count and out threshold.
    public var reference: String { "\(profile.data.file) (\(profile.data.count) samples, out above \(profile.combined.outAbove))" }

    /// Judges a chunk of a streamed run as `read` judges one input.
    public func startChunk() -> any ChunkJudgement { StreamedJudgement(doctor: self) }
}

/// A chunk's units collected as the run makes them, judged sample by sample at the end.
final class StreamedJudgement: ChunkJudgement {
    let doctor: Doctor
    private var units: [[Float]]

    init(doctor: Doctor) {
        self.doctor = doctor
        units = Array(repeating: [], count: doctor.model.nodes.count)
    }

    func visit(node: Int, output: Tensor) {
        units[node] = doctor.layouts[node].values(of: output).values
    }

    func finish(input: Tensor, logits: [Float]?, probabilities: [Float]) -> [(scores: OODScores, warning: RunWarning?)] {
        let samples = input.batchSize, width = probabilities.count / max(samples, 1)
        return (0..<samples).map { sample in
            let layerUnits = units.enumerated().map { node, values in
                let n = doctor.layouts[node].units
                return Array(values[(sample * n)..<((sample + 1) * n)])
            }
            let classes = (sample * width)..<((sample + 1) * width)
            let judged = doctor.judge(input: input.scalars(ofSample: sample), units: layerUnits,
                                      logits: logits.map { Array($0[classes]) } ?? [], probabilities: Array(probabilities[classes]))
            return (judged.ood, RunWarning.outOfDistribution(judged.ood, mismatches: judged.mismatches, firstLayerOff: judged.layers.first(where: \.isOff)))
        }
    }
}

extension RunWarning {
    /// out_of_distribution: a profile's verdict on an input that is not `in`, with
    /// the mismatches and the first layer off the data that show why. Nil for `in`.
    public static func outOfDistribution(_ ood: OODScores, mismatches: [Mismatch], firstLayerOff: LayerStanding?) -> RunWarning? {
        guard ood.verdict != .in else { return nil }
        var parts = ["\(ood.verdict == .out ? "out of" : "at the edge of") the training data (verdict \(ood.verdict.rawValue): combined score "
            + "\(formatNumber(ood.combined.score)), above \(String(format: "%.1f", ood.combined.percentile * 100))% of the profile's data)"]
        if !mismatches.isEmpty { parts.append("mismatches: " + mismatches.map { "\($0.kind.rawValue) (\($0.severity.rawValue))" }.joined(separator: ", ")) }
        if let firstLayerOff { parts.append("first layer off the data: \(firstLayerOff.name)") }
        return RunWarning(kind: "out_of_distribution", message: parts.joined(separator: "; "))
    }
}
