import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Logistic regression against scikit-learn")
struct LogisticRegressionTests {
    /// Tolerances: coefficients 1e-4 absolute (both fits stop at ‖∇‖∞ ≤ 1e-10-ish,
    /// so they agree far better in practice); probabilities 1e-5.
    static let coefficientTolerance = 1e-4
    static let probabilityTolerance = 1e-5

    @Test("Coefficients, intercepts and P(y|x) match scikit-learn", arguments: Reference.shared.logistic.map(\.name))
    func matchesSklearn(name: String) throws {
        let ref = Reference.shared.logistic.first { $0.name == name }!
        var lr = LogisticRegression(c: ref.C, maxIterations: 5000, tolerance: 1e-10)
        let classes = Set(ref.y).count
        try lr.fit(Matrix(ref.X), ref.y, classCount: classes)
        #expect(lr.convergence.converged)
        #expect(lr.weights.rows == ref.coef.count)
        for k in 0..<ref.coef.count {
            for j in 0..<ref.coef[k].count {
                #expect(abs(lr.weights[k, j] - ref.coef[k][j]) < Self.coefficientTolerance, "coef[\(k)][\(j)]")
            }
            #expect(abs(lr.intercepts[k] - ref.intercept[k]) < Self.coefficientTolerance, "intercept[\(k)]")
        }
        let p = lr.predictProba(Matrix(ref.probe))
        for i in 0..<ref.probe.count { for k in 0..<classes {
            #expect(abs(p[i, k] - ref.probe_proba[i][k]) < Self.probabilityTolerance)
        } }
    }

    @Test("More L-BFGS correction pairs reach scikit-learn's optimum too, in no more iterations", arguments: Reference.shared.logistic.map(\.name))
    func memoryKeepsTheOptimum(name: String) throws {
        let ref = Reference.shared.logistic.first { $0.name == name }!
        let classes = Set(ref.y).count
        var usual = LogisticRegression(c: ref.C, maxIterations: 5000, tolerance: 1e-10)
        var long = usual
        long.memory = 60
        try usual.fit(Matrix(ref.X), ref.y, classCount: classes)
        try long.fit(Matrix(ref.X), ref.y, classCount: classes)
        #expect(long.convergence.converged)
        #expect(long.convergence.iterations <= usual.convergence.iterations)
        for k in 0..<ref.coef.count {
            for j in 0..<ref.coef[k].count {
                #expect(abs(long.weights[k, j] - ref.coef[k][j]) < Self.coefficientTolerance, "coef[\(k)][\(j)]")
            }
            #expect(abs(long.intercepts[k] - ref.intercept[k]) < Self.coefficientTolerance, "intercept[\(k)]")
        }
    }

    @Test("The gradient of the penalised loss vanishes at the fitted optimum", arguments: Reference.shared.logistic.map(\.name))
    func gradientAtOptimum(name: String) throws {
        let ref = Reference.shared.logistic.first { $0.name == name }!
        let x = Matrix(ref.X)
        let K = Set(ref.y).count
        var lr = LogisticRegression(c: ref.C, tolerance: 1e-10)
        try lr.fit(x, ref.y, classCount: K)
        // ∂L/∂w_k = Σ_i (p_ik − [y_i = k]) x_i / n + w_k / (C n), ∂L/∂b_k = mean(p_ik − [y_i = k]).
        let p = lr.predictProba(x)
        let n = Double(x.rows)
        let rows = lr.weights.rows
        for r in 0..<rows {
            let k = rows == 1 ? 1 : r
            var gb = 0.0
            var gw = [Double](repeating: 0, count: x.cols)
            for i in 0..<x.rows {
                let residual = p[i, k] - (ref.y[i] == k ? 1 : 0)
                gb += residual / n
                for j in 0..<x.cols { gw[j] += residual * x[i, j] / n }
            }
            for j in 0..<x.cols { gw[j] += lr.weights[r, j] / (ref.C * n) }
            #expect(abs(gb) < 1e-8)
            #expect(gw.allSatisfy { abs($0) < 1e-8 })
        }
    }

    @Test("P(y|x) rows sum to 1 and lie in [0, 1]")
    func probabilitiesAreProbabilities() throws {
        let ref = Reference.shared.logistic[2]
        var lr = LogisticRegression()
        try lr.fit(Matrix(ref.X), ref.y, classCount: 3)
        let p = lr.predictProba(Matrix([[100, -100], [0, 0], [-1e3, 5]]))
        for i in 0..<p.rows {
            #expect(abs(p.row(i).reduce(0, +) - 1) < 1e-12)
            #expect(p.row(i).allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    @Test("Separable data still converges thanks to the L2 penalty, and one class is refused")
    func edgeCases() throws {
        var lr = LogisticRegression(c: 1)
        try lr.fit(Matrix([[0], [1], [2], [3]]), [0, 0, 1, 1], classCount: 2)
        #expect(lr.convergence.converged)
        var one = LogisticRegression()
        let e = #expect(throws: ModelError.self) { try one.fit(Matrix([[0], [1]]), [1, 1], classCount: 2) }
        #expect(e?.message.contains("only one class") == true)
    }
}
