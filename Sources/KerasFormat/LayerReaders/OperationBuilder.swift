import FileIO
import Layers
import ModelGraph

/// Builds graph layers for operations recorded as calls with arguments — Keras 3's
/// operation nodes and tf.keras's operator layers — whatever the dialect's names.
/// Axes here count the batch axis as 0, as the frameworks' own functions do.
struct OperationBuilder {
    let source: KerasLayerSource

    private var name: String { source.name }

    /// `x op y`: two input tensors that broadcast, or one tensor and a constant on either side.
    func arithmetic(_ operation: BinaryOperation, _ x: CallArgument?, _ y: CallArgument?) throws -> any Layer {
        switch (x, y) {
        case (.tensor(0)?, .tensor(1)?):
            return ElementwiseMerge(name: name, operation: operation)
        case let (.tensor?, constant?):
            return ConstantArithmetic(name: name, operation: operation, constant: try tensor(constant))
        case let (constant?, .tensor?):
            return ConstantArithmetic(name: name, operation: operation, constant: try tensor(constant), constantFirst: true)
        default:
            throw source.error("takes two operands, at least one of them a tensor of the model; LayerLens cannot read this call's arguments")
        }
    }

    /// A constant argument as a tensor: a number (rank 0) or nested lists of numbers.
    func tensor(_ argument: CallArgument) throws -> Tensor {
        var shape: [Int] = []
        var values: [Float] = []
        func collect(_ argument: CallArgument, depth: Int) throws {
            switch argument {
            case let .constant(value):
                guard let number = value.number else { throw source.error("an operand is neither a tensor nor a number") }
                guard depth == shape.count else { throw source.error("a constant operand is a ragged list") }
                values.append(Float(number))
            case let .list(items):
                if depth == shape.count { shape.append(items.count) }
                guard depth < shape.count, shape[depth] == items.count, values.count < 1 << 24 else {
                    throw source.error("a constant operand is a ragged or oversized list")
                }
                for item in items { try collect(item, depth: depth + 1) }
            case .tensor:
                throw source.error("a constant operand holds a tensor")
            }
        }
        try collect(argument, depth: 0)
        guard values.count == shape.reduce(1, *) else { throw source.error("a constant operand is a ragged list") }
        return Tensor(shape: shape, scalars: values)
    }

    /// A whole number from a constant argument.
    func integer(_ argument: CallArgument?, _ what: String) throws -> Int {
        guard case let .constant(value)? = argument else { throw source.error("'\(what)' is not a whole number") }
        return try source.config.integer(value, what)
    }

    /// Whole numbers from a constant list (or one number) argument; nil when absent.
    func integers(_ argument: CallArgument?, _ what: String) throws -> [Int]? {
        switch argument {
        case nil, .constant(.null)?: return nil
        case let .list(items)?: return try items.map { try integer($0, what) }
        default: return [try integer(argument, what)]
        }
    }

    /// A sample axis from an axis that counts the batch axis as 0; negative axes stay negative.
    func sampleAxis(_ axis: Int) throws -> Int {
        guard axis != 0 else { throw source.error("operates on the batch axis, which LayerLens keeps apart") }
        return axis > 0 ? axis - 1 : axis
    }

    /// A reshape to a shape given with its batch axis first (`[-1, 6, 3]`).
    func reshape(_ shape: [Int]?) throws -> any Layer {
        guard let shape, let batch = shape.first, batch == -1 || batch == 0 else {
            throw source.error("reshapes the batch axis; LayerLens reshapes each sample, with the batch axis given as -1")
        }
        return Reshape(name: name, targetShape: Array(shape.dropFirst()))
    }

    /// The same values with an axis of extent 1 inserted at `axis`.
    func expandDimensions(_ axis: Int) throws -> any Layer {
        var shape = source.inputShape
        let position = axis < 0 ? shape.count + 2 + axis : axis
        guard position >= 1, position <= shape.count + 1 else { throw source.error("axis \(axis) is out of range") }
        shape.insert(1, at: position - 1)
        return Reshape(name: name, targetShape: shape)
    }

    /// The same values without the given axes of extent 1 (all of them when nil).
    func squeeze(_ axes: [Int]?) throws -> any Layer {
        let input = source.inputShape
        let resolved = try axes.map { try $0.map { axis in
            let sample = try sampleAxis(axis)
            return sample < 0 ? sample + input.count : sample
        } }
        guard resolved?.allSatisfy({ input.indices.contains($0) && input[$0] == 1 }) ?? true else {
            throw source.error("squeezes an axis that is not of extent 1")
        }
        let shape = input.indices.filter { axis in resolved.map { !$0.contains(axis) } ?? (input[axis] != 1) }.map { input[$0] }
        return Reshape(name: name, targetShape: shape)
    }

    /// A transpose by a permutation of every axis, the batch axis staying first.
    func transpose(_ permutation: [Int]?) throws -> any Layer {
        let rank = source.inputShape.count
        let axes = permutation ?? [0] + (1...max(rank, 1)).reversed()
        guard axes.first == 0 else { throw source.error("moves the batch axis, which LayerLens keeps first") }
        return Permute(name: name, axes: axes.dropFirst().map { $0 - 1 })
    }

    /// A reduction over axes that count the batch axis as 0.
    func reduce(_ kind: Reduce.Kind, axes: [Int]?, keepDimensions: Bool) throws -> any Layer {
        guard let axes else { throw source.error("reduces over every axis, the batch axis included; LayerLens reduces within each sample") }
        return Reduce(name: name, kind: kind, axes: try axes.map(sampleAxis), keepDimensions: keepDimensions)
    }

    /// A concatenation along an axis that counts the batch axis as 0.
    func concatenate(axis: Int) throws -> any Layer {
        guard source.inputShapes.count >= 2 else { throw source.error("concatenates fewer than two tensors") }
        return Concatenate(name: name, axis: axis)
    }

    /// Indexing `x[spec]`: one entry per axis from the batch axis on, each a
    /// slice (`start`, `stop`, `step`, any of them null) or a whole number.
    func slice(_ entries: [CallArgument]) throws -> any Layer {
        var selections: [Slice.Selection] = []
        for (position, entry) in entries.enumerated() {
            let selection: Slice.Selection
            if let number = entry.number {
                selection = .index(try integer(.constant(.number(number)), "index"))
            } else if case let .constant(.object(bounds)) = entry {
                // Keras 3 wraps the bounds as {"class_name": "__slice__", "config": {…}}; tf.keras writes them bare.
                let fields = bounds["config"]?.object ?? bounds
                func bound(_ key: String) throws -> Int? {
                    guard let value = fields[key], !value.isNull else { return nil }
                    return try integer(.constant(value), key)
                }
                selection = .range(start: try bound("start"), stop: try bound("stop"), step: try bound("step") ?? 1)
            } else {
                throw source.error("indexes with something other than whole numbers and slices")
            }
            if position == 0 {
                guard selection == .range(start: nil, stop: nil, step: 1) else { throw source.error("indexes the batch axis, which LayerLens keeps whole") }
            } else {
                selections.append(selection)
            }
        }
        return Slice(name: name, selections: selections)
    }
}
