// Release-build measurements run by the scripts in Benchmarks/, beside the Python tools:
//   LayerLensBenchmarks forward MODEL INPUTS.npy [REPEATS] — one input traced (every layer kept) and
//       the batched throughput over many inputs;
//   LayerLensBenchmarks layers MODEL INPUTS.npy [REPEATS] — the batch streamed through the model as one
//       chunk, each layer's forward pass timed: the total, the time per layer class, the slowest layers;
//   LayerLensBenchmarks report MODEL IMAGE PIPELINE — the stages of `layerlens trace` on an image, each timed;
//   LayerLensBenchmarks csv DATA.csv — parsing a Kaggle-style CSV data set alone, in rows/s.
import Foundation
import DataSets
import LayerLens

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func forward(model path: String, inputs: String, repeats: Int) throws {
    var model: Model?
    let load = try seconds { model = try loadModel(at: path) }
    let batch = try ModelInput.load(npy: inputs, for: model!).tensor
    let one = batch.batch(0..<1)
    // 200 runs, or as many as fit in about 5 s for a large model.
    let first = try seconds { _ = try Tracer.trace(model!, input: one) }
    let single = try (0..<max(5, min(200, Int(5 / first)))).map { _ in try seconds { _ = try Tracer.trace(model!, input: one) } }
    let batched = try (0..<repeats).map { _ in try seconds { _ = try Tracer.trace(model!, input: batch) } }.sorted()
    print(String(format: "layerlens  load %.2f ms | one input, all layers kept: median %.3f ms | %d inputs: median %.1f ms = %.0f inputs/s (best %.0f)",
                 load * 1e3, median(single) * 1e3, batch.batchSize, median(batched) * 1e3,
                 Double(batch.batchSize) / median(batched), Double(batch.batchSize) / batched[0]))
}

func report(model path: String, image: String, pipeline: String) throws {
    var stages: [String: [Double]] = [:]
    for _ in 0..<15 {
        var model: Model?, input: PreparedInput?, trace: Trace?, png: Data?
        stages["load model", default: []].append(try seconds { model = try loadModel(at: path) })
        stages["decode + preprocess", default: []].append(try seconds {
            input = try loadInput(image, for: model!, options: InputOptions(steps: try PreprocessStep.parse(pipeline)))
        })
        stages["trace", default: []].append(try seconds { trace = try Tracer.trace(model!, input: input!.tensor) })
        stages["draw + encode PNG", default: []].append(try seconds {
            let prediction = Prediction(trace: trace!, model: model!)
            let content = TraceReportContent(modelPath: path, model: model!, input: input!, groundTruth: nil)
            png = try TraceReport.render(content, trace: trace!, prediction: prediction, options: TraceReportOptions())
        })
        stages["write file", default: []].append(try seconds { try writeAtomically(png!, to: NSTemporaryDirectory() + "/layerlens-bench.png") })
    }
    let order = ["load model", "decode + preprocess", "trace", "draw + encode PNG", "write file"]
    print("layerlens  stages (median of 15): " + order.map { String(format: "%@ %.2f ms", $0, median(stages[$0]!) * 1e3) }.joined(separator: " | "))
}

func layers(model path: String, inputs: String, repeats: Int) throws {
    let model = try loadModel(at: path)
    let batch = try ModelInput.load(npy: inputs, for: model).tensor
    let plan = MemoryPlan(model: model, budget: Int.max / 16)
    // A node's time runs from the previous node's output to its own.
    var times = [[Double]](repeating: [], count: model.nodes.count)
    for _ in 0..<repeats {
        var last = DispatchTime.now().uptimeNanoseconds
        _ = try Tracer.stream(model, inputs: [batch], plan: plan) { index, _ in
            let now = DispatchTime.now().uptimeNanoseconds
            times[index].append(Double(now - last) / 1e9)
            last = now
        }
    }
    let medians = times.map(median)
    let total = medians.reduce(0, +)
    print(String(format: "layerlens  %d inputs, %d layers: forward %.1f ms (median per layer over %d runs)",
                 batch.batchSize, model.nodes.count, total * 1e3, repeats))
    var byClass: [String: (time: Double, count: Int)] = [:]
    for (node, time) in zip(model.nodes, medians) { byClass[node.typeName, default: (0, 0)].time += time; byClass[node.typeName]!.count += 1 }
    for (name, entry) in byClass.sorted(by: { $0.value.time > $1.value.time }) {
        print(String(format: "  %-24@ %4d layers %9.2f ms  %5.1f%%", name, entry.count, entry.time * 1e3, 100 * entry.time / total))
    }
    print("  slowest layers:")
    for index in medians.indices.sorted(by: { medians[$0] > medians[$1] }).prefix(12) {
        let node = model.nodes[index]
        print(String(format: "  %-28@ %-20@ %@ %8.2f ms", node.name, node.typeName, shapeDescription(node.outputShape), medians[index] * 1e3))
    }
}

func parse(csv path: String) throws {
    var rows = 0
    var checksum: Float = 0
    let time = try seconds {
        let data = try CSVDataSet(path: path)
        try data.forEachBatch(maxCount: 8192) { batch in
            rows += batch.count
            checksum += batch.features[0]
            return true
        }
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    print(String(format: "layerlens  CSV parse: %d rows (%.0f MB) in %.2f s = %.0f rows/s, %.0f MB/s (checksum %.0f)",
                 rows, Double(size) / 1e6, time, Double(rows) / time, Double(size) / 1e6 / time, checksum))
}

let arguments = CommandLine.arguments
do {
    switch (arguments.count > 1 ? arguments[1] : "", arguments.count) {
    case ("forward", 4...): try forward(model: arguments[2], inputs: arguments[3], repeats: arguments.count > 4 ? Int(arguments[4]) ?? 5 : 5)
    case ("layers", 4...): try layers(model: arguments[2], inputs: arguments[3], repeats: arguments.count > 4 ? Int(arguments[4]) ?? 5 : 5)
    case ("report", 5): try report(model: arguments[2], image: arguments[3], pipeline: arguments[4])
    case ("csv", 3): try parse(csv: arguments[2])
    default:
        FileHandle.standardError.write(Data("usage: LayerLensBenchmarks forward MODEL INPUTS.npy [REPEATS] | layers MODEL INPUTS.npy [REPEATS] | report MODEL IMAGE PIPELINE | csv DATA.csv\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("LayerLensBenchmarks: \(error)\n".utf8))
    exit(1)
}
