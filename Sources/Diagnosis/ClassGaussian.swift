import COpenBLAS
import Foundation

/// The class-conditional Gaussian with a shared covariance (Lee et al. 2018),
/// ready to score: the covariance's Cholesky factor L and the class means
/// whitened by it, so that a sample's squared Mahalanobis distance to every
/// class costs one triangular solve and one product.
struct ClassGaussian: Sendable {
    let features: Int
    /// Lower-triangular L with LLᵀ = Σ + εI, row-major (full covariance), or the
    /// square roots of the regularised variances (diagonal).
    private let factor: [Double]
    private let isDiagonal: Bool
    /// L⁻¹μ for each class with samples, `classes × features`.
    private let whitenedMeans: [Double]
    private let meanNorms: [Double]

    /// From the profile's penultimate Gaussian. The covariance is regularised by
    /// 10⁻⁴ of its mean variance (plus 10⁻¹²), so that units that never vary in
    /// the data (dead ReLUs) do not make it singular.
    init(_ profile: PenultimateProfile, features: Int) {
        self.features = features
        let n = features
        isDiagonal = profile.covariance.count != n * n
        let covariance = profile.covariance.map(Double.init)
        let diagonal = isDiagonal ? covariance : (0..<n).map { covariance[$0 * n + $0] }
        let ridge = 1e-4 * diagonal.reduce(0, +) / Double(max(n, 1)) + 1e-12
        if isDiagonal {
            factor = diagonal.map { ($0 + ridge).squareRoot() }
        } else {
            var matrix = covariance
            for i in 0..<n { matrix[i * n + i] += ridge }
            factor = Self.cholesky(matrix, n)
        }
        var whitened: [Double] = [], norms: [Double] = []
        for (c, count) in profile.classCounts.enumerated() where count > 0 {
            let mean = (0..<n).map { Double(profile.classMeans[c * n + $0]) }
            let w = Self.solve(factor, mean, n: n, diagonal: isDiagonal)
            whitened += w
            norms.append(w.reduce(0) { $0 + $1 * $1 })
        }
        whitenedMeans = whitened
        meanNorms = norms
    }

    /// The smallest squared Mahalanobis distance from `sample` to a class mean.
    /// Infinite for non-finite features, or when a damaged covariance makes the result so.
    func minimumDistance(_ sample: some Collection<Float>) -> Double {
        guard sample.allSatisfy(\.isFinite) else { return .infinity }
        let y = Self.solve(factor, sample.map(Double.init), n: features, diagonal: isDiagonal)
        let norm = y.reduce(0) { $0 + $1 * $1 }
        var best = Double.infinity
        for c in meanNorms.indices {
            var dot = 0.0
            for i in 0..<features { dot += y[i] * whitenedMeans[c * features + i] }
            best = min(best, max(0, norm - 2 * dot + meanNorms[c]))
        }
        return best.isFinite ? best : .infinity
    }

    /// L⁻¹v.
    private static func solve(_ factor: [Double], _ v: [Double], n: Int, diagonal: Bool) -> [Double] {
        guard !diagonal else { return zip(v, factor).map { $0 / $1 } }
        var x = v
        factor.withUnsafeBufferPointer { l in
            cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), l.baseAddress, Int32(n), &x, 1)
        }
        return x
    }

    /// The Cholesky factor of a symmetric positive-definite `n × n` matrix, row-major.
    /// Written here because LAPACK's dpotrf, though inside Debian's OpenBLAS, drags
    /// the Fortran runtime into a static link; the profile needs it once, for at
    /// most `fullCovarianceLimit` features. A pivot that rounding makes non-positive
    /// is clamped to the smallest positive one seen, so a nearly singular matrix still factors.
    static func cholesky(_ matrix: [Double], _ n: Int) -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        var smallestPivot = Double.greatestFiniteMagnitude
        for j in 0..<n {
            var pivot = matrix[j * n + j]
            for k in 0..<j { pivot -= l[j * n + k] * l[j * n + k] }
            if !(pivot > 0) { pivot = smallestPivot == .greatestFiniteMagnitude ? 1e-12 : smallestPivot }
            smallestPivot = min(smallestPivot, pivot)
            let root = pivot.squareRoot()
            l[j * n + j] = root
            for i in (j + 1)..<max(j + 1, n) {
                var sum = matrix[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = sum / root
            }
        }
        return l
    }
}
