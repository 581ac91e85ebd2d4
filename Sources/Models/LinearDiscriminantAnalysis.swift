#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Linear discriminant analysis — Gaussian classes that share one covariance.
///
/// The generative model: p(y = k) = π_k = n_k / n and
///   p(x | y = k) = N(x; μ_k, Σ),
/// with μ_k the class mean and Σ the pooled within-class covariance
///   Σ = Σ_k π_k S_k = (1/n) Σ_k Σ_{i: yᵢ=k} (xᵢ − μ_k)(xᵢ − μ_k)ᵀ,
/// S_k the class's maximum-likelihood (divide-by-n_k) covariance. This is
/// exactly scikit-learn's `covariance_` for the 'lsqr' and 'eigen' solvers
/// (`_class_cov`: priors-weighted `empirical_covariance`, so the divisor is n,
/// not n − K). scikit-learn's default 'svd' solver instead scales the
/// within-class scatter by 1/(n − K); that multiplies Σ⁻¹ by (n − K)/n, which
/// moves the boundary slightly towards the prior-only decision and changes
/// nothing else. With `shrinkage` s ∈ [0, 1] each S_k becomes
/// (1 − s)·S_k + s·(tr S_k / d)·I, as scikit-learn's `shrunk_covariance`.
///
/// Because Σ is shared, the quadratic term xᵀΣ⁻¹x is the same for every class
/// and cancels in Bayes' rule: log p(x|k) + log π_k = w_kᵀx + b_k + const, with
///   w_k = Σ⁻¹ μ_k,   b_k = −½ μ_kᵀ Σ⁻¹ μ_k + log π_k,
/// so every boundary {w_kᵀx + b_k = w_jᵀx + b_j} is a hyperplane
/// (`boundaryCoefficients`; scikit-learn's `coef_`/`intercept_`, which for two
/// classes keeps only the difference of the two rows); `predictProba` is the
/// softmax of these scores. Densities use a Cholesky factor of Σ
/// (`GaussianDensity`); samples are μ_k + L·z.
/// Reference: Hastie, Tibshirani & Friedman, ESL §4.3; Bishop (2006) §4.2.2.
public struct LinearDiscriminantAnalysis: GenerativeClassifier {
    public static let kind = "lda"
    public static let displayName = "Linear discriminant analysis"

    /// scikit-learn's float `shrinkage` (0 = none).
    public var shrinkage: Double

    /// Class means, K × d (zero rows for classes absent from the training set).
    public private(set) var means = Matrix(rows: 0, cols: 0)
    /// The shared covariance Σ (shrinkage included), d × d.
    public private(set) var covariance = Matrix(rows: 0, cols: 0)
    public private(set) var priors: [Double] = []
    public private(set) var classCount = 0
    /// N(μ_k, Σ) per class, all sharing one Cholesky factor.
    public private(set) var densities: [GaussianDensity] = []

    public init(shrinkage: Double = 0) {
        self.shrinkage = shrinkage
    }

    public init(settings s: Settings) throws {
        try s.allow(["shrinkage"])
        self.init(shrinkage: try s.number("shrinkage", default: 0, in: 0...1))
    }

