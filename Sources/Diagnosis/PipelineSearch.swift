import Foundation
import InputPipeline
import ModelGraph

/// The search for the pipeline that brings an input closest to the profile's
/// data: greedy, one edit at a time (add or remove `invert`, `scale`,
/// `normalize`, `blur=σ`, `standardize=127.5:127.5` for data on −1..1, a mid-range
/// `threshold` for binarised data; remove `contrast`; swap the resize method or
/// `fit=BOX` for it), each judged by `Reading.pipelineDistance` — the input
/// measures and the out-of-distribution scores, never the prediction's
/// confidence — until no edit lowers it.
struct PipelineSearch {
    let doctor: Doctor
    /// The decoded input, before any step.
    let raw: Raster
    /// Whether the input is an image file, which the Python port can read.
    let isImageFile: Bool
    /// The pipeline the user gave, nil for the default one.
    let userSteps: [PreprocessStep]?

    /// The most edits taken.
    static let editLimit = 4

    func search(from start: Reading) throws -> Suggestion? {
        var steps = explicitSteps(of: start.prepared)
        var best = start, edits: [String] = []
        for _ in 0..<Self.editLimit {
            var improved: (steps: [PreprocessStep], reading: Reading, edit: String)?
            for (edit, candidate) in candidates(from: steps, reading: best) {
                guard let prepared = try? Preprocessor.run(candidate, on: raw, modelInputShape: doctor.model.inputs[0].shape),
                      let reading = try? doctor.read(PreparedInput(path: start.prepared.path, tensor: prepared.tensor, raw: raw,
                                                                   processed: prepared.processed, steps: prepared.steps,
                                                                   isDefaultPipeline: false, notes: [], groundTruth: start.prepared.groundTruth,
                                                                   preparedShape: prepared.processed.shape)) else { continue }
                if reading.pipelineDistance < (improved?.reading ?? best).pipelineDistance - 1e-6 { improved = (candidate, reading, edit) }
            }
            guard let improved else { break }
            (steps, best) = (improved.steps, improved.reading)
            edits.append(improved.edit)
        }
        guard !edits.isEmpty else { return nil }
        let python = isImageFile ? PythonPort.code(steps: steps, ranges: rangesBefore(best.prepared), modelShape: doctor.model.inputs[0].shape) : nil
        return Suggestion(steps: steps, edits: edits, python: python, reading: best)
    }

    /// The steps that ran, without the final flatten: the user's own (their exact
    /// numbers, not the rounded text) and the implicit ones written out.
    func explicitSteps(of prepared: PreparedInput) -> [PreprocessStep] {
        let given = (userSteps ?? []).filter { $0 != .flatten }
        let implicit = prepared.steps.filter(\.implicit).compactMap { record in
            record.text == "flatten" ? nil : (try? PreprocessStep.parse(record.text))?.first
        }
        return given + implicit
    }

    /// The value range each step received.
    func rangesBefore(_ prepared: PreparedInput) -> [ClosedRange<Float>] {
        var ranges = [raw.range]
        for record in prepared.steps { ranges.append(record.range) }
        return Array(ranges.prefix(prepared.steps.count))
    }

    /// Every single edit of `steps`, described.
    func candidates(from steps: [PreprocessStep], reading: Reading) -> [(String, [PreprocessStep])] {
        var result: [(String, [PreprocessStep])] = []
        let geometry = steps.firstIndex { if case .resize = $0 { true } else if case .fit = $0 { true } else { false } }
        let afterGeometry = geometry.map { $0 + 1 } ?? steps.count
        let afterGray = (steps.firstIndex(of: .gray).map { $0 + 1 }) ?? 0
        func removing(_ index: Int) -> [PreprocessStep] { var s = steps; s.remove(at: index); return s }
        func inserting(_ step: PreprocessStep, at index: Int) -> [PreprocessStep] { var s = steps; s.insert(step, at: index); return s }
        func replacing(_ index: Int, with step: PreprocessStep) -> [PreprocessStep] { var s = steps; s[index] = step; return s }

        for (index, step) in steps.enumerated() {
            switch step {
            case .invert, .scale, .standardize, .contrast, .threshold, .blur, .normalize: result.append(("remove \(step.text)", removing(index)))
            default: break
            }
        }
        if !steps.contains(.invert) { result.append(("add invert", inserting(.invert, at: afterGeometry))) }
        if !steps.contains(.normalize) { result.append(("add normalize", inserting(.normalize, at: steps.count))) }
        // A scale that moves the input's largest value to the data's.
        let dataMaximum = doctor.profile.input.table(.maximum)!.median, inputMaximum = reading.evidence.measures[.maximum]
        if !steps.contains(where: { if case .scale = $0 { true } else { false } }), inputMaximum > 0, dataMaximum > 0 {
            let ratio = dataMaximum / inputMaximum
            if ratio > 20 { result.append(("add scale=255", inserting(.scale(255), at: afterGray))) }
            if ratio < 1.0 / 20 { result.append(("add scale=1/255", inserting(.scale(1.0 / 255), at: afterGray))) }
        }
        // Data on −1..1 (Keras's "tf" preprocessing) from an input on 0..255: standardize=127.5:127.5.
        let dataMinimum = doctor.profile.input.table(.minimum)!.median
        if !steps.contains(where: { if case .standardize = $0 { true } else { false } }), dataMinimum < -0.5, dataMaximum <= 1.5,
           reading.evidence.measures[.minimum] >= 0, inputMaximum > 2 {
            result.append(("add standardize=127.5:127.5", inserting(.standardize(mean: 127.5, std: 127.5), at: steps.count)))
        }
        // Binarised data (hard edges): a threshold at the middle of the range.
        if !steps.contains(where: { if case .threshold = $0 { true } else { false } }), doctor.profile.input.table(.sharpness)!.median >= 0.9 {
            let middle = Float((reading.evidence.measures[.minimum] + inputMaximum) / 2)
            result.append(("add " + PreprocessStep.threshold(middle).text, inserting(.threshold(middle), at: steps.count)))
        }
        let shape = doctor.profile.input.imageShape
        let extent = min(max(doctor.profile.input.table(.inkExtent)!.median, 0), 1)
        let box = max(1, min(max(shape[0], shape[1]), Int((extent * Double(max(shape[0], shape[1]))).rounded())))
        if let geometry {
            switch steps[geometry] {
            case let .resize(width, height, method):
                for other in [ResizeMethod.area, .bilinear] where other != method {
                    result.append(("resize with \(other.rawValue)", replacing(geometry, with: .resize(width: width, height: height, method: other))))
                }
                result.append(("fit=\(box) instead of resize", replacing(geometry, with: .fit(box: box))))
            case .fit:
                result.append(("resize with area instead of fit", replacing(geometry, with: .resize(width: shape[1], height: shape[0], method: .area))))
            default: break
            }
        }
        if let blur = steps.firstIndex(where: { if case .blur = $0 { true } else { false } }) {
            for sigma: Float in [0.5, 1] where steps[blur] != .blur(sigma: sigma) {
                result.append(("blur=\(compactSigma(sigma))", replacing(blur, with: .blur(sigma: sigma))))
            }
        } else {
            for sigma: Float in [0.5, 1] { result.append(("add blur=\(compactSigma(sigma))", inserting(.blur(sigma: sigma), at: afterGeometry))) }
        }
        return result
    }

    private func compactSigma(_ sigma: Float) -> String { sigma == 1 ? "1" : "0.5" }
}
