import Foundation
import Testing
@testable import Diagnosis

@Suite struct QuantileTableTests {
    /// 0, 1, …, 100: the quantile at p is 100·p exactly, by NumPy's linear rule.
    let table = QuantileTable(samples: (0...100).map(Double.init).shuffled())

    @Test func quantilesFollowNumPysLinearRule() {
        for p in [0, 0.001, 0.005, 0.01, 0.37, 0.5, 0.995, 0.999, 1] {
            #expect(abs(table.quantile(p) - 100 * p) < 1e-9, "p = \(p)")
        }
        // Two samples: the median is their mean.
        #expect(QuantileTable(samples: [2, 4]).median == 3)
    }

    @Test func percentileInvertsTheQuantiles() {
        for value in [0.0, 12.5, 50, 99.2] { #expect(abs(table.percentile(value) - value / 100) < 1e-9) }
        #expect(table.percentile(-1) == 0)
        #expect(table.percentile(101) == 1)
        // A run of equal values counts half below.
        #expect(QuantileTable(samples: [Double](repeating: 7, count: 10)).percentile(7) == 0.5)
    }

    @Test func tailsFallOnTheirSideAndKeepFallingBeyondTheData() {
        #expect(abs(table.tailProbability(90, side: .upper) - 0.1) < 1e-9)
        #expect(abs(table.tailProbability(10, side: .lower) - 0.1) < 1e-9)
        #expect(abs(table.tailProbability(10, side: .both) - 0.2) < 1e-9)
        #expect(table.tailProbability(10, side: .upper) > 0.8)
        // Inside the data never below 1/(n+1); past it, lower the further out.
        let resolution = 1.0 / 102
        #expect(table.tailProbability(100, side: .upper) == resolution)
        let justOut = table.tailProbability(110, side: .upper), farOut = table.tailProbability(500, side: .upper)
        #expect(justOut < resolution && farOut < justOut && farOut > 0)
        #expect(table.tailProbability(-400, side: .both) < table.tailProbability(-10, side: .both))
    }

    @Test func toleranceKeepsSmallDifferencesFromAConstantMeasureOrdinary() {
        let constant = QuantileTable(samples: [Double](repeating: 0, count: 1000), tolerance: 0.02)
        #expect(constant.tailProbability(0.01, side: .both) == 1)
        #expect(constant.tailProbability(0.5, side: .both) < 1e-6)
        #expect(QuantileTable(samples: [Double](repeating: 0, count: 1000)).tailProbability(0.01, side: .both) < 0.01)
    }

    @Test func validityRejectsTablesThatCannotBeRead() throws {
        #expect(table.isValid)
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(table)) as! [String: Any]
        json["values"] = Array((json["values"] as! [Double]).reversed())
        let reversed = try JSONDecoder().decode(QuantileTable.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(!reversed.isValid)
        json["values"] = [1.0, 2.0]
        #expect(try !JSONDecoder().decode(QuantileTable.self, from: JSONSerialization.data(withJSONObject: json)).isValid)
    }
}
