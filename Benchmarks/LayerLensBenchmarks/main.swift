// Measures LayerLens's forward pass: one input traced (every layer kept), and the
// batched throughput over many inputs. Run in a release build through
// Benchmarks/run.sh, which times TensorFlow beside it in the same run.
import Foundation
import LayerLens

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: LayerLensBenchmarks MODEL INPUTS.npy [REPEATS]\n".utf8))
    exit(64)
}
let repeats = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

do {
    var model: Model?
    let load = try seconds { model = try loadModel(at: arguments[1]) }
    let batch = try ModelInput.load(npy: arguments[2], for: model!).tensor
    let one = batch.batch(0..<1)
    let single = try (0..<200).map { _ in try seconds { _ = try Tracer.trace(model!, input: one) } }.sorted()
    let batched = try (0..<repeats).map { _ in try seconds { _ = try Tracer.trace(model!, input: batch) } }.sorted()
    let median = batched[batched.count / 2]
    print(String(format: "layerlens  load %.2f ms | one input, all layers kept: median %.3f ms | %d inputs: median %.1f ms = %.0f inputs/s (best %.0f)",
                 load * 1e3, single[single.count / 2] * 1e3, batch.batchSize, median * 1e3,
                 Double(batch.batchSize) / median, Double(batch.batchSize) / batched[0]))
} catch {
    FileHandle.standardError.write(Data("LayerLensBenchmarks: \(error)\n".utf8))
    exit(1)
}
