import Foundation
import Numerics

/// scikit-learn's numbers for the Gaussian, discrete naive Bayes and regression
/// models, written by `tools/fixtures/gaussians.py` (`python3 tools/make_fixtures.py gaussians`).
struct GaussiansFixture: Decodable {
    struct LDACase: Decodable {
        let name: String
        let shrinkage: Double
        let X: [[Double]]
        let y: [Int]
        let means: [[Double]]
        let covariance: [[Double]]
        let priors: [Double]
        let coef: [[Double]]
        let intercept: [Double]
        let proba: [[Double]]
    }
    struct QDACase: Decodable {
        let name: String
        let reg_param: Double
        let X: [[Double]]
        let y: [Int]
        let means: [[Double]]
        let covariances: [[[Double]]]
        let priors: [Double]
        let proba: [[Double]]
        let probe: [[Double]]
        let probe_proba: [[Double]]
    }
    struct Counts: Decodable {
        let X: [[Double]]
        let y: [Int]
        let probe: [[Double]]
    }
    struct NBCase: Decodable {
        let alpha: Double
        let binarize: Double?
        let feature_log_prob: [[Double]]
        let class_log_prior: [Double]
        let proba: [[Double]]
        let probe_proba: [[Double]]
    }
    struct Regression: Decodable {
        let X: [[Double]]
        let y: [Double]
        let ols_coef: [Double]
        let ols_intercept: Double
        let ridge_alpha: Double
        let ridge_coef: [Double]
        let ridge_intercept: Double
    }
    let lda: [LDACase]
    let qda: [QDACase]
    let counts: Counts
    let bernoulli: [NBCase]
    let multinomial: [NBCase]
    let regression: Regression

    static let shared: GaussiansFixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/gaussians.json")
        return try! JSONDecoder().decode(GaussiansFixture.self, from: Data(contentsOf: url))
    }()
}

/// Small helpers the Gaussian-model tests share (closed forms computed without the models' code).
enum TestMaths {
    /// |a − b| ≤ tol · max(1, |b|).
    static func close(_ a: Double, _ b: Double, _ tol: Double = 1e-9) -> Bool { abs(a - b) <= tol * max(1, abs(b)) }

    static func mean(_ rows: [[Double]]) -> [Double] {
        let d = rows[0].count
        return (0..<d).map { j in rows.reduce(0) { $0 + $1[j] } / Double(rows.count) }
    }

    /// Σ (x − m)(x − m)ᵀ / divisor, by plain loops.
    static func covariance(_ rows: [[Double]], divisor: Double) -> [[Double]] {
        let m = mean(rows), d = m.count
        var c = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for r in rows { for a in 0..<d { for b in 0..<d { c[a][b] += (r[a] - m[a]) * (r[b] - m[b]) } } }
        return c.map { $0.map { $0 / divisor } }
    }

    /// log N(x; μ, Σ) for 2-D x from the explicit 2 × 2 inverse and determinant.
    static func logNormal2(_ x: [Double], _ mu: [Double], _ s: [[Double]]) -> Double {
        let det = s[0][0] * s[1][1] - s[0][1] * s[1][0]
        let dx = x[0] - mu[0], dy = x[1] - mu[1]
        let q = (s[1][1] * dx * dx - 2 * s[0][1] * dx * dy + s[0][0] * dy * dy) / det
        return -log(2 * Double.pi) - 0.5 * log(det) - 0.5 * q
    }

    /// Checks that sample means and covariances are within `z` standard errors of
    /// the target: SE(mean_j) = √(Σ_jj / n), SE(S_ab) ≈ √((Σ_aa Σ_bb + Σ_ab²) / n) (Gaussian).
    static func momentsMatch(_ s: Matrix, mean mu: [Double], covariance sigma: Matrix, z: Double = 5) -> Bool {
        let n = Double(s.rows), d = s.cols
        let m = s.columnMeans()
        var ok = true
        for j in 0..<d where abs(m[j] - mu[j]) > z * (sigma[j, j] / n).squareRoot() { ok = false }
        let rows = (0..<s.rows).map { s.row($0) }
        let c = covariance(rows, divisor: n)
        for a in 0..<d {
            for b in 0..<d {
                let se = ((sigma[a, a] * sigma[b, b] + sigma[a, b] * sigma[a, b]) / n).squareRoot()
                if abs(c[a][b] - sigma[a, b]) > z * se { ok = false }
            }
        }
        return ok
    }

    /// Every row of P sums to 1 (1e-12) and lies in [0, 1], with no NaN.
    static func validProbabilities(_ p: Matrix) -> Bool {
        (0..<p.rows).allSatisfy { i in
            let r = p.row(i)
            return r.allSatisfy { $0 >= 0 && $0 <= 1 } && abs(r.reduce(0, +) - 1) < 1e-12
        }
    }
}
