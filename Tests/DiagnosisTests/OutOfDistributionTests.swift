import Foundation
import LayerLens
import Testing
import TestSupport

/// The out-of-distribution scores over the held-out letters (in) against the
/// broken-pipeline letters, noise, scribbles and non-letter pictures (out).
@Suite struct OutOfDistributionTests {
    struct Group {
        let name: String
        let readings: [Reading]
    }

    func groups(_ doctor: Doctor) throws -> (inside: Group, outside: [Group]) {
        let letters = try SeedDoctor.rows("letters/letters_sample.npz")
        func read(_ rows: [[Float]]) throws -> [Reading] { try rows.map { try SeedDoctor.read($0, doctor: doctor) } }
        func oodRows(_ key: String) throws -> [[Float]] { try SeedDoctor.rows("doctor/ood.npz", key: key) }
        // The seed case's mistakes on letters of the data itself: 0..1 (scale=1/255), inverted (255 − x), both.
        let broken = letters.prefix(100).map { $0.map { $0 / 255 } } + letters.dropFirst(100).prefix(100).map { $0.map { 255 - $0 } }
            + letters.dropFirst(200).prefix(100).map { $0.map { 1 - $0 / 255 } }
        return (Group(name: "held-out letters", readings: try read(letters)),
                [Group(name: "broken pipeline", readings: try read(Array(broken))),
                 Group(name: "noise", readings: try read(try oodRows("noise"))),
                 Group(name: "scribble", readings: try read(try oodRows("scribble"))),
                 Group(name: "picture", readings: try read(try oodRows("picture")))])
    }

    @Test func theCombinedScoreSeparatesEveryGroupAndItsVerdictsAreRight() throws {
        let doctor = try SeedDoctor.doctor()
        let (inside, outside) = try groups(doctor)
        let scores: [(String, (Reading) -> Double)] = [
            ("mahalanobis", { $0.ood.mahalanobis.score }), ("energy", { $0.ood.energy.score }),
            ("max_softmax", { -$0.ood.maxSoftmax.score }), ("combined", { $0.ood.combined.score }),
        ]
        let allOutside = outside.flatMap(\.readings)
        var table: [String] = []
        for (name, score) in scores {
            let auroc = areaUnderROC(negatives: inside.readings.map(score), positives: allOutside.map(score))
            let perGroup = outside.map { group in
                String(format: "%@ %.3f", group.name, areaUnderROC(negatives: inside.readings.map(score), positives: group.readings.map(score)))
            }
            table.append(String(format: "%@: AUROC %.3f (%@)", name, auroc, perGroup.joined(separator: ", ")))
            if name == "combined" { #expect(auroc >= 0.95, "combined AUROC \(auroc)") }
        }
        let insideRight = Double(inside.readings.filter { $0.ood.verdict == .in }.count) / Double(inside.readings.count)
        table.append(String(format: "verdict in for %.1f%% of %@", insideRight * 100, inside.name))
        #expect(insideRight >= 0.8)
        for group in outside {
            let flagged = Double(group.readings.filter { $0.ood.verdict != .in }.count) / Double(group.readings.count)
            let out = Double(group.readings.filter { $0.ood.verdict == .out }.count) / Double(group.readings.count)
            table.append(String(format: "%@: %.1f%% suspicious or out (%.1f%% out)", group.name, flagged * 100, out * 100))
            #expect(flagged >= 0.8, "\(group.name): \(flagged)")
        }
        print(table.joined(separator: "\n"))
    }
}
