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
        logits = kind == .softmax ? values : Self.logitsBeneathFinalActivation(trace: trace, model: model, sample: sample)
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

    /// The `k` most probable classes, best first.
    public func top(_ k: Int) -> [ClassScore] {
        probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(max(k, 0)).map { index in
            ClassScore(index: index, label: labels[index], logit: logits?[index], probability: probabilities[index])
        }
    }

    /// The most probable class.
    public var best: ClassScore { top(1)[0] }

    /// For a model whose first output ends in a softmax or sigmoid, the logits
    /// beneath it: the input of a separate activation layer, or the Dense
    /// pre-activation recomputed from the traced input to it; nil when neither.
    static func logitsBeneathFinalActivation(trace: Trace, model: Model, sample: Int) -> [Float]? {
        guard case let .node(index)? = model.outputs.first else { return nil }
        let node = model.nodes[index], last = node.layer
        guard node.inputs.count == 1 else { return nil }
        let row = trace.value(node.inputs[0]).batch(sample..<(sample + 1))
        if let dense = last as? Dense { return dense.preActivation(row).scalars }
        return last is ActivationLayer ? row.scalars : nil
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