    public var settings: [String: SettingValue] {
        ["shrinkage": .number(shrinkage), "covariance": .text("pooled, divided by n (scikit-learn lsqr/eigen)")]
    }
    public var boundaryShape: String { "linear boundary (shared covariance)" }
    public var logPriors: [Double] { priors.map { log($0) } }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        let name = Self.displayName
        try FitChecks.validate(x, y, classCount: classCount, model: name)
        guard (0...1).contains(shrinkage) else {
            throw ModelError(model: name, "shrinkage must lie in [0, 1], got \(shrinkage)")
        }
        let n = x.rows, d = x.cols
        var means = Matrix(rows: classCount, cols: d)
        var pooled = Matrix(rows: d, cols: d)
        var priors = [Double](repeating: 0, count: classCount)
        var constantInEveryClass = [Bool](repeating: true, count: d)
        for k in 0..<classCount {
            let idx = y.indices.filter { y[$0] == k }
            guard !idx.isEmpty else { continue }
            let nk = Double(idx.count)
            priors[k] = nk / Double(n)
            let (m, scatter) = GaussianDensity.meanAndScatter(x.rows(idx))
            for j in 0..<d {
                means[k, j] = m[j]
                if scatter[j, j] > 0 { constantInEveryClass[j] = false }
            }
            // π_k · shrunk(S_k), S_k = scatter / n_k.
            var trace = 0.0
            for j in 0..<d { trace += scatter[j, j] / nk }
            for a in 0..<d {
                for b in 0..<d {
                    var s = (1 - shrinkage) * scatter[a, b] / nk
                    if a == b { s += shrinkage * trace / Double(d) }
                    pooled[a, b] += priors[k] * s
                }
            }
        }
        guard GaussianDensity.conditionRatio(pooled) > GaussianDensity.singularRatio,
              let shared = try? GaussianDensity(mean: [Double](repeating: 0, count: d), covariance: pooled)
        else {
            let why: String
            if let j = constantInEveryClass.firstIndex(of: true) {
                why = "feature \(j + 1) is constant within every class"
            } else if n - Set(y).count < d {
                why = "there are \(d) features but only \(n) rows in \(Set(y).count) classes"
            } else {
                why = "some features are (nearly) linear combinations of others"
            }
            throw ModelError(model: name,
                             "the shared within-class covariance is singular (\(why)); raise shrinkage (e.g. 0.1) or drop the redundant features")
        }
        self.classCount = classCount
        self.means = means
        self.covariance = pooled
        self.priors = priors
        self.densities = (0..<classCount).map { GaussianDensity(mean: means.row($0), sharingCovarianceOf: shared) }
    }

    /// The linear scores' coefficients: w_k = Σ⁻¹μ_k (row k of `weights`, K × d) and
    /// b_k = −½ μ_kᵀΣ⁻¹μ_k + log π_k, so that log p(x, y = k) = w_kᵀx + b_k − ½xᵀΣ⁻¹x + const.
    /// (b_k = −∞ for a class absent from the training set.)
    public var boundaryCoefficients: (weights: Matrix, intercepts: [Double]) {
        let d = means.cols
        guard let shared = densities.first else { return (Matrix(rows: 0, cols: 0), []) }
        // Σ⁻¹Mᵀ through the Cholesky factor: L·Lᵀ·W = Mᵀ.
        let mt = means.transposed
        guard let half = try? LAPACK.solveTriangular(shared.cholesky, mt, lower: true),
              let wt = try? LAPACK.solveTriangular(shared.cholesky, half, lower: true, transpose: true)
        else { preconditionFailure("LDA: a Cholesky factor with a positive diagonal failed a triangular solve") }
        let weights = wt.transposed
        let intercepts = (0..<classCount).map { k -> Double in
            var q = 0.0
            for j in 0..<d { q += means[k, j] * weights[k, j] }
            return -0.5 * q + log(priors[k])
        }
        return (weights, intercepts)
    }

    /// The linear scores w_kᵀx + b_k (n × K): the joint log-likelihood up to a term
    /// shared by all classes.
    public func decisionFunction(_ x: Matrix) -> Matrix {
        let (w, b) = boundaryCoefficients
        var z = BLAS.multiply(x, w, transB: true)
        for i in 0..<z.rows { for k in 0..<z.cols { z[i, k] += b[k] } }
        return z
    }

    /// P(y | x) = softmax of the linear scores — Bayes' rule with the shared
    /// −½xᵀΣ⁻¹x cancelled, so no far-away point can overflow the quadratic form.
    public func predictProba(_ x: Matrix) -> Matrix {
        Special.softmaxRows(decisionFunction(x))
    }

    public func classLogDensity(_ x: Matrix) -> Matrix {
        var out = Matrix(rows: x.rows, cols: classCount)
        for k in 0..<classCount {
            let ld = priors[k] > 0 ? densities[k].logDensity(x) : [Double](repeating: -.infinity, count: x.rows)
            for i in 0..<x.rows { out[i, k] = ld[i] }
        }
        return out
    }

    public func sample(_ n: Int, ofClass k: Int, using rng: inout SeededRandom) -> Matrix {
        precondition(n == 0 || priors[k] > 0, "LDA: class \(k) was absent from the training set; it has no distribution to sample")
        return densities[k].sample(n, using: &rng)
    }
}
