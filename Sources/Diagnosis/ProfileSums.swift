import CKernels
import COpenBLAS

/// The exact-over-every-sample part of a profile, summed in Double: each
/// layer's unit sums, squares and counts above 0, the input's per-element sums,
/// and the penultimate features' class sums and cross products. One per
/// worker; the workers' sums are added at the end.
struct ProfileSums {
    let layouts: [UnitLayout]
    let penultimate: Int
    let classes: Int
    let fullCovariance: Bool
    var count = 0
    var unitSums: [[Double]]
    var unitSquares: [[Double]]
    var positive: [[Int]]
    var inputSums: [Double]
    var inputSquares: [Double]
    var classSums: [Double]
    var classCounts: [Int]
    /// Σ f fᵀ of the penultimate features (lower triangle, row-major), or Σ f² per feature.
    var crossProducts: [Double]

    init(layouts: [UnitLayout], inputWidth: Int, penultimate: Int, classes: Int) {
        self.layouts = layouts
        self.penultimate = penultimate
        self.classes = classes
        let features = layouts[penultimate].units
        fullCovariance = features <= PenultimateProfile.fullCovarianceLimit
        unitSums = layouts.map { [Double](repeating: 0, count: $0.units) }
        unitSquares = unitSums
        positive = layouts.map { [Int](repeating: 0, count: $0.units) }
        inputSums = [Double](repeating: 0, count: inputWidth)
        inputSquares = inputSums
        classSums = [Double](repeating: 0, count: classes * features)
        classCounts = [Int](repeating: 0, count: classes)
        crossProducts = [Double](repeating: 0, count: fullCovariance ? features * features : features)
    }

    var features: Int { layouts[penultimate].units }

    /// Adds a chunk's unit values of `layer` (`batch × units`) and, for a map, its
    /// counts above 0 (a vector's are counted from the values).
    mutating func addLayer(_ layer: Int, values: [Float], positive counts: [Int]?, labels: [Int]) {
        let units = layouts[layer].units
        var scratch = [Int](repeating: 0, count: counts == nil ? 0 : units)
        if counts == nil {
            Self.accumulate(values, rows: labels.count, into: &unitSums[layer], &unitSquares[layer], &positive[layer])
        } else {
            Self.accumulate(values, rows: labels.count, into: &unitSums[layer], &unitSquares[layer], &scratch)
            for unit in 0..<units { positive[layer][unit] += counts![unit] }
        }
        guard layer == penultimate else { return }
        let asDouble = values.map(Double.init)
        for (sample, label) in labels.enumerated() where (0..<classes).contains(label) {
            classCounts[label] += 1
            for unit in 0..<units { classSums[label * units + unit] += asDouble[sample * units + unit] }
        }
        if fullCovariance {
            cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, Int32(units), Int32(labels.count), 1,
                        asDouble, Int32(units), 1, &crossProducts, Int32(units))
        } else {
            for (index, v) in asDouble.enumerated() { crossProducts[index % units] += v * v }
        }
    }

    /// Adds a chunk's model inputs (`batch × inputWidth`).
    mutating func addInputs(_ values: [Float], samples: Int) {
        var ignored = [Int](repeating: 0, count: inputSums.count)
        Self.accumulate(values, rows: samples, into: &inputSums, &inputSquares, &ignored)
        count += samples
    }

    /// Per column of `rows` rows: the sum, the sum of squares (in Double, row by
    /// row in order) and the count above 0, by eval's kernel.
    private static func accumulate(_ values: [Float], rows: Int, into sums: inout [Double], _ squares: inout [Double], _ positive: inout [Int]) {
        let units = sums.count
        sums.withUnsafeMutableBufferPointer { sums in
            squares.withUnsafeMutableBufferPointer { squares in
                positive.withUnsafeMutableBufferPointer { positive in
                    ll_accumulate_rows(values, rows, units, sums.baseAddress, squares.baseAddress, positive.baseAddress)
                }
            }
        }
    }

    /// Adds another worker's (or a part's) sums.
    mutating func absorb(_ other: ProfileSums) {
        count += other.count
        for layer in unitSums.indices {
            for unit in unitSums[layer].indices {
                unitSums[layer][unit] += other.unitSums[layer][unit]
                unitSquares[layer][unit] += other.unitSquares[layer][unit]
                // Saturating: a million parts of a trillion samples at a million positions pass Int.max.
                let (sum, overflow) = positive[layer][unit].addingReportingOverflow(other.positive[layer][unit])
                positive[layer][unit] = overflow ? .max : sum
            }
        }
        for i in inputSums.indices { inputSums[i] += other.inputSums[i]; inputSquares[i] += other.inputSquares[i] }
        for i in classSums.indices { classSums[i] += other.classSums[i] }
        for i in classCounts.indices { classCounts[i] += other.classCounts[i] }
        for i in crossProducts.indices { crossProducts[i] += other.crossProducts[i] }
    }

    /// The bytes one worker's sums take beside the unit sums: the class sums and cross products.
    static func bytes(features: Int, classes: Int) -> Int {
        (classes * features + (features <= PenultimateProfile.fullCovarianceLimit ? features * features : features)) * MemoryLayout<Double>.size
    }

    /// Mean and standard deviation from a sum and a sum of squares over `count`.
    func moments(_ sum: Double, _ squares: Double) -> (mean: Float, deviation: Float) {
        let n = Double(max(count, 1))
        let mean = sum / n
        return (Float(mean), Float(max(0, squares / n - mean * mean).squareRoot()))
    }

    /// The class means (`classes × features`) and the covariance shared by the
    /// classes: (Σ f fᵀ − Σ_c n_c μ_c μ_cᵀ) / n, full or its diagonal.
    func classGaussian() -> (means: [Float], covariance: [Float]) {
        let d = features
        var means = [Double](repeating: 0, count: classes * d)
        for c in 0..<classes where classCounts[c] > 0 {
            for i in 0..<d { means[c * d + i] = classSums[c * d + i] / Double(classCounts[c]) }
        }
        let n = Double(max(classCounts.reduce(0, +), 1))
        var covariance = crossProducts
        if fullCovariance {
            for i in 0..<d {
                for j in 0...i {
                    var between = 0.0
                    for c in 0..<classes where classCounts[c] > 0 { between += Double(classCounts[c]) * means[c * d + i] * means[c * d + j] }
                    let value = (crossProducts[i * d + j] - between) / n
                    covariance[i * d + j] = value
                    covariance[j * d + i] = value
                }
            }
        } else {
            for i in 0..<d {
                var between = 0.0
                for c in 0..<classes where classCounts[c] > 0 { between += Double(classCounts[c]) * means[c * d + i] * means[c * d + i] }
                covariance[i] = max(0, (crossProducts[i] - between) / n)
            }
        }
        return (means.map(Float.init), covariance.map(Float.init))
    }
}
