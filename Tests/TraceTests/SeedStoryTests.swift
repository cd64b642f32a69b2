import Foundation
import LayerLens
import Testing
import TestSupport

/// The seed case on the fixture seed model: the broken pipeline (0..1, inverted,
/// bilinear) makes every photo the same near-uniform guess; OpenCV's way
/// (area resize, 255 − x) recognises the letter.
@Suite struct SeedStoryTests {
    let model = try! loadModel(at: Fixtures.path("models/seed_tf2.h5"))
    let letters = try! LabelParser.parse("A-Z", count: 26)

    func run(_ image: String, _ pipeline: String) throws -> (PreparedInput, Prediction) {
        let input = try loadInput(Fixtures.path("images/" + image), for: model, options: InputOptions(steps: try PreprocessStep.parse(pipeline)))
        let trace = try Tracer.trace(model, input: input.tensor)
        return (input, Prediction(trace: trace, model: model, labels: letters))
    }

    @Test func brokenPipelineGivesTheSameNearUniformGuessForDifferentLetters() throws {
        var guesses: [String] = []
        for image in ["photo_x.jpg", "photo_p_exif.jpg"] {
            let (input, prediction) = try run(image, "gray,scale=1/255,invert,resize=28x28")
            let entropy = -prediction.probabilities.reduce(0.0) { $0 + ($1 > 0 ? Double($1) * log(Double($1)) : 0) } / log(26.0)
            #expect(prediction.best.probability < 0.15, "\(image): \(prediction.best)")
            #expect(entropy > 0.95, "\(image): normalised entropy \(entropy)")
            guesses.append(prediction.best.label)
            #expect(input.processed?.range == 0...1)
            let content = TraceReportContent(modelPath: "m", model: model, input: input, groundTruth: nil)
            #expect(TraceReport.rangeWarning(content)?.contains("raw 0..255 → model input 0..1") == true)
        }
        #expect(guesses[0] == guesses[1])
    }

    @Test func openCVPipelineRecognisesTheLetter() throws {
        let (input, prediction) = try run("photo_x.jpg", "gray,resize=28x28:area,invert")
        #expect(prediction.best.label == "X")
        #expect(prediction.best.probability > 0.9)
        #expect(input.processed?.range == 0...255)
        let (_, drawing) = try run("drawing_x.png", "gray,resize=28x28:area,invert")
        #expect(drawing.best.label == "X")
    }

    @Test func logitsOfTheLinearOutputAreTheLastLayer() throws {
        let (input, prediction) = try run("drawing_x.png", "gray,resize=28x28:area,invert")
        let trace = try Tracer.trace(model, input: input.tensor)
        #expect(prediction.kind == .softmax)
        #expect(prediction.logits == trace.output.scalars)
        #expect(abs(prediction.probabilities.reduce(0, +) - 1) < 1e-5)
    }

    @Test func softmaxOutputsAreUsedAsTheyAreWithTheirPreActivationLogits() throws {
        let model = try loadModel(at: Fixtures.path("models/activations_k3.keras"))
        let goldens = try NumPyFile.readArchive(Fixtures.path("goldens/activations_k3.npz"))
        let trace = try Tracer.trace(model, input: try #require(goldens["input"]).tensor)
        let prediction = Prediction(trace: trace, model: model, sample: 2)
        #expect(prediction.kind == .none)
        #expect(prediction.probabilities == Array(trace.output.scalars[52..<78]))
        // The final Softmax layer sits on dense_39: its output is the logits.
        let logits = try #require(goldens.first { $0.key.hasSuffix("_dense_39") }?.value).tensor.batch(2..<3)
        #expect(parityViolation(Tensor(shape: [1, 26], scalars: try #require(prediction.logits)), logits, label: "logits") == nil)
    }
}
