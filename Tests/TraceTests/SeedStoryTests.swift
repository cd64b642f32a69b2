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

    /// Keras's logits and probabilities for each image through each pipeline (`goldens/seed_story.json`).
    struct Golden: Decodable {
        let logits: [Double]
        let probabilities: [Double]  // float64: some are below float32's smallest
    }

    static let goldens = try! JSONDecoder().decode([String: Golden].self,
                                                   from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("goldens/seed_story.json"))))

    /// Runs `image` through `pipeline` and checks the logits and probabilities against Keras's on OpenCV's input.
    func runMatchingKeras(_ image: String, _ pipeline: String, golden key: String) throws -> (PreparedInput, Prediction) {
        let (input, prediction) = try run(image, pipeline)
        let golden = try #require(Self.goldens[key])
        let logits = try #require(prediction.logits)
        #expect(parityViolation(Tensor(shape: [26], scalars: logits), Tensor(shape: [26], scalars: golden.logits.map(Float.init)), label: key + " logits") == nil)
        #expect(parityViolation(Tensor(shape: [26], scalars: prediction.probabilities), Tensor(shape: [26], scalars: golden.probabilities.map(Float.init)),
                                label: key + " probabilities") == nil)
        return (input, prediction)
    }

    /// Keras's best class for `key`.
    func kerasBest(_ key: String) throws -> String {
        let probabilities = try #require(Self.goldens[key]).probabilities
        return letters[probabilities.indices.max { probabilities[$0] < probabilities[$1] }!]
    }

    @Test func brokenPipelineGivesTheSameGuessAsKerasForDifferentLetters() throws {
        var guesses: [String] = []
        for image in ["photo_x", "photo_p_exif"] {
            let (input, prediction) = try runMatchingKeras(image + ".jpg", "gray,scale=1/255,invert,resize=28x28", golden: image + "/broken")
            #expect(prediction.best.label == (try kerasBest(image + "/broken")))
            guesses.append(prediction.best.label)
            #expect(input.processed?.range == 0...1)
            let content = TraceReportContent(modelPath: "m", model: model, input: input, groundTruth: nil)
            let warnings = RunWarning.of(content.input, prediction: prediction)
            #expect(warnings.first { $0.kind == "value_range" }?.message.contains("raw 0..255 → model input 0..1") == true)
        }
        #expect(guesses[0] == guesses[1])
    }

    @Test func openCVPipelineRecognisesTheLetterAsKerasDoes() throws {
        let (input, prediction) = try runMatchingKeras("photo_x.jpg", "gray,resize=28x28:area,invert", golden: "photo_x/opencv")
        #expect(prediction.best.label == "X")
        #expect(input.processed?.range == 0...255)
        let (_, drawing) = try runMatchingKeras("drawing_x.png", "gray,resize=28x28:area,invert", golden: "drawing_x/opencv")
        #expect(drawing.best.label == "X")
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
