import Foundation
import LayerLens
import Testing
import TestSupport

/// `doctor` on the seed model against the profile of its training letters: the
/// issue's "must show" cases, each group made by `Fixtures/make_doctor.py`.
@Suite struct DoctorTests {
    func kinds(_ reading: Reading) -> Set<Mismatch.Kind> { Set(reading.mismatches.map(\.kind)) }

    @Test func thePhotosThroughTheSeedsBrokenPipelineAreNamedOutOfRange() throws {
        let doctor = try SeedDoctor.doctor()
        let options = InputOptions(steps: try PreprocessStep.parse(SeedDoctor.brokenPipeline))
        for photo in try SeedDoctor.photos() {
            let reading = try doctor.examine(photo.path, options: options, searchFix: false).reading
            let range = try #require(reading.mismatches.first { $0.kind == .range }, "\(photo.path)")
            #expect(range.severity == .high && range.message.contains("against the data's 0..255"), "\(range.message)")
            #expect(reading.ood.verdict == .out)
            #expect(reading.firstLayerOff?.name == doctor.model.nodes[0].name, "a 0..1 input leaves the data at the first layer")
        }
    }

    @Test func photosWithoutInvertAreNamedForTheirPolarity() throws {
        let doctor = try SeedDoctor.doctor()
        for steps in ["gray,resize=28x28:area", "gray,scale=1/255,resize=28x28"] {
            for photo in try SeedDoctor.photos() {
                let reading = try doctor.examine(photo.path, options: InputOptions(steps: try PreprocessStep.parse(steps)), searchFix: false).reading
                let polarity = try #require(reading.mismatches.first { $0.kind == .polarity }, "\(photo.path) through \(steps)")
                #expect(polarity.severity == .high && polarity.message.hasPrefix("dark ink on a light background"))
            }
        }
    }

    @Test(arguments: [("doctor/small.npz", Mismatch.Kind.size), ("doctor/shifted.npz", .position), ("doctor/sharp.npz", .sharpness)])
    func lettersThatDifferInOneWayAreNamedForIt(file: String, kind: Mismatch.Kind) throws {
        let doctor = try SeedDoctor.doctor()
        let rows = try SeedDoctor.rows(file)
        let named = try rows.filter { kinds(try SeedDoctor.read($0, doctor: doctor)).contains(kind) }.count
        #expect(Double(named) >= 0.9 * Double(rows.count), "\(kind) named for \(named) of \(rows.count) in \(file)")
    }

    @Test func heldOutLettersAreSeldomCalledMismatched() throws {
        let doctor = try SeedDoctor.doctor()
        let rows = try SeedDoctor.rows("letters/letters_sample.npz")
        let flagged = try rows.filter { row in try SeedDoctor.read(row, doctor: doctor).mismatches.contains { $0.severity != .low } }.count
        #expect(Double(flagged) <= 0.05 * Double(rows.count), "\(flagged) of \(rows.count) held-out letters have a medium or high mismatch")
    }

    @Test func theSuggestedPipelineReadsMostPhotosRight() throws {
        let doctor = try SeedDoctor.doctor()
        let options = InputOptions(steps: try PreprocessStep.parse(SeedDoctor.brokenPipeline))
        var right: [String] = []
        let photos = try SeedDoctor.photos()
        for photo in photos {
            let examination = try doctor.examine(photo.path, options: options)
            #expect(examination.reading.prediction.best.label != photo.letter, "the broken pipeline reads \(photo.letter)")
            let suggestion = try #require(examination.suggestion, "\(photo.path)")
            #expect(!suggestion.pipeline.contains("scale="), "the 0..255 range is restored: \(suggestion.pipeline)")
            #expect(!suggestion.reading.mismatches.contains { $0.kind == .polarity || $0.kind == .sharpness })
            #expect(suggestion.reading.ood.combined.score < examination.reading.ood.combined.score)
            if suggestion.reading.prediction.best.label == photo.letter { right.append(photo.letter) }
        }
        print("suggested pipelines read \(right.count) of \(photos.count) photos right: \(right.joined())")
        #expect(right.count * 3 >= photos.count * 2)
    }
}

/// `Fixtures/goldens/doctor_python.json`, written by `make_doctor.py check-python`:
/// the Python `doctor` printed for each fixture photo, run by Python, against
/// LayerLens's own model input through the same pipeline.
@Suite struct PythonPortTests {
    struct Golden: Decodable {
        struct Image: Decodable {
            let image: String
            let pipeline: String
            let python: String
            let max_abs_difference: Double
            let keras_prediction: String
        }
        let max_allowed: Double
        let images: [Image]
    }

    @Test func thePrintedPythonReproducesTheModelInputWithinAGreyLevel() throws {
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("goldens/doctor_python.json"))))
        let photoCount = try SeedDoctor.photos().count
        #expect(golden.max_allowed == 1 && golden.images.count == photoCount)
        let doctor = try SeedDoctor.doctor()
        let options = InputOptions(steps: try PreprocessStep.parse(SeedDoctor.brokenPipeline))
        for entry in golden.images {
            #expect(entry.max_abs_difference <= 1, "\(entry.image): \(entry.max_abs_difference)")
            // The golden holds what LayerLens prints today; a change to the search or the port must rerun the script.
            let suggestion = try #require(try doctor.examine(Fixtures.root.appendingPathComponent(entry.image).path, options: options).suggestion)
            #expect(suggestion.pipeline == entry.pipeline, "\(entry.image)")
            #expect(suggestion.python == entry.python, "\(entry.image): rerun Fixtures/make_doctor.py check-python")
            #expect(entry.keras_prediction == String(URL(fileURLWithPath: entry.image).lastPathComponent.dropFirst("photo_".count).prefix(1)))
        }
    }
}
