import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Joint-Gaussian regression")
struct JointGaussianRegressionTests {
    /// y = 1 + Xβ + noise on correlated random features.
    static func randomProblem(seed: UInt64, n: Int, d: Int) -> (Matrix, [Double]) {
        var rng = SeededRandom(seed: seed)
        var x = Matrix(rows: n, cols: d)
        for i in 0..<n {
            let shared = rng.normal()
            for j in 0..<d { x[i, j] = Double(j + 1) * rng.normal() + 0.5 * shared + Double(j) }
        }
        let y = (0..<n).map { i in 1 + (0..<d).reduce(0) { $0 + Double($1 % 3 - 1) * 0.7 * x[i, $1] } + 0.5 * rng.normal() }
        return (x, y)
    }

    @Test("E[y|x] equals the OLS prediction with intercept on random data (1e-9)", arguments: [(1, 1), (2, 3), (3, 6)])
    func equalsOLS(seed: Int, d: Int) throws {
        let (x, y) = Self.randomProblem(seed: UInt64(seed), n: 60, d: d)
        var joint = JointGaussianRegression(), ols = LinearRegression()
        try joint.fit(x, y)
        try ols.fit(x, y)
        let (probe, _) = Self.randomProblem(seed: UInt64(100 + seed), n: 20, d: d)
        for (a, b) in zip(joint.predict(probe), ols.predict(probe)) { #expect(abs(a - b) < 1e-9 * max(1, abs(b))) }
        for (a, b) in zip(joint.slope, ols.coefficients) { #expect(abs(a - b) < 1e-9 * max(1, abs(b))) }
        // Var[y|x] = RSS / n = σ̂²_OLS (n − p − 1) / n.
        let sigma = try #require(ols.residualStandardError)
        #expect(abs(joint.conditionalVariance - sigma * sigma * Double(60 - d - 1) / 60) < 1e-9)
    }

    @Test("log p(x, y) is the bivariate normal density from the explicit 2 × 2 inverse (1e-10); log p(y|x) = log p(x, y) − log p(x)")
    func density() throws {
        let (x, y) = Self.randomProblem(seed: 9, n: 40, d: 1)
        var joint = JointGaussianRegression()
        try joint.fit(x, y)
        let g = try #require(joint.joint)
        let sigma = [[g.covariance[0, 0], g.covariance[0, 1]], [g.covariance[1, 0], g.covariance[1, 1]]]
        let px = Matrix(rows: 3, cols: 1, data: [0, 2, -3]), py = [1.0, -1, 5]
        let ld = joint.logDensity(px, py)
        let cond = joint.conditionalLogDensity(px, py)
        for i in 0..<3 {
            #expect(abs(ld[i] - TestMaths.logNormal2([px[i, 0], py[i]], g.mean, sigma)) < 1e-10)
            let dx = px[i, 0] - g.mean[0]
            let marginal = -0.5 * log(2 * Double.pi * sigma[0][0]) - dx * dx / (2 * sigma[0][0])
            #expect(abs(cond[i] - (ld[i] - marginal)) < 1e-10)
        }
    }

    @Test("Mean and covariance are the MLE of the (x, y) pairs (1e-9 relative)")
    func parameters() throws {
        let data = GaussiansFixture.shared.regression
        var joint = JointGaussianRegression()
        try joint.fit(Matrix(data.X), data.y)
        let rows = data.X.indices.map { data.X[$0] + [data.y[$0]] }
        let m = TestMaths.mean(rows), c = TestMaths.covariance(rows, divisor: Double(rows.count))
        let g = try #require(joint.joint)
        for a in 0..<4 {
            #expect(TestMaths.close(g.mean[a], m[a]))
            for b in 0..<4 { #expect(TestMaths.close(g.covariance[a, b], c[a][b])) }
        }
    }

    @Test("Sampled (x, y) pairs reproduce the fitted mean and covariance (5 standard errors, 20000 draws)")
    func samples() throws {
        let (x, y) = Self.randomProblem(seed: 12, n: 80, d: 2)
        var joint = JointGaussianRegression()
        try joint.fit(x, y)
        var rng = SeededRandom(seed: 13)
        let (sx, sy) = joint.sample(20_000, using: &rng)
        #expect(sx.rows == 20_000 && sx.cols == 2 && sy.count == 20_000)
        let z = Matrix((0..<sx.rows).map { sx.row($0) + [sy[$0]] })
        let g = try #require(joint.joint)
        #expect(TestMaths.momentsMatch(z, mean: g.mean, covariance: g.covariance))
    }

    @Test("Degenerate inputs: constant feature, more features than rows, exact line and constant y refused; duplicates change nothing")
    func degenerate() throws {
        var joint = JointGaussianRegression()
        let e1 = #expect(throws: ModelError.self) { try joint.fit(Matrix([[1, 5], [2, 5], [3, 5], [4, 5]]), [1, 2.5, 2.9, 4.2]) }
        #expect(e1?.message.contains("feature 2 is constant") == true)
        var rng = SeededRandom(seed: 1)
        let wide = Matrix(rows: 3, cols: 5, data: (0..<15).map { _ in rng.normal() })
        let e2 = #expect(throws: ModelError.self) { try joint.fit(wide, [1, 2, 3]) }
        #expect(e2?.message.contains("5 features but only 3 rows") == true)
        let e3 = #expect(throws: ModelError.self) { try joint.fit(Matrix([[1], [2], [3], [4]]), [3, 5, 7, 9]) }
        #expect(e3?.message.contains("exact linear function") == true)
        let e4 = #expect(throws: ModelError.self) { try joint.fit(Matrix([[1], [2], [3], [4]]), [3, 3, 3, 3]) }
        #expect(e4?.message.contains("y is constant") == true)
        #expect(throws: ModelError.self) { try joint.fit(Matrix([[1]]), [2]) }
        let (x, y) = Self.randomProblem(seed: 5, n: 30, d: 2)
        var once = JointGaussianRegression(), twice = JointGaussianRegression()
        try once.fit(x, y)
        try twice.fit(Matrix((0..<60).map { x.row($0 % 30) }), y + y)
        for (a, b) in zip(once.slope + [once.intercept, once.conditionalVariance],
                          twice.slope + [twice.intercept, twice.conditionalVariance]) {
            #expect(abs(a - b) < 1e-10 * max(1, abs(b)))
        }
    }

    @Test("Kind and name; no settings accepted")
    func settings() throws {
        #expect(JointGaussianRegression.kind == "joint_gaussian_regression")
        #expect(JointGaussianRegression.displayName == "Joint Gaussian (generative regression)")
        #expect(throws: ModelError.self) { try JointGaussianRegression(settings: Settings(model: "JG", ["alpha": .number(1)])) }
    }
}
