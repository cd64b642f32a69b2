import Foundation
import LayerLens
@testable import Report
import Render
import Testing
import TestSupport

/// The diff report's rows for the seed case: one photo through the broken pipeline
/// (0..1, A) and through one that gives the training data's 0..255 (B).
@Suite struct DiffReportRowsTests {
    func diff() throws -> (ActivationDiff, Prediction) {
        let model = try loadModel(at: Fixtures.path("models/seed_tf2.h5")), photo = Fixtures.path("images/photo_x.jpg")
        func trace(_ pipeline: String) throws -> Trace {
            let input = try loadInput(photo, for: model, options: InputOptions(steps: try PreprocessStep.parse(pipeline)))
            return try Tracer.trace(model, input: input.tensor)
        }
        let a = try trace("gray,scale=1/255,invert,resize=28x28"), b = try trace("gray,invert,resize=28x28:area")
        return (ActivationDiff(model: model, a: a, b: b), Prediction(trace: a, model: model, labels: (65...90).map { String(UnicodeScalar($0)!) }))
    }

    /// The first row compares the model inputs themselves: every one of the 784 values moves, by up to
    /// about 255 − 1 (0..1 against 0..255).
    @Test func theModelInputsComeFirst() throws {
        let (diff, _) = try diff()
        let row = DiffReport.LayerRow(inputsOf: diff, cellPixels: nil)
        #expect(row.metrics[0].hasPrefix("model input"))
        #expect(row.metrics[2] == "784 of 784 values differ")
        let maxDelta = try #require(row.metrics[1].split(separator: "max |Δ| ").last.flatMap { Double($0) })
        #expect(maxDelta > 150 && maxDelta < 255)
    }

    /// The output layer's units carry the class names, in its maps and in its largest changes; a hidden layer's do not.
    @Test func theOutputUnitsAreNamed() throws {
        let (diff, prediction) = try diff()
        let last = diff.layers.count - 1
        #expect(DiffReport.classNames(of: 0, in: diff, prediction) == nil)
        let row = DiffReport.LayerRow(index: last, diff: diff, cellPixels: nil, classNames: DiffReport.classNames(of: last, in: diff, prediction))
        #expect((row.maps[0] as? ActivationMap)?.cellLabels == prediction.labels)
        let changes = row.metrics.filter { $0.contains("(unit ") }
        #expect(changes.count == 3)
        #expect(changes.allSatisfy { $0.first.map { $0.isUppercase } == true && $0.dropFirst().hasPrefix(" (unit ") }, "\(changes)")
    }
}
