#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Multinomial naive Bayes — each row is a bag of counts drawn from one
/// class-specific distribution over the d features.
///
/// The generative model for a row of non-negative counts x with total N = Σ_j xⱼ:
///   p(y = k) = π_k = n_k / n,
///   p(x | y = k, N) = N! / Π_j xⱼ! · Π_j θ_kjˣʲ,
///   θ_kj = (N_kj + α) / Σ_l (N_kl + α),
/// with N_kj the total count of feature j in class k and α = `alpha` the
/// Laplace/Lidstone smoothing — scikit-learn's `MultinomialNB`
/// (`feature_log_prob_` = log θ_kj). Only present features count as evidence
/// (xⱼ log θ_kj), and log P(y | x) is linear in x: a hyperplane boundary.
///
/// The row total N. The multinomial describes counts *given* their total, so
/// `classLogDensity` is log p(x | y = k, N) (the multinomial coefficient is
/// computed with lgamma, so non-integer counts such as tf-idf still give a
/// finite value); it is −∞ for a row with a negative entry, which no count
/// model can produce. `predictProba` uses scikit-learn's joint log-likelihood
/// x·log θ_kᵀ + log π_k, equal to Bayes' rule on `classLogDensity` (the
/// coefficient does not depend on k) and still finite for invalid rows.
/// `sample` needs a total: it draws N uniformly from the class's training row
/// totals (rounded to whole counts) — the class's empirical distribution of
/// lengths — then places N items independently with probabilities θ_k.
/// Reference: McCallum & Nigam (1998); Manning, Raghavan & Schütze, IIR §13.2.
public struct MultinomialNaiveBayes: GenerativeClassifier {
    public static let kind = "multinomial_nb"
    public static let displayName = "Multinomial naive Bayes"

    public var alpha: Double

    /// log θ_kj, K × d (scikit-learn's `feature_log_prob_`).
    public private(set) var featureLogProb = Matrix(rows: 0, cols: 0)
    /// N_kj: total count of feature j in class k, K × d.
    public private(set) var featureCounts = Matrix(rows: 0, cols: 0)
    public private(set) var priors: [Double] = []
    public private(set) var classCount = 0
    /// The training rows' totals, per class, for `sample`.
    public private(set) var rowTotals: [[Double]] = []

    public init(alpha: Double = 1) {
        self.alpha = alpha
    }

    public init(settings s: Settings) throws {
        try s.allow(["alpha"])
        self.init(alpha: try s.number("alpha", default: 1, in: 1e-10...1e10))
    }

    public var settings: [String: SettingValue] { ["alpha": .number(alpha)] }
    public var boundaryShape: String { "linear boundary in the counts" }
    public var logPriors: [Double] { priors.map { log($0) } }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        let name = Self.displayName
        try FitChecks.validate(x, y, classCount: classCount, model: name)
        guard alpha > 0, alpha.isFinite else {
            throw ModelError(model: name, "alpha must be positive (1 is Laplace smoothing), got \(alpha); with alpha = 0 an unseen feature gets probability 0")
        }
        if let at = x.data.firstIndex(where: { $0 < 0 }) {
            throw ModelError(model: name,
                             "needs non-negative counts, but row \(at / x.cols + 1), feature \(at % x.cols + 1) is \(x.data[at]); use Gaussian or Bernoulli naive Bayes for signed features, or count something non-negative")
        }
        let d = x.cols
        var counts = Matrix(rows: classCount, cols: d)
        var classRows = [Double](repeating: 0, count: classCount)
        var totals = [[Double]](repeating: [], count: classCount)
        for i in 0..<x.rows {
            let k = y[i]
            classRows[k] += 1
            var total = 0.0
            for j in 0..<d { counts[k, j] += x[i, j]; total += x[i, j] }
            totals[k].append(total)
        }
        var logTheta = Matrix(rows: classCount, cols: d)
        for k in 0..<classCount {
            var smoothedTotal = 0.0
            for j in 0..<d { smoothedTotal += counts[k, j] + alpha }
            let denominator = log(smoothedTotal)
            for j in 0..<d { logTheta[k, j] = log(counts[k, j] + alpha) - denominator }
        }
        self.classCount = classCount
        featureCounts = counts
        featureLogProb = logTheta
        priors = classRows.map { $0 / Double(x.rows) }
        rowTotals = totals
    }

    /// x·log θᵀ + log π (n × K): scikit-learn's `_joint_log_likelihood`.
    public func linearScores(_ x: Matrix) -> Matrix {
        var s = BLAS.multiply(x, featureLogProb, transB: true)
        let lp = logPriors
        for i in 0..<s.rows { for k in 0..<s.cols { s[i, k] += lp[k] } }
        return s
    }

    public func predictProba(_ x: Matrix) -> Matrix {
        Special.softmaxRows(linearScores(x))
    }

    /// log p(x | y = k, N): log N! − Σ_j log xⱼ! + Σ_j xⱼ log θ_kj.
    public func classLogDensity(_ x: Matrix) -> Matrix {
        var out = BLAS.multiply(x, featureLogProb, transB: true)
        for i in 0..<x.rows {
            let row = x.row(i)
            if row.contains(where: { $0 < 0 }) {
                for k in 0..<classCount { out[i, k] = -.infinity }
                continue
            }
            let total = row.reduce(0, +)
            let coefficient = lgamma(total + 1) - row.reduce(0) { $0 + lgamma($1 + 1) }
            for k in 0..<classCount { out[i, k] += coefficient }
        }
        return out
    }

    public func sample(_ n: Int, ofClass k: Int, using rng: inout SeededRandom) -> Matrix {
        let d = featureLogProb.cols
        var out = Matrix(rows: n, cols: d)
        guard n > 0 else { return out }
        precondition(!rowTotals[k].isEmpty, "Multinomial NB: class \(k) was absent from the training set; it has no row totals to sample")
        // Cumulative θ_k for inverse-CDF draws (binary search per item).
        var cdf = [Double](repeating: 0, count: d)
        var running = 0.0
        for j in 0..<d { running += exp(featureLogProb[k, j]); cdf[j] = running }
        for i in 0..<n {
            let total = Int(rowTotals[k][rng.index(below: rowTotals[k].count)].rounded())
            for _ in 0..<total {
                let u = rng.uniform() * running
                var lo = 0, hi = d - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cdf[mid] > u { hi = mid } else { lo = mid + 1 }
                }
                out[i, lo] += 1
            }
        }
        return out
    }
}
