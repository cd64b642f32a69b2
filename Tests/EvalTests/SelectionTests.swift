import Foundation
import LayerLens
import Testing
import TestSupport

@Suite struct SelectionTests {
    let data = Fixtures.path("letters/letters_sample.csv")

    /// The sample's labels as NumPy read them.
    func labels() throws -> [Int] {
        try #require(try NumPyFile.readArchive(Fixtures.path("letters/letters_sample.npz"))["y"]?.integers)
    }

    /// How many samples of each class the confusion matrix holds.
    func support(_ statistics: EvalStatistics) -> [Int] {
        (0..<26).map { truth in (0..<26).reduce(0) { $0 + statistics.confusion[truth * 26 + $1] } }
    }

    @Test func limitTakesTheFirstSamples() throws {
        var options = EvalOptions()
        options.limit = 100
        options.batchSize = 64
        let statistics = try evaluate("models/seed_tf2.h5", data, options: options)
        #expect(statistics.count == 100)
        let expected = try labels().prefix(100).reduce(into: Array(repeating: 0, count: 26)) { $0[$1] += 1 }
        #expect(support(statistics) == expected)
        #expect(statistics.gallery.allSatisfy { $0.sampleID <= 100 })  // CSV lines 1...100
    }

    @Test func sampleIsReproducibleFromItsSeed() throws {
        func sampled(seed: UInt64) throws -> EvalStatistics {
            var options = EvalOptions()
            options.sample = 300
            options.seed = seed
            return try evaluate("models/seed_tf2.h5", data, options: options)
        }
        let first = try sampled(seed: 7), again = try sampled(seed: 7), other = try sampled(seed: 8)
        #expect(first.count == 300)
        #expect(first == again)
        #expect(support(first) != support(other))
        #expect(first.gallery.map(\.sampleID) == first.gallery.map(\.sampleID).sorted())
        // A sample larger than the data is the whole data.
        var options = EvalOptions()
        options.sample = 5000
        let whole = try evaluate("models/seed_tf2.h5", data, options: options)
        #expect(support(whole) == Array(repeating: 50, count: 26))
    }
}
