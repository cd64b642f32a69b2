import Foundation
import ModelGraph

/// Every layer's statistics of a whole evaluation, added to by all workers at
/// once: each output is summed outside any lock, then added to its layer's exact
/// totals under that layer's own lock. One copy of the totals for the run
/// instead of one per worker: for a model with many classes and wide layers the
/// per-class sums are the largest thing an evaluation holds (up to a quarter of
/// the budget, `Evaluation.classSumShare`). The totals are exact, so the order of adding does not matter.
final class LayerTotals: @unchecked Sendable {
    private(set) var layers: [LayerStatistics]
    private let locks: [NSLock]

    init(_ layers: [LayerStatistics]) {
        self.layers = layers
        locks = layers.map { _ in NSLock() }
    }

    /// Adds layer `index`'s output for samples labelled `labels`.
    func add(_ index: Int, output: Tensor, labels: [Int]) {
        let batch = layers[index].sums(of: output, labels: labels)
        locks[index].withLock { layers[index].add(batch, labels: labels) }
    }
}
