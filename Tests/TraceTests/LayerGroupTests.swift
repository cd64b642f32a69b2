import Foundation
import LayerLens
import Testing
import TestSupport

/// How reports group a model's layers: by nested model, Keras block prefix,
/// named stage, or spatial stage for unnamed stretches.
@Suite struct LayerGroupTests {
    func groups(_ fixture: String) throws -> (model: Model, groups: [LayerGroup]) {
        let model = try loadModel(at: Fixtures.path("applications/" + fixture))
        return (model, model.layerGroups)
    }

    /// Every node in exactly one group, in model order.
    func expectPartition(_ model: Model, _ groups: [LayerGroup]) {
        #expect(groups.flatMap { Array($0.nodes) } == Array(model.nodes.indices))
    }

    @Test func resNetBlocksByPrefix() throws {
        let (model, groups) = try groups("resnet50_k3.keras")
        expectPartition(model, groups)
        #expect(groups.map(\.title) == ["conv1", "pool1", "conv2_block1", "conv2_block2", "conv3_block1", "conv4_block1", "conv5_block1", "vectors"])
        #expect(groups.map(\.isNamed) == [true, true, true, true, true, true, true, false])
        let block = groups[2]
        #expect(block.nodes.map { block.shortName(of: model.nodes[$0].name) }.prefix(3) == ["1_conv", "1_bn", "1_relu"])
        #expect(groups.last!.shortName(of: "avg_pool") == "avg_pool")  // unnamed groups keep whole names
    }

    @Test func bareBlockTakesItsNumber() throws {
        let (model, groups) = try groups("mobilenetv2_tf2.h5")
        expectPartition(model, groups)
        #expect(groups.map(\.title).contains("block_1"))
        #expect(groups.map(\.title).contains("block_16"))
        #expect(!groups.map(\.title).contains("block"))
    }

    @Test func nestedModelIsOneGroup() throws {
        let (model, groups) = try groups("transfer_mobilenetv2_k3.keras")
        expectPartition(model, groups)
        #expect(groups.count == 3)
        #expect(groups[1].title == "mobilenetv2_0.35_32" && groups[1].isNamed)
        #expect(groups[1].shortName(of: model.nodes[groups[1].nodes.first!].name) == "Conv1")
    }

    @Test func unnamedLayersFormSpatialStages() throws {
        // NASNet's cells carry no block names; padding and skip inputs at the
        // previous size must not split a stage.
        let (model, groups) = try groups("nasnetmobile_k3.keras")
        expectPartition(model, groups)
        #expect(groups.map(\.title) == ["stem", "15×15", "8×8", "4×4", "2×2", "1×1", "vectors"])
        #expect(groups.allSatisfy { $0.nodes.count >= 2 })
    }
}
