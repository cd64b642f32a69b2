import ModelGraph

/// What a streamed run (`Tracer.stream`) must keep to predict: the model's first
/// output and the value its final node reads, beneath which the logits lie.
public struct PredictionSources: Sendable {
    /// The model's first output.
    public let output: ValueSource
    /// What the first output's node reads, when it reads one value.
    public let finalInput: ValueSource?

    public init(model: Model) {
        output = model.outputs.first ?? .input(0)
        finalInput = Prediction.finalInputSource(of: model)
    }

    /// The nodes a `MemoryPlan` must keep for these sources.
    public var kept: Set<Int> {
        Set([output, finalInput].compactMap { source in if case let .node(index)? = source { index } else { nil } })
    }

    /// Runs one chunk of samples through `model` with `Tracer.stream` (`visit`
    /// as there; `plan` keeping `kept`) and returns its first output and the
    /// logits of every sample (row-major; nil when they cannot be had).
    public func run(_ model: Model, inputs: [Tensor], plan: MemoryPlan,
                    visit: (_ node: Int, _ output: Tensor) throws -> Void = { _, _ in }) throws -> (output: Tensor, logits: [Float]?) {
        let kept = try Tracer.stream(model, inputs: inputs, plan: plan, visit: visit)
        func value(_ source: ValueSource) throws -> Tensor {
            switch source {
            case let .input(index): return inputs[index]
            case let .node(index):
                guard let value = kept[index] else { throw TraceError(description: "the memory plan did not keep node \(index)") }
                return value
            }
        }
        let output = try value(output)
        return (output, Prediction.logits(output: output, finalInput: try finalInput.map(value), model: model))
    }
}
