import Foundation
import ModelGraph

/// How one layer's output changes from input A to input B.
///
/// Degenerate cases, defined rather than left as NaN:
/// - `relativeL2` is ‖B − A‖ / ‖A‖; when A is the zero vector it is 0 if B is too, else nil (undefined).
/// - `cosine` is A·B / (‖A‖ ‖B‖); 1 when both are zero vectors, 0 when exactly one is.
/// - `pearson` is nil when A or B is constant (no variation to correlate).
/// - `switchedOn` / `switchedOff` count units that go from ≤ 0 to > 0 and back;
///   nil for layers that are not ReLU-family (their outputs are not on/off).
public struct LayerDifference: Sendable {
    /// One unit among the largest changes.
    public struct UnitChange: Sendable, Equatable {
        public let unit: Int
        /// Its cell in the report's square layout.
        public let row: Int
        public let column: Int
        public let a: Float
        public let b: Float
        public var delta: Float { b - a }
    }

    public let index: Int
    public let name: String
    public let className: String
    public let activation: String?
    public let l2: Double
    public let relativeL2: Double?
    public let cosine: Double
    public let pearson: Double?
    public let maxAbsDelta: Double
    public let switchedOn: Int?
    public let switchedOff: Int?
    /// The units with the largest |B − A|, largest first (ties by unit index).
    public let topChanges: [UnitChange]

    /// Compares one sample's output of `model`'s node `index` under two inputs.
    public init(model: Model, node index: Int, a: [Float], b: [Float], topCount: Int) {
        let node = model.nodes[index]
        self.init(index: index, name: node.name, className: node.typeName, activation: node.layer.activation?.name,
                  isReLUFamily: node.layer.activation?.isReLUFamily ?? false, sampleShape: node.outputShape, a: a, b: b, topCount: topCount)
    }

    /// Compares one sample's output of a layer under two inputs (same shape),
    /// accumulating in Double.
    public init(index: Int, name: String, className: String, activation: String?, isReLUFamily: Bool,
                sampleShape: [Int], a: [Float], b: [Float], topCount: Int) {
        precondition(a.count == b.count, "layer outputs of different sizes")
        self.index = index
        self.name = name
        self.className = className
        self.activation = activation
        var deltaSquared = 0.0, aSquared = 0.0, bSquared = 0.0, dot = 0.0, largest = 0.0
        var sumA = 0.0, sumB = 0.0
        for i in a.indices {
            let x = Double(a[i]), y = Double(b[i])
            deltaSquared += (y - x) * (y - x)
            aSquared += x * x
            bSquared += y * y
            dot += x * y
            largest = max(largest, abs(y - x))
            sumA += x
            sumB += y
        }
        l2 = deltaSquared.squareRoot()
        let normA = aSquared.squareRoot(), normB = bSquared.squareRoot()
        relativeL2 = normA > 0 ? l2 / normA : (l2 == 0 ? 0 : nil)
        if normA > 0, normB > 0 { cosine = dot / (normA * normB) } else { cosine = normA == normB ? 1 : 0 }
        let count = Double(max(a.count, 1))
        let meanA = sumA / count, meanB = sumB / count
        var covariance = 0.0, varianceA = 0.0, varianceB = 0.0
        for i in a.indices {
            let x = Double(a[i]) - meanA, y = Double(b[i]) - meanB
            covariance += x * y
            varianceA += x * x
            varianceB += y * y
        }
        pearson = varianceA > 0 && varianceB > 0 ? covariance / (varianceA * varianceB).squareRoot() : nil
        maxAbsDelta = largest
        if isReLUFamily {
            switchedOn = a.indices.filter { a[$0] <= 0 && b[$0] > 0 }.count
            switchedOff = a.indices.filter { a[$0] > 0 && b[$0] <= 0 }.count
        } else {
            switchedOn = nil
            switchedOff = nil
        }
        let layout = GridLayout(sampleShape: sampleShape)
        // The largest changes by one pass keeping the best few in order (a full
        // sort of a 3-million-unit layer took seconds); ties go to the lower unit.
        var largestUnits: [Int] = []
        let keep = max(topCount, 0)
        for unit in a.indices where keep > 0 {
            let change = abs(b[unit] - a[unit])
            guard largestUnits.count < keep || change > abs(b[largestUnits[keep - 1]] - a[largestUnits[keep - 1]]) else { continue }
            let position = largestUnits.firstIndex { change > abs(b[$0] - a[$0]) } ?? largestUnits.count
            largestUnits.insert(unit, at: position)
            if largestUnits.count > keep { largestUnits.removeLast() }
        }
        topChanges = largestUnits
            .map { unit in
                let (row, column) = layout.position(of: unit)
                return UnitChange(unit: unit, row: row, column: column, a: a[unit], b: b[unit])
            }
    }
}
