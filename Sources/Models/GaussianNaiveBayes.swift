#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Gaussian naive Bayes — the generative lens in its plainest form.
///
/// It models the data of each class, assuming the features independent given
/// the class:
///   p(x | y = k) = Π_j N(x_j; μ_kj, σ²_kj),   p(y = k) = π_k = n_k / n.
/// Fitted in closed form: μ_kj is the class mean, σ²_kj the class variance
/// (divided by n_k) plus ε = `varSmoothing` · max_j Var(x_j) for stability,
/// exactly as scikit-learn's `GaussianNB`. Classification is Bayes' rule in
/// log space; the boundary is quadratic (axis-aligned ellipses meet in conics).
/// Because it holds p(x | y), it can also *generate*: draw y ~ π, then each
/// x_j ~ N(μ_yj, σ²_yj).
/// Reference: Bishop (2006) §4.2; Hastie, Tibshirani & Friedman, ESL §6.6.3.
public struct GaussianNaiveBayes: GenerativeClassifier {
    public static let kind = "gaussian_nb"
    public static let displayName = "Gaussian naive Bayes"

    public var varSmoothing: Double

    /// Class means, K × d.
    public private(set) var means = Matrix(rows: 0, cols: 0)
    /// Class variances (smoothing included), K × d.
    public private(set) var variances = Matrix(rows: 0, cols: 0)
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
    public var boundaryShape: String { "quadratic boundary from axis-aligned Gaussians" }
    public var logPriors: [Double] { priors.map { log($0) } }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        try FitChecks.validate(x, y, classCount: classCount, model: Self.displayName)
        guard varSmoothing >= 0, varSmoothing.isFinite else {
            throw ModelError(model: Self.displayName, "var_smoothing must be ≥ 0, got \(varSmoothing)")
        }
        self.classCount = classCount
        let d = x.cols
        epsilon = varSmoothing * (x.columnVariances().max() ?? 0)
        means = Matrix(rows: classCount, cols: d)
        variances = Matrix(rows: classCount, cols: d)
        priors = []
        for k in 0..<classCount {
            let idx = y.indices.filter { y[$0] == k }
            priors.append(Double(idx.count) / Double(y.count))
            guard !idx.isEmpty else { continue }
            let xk = x.rows(idx)
            let m = xk.columnMeans(), v = xk.columnVariances()
            for j in 0..<d { means[k, j] = m[j]; variances[k, j] = v[j] + epsilon }
        }
        for k in 0..<classCount where priors[k] > 0 {
            if let j = (0..<d).first(where: { variances[k, $0] <= 0 }) {
                throw ModelError(model: Self.displayName,
                                 "feature \(j + 1) is constant within class \(k) and across the data (variance 0); drop it or raise var_smoothing")
            }
        }
    }

    public func classLogDensity(_ x: Matrix) -> Matrix {
        var out = Matrix(rows: x.rows, cols: classCount)
        let d = x.cols
        for k in 0..<classCount {
            guard priors[k] > 0 else { for i in 0..<x.rows { out[i, k] = -.infinity }; continue }
            var constant = 0.0
            for j in 0..<d { constant -= 0.5 * log(2 * Double.pi * variances[k, j]) }
            for i in 0..<x.rows {
                var s = constant
                for j in 0..<d {
                    let diff = x[i, j] - means[k, j]
                    s -= 0.5 * diff * diff / variances[k, j]
                }
                out[i, k] = s
            }
        }
        return out
    }

    public func sample(_ n: Int, ofClass k: Int, using rng: inout SeededRandom) -> Matrix {
        let d = means.cols
        var out = Matrix(rows: n, cols: d)
        for i in 0..<n {
            for j in 0..<d { out[i, j] = means[k, j] + variances[k, j].squareRoot() * rng.normal() }
        }
        return out
    }
}
