#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Gaussian naive Bayes with one variance per feature, pooled across the classes.
///
/// The generative model:
///   p(y = k) = π_k = n_k / n,   p(x | y = k) = Π_j N(x_j; μ_kj, σ²_j),
/// the same as `GaussianNaiveBayes` except that feature j has one variance for
/// every class. Fitted in closed form (maximum likelihood): μ_kj is the class
/// mean and σ²_j the pooled within-class variance
///   σ²_j = (1/n) Σ_k Σ_{i: yᵢ = k} (x_ij − μ_kj)² + ε,
/// with ε = `varSmoothing` · max_j Var(x_j) as in scikit-learn's `GaussianNB`.
/// Because the variances do not depend on k, the quadratic terms cancel in
/// log p(x|k) − log p(x|l): the boundary is linear — this is linear discriminant
/// analysis with a diagonal covariance (the "independence rule"), the naive
/// Bayes whose discriminative partner is logistic regression in Ng & Jordan (2001).
/// It estimates d variances instead of K·d, so it needs fewer examples.
/// Reference: Hastie, Tibshirani & Friedman, ESL §4.3 and §18.2 (diagonal LDA);
/// Bickel & Levina (2004), Bernoulli 10(6); Ng & Jordan, NeurIPS 2001.
public struct PooledGaussianNaiveBayes: GenerativeClassifier {
    public static let kind = "pooled_gaussian_nb"
    public static let displayName = "Gaussian naive Bayes (pooled variances)"

    public var varSmoothing: Double

    /// Class means, K × d.
    public private(set) var means = Matrix(rows: 0, cols: 0)
    /// One variance per feature (smoothing included), shared by every class.
    public private(set) var variances: [Double] = []
    public private(set) var priors: [Double] = []
    public private(set) var classCount = 0
    /// The ε added to every variance.
    public private(set) var epsilon = 0.0

    public init(varSmoothing: Double = 1e-9) {
        self.varSmoothing = varSmoothing
    }

    public init(settings s: Settings) throws {
        try s.allow(["var_smoothing"])
        self.init(varSmoothing: try s.number("var_smoothing", default: 1e-9, in: 0...1))
    }

    public var settings: [String: SettingValue] { ["var_smoothing": .number(varSmoothing)] }
    public var boundaryShape: String { "linear boundary from axis-aligned Gaussians of equal shape" }
    public var logPriors: [Double] { priors.map { log($0) } }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        try FitChecks.validate(x, y, classCount: classCount, model: Self.displayName)
        guard varSmoothing >= 0, varSmoothing.isFinite else {
            throw ModelError(model: Self.displayName, "var_smoothing must be ≥ 0, got \(varSmoothing)")
        }
        let n = x.rows, d = x.cols
        epsilon = varSmoothing * (x.columnVariances().max() ?? 0)
        var sums = Matrix(rows: classCount, cols: d)
        var counts = [Double](repeating: 0, count: classCount)
        for i in 0..<n {
            counts[y[i]] += 1
            for j in 0..<d { sums[y[i], j] += x[i, j] }
        }
        for k in 0..<classCount where counts[k] > 0 {
            for j in 0..<d { sums[k, j] /= counts[k] }
        }
        var pooled = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d {
                let diff = x[i, j] - sums[y[i], j]
                pooled[j] += diff * diff
            }
        }
        if let j = (0..<d).first(where: { pooled[$0] / Double(n) + epsilon <= 0 }) {
            throw ModelError(model: Self.displayName,
                             "feature \(j + 1) is constant within every class and across the data (variance 0); drop it or raise var_smoothing")
        }
        self.classCount = classCount
        means = sums
        variances = pooled.map { $0 / Double(n) + epsilon }
        priors = counts.map { $0 / Double(n) }
    }

    public func classLogDensity(_ x: Matrix) -> Matrix {
        var out = Matrix(rows: x.rows, cols: classCount)
        let d = x.cols
        var constant = 0.0
        for j in 0..<d { constant -= 0.5 * log(2 * Double.pi * variances[j]) }
        let precision = variances.map { 1 / $0 }
        for k in 0..<classCount {
            guard priors[k] > 0 else { for i in 0..<x.rows { out[i, k] = -.infinity }; continue }
            for i in 0..<x.rows {
                var s = 0.0
                for j in 0..<d {
                    let diff = x[i, j] - means[k, j]
                    s += diff * diff * precision[j]
                }
                out[i, k] = constant - 0.5 * s
            }
        }
        return out
    }

    public func sample(_ n: Int, ofClass k: Int, using rng: inout SeededRandom) -> Matrix {
        let d = means.cols
        var out = Matrix(rows: n, cols: d)
        for i in 0..<n {
            for j in 0..<d { out[i, j] = means[k, j] + variances[j].squareRoot() * rng.normal() }
        }
        return out
    }
}
