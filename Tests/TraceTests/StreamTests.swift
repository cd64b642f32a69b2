import Foundation
import LayerLens
import Testing
import TestSupport

/// `Tracer.stream`, which drops each output once no later layer reads it, and
/// the `MemoryPlan` that sizes its chunks.
@Suite struct StreamTests {
    /// On a model with branches and merges (a residual network: outputs read by
    /// layers far after them), every node is visited once, in order, with the
    /// output a full trace keeps, bit for bit; the model's output is kept.
    @Test(arguments: ["models/residual_tf2.h5", "models/siamese_tf2.h5", "models/seed_tf2.h5"])
    func visitsEveryOutputATraceKeeps(file: String) throws {
        let model = try loadModel(at: Fixtures.path(file))
        let inputs = model.inputs.enumerated().map { index, spec in
            Tensor(shape: [3] + spec.shape, scalars: (0..<(3 * spec.shape.reduce(1, *))).map { Float(($0 * 7 + index * 13) % 255) / 255 })
        }
        let trace = try Tracer.trace(model, inputs: inputs)
        var visited: [Int] = []
        let kept = try Tracer.stream(model, inputs: inputs, plan: MemoryPlan(model: model)) { index, output in
            visited.append(index)
            #expect(output.scalars.map(\.bitPattern) == trace.layers[index].output.scalars.map(\.bitPattern), "\(file) node \(index)")
        }
        #expect(visited == Array(model.nodes.indices))
        for case let .node(index) in model.outputs {
            #expect(kept[index]?.scalars == trace.layers[index].output.scalars)
        }
    }

    /// An output is kept exactly until its last reader: in a residual model
    /// some outputs are read by a later node than the next, and the model's
    /// outputs are never dropped.
    @Test func liveness() throws {
        let model = try loadModel(at: Fixtures.path("models/residual_tf2.h5"))
        let plan = MemoryPlan(model: model)
        for (index, reader) in plan.lastReader.enumerated() {
            let readers = model.nodes.indices.filter { model.nodes[$0].inputs.contains(.node(index)) }
            if model.outputs.contains(.node(index)) {
                #expect(reader == Int.max)
            } else {
                #expect(reader == readers.last, "node \(index)")
            }
        }
        #expect(plan.lastReader.enumerated().contains { index, reader in (reader ?? 0) > index + 1 && reader != Int.max })
    }

    /// A smaller budget gives smaller chunks (a power of 2, at least 1), and every
    /// plan fits its chunks, as many as run at once, in its budget.
    @Test func chunksShrinkWithTheBudget() throws {
        let model = try loadModel(at: Fixtures.path("models/cnn_tf2.h5"))
        let generous = MemoryPlan(model: model, budget: 1 << 30), tight = MemoryPlan(model: model, budget: 1 << 20)
        #expect(generous.chunkSize == Tracer.chunkSize)
        #expect(tight.chunkSize < generous.chunkSize)
        for plan in [generous, tight] {
            #expect(plan.chunkSize.nonzeroBitCount == 1)
            #expect(plan.chunkSize * plan.peakBytesPerSample * plan.concurrentChunks <= plan.budget || plan.chunkSize == 1)
        }
        #expect(tight.readBatchSize(inputBytesPerSample: 28 * 28 * 4, limit: 8192) % tight.chunkSize == 0)
    }
}
