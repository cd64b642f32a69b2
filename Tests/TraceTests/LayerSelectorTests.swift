import Foundation
import LayerLens
import Testing
import TestSupport

/// `--layers` selectors on the residual fixture, whose 12 nodes are, in order:
/// scale, conv_a, conv_b, residual, residual_relu, pool, side, joined, flat, gap, letters, ink.
@Suite struct LayerSelectorTests {
    let model = try! loadModel(at: Fixtures.path("models/residual_k3.keras"))

    /// The names of the nodes `text` selects.
    func selected(_ text: String) throws -> [String] {
        try LayerSelector(parsing: text).select(in: model).nodeIndexes.map { model.nodes[$0].name }
    }

    /// The error parsing and selecting `text` throws, or nil.
    func failure(_ text: String) -> LayerSelectorError? {
        do {
            _ = try LayerSelector(parsing: text).select(in: model)
            return nil
        } catch {
            return error as? LayerSelectorError
        }
    }

    @Test func namesAndGlobs() throws {
        #expect(try selected("pool") == ["pool"])
        #expect(try selected("conv_*") == ["conv_a", "conv_b"])
        #expect(try selected("residual*") == ["residual", "residual_relu"])
        #expect(try selected("conv_?") == ["conv_a", "conv_b"])
        #expect(try selected("*a*e*") == ["scale", "residual_relu"])  // a star that must give back characters
        #expect(try selected("*") == model.nodes.map(\.name))
        #expect(failure("conv") == .unmatchedTerm(term: "conv", nodeCount: 12))  // a plain name is exact, not a prefix
        #expect(failure("conv_??") == .unmatchedTerm(term: "conv_??", nodeCount: 12))
    }

    @Test func rangesAreEndExclusivePythonSlices() throws {
        #expect(try selected("1:3") == ["conv_a", "conv_b"])
        #expect(try selected(":2") == ["scale", "conv_a"])
        #expect(try selected("10:") == ["letters", "ink"])
        #expect(try selected("-2:") == ["letters", "ink"])
        #expect(try selected("-3:-1") == ["gap", "letters"])
        #expect(try selected(":") == model.nodes.map(\.name))
        #expect(try selected("-100:2") == ["scale", "conv_a"])  // bounds clamp as in Python
        #expect(try selected("10:100") == ["letters", "ink"])
        #expect(failure("5:5") == .unmatchedTerm(term: "5:5", nodeCount: 12))
        #expect(failure("12:") == .unmatchedTerm(term: "12:", nodeCount: 12))
    }

    @Test func singleIndexes() throws {
        #expect(try selected("0") == ["scale"])
        #expect(try selected("11") == ["ink"])
        #expect(try selected("-1") == ["ink"])
        #expect(failure("12") == .unmatchedTerm(term: "12", nodeCount: 12))
        #expect(failure("-13") == .unmatchedTerm(term: "-13", nodeCount: 12))
    }

    @Test func classesAndLast() throws {
        #expect(try selected("class:Conv2D") == ["conv_a", "conv_b", "side"])
        #expect(try selected("class:*Pooling2D") == ["pool", "gap"])
        #expect(try selected("last:3") == ["gap", "letters", "ink"])
        #expect(try selected("last:500") == model.nodes.map(\.name))
        #expect(failure("class:conv2d") == .unmatchedTerm(term: "class:conv2d", nodeCount: 12))  // classes are case-sensitive
    }

    @Test func selectionKeepsModelOrderOnceEach() throws {
        #expect(try selected("ink, conv_*, 1, class:Conv2D, 0") == ["scale", "conv_a", "conv_b", "side", "ink"])
        let selection = try LayerSelector(parsing: " last:2,letters ").select(in: model)
        #expect(selection.nodeIndexes == [10, 11])
        #expect(selection.description == "last:2,letters (2 of 12)")
    }

    @Test func aTermMatchingNothingIsNamedEvenBesideOthersThatMatch() {
        #expect(failure("conv_*,nope_*,pool") == .unmatchedTerm(term: "nope_*", nodeCount: 12))
        #expect(failure("class:Conv3D") == .unmatchedTerm(term: "class:Conv3D", nodeCount: 12))
    }

    @Test func malformedTermsAreNamed() {
        #expect(failure("") == .emptyTerm(position: 1))
        #expect(failure("pool,,gap") == .emptyTerm(position: 2))
        #expect(failure("pool, ") == .emptyTerm(position: 2))
        for term in ["1:2:3", "a:b", "1:x", "-:", "1.5:2"] {
            guard case let .malformedTerm(named, _) = failure("pool," + term) else {
                Issue.record("\(term) was not refused as malformed")
                continue
            }
            #expect(named == term)
        }
        for term in ["last:x", "last:", "last:0", "last:-3", "class:"] {
            guard case let .malformedTerm(named, _) = failure(term) else {
                Issue.record("\(term) was not refused as malformed")
                continue
            }
            #expect(named == term)
        }
    }

    @Test func hugeNumbersAreRefusedOrClampedNeverTrap() throws {
        let huge = "99999999999999999999"
        #expect(failure(huge) == .numberOutOfRange(term: huge, number: huge))
        #expect(failure("last:" + huge) == .numberOutOfRange(term: "last:" + huge, number: huge))
        #expect(failure("-\(huge):") == .numberOutOfRange(term: "-\(huge):", number: "-" + huge))
        #expect(failure("0:" + huge) == .numberOutOfRange(term: "0:" + huge, number: huge))
        // The extremes of Int itself clamp like any other bound.
        #expect(try selected("\(Int.min):2") == ["scale", "conv_a"])
        #expect(try selected("10:\(Int.max)") == ["letters", "ink"])
        #expect(try selected("last:\(Int.max)").count == 12)
        #expect(failure("\(Int.min)") == .unmatchedTerm(term: "\(Int.min)", nodeCount: 12))
        #expect(failure("\(Int.max)") == .unmatchedTerm(term: "\(Int.max)", nodeCount: 12))
    }

    @Test func deepApplicationByBlock() throws {
        let resnet = try loadModel(at: Fixtures.path("applications/resnet50_k3.keras"))
        let selection = try LayerSelector(parsing: "conv5_*").select(in: resnet)
        let expected = resnet.nodes.indices.filter { resnet.nodes[$0].name.hasPrefix("conv5_") }
        #expect(!expected.isEmpty)
        #expect(selection.nodeIndexes == expected)
        #expect(selection.description == "conv5_* (\(expected.count) of \(resnet.nodes.count))")
    }
}
