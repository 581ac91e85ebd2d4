#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Logistic regression — the discriminative lens in its plainest form.
///
/// It models P(y | x) directly and never p(x):
/// - binary (K = 2): P(y = 1 | x) = σ(wᵀx + b), σ(z) = 1 / (1 + e⁻ᶻ);
/// - multinomial (K > 2): P(y = k | x) = exp(w_kᵀx + b_k) / Σ_j exp(w_jᵀx + b_j).
///
/// The fit minimises the L2-penalised mean cross-entropy
///   L(W, b) = (1/n) Σᵢ −log P(yᵢ | xᵢ) + ‖W‖² / (2 C n),
/// which is scikit-learn's objective C Σᵢ −log P(yᵢ|xᵢ) + ½‖W‖² divided by C·n
/// (the intercepts are not penalised). Gradients:
///   ∂L/∂W = (P − Y)ᵀ X / n + W / (C n),  ∂L/∂b = mean(P − Y),
/// minimised by L-BFGS until ‖∇L‖∞ ≤ `tolerance` (the multinomial objective: `SoftmaxObjective`). The boundary {x : wᵀx + b = 0}
/// is a line (a hyperplane), whatever the data look like.
/// Reference: Bishop, *Pattern Recognition and Machine Learning* (2006), §4.3.2–4.3.4.
public struct LogisticRegression: Classifier {
    public static let kind = "logistic_regression"
    public static let displayName = "Logistic regression"

    /// Inverse regularisation strength (scikit-learn's `C`).
    public var c: Double
    public var maxIterations: Int
    public var tolerance: Double
    /// How many correction pairs L-BFGS keeps (scipy's `maxcor`, 10 by default as in scikit-learn).
    /// More pairs cost a longer two-loop recursion per iteration and save iterations on
    /// ill-conditioned fits (the learning-curve study's, `LearningCurveSettings.lbfgsMemory`).
    public var memory = 10

    /// Weights, one row per class (one row in total for the binary case).
    public private(set) var weights = Matrix(rows: 0, cols: 0)
    public private(set) var intercepts: [Double] = []
    public private(set) var classCount = 0
    public private(set) var convergence = Convergence(converged: false, iterations: 0, gradientNorm: .nan)

    public init(c: Double = 1.0, maxIterations: Int = 1000, tolerance: Double = 1e-8) {
        self.c = c
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    public init(settings s: Settings) throws {
        try s.allow(["C", "max_iter", "tol"])
        self.init(c: try s.number("C", default: 1, in: 0...1e12, exclusiveLower: true),
                  maxIterations: try s.integer("max_iter", default: 1000, in: 1...1_000_000),
                  tolerance: try s.number("tol", default: 1e-8, in: 0...1, exclusiveLower: true))
    }

    public var settings: [String: SettingValue] {
        ["C": .number(c), "max_iter": .integer(maxIterations), "tol": .number(tolerance), "solver": .text("lbfgs")]
    }

    public var boundaryShape: String { "linear boundary" }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        try fit(x, y, classCount: classCount, from: nil)
    }

    /// The fitted parameters as the optimiser sees them: W row-major, then the intercepts.
    public var parameters: [Double] { weights.data + intercepts }

    /// Fits starting from `start` (another fit's `parameters` on the same features and classes,
    /// e.g. the same training set at another C) instead of from zero. The optimum is the same;
    /// only the path to it (and so the point where the tolerance stops it) changes.
    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int, from start: [Double]?) throws {
        try FitChecks.validate(x, y, classCount: classCount, model: Self.displayName)
        guard c > 0, c.isFinite else { throw ModelError(model: Self.displayName, "C must be a positive number, got \(c)") }
        self.classCount = classCount
        let n = x.rows, d = x.cols
        let rowsOfW = classCount == 2 ? 1 : classCount
        let penalty = 1 / (c * Double(n))
        let optimiser = LBFGS(maxIterations: maxIterations, gradientTolerance: tolerance, memory: memory)

        let count = rowsOfW * (d + 1)
        let x0 = start.flatMap { $0.count == count && $0.allSatisfy(\.isFinite) ? $0 : nil } ?? [Double](repeating: 0, count: count)
        let softmax = rowsOfW > 1 ? SoftmaxObjective(x: x, y: y, classCount: classCount, penalty: penalty) : nil
        let result = optimiser.minimize(from: x0) { theta in
            if let softmax { return softmax.evaluate(theta) }   // K > 2: one fused pass over the rows
            // Binary: theta = [W (rowsOfW × d) row-major, b (rowsOfW)]
            let w = Matrix(rows: rowsOfW, cols: d, data: Array(theta[0..<(rowsOfW * d)]))
            let b = Array(theta[(rowsOfW * d)...])
            var z = BLAS.multiply(x, w, transB: true)          // n × rowsOfW
            for i in 0..<n { for k in 0..<rowsOfW { z[i, k] += b[k] } }
            var loss = 0.0
            var residual = Matrix(rows: n, cols: rowsOfW)         // P − Y
            for i in 0..<n {
                // softplus and sigmoid from one exp(−|z|), the same operations as Special's.
                let zi = z.data[i], yi = Double(y[i])
                let e = exp(-abs(zi))
                loss += (zi > 0 ? zi : 0) + log1p(e) - yi * zi
                residual.data[i] = (zi >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi
            }
            var gw = BLAS.multiply(residual, transA: true, x)      // rowsOfW × d
            var value = loss / Double(n)
            for k in gw.data.indices {
                gw.data[k] = gw.data[k] / Double(n) + penalty * w.data[k]
                value += 0.5 * penalty * w.data[k] * w.data[k]
            }
            var gb = [Double](repeating: 0, count: rowsOfW)
            for i in 0..<n { for k in 0..<rowsOfW { gb[k] += residual[i, k] } }
            return (value, gw.data + gb.map { $0 / Double(n) })
        }
        weights = Matrix(rows: rowsOfW, cols: d, data: Array(result.x[0..<(rowsOfW * d)]))
        intercepts = Array(result.x[(rowsOfW * d)...])
        if rowsOfW > 1 {
            // Softmax is unchanged by a common shift of the intercepts; centre them
            // so the reported values are unique (the weights already sum to zero).
            let mean = intercepts.reduce(0, +) / Double(rowsOfW)
            intercepts = intercepts.map { $0 - mean }
        }
        convergence = Convergence(converged: result.converged, iterations: result.iterations,
                                  gradientNorm: result.gradientNorm)
        guard weights.allFinite, intercepts.allSatisfy(\.isFinite) else {
            throw ModelError(model: Self.displayName, "the fit diverged (non-finite weights); lower C or rescale the features")
        }
    }

    /// The linear scores wᵀx + b (n × rows of W).
    public func decisionFunction(_ x: Matrix) -> Matrix {
        var z = BLAS.multiply(x, weights, transB: true)
        for i in 0..<z.rows { for k in 0..<z.cols { z[i, k] += intercepts[k] } }
        return z
    }

    public func predictProba(_ x: Matrix) -> Matrix {
        let z = decisionFunction(x)
        if weights.rows == 1 {
            var p = Matrix(rows: x.rows, cols: 2)
            for i in 0..<x.rows {
                let p1 = Special.sigmoid(z.data[i])
                p[i, 0] = 1 - p1
                p[i, 1] = p1
            }
            return p
        }
        return Special.softmaxRows(z)
    }
}
