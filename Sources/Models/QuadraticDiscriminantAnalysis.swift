#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Quadratic discriminant analysis — one full Gaussian per class.
///
/// The generative model: p(y = k) = π_k = n_k / n and
///   p(x | y = k) = N(x; μ_k, Σ_k),
///   Σ_k = (1 − r)·S_k + r·I,   S_k = (1/n_k) Σ_{i: yᵢ=k} (xᵢ − μ_k)(xᵢ − μ_k)ᵀ,
/// with r = `regParam` (scikit-learn's `reg_param`, applied to the eigenvalues
/// exactly like this). The divisor is n_k, as in scikit-learn 1.9 (whose 'svd'
/// solver uses S²/n_k and whose 'eigen' solver uses `empirical_covariance`;
/// earlier releases divided by n_k − 1).
///
/// Each class keeps its own Σ_k, so the xᵀΣ_k⁻¹x terms no longer cancel in
/// Bayes' rule: log p(x, y = k) = −½(x − μ_k)ᵀΣ_k⁻¹(x − μ_k) − ½ log det Σ_k
/// + log π_k + const, and the boundaries are conics (quadrics in d > 2).
/// Every Σ_k must be non-singular: a feature constant within a class, fewer
/// than d + 1 rows in a class, or collinear features all make it singular;
/// the fit then refuses and names the fix (raise `reg_param`). With a positive
/// `reg_param` every Σ_k ⪰ r·I and the Cholesky factorisation succeeds, so no
/// jitter is ever added behind the user's back.
/// Reference: Hastie, Tibshirani & Friedman, ESL §4.3 (eq. 4.12) and §4.3.1.
public struct QuadraticDiscriminantAnalysis: GenerativeClassifier {
    public static let kind = "qda"
    public static let displayName = "Quadratic discriminant analysis"

    /// scikit-learn's `reg_param`.
    public var regParam: Double

    /// Class means, K × d (zero rows for classes absent from the training set).
    public private(set) var means = Matrix(rows: 0, cols: 0)
    /// Σ_k per class (`reg_param` included); empty for absent classes.
    public private(set) var covariances: [Matrix] = []
    public private(set) var priors: [Double] = []
    public private(set) var classCount = 0
    /// N(μ_k, Σ_k) per class; nil for classes absent from the training set.
    public private(set) var densities: [GaussianDensity?] = []

    public init(regParam: Double = 0) {
        self.regParam = regParam
    }

    public init(settings s: Settings) throws {
        try s.allow(["reg_param"])
        self.init(regParam: try s.number("reg_param", default: 0, in: 0...1))
    }

    public var settings: [String: SettingValue] {
        ["reg_param": .number(regParam), "covariance": .text("per class, divided by n_k")]
    }
    public var boundaryShape: String { "quadratic boundary (one covariance per class)" }
    public var logPriors: [Double] { priors.map { log($0) } }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        let name = Self.displayName
        try FitChecks.validate(x, y, classCount: classCount, model: name)
        guard (0...1).contains(regParam) else {
            throw ModelError(model: name, "reg_param must lie in [0, 1], got \(regParam)")
        }
        let n = x.rows, d = x.cols
        var means = Matrix(rows: classCount, cols: d)
        var covariances = [Matrix](repeating: Matrix(rows: 0, cols: 0), count: classCount)
        var densities = [GaussianDensity?](repeating: nil, count: classCount)
        var priors = [Double](repeating: 0, count: classCount)
        for k in 0..<classCount {
            let idx = y.indices.filter { y[$0] == k }
            guard !idx.isEmpty else { continue }
            guard idx.count >= 2 else {
                throw ModelError(model: name, "class \(k) has a single training row, so its covariance is undefined; QDA needs at least 2 rows per class (Gaussian NB or LDA need fewer)")
            }
            let nk = Double(idx.count)
            priors[k] = nk / Double(n)
            let (m, scatter) = GaussianDensity.meanAndScatter(x.rows(idx))
            var cov = Matrix(rows: d, cols: d)
            for a in 0..<d {
                for b in 0..<d { cov[a, b] = (1 - regParam) * scatter[a, b] / nk }
                cov[a, a] += regParam
            }
            guard GaussianDensity.conditionRatio(cov) > GaussianDensity.singularRatio,
                  let density = try? GaussianDensity(mean: m, covariance: cov)
            else {
                let why: String
                if let j = (0..<d).first(where: { scatter[$0, $0] == 0 }) {
                    why = "feature \(j + 1) is constant within class \(k)"
                } else if idx.count <= d {
                    why = "class \(k) has \(idx.count) rows for \(d) features"
                } else {
                    why = "some features are (nearly) collinear within class \(k)"
                }
                let now = regParam > 0 ? " above \(NumberFormat.shortest(regParam))" : " (e.g. 0.01)"
                throw ModelError(model: name,
                                 "the covariance of class \(k) is singular (\(why)); raise reg_param\(now) or drop the feature")
            }
            for j in 0..<d { means[k, j] = m[j] }
            covariances[k] = cov
            densities[k] = density
        }
        self.classCount = classCount
        self.means = means
        self.covariances = covariances
        self.densities = densities
        self.priors = priors
    }

    public func classLogDensity(_ x: Matrix) -> Matrix {
        var out = Matrix(rows: x.rows, cols: classCount)
        for k in 0..<classCount {
            let ld = densities[k]?.logDensity(x) ?? [Double](repeating: -.infinity, count: x.rows)
            for i in 0..<x.rows { out[i, k] = ld[i] }
        }
        return out
    }

    /// P(y | x) by Bayes' rule in log space. Far beyond the data (|x| ≳ 10¹⁵⁰) every
    /// quadratic form can overflow to −∞; such a row gets the exact limit instead:
    /// all mass on the class(es) with the smallest uᵀΣ_k⁻¹u, u = x / max|xⱼ| (the
    /// widest Gaussian in that direction), never NaN.
    public func predictProba(_ x: Matrix) -> Matrix {
        var j = jointLogLikelihood(x)
        for i in 0..<x.rows where !j.row(i).contains(where: \.isFinite) {
            let row = x.row(i)
            let scale = row.map { abs($0) }.max() ?? 0
            guard scale.isFinite, scale > 0 else {
                for k in 0..<classCount { j[i, k] = log(priors[k]) }   // no direction to follow: the priors
                continue
            }
            let u = Matrix(rows: 1, cols: x.cols, data: row.map { $0 / scale })
            let q = (0..<classCount).map { k -> Double in
                guard let density = densities[k] else { return .infinity }
                let centred = GaussianDensity(mean: [Double](repeating: 0, count: x.cols), sharingCovarianceOf: density)
                return centred.mahalanobisSquared(u)[0]
            }
            let best = q.min()!
            for k in 0..<classCount { j[i, k] = q[k] == best ? 0 : -.infinity }
        }
        return Special.softmaxRows(j)
    }

    public func sample(_ n: Int, ofClass k: Int, using rng: inout SeededRandom) -> Matrix {
        guard let density = densities[k] else {
            precondition(n == 0, "QDA: class \(k) was absent from the training set; it has no distribution to sample")
            return Matrix(rows: 0, cols: means.cols)
        }
        return density.sample(n, using: &rng)
    }
}
