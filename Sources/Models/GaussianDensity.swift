#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// A multivariate Gaussian N(μ, Σ) held through its Cholesky factor Σ = L·Lᵀ —
/// the shared piece of LDA, QDA and the joint-Gaussian regression.
///
/// - log density: log N(x; μ, Σ) = −(d/2) log 2π − Σᵢ log Lᵢᵢ − ½‖z‖²,
///   where L·z = x − μ (a triangular solve, `dtrtrs`), since
///   (x − μ)ᵀΣ⁻¹(x − μ) = ‖L⁻¹(x − μ)‖² and log det Σ = 2 Σᵢ log Lᵢᵢ;
/// - sampling: x = μ + L·z with z ~ N(0, I), so Cov(x) = L·I·Lᵀ = Σ.
/// Reference: Bishop (2006) §2.3; Golub & Van Loan, *Matrix Computations*, §4.2.
public struct GaussianDensity: Sendable, Codable, Equatable {
    public let mean: [Double]
    public let covariance: Matrix
    /// Lower-triangular L with Σ = L·Lᵀ.
    public let cholesky: Matrix
    /// −(d/2) log 2π − ½ log det Σ.
    public let logNormaliser: Double

    public var dimension: Int { mean.count }

    /// Factorises Σ; throws `LinearAlgebraError.notPositiveDefinite` when it is not.
    public init(mean: [Double], covariance: Matrix) throws {
        precondition(covariance.rows == mean.count && covariance.cols == mean.count,
                     "GaussianDensity: covariance must be \(mean.count) × \(mean.count)")
        let l = try LAPACK.cholesky(covariance)
        self.init(mean: mean, covariance: covariance, cholesky: l)
    }

    /// The same covariance (and factor) around another mean, with no new factorisation.
    public init(mean: [Double], sharingCovarianceOf other: GaussianDensity) {
        precondition(mean.count == other.dimension, "GaussianDensity: mean has the wrong length")
        self.init(mean: mean, covariance: other.covariance, cholesky: other.cholesky)
    }

    private init(mean: [Double], covariance: Matrix, cholesky l: Matrix) {
        self.mean = mean
        self.covariance = covariance
        self.cholesky = l
        let d = mean.count
        var logDetHalf = 0.0
        for i in 0..<d { logDetHalf += log(l[i, i]) }
        logNormaliser = -0.5 * Double(d) * log(2 * Double.pi) - logDetHalf
    }

    /// (x − μ)ᵀ Σ⁻¹ (x − μ) for every row of `x`.
    public func mahalanobisSquared(_ x: Matrix) -> [Double] {
        precondition(x.cols == dimension, "GaussianDensity: expected \(dimension) columns, got \(x.cols)")
        let n = x.rows, d = dimension
        // D = (X − μ)ᵀ, d × n, so one triangular solve handles every row at once.
        var centred = Matrix(rows: d, cols: n)
        for i in 0..<n { for j in 0..<d { centred.data[j * n + i] = x.data[i * d + j] - mean[j] } }
        let z: Matrix
        do {
            z = try LAPACK.solveTriangular(cholesky, centred, lower: true)
        } catch {
            // A Cholesky factor from dpotrf has a positive diagonal, so this cannot happen.
            preconditionFailure("GaussianDensity: triangular solve failed on a Cholesky factor: \(error)")
        }
        var out = [Double](repeating: 0, count: n)
        for j in 0..<d {
            let base = j * n
            for i in 0..<n { let v = z.data[base + i]; out[i] += v * v }
        }
        return out
    }

    /// log N(x; μ, Σ) for every row of `x`.
    public func logDensity(_ x: Matrix) -> [Double] {
        mahalanobisSquared(x).map { logNormaliser - 0.5 * $0 }
    }

    /// `n` independent draws μ + L·z, one per row.
    public func sample(_ n: Int, using rng: inout SeededRandom) -> Matrix {
        let d = dimension
        let z = Matrix(rows: n, cols: d, data: (0..<(n * d)).map { _ in rng.normal() })
        var x = BLAS.multiply(z, cholesky, transB: true)   // row i: (L zᵢ)ᵀ
        for i in 0..<n { for j in 0..<d { x.data[i * d + j] += mean[j] } }
        return x
    }

    /// Column means and the scatter matrix Σᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ (BLAS `gemm`);
    /// divide the scatter by n for the maximum-likelihood covariance.
    public static func meanAndScatter(_ x: Matrix) -> (mean: [Double], scatter: Matrix) {
        let mean = x.columnMeans()
        var centred = x
        for i in 0..<x.rows { for j in 0..<x.cols { centred.data[i * x.cols + j] -= mean[j] } }
        var scatter = BLAS.multiply(centred, transA: true, centred)
        // Exact symmetry, whatever order gemm summed in.
        for i in 0..<x.cols { for j in 0..<i { scatter[j, i] = scatter[i, j] } }
        return (mean, scatter)
    }

    /// λ_min / λ_max of a symmetric positive semi-definite matrix (0 when it is zero
    /// or the eigen-solver fails): the test every model here uses to call a
    /// covariance singular before trusting its Cholesky factor.
    public static func conditionRatio(_ s: Matrix) -> Double {
        guard s.rows > 0, let e = try? LAPACK.symmetricEigen(s), let top = e.values.last, top > 0 else { return 0 }
        return max(e.values[0], 0) / top
    }

    /// Below this λ_min/λ_max a covariance is treated as singular: its inverse
    /// would amplify rounding by more than 10¹⁰.
    public static let singularRatio = 1e-10
}
