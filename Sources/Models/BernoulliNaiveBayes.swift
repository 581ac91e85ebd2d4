#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Bernoulli naive Bayes — each feature is an independent coin per class.
///
/// Features are first binarised, bⱼ = 1 if xⱼ > `binarize` else 0 (scikit-learn's
/// `binarize`, default 0.0). The generative model:
///   p(y = k) = π_k = n_k / n,
///   p(b | y = k) = Π_j p_kjᵇʲ (1 − p_kj)¹⁻ᵇʲ,
///   p_kj = (N_kj + α) / (n_k + 2α),
/// with N_kj the number of class-k rows whose feature j is on and α = `alpha`
/// the Laplace (α = 1) / Lidstone smoothing — scikit-learn's `BernoulliNB`
/// (`feature_log_prob_` = log p_kj). Unlike the multinomial model, an *off*
/// feature is evidence too: it contributes log(1 − p_kj). log P(y | x) is
/// linear in b, so the boundary is a hyperplane in the binarised features.
/// `classLogDensity` is the exact log-probability of the binarised vector and
/// `sample` flips the d independent coins, returning 0/1 rows.
/// Reference: McCallum & Nigam (1998), "A comparison of event models for naive
/// Bayes text classification"; Manning, Raghavan & Schütze, IIR §13.3.
public struct BernoulliNaiveBayes: GenerativeClassifier {
    public static let kind = "bernoulli_nb"
    public static let displayName = "Bernoulli naive Bayes"

    public var alpha: Double
    public var binarize: Double

    /// log p_kj, K × d (scikit-learn's `feature_log_prob_`).
    public private(set) var featureLogProb = Matrix(rows: 0, cols: 0)
    /// log(1 − p_kj), K × d.
    public private(set) var featureLogProbOff = Matrix(rows: 0, cols: 0)
    /// N_kj: rows of class k with feature j on, K × d.
    public private(set) var featureCounts = Matrix(rows: 0, cols: 0)
    public private(set) var priors: [Double] = []
    public private(set) var classCount = 0

    public init(alpha: Double = 1, binarize: Double = 0) {
        self.alpha = alpha
        self.binarize = binarize
    }

    public init(settings s: Settings) throws {
        try s.allow(["alpha", "binarize"])
        self.init(alpha: try s.number("alpha", default: 1, in: 1e-10...1e10),
                  binarize: try s.number("binarize", default: 0))
    }

    public var settings: [String: SettingValue] { ["alpha": .number(alpha), "binarize": .number(binarize)] }
    public var boundaryShape: String { "linear boundary in the binarised features" }
    public var logPriors: [Double] { priors.map { log($0) } }

    /// The 0/1 matrix the model sees: 1 where x > `binarize`.
    public func binarized(_ x: Matrix) -> Matrix {
        Matrix(rows: x.rows, cols: x.cols, data: x.data.map { $0 > binarize ? 1 : 0 })
    }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        let name = Self.displayName
        try FitChecks.validate(x, y, classCount: classCount, model: name)
        guard alpha > 0, alpha.isFinite else {
            throw ModelError(model: name, "alpha must be positive (1 is Laplace smoothing), got \(alpha); with alpha = 0 an unseen feature gets probability 0")
        }
        guard binarize.isFinite else { throw ModelError(model: name, "binarize must be a finite threshold") }
        let b = binarized(x), d = x.cols
        var counts = Matrix(rows: classCount, cols: d)
        var classRows = [Double](repeating: 0, count: classCount)
        for i in 0..<x.rows {
            classRows[y[i]] += 1
            for j in 0..<d { counts[y[i], j] += b[i, j] }
        }
        var on = Matrix(rows: classCount, cols: d), off = Matrix(rows: classCount, cols: d)
        for k in 0..<classCount {
            let denominator = log(classRows[k] + 2 * alpha)
            for j in 0..<d {
                on[k, j] = log(counts[k, j] + alpha) - denominator
                off[k, j] = log(classRows[k] - counts[k, j] + alpha) - denominator
            }
        }
        self.classCount = classCount
        featureCounts = counts
        featureLogProb = on
        featureLogProbOff = off
        priors = classRows.map { $0 / Double(x.rows) }
    }

    /// log p(b | y = k) = Σ_j bⱼ log p_kj + (1 − bⱼ) log(1 − p_kj) = b·(log p − log(1−p))ᵀ + Σ_j log(1 − p_kj).
    public func classLogDensity(_ x: Matrix) -> Matrix {
        var difference = featureLogProb
        for k in difference.data.indices { difference.data[k] -= featureLogProbOff.data[k] }
        var out = BLAS.multiply(binarized(x), difference, transB: true)
        for k in 0..<classCount {
            let base = featureLogProbOff.row(k).reduce(0, +)
            for i in 0..<x.rows { out[i, k] += base }
        }
        return out
    }

    public func sample(_ n: Int, ofClass k: Int, using rng: inout SeededRandom) -> Matrix {
        let d = featureLogProb.cols
        let p = featureLogProb.row(k).map { exp($0) }
        var out = Matrix(rows: n, cols: d)
        for i in 0..<n { for j in 0..<d { out[i, j] = rng.uniform() < p[j] ? 1 : 0 } }
        return out
    }
}
