import Foundation
import Layers
import ModelGraph

/// How the final layer's outputs were turned into probabilities.
public enum ProbabilityKind: String, Sendable {
    /// The last activation is linear (or another non-probability function): a
    /// softmax of the outputs, taken as logits.
    case softmax
    /// The model ends in a softmax; its outputs are used as they are.
    case none
    /// The model ends in a sigmoid: independent per-class probabilities.
    case sigmoid
}

/// One class's score.
public struct ClassScore: Sendable, Equatable {
    public let index: Int
    public let label: String
    /// The logit (pre-softmax value), where it could be had.
    public let logit: Float?
    public let probability: Float
}

/// What a model predicts for one sample: its logits and probabilities.
public struct Prediction: Sendable {
    public let kind: ProbabilityKind
    /// The logits: the outputs of a linear last layer, or the pre-activation of
    /// the Dense layer a softmax/sigmoid sits on; nil when they cannot be had.
    public let logits: [Float]?
    public let probabilities: [Float]
    public let labels: [String]

    /// The prediction for sample `sample` of `trace`, run on `model`.
    public init(trace: Trace, model: Model, sample: Int = 0, labels: [String]? = nil) {
        let output = trace.output
        let values = output.scalars(ofSample: sample)
        let width = values.count
        self.labels = labels ?? (0..<width).map(String.init)
        kind = ProbabilityKind(model: model)
        probabilities = kind.probabilities(values, width: width)
        logits = kind == .softmax ? values : Self.logitsBeneathFinalActivation(trace: trace, model: model, samples: sample..<(sample + 1))
    }

    /// One prediction per sample of a batch's first `output` and its row-major
    /// `logits` (nil when they cannot be had), as `PredictionSources.run` returns them.
    public static func perSample(output: Tensor, logits: [Float]?, kind: ProbabilityKind, labels: [String]?) -> [Prediction] {
        let width = output.sampleShape.reduce(1, *)
        return (0..<output.batchSize).map { sample in
            let row = (sample * width)..<((sample + 1) * width)
            return Prediction(kind: kind, logits: logits.map { Array($0[row]) }, outputs: Array(output.scalars[row]), labels: labels)
        }
    }

    /// A prediction from known final-layer values: for `.softmax`, probabilities
    /// are the softmax of `logits`; otherwise `outputs` are the probabilities.
    public init(kind: ProbabilityKind, logits: [Float]?, outputs: [Float], labels: [String]? = nil) {
        self.kind = kind
        self.logits = logits
        let values = kind == .softmax ? logits ?? outputs : outputs
        probabilities = kind.probabilities(values, width: values.count)
        self.labels = labels ?? (0..<outputs.count).map(String.init)
    }

    /// The `k` most probable classes, best first; equal probabilities (such as
    /// classes whose softmax underflowed to 0) are ordered by logit.
    public func top(_ k: Int) -> [ClassScore] {
        rankClasses(probabilities: probabilities[...], logits: logits?[...], limit: k).map { index in
            ClassScore(index: index, label: labels[index], logit: logits?[index], probability: probabilities[index])
        }
    }

    /// The logits of every sample (row-major), from the model's first output and
    /// the value its final node reads (`finalInputSource`): the outputs themselves
    /// for a linear head, else what `logitsBeneathFinalActivation` finds. For a
    /// run that keeps only these two values.
    public static func logits(output: Tensor, finalInput: Tensor?, model: Model) -> [Float]? {
        if ProbabilityKind(model: model) == .softmax { return output.scalars }
        guard let finalInput, case let .node(index)? = model.outputs.first else { return nil }
        return logitsBeneathFinalActivation(model.nodes[index].layer, rows: finalInput)
    }

    /// What the node of the model's first output reads, when it reads one value.
    public static func finalInputSource(of model: Model) -> ValueSource? {
        guard case let .node(index)? = model.outputs.first, model.nodes[index].inputs.count == 1 else { return nil }
        return model.nodes[index].inputs[0]
    }

    /// The most probable class.
    public var best: ClassScore { top(1)[0] }

    /// For a model whose first output ends in a softmax or sigmoid, the logits
    /// beneath it: the input of a separate activation layer, or the Dense
    /// pre-activation recomputed from the traced input to it; nil when neither.
    static func logitsBeneathFinalActivation(trace: Trace, model: Model, samples: Range<Int>) -> [Float]? {
        guard case let .node(index)? = model.outputs.first, let source = finalInputSource(of: model) else { return nil }
        return logitsBeneathFinalActivation(model.nodes[index].layer, rows: trace.value(source).batch(samples))
    }

    /// The logits beneath `last`, the final layer, given what it reads (`rows`).
    private static func logitsBeneathFinalActivation(_ last: any Layer, rows: Tensor) -> [Float]? {
        if let dense = last as? Dense { return dense.preActivation(rows).scalars }
        return last is ActivationLayer ? rows.scalars : nil
    }

    enum ActivationKind {
        case softmax, sigmoid, other

        init(_ activation: Activation?) {
            switch activation {
            case .softmax(let axes) where axes == [-1] || axes == [1]: self = .softmax
            case .sigmoid: self = .sigmoid
            default: self = .other
            }
        }
    }
}

extension ProbabilityKind {
    /// How `model`'s first output becomes probabilities, from its last activation.
    public init(model: Model) {
        guard case let .node(index)? = model.outputs.first else {
            self = .softmax
            return
        }
        switch Prediction.ActivationKind(model.nodes[index].layer.activation) {
        case .softmax: self = .none
        case .sigmoid: self = .sigmoid
        case .other: self = .softmax
        }
    }

    /// The probabilities of a batch of final-layer outputs (`width` per sample, row-major).
    public func probabilities(_ outputs: [Float], width: Int) -> [Float] {
        guard self == .softmax, width > 0 else { return outputs }
        var result = outputs
        result.withUnsafeMutableBufferPointer { rows in
            for start in stride(from: 0, to: outputs.count, by: width) {
                Layers.softmax(UnsafeMutableBufferPointer(rebasing: rows[start..<(start + width)]))
            }
        }
        return result
    }
}

/// The `limit` best classes of one sample, best first: by probability, equal
/// probabilities by logit (when known), then by index; NaN ranks below every number.
/// A softmax that underflows gives many classes probability 0, and only the logits
/// still say which of them came closest.
public func rankClasses(probabilities: ArraySlice<Float>, logits: ArraySlice<Float>?, limit: Int) -> [Int] {
    let count = probabilities.count
    func probability(_ index: Int) -> Float { ranked(probabilities[probabilities.startIndex + index]) }
    func logit(_ index: Int) -> Float { logits.map { ranked($0[$0.startIndex + index]) } ?? 0 }
    func precedes(_ a: Int, _ b: Int) -> Bool {
        if probability(a) != probability(b) { return probability(a) > probability(b) }
        if logit(a) != logit(b) { return logit(a) > logit(b) }
        return a < b
    }
    // Insertion into a short sorted list: k is a handful, the classes may be thousands.
    let k = min(max(limit, 0), count)
    var best: [Int] = []
    best.reserveCapacity(k + 1)
    for index in 0..<count {
        var position = best.count
        while position > 0, precedes(index, best[position - 1]) { position -= 1 }
        if position < k {
            best.insert(index, at: position)
            if best.count > k { best.removeLast() }
        }
    }
    return best
}

/// NaN as −∞, so that it sorts last.
private func ranked(_ value: Float) -> Float { value.isNaN ? -.infinity : value }
