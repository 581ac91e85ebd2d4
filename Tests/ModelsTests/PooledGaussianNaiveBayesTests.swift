import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Gaussian naive Bayes with pooled variances")
struct PooledGaussianNaiveBayesTests {
    // Class 0: (0, 1), (2, 3); class 1: (4, 0), (6, 4), (5, 2).
    // Means: (1, 2) and (5, 2). Within-class sums of squares: feature 1: 2 + 2 = 4,
    // feature 2: 2 + 8 = 10; pooled over n = 5: 0.8 and 2.0.
    // Overall variances: 23.2/5 = 4.64 and 10/5 = 2, so ε = 1e-9 · 4.64.
    let x = Matrix([[0, 1], [2, 3], [4, 0], [6, 4], [5, 2]])
    let y = [0, 0, 1, 1, 1]

    @Test("Means, pooled variances, ε and priors equal the hand computation (1e-12)")
    func parameters() throws {
        var nb = PooledGaussianNaiveBayes()
        try nb.fit(x, y, classCount: 2)
        #expect(abs(nb.epsilon - 4.64e-9) < 1e-20)
        #expect(nb.means == Matrix([[1, 2], [5, 2]]))
        #expect(abs(nb.variances[0] - (0.8 + 4.64e-9)) < 1e-12)
        #expect(abs(nb.variances[1] - (2.0 + 4.64e-9)) < 1e-12)
        #expect(abs(nb.priors[0] - 0.4) < 1e-15 && abs(nb.priors[1] - 0.6) < 1e-15)
    }

    @Test("Equal variances: halfway between the means only the priors speak; the log-odds are linear in x")
    func linearBoundary() throws {
        var nb = PooledGaussianNaiveBayes(varSmoothing: 0)
        try nb.fit(x, y, classCount: 2)
        // x = (3, 2) is equidistant from both means in every feature: P(1|x) = π₁ = 0.6.
        let p = nb.predictProba(Matrix([[3, 2]]))
        #expect(abs(p[0, 1] - 0.6) < 1e-12)
        // log p(x|1) − log p(x|0) = Σ_j (μ_1j − μ_0j)(x_j − (μ_0j + μ_1j)/2) / σ²_j = (x₁ − 3) · 4 / 0.8.
        let pts = Matrix([[-1, 7], [2.5, -3], [10, 0.5]])
        let l = nb.classLogDensity(pts)
        for i in 0..<3 {
            #expect(abs((l[i, 1] - l[i, 0]) - (pts[i, 0] - 3) * 5) < 1e-10)
        }
    }

    @Test("Samples have the class means and the pooled variances (4σ/√n)")
    func sampling() throws {
        var nb = PooledGaussianNaiveBayes(varSmoothing: 0)
        try nb.fit(x, y, classCount: 2)
        var rng = SeededRandom(seed: 7, stream: "pooled-nb-test")
        let n = 20_000
        let s = nb.sample(n, ofClass: 1, using: &rng)
        let m = s.columnMeans(), v = s.columnVariances()
        #expect(abs(m[0] - 5) < 4 * 0.8.squareRoot() / Double(n).squareRoot())
        #expect(abs(m[1] - 2) < 4 * 2.0.squareRoot() / Double(n).squareRoot())
        // Var of a sample variance ≈ 2σ⁴/n.
        #expect(abs(v[0] - 0.8) < 4 * 0.8 * (2.0 / Double(n)).squareRoot())
        #expect(abs(v[1] - 2.0) < 4 * 2.0 * (2.0 / Double(n)).squareRoot())
    }

    @Test("Settings are checked; it is in the catalogue as a generative model; data constant in every feature is refused")
    func settingsAndErrors() throws {
        #expect(throws: ModelError.self) { try PooledGaussianNaiveBayes(settings: Settings(model: "p", ["alpha": .number(1)])) }
        let entry = ModelCatalogue.entry(PooledGaussianNaiveBayes.kind)
        #expect(entry?.lens == .generative)
        var nb = PooledGaussianNaiveBayes()
        #expect(throws: ModelError.self) { try nb.fit(Matrix([[1], [1], [1]]), [0, 1, 1], classCount: 2) }
        var one = PooledGaussianNaiveBayes()
        try one.fit(Matrix([[1, 2], [1, 3], [1, 4]]).columns([1]), [0, 1, 1], classCount: 2)
        #expect(one.variances[0] > 0)
    }
}
