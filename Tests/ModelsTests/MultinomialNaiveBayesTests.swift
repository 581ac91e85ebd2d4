import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Multinomial naive Bayes")
struct MultinomialNaiveBayesTests {
    static let fixture = GaussiansFixture.shared

    @Test("feature_log_prob_, priors and predict_proba equal scikit-learn's and the closed form (1e-9)",
          arguments: fixture.multinomial.indices)
    func matchesScikitLearn(index: Int) throws {
        let ref = Self.fixture.multinomial[index], data = Self.fixture.counts
        var nb = MultinomialNaiveBayes(alpha: ref.alpha)
        try nb.fit(Matrix(data.X), data.y, classCount: 3)
        for k in 0..<3 {
            let rows = data.y.indices.filter { data.y[$0] == k }
            #expect(abs(nb.logPriors[k] - ref.class_log_prior[k]) < 1e-9)
            // θ_kj = (N_kj + α) / Σ_l (N_kl + α), counted here.
            let n = (0..<6).map { j in rows.reduce(0.0) { $0 + data.X[$1][j] } }
            let total = n.reduce(0, +) + 6 * ref.alpha
            for j in 0..<6 {
                #expect(abs(nb.featureLogProb[k, j] - log((n[j] + ref.alpha) / total)) < 1e-12)
                #expect(abs(nb.featureLogProb[k, j] - ref.feature_log_prob[k][j]) < 1e-9)
            }
        }
        for (x, expected) in [(data.X, ref.proba), (data.probe, ref.probe_proba)] {
            let p = nb.predictProba(Matrix(x))
            for i in 0..<x.count { for k in 0..<3 { #expect(abs(p[i, k] - expected[i][k]) < 1e-9) } }
        }
        // Bayes' rule on classLogDensity (with the multinomial coefficient) gives the same posterior.
        let bayes = Special.softmaxRows(nb.jointLogLikelihood(Matrix(data.X)))
        let p = nb.predictProba(Matrix(data.X))
        for k in p.data.indices { #expect(abs(p.data[k] - bayes.data[k]) < 1e-12) }
    }

    @Test("p(x|y, N) is the multinomial pmf (explicit factorials, 1e-12) and sums to 1 over all vectors with N = 4")
    func pmf() throws {
        var nb = MultinomialNaiveBayes()
        try nb.fit(Matrix([[3, 1, 0], [2, 0, 1], [0, 1, 4], [1, 2, 2]]), [0, 0, 1, 1], classCount: 2)
        func factorial(_ n: Int) -> Double { n <= 1 ? 1 : Double(n) * factorial(n - 1) }
        var vectors = [[Double]]()
        for a in 0...4 { for b in 0...(4 - a) { vectors.append([Double(a), Double(b), Double(4 - a - b)]) } }
        let ld = nb.classLogDensity(Matrix(vectors))
        for k in 0..<2 {
            let theta = (0..<3).map { exp(nb.featureLogProb[k, $0]) }
            var sum = 0.0
            for (i, v) in vectors.enumerated() {
                let c = factorial(4) / v.reduce(1) { $0 * factorial(Int($1)) }
                let p = c * (0..<3).reduce(1) { $0 * pow(theta[$1], v[$1]) }
                #expect(abs(exp(ld[i, k]) - p) < 1e-12)
                sum += exp(ld[i, k])
            }
            #expect(abs(sum - 1) < 1e-12)
        }
    }

    @Test("Samples: totals come from the class's training totals; proportions match θ_k (5 standard errors, 4000 rows)")
    func samples() throws {
        let data = Self.fixture.counts
        var nb = MultinomialNaiveBayes()
        try nb.fit(Matrix(data.X), data.y, classCount: 3)
        var rng = SeededRandom(seed: 41)
        for k in 0..<3 {
            let s = nb.sample(4_000, ofClass: k, using: &rng)
            let totals = Set(nb.rowTotals[k])
            var all = 0.0
            for i in 0..<s.rows {
                let t = s.row(i).reduce(0, +)
                #expect(totals.contains(t))
                all += t
            }
            let m = s.columnMeans()
            for j in 0..<6 {
                let theta = exp(nb.featureLogProb[k, j])
                let share = m[j] * Double(s.rows) / all
                // Given the totals, the pooled count of feature j is Binomial(all, θ).
                #expect(abs(share - theta) < 5 * (theta * (1 - theta) / all).squareRoot())
            }
        }
    }

    @Test("Negative counts are refused with a clear error; at prediction time they give finite P(y|x) and log p = −∞")
    func negatives() throws {
        var nb = MultinomialNaiveBayes()
        let e = #expect(throws: ModelError.self) {
            try nb.fit(Matrix([[1, 2], [3, -1], [0, 4]]), [0, 1, 1], classCount: 2)
        }
        #expect(e?.message.contains("non-negative counts") == true)
        #expect(e?.message.contains("row 2, feature 2") == true)
        try nb.fit(Matrix([[1, 2], [3, 1], [0, 4]]), [0, 1, 1], classCount: 2)
        let probe = Matrix([[-2, 1], [1e200, 0]])
        #expect(TestMaths.validProbabilities(nb.predictProba(probe)))
        #expect(nb.logDensity(probe)[0] == -.infinity)
    }

    @Test("Degenerate inputs: one class refused; an all-zero feature, duplicated rows and wide data give valid P(y|x)")
    func degenerate() throws {
        var nb = MultinomialNaiveBayes()
        #expect(throws: ModelError.self) { try nb.fit(Matrix([[1, 0], [0, 1]]), [0, 0], classCount: 2) }
        let x = Matrix([[0, 3, 1], [0, 2, 0], [0, 0, 4], [0, 1, 3]])
        try nb.fit(x, [0, 0, 1, 1], classCount: 2)
        #expect(TestMaths.validProbabilities(nb.predictProba(Matrix([[0, 0, 0], [7, 0, 0], [0, 5, 1]]))))
        var twice = MultinomialNaiveBayes()
        try twice.fit(Matrix((0..<8).map { x.row($0 % 4) }), [0, 0, 1, 1, 0, 0, 1, 1], classCount: 2)
        #expect(twice.featureCounts[1, 2] == 2 * nb.featureCounts[1, 2])
        var rng = SeededRandom(seed: 6)
        let wide = Matrix(rows: 3, cols: 40, data: (0..<120).map { _ in Double(rng.index(below: 4)) })
        try nb.fit(wide, [0, 1, 1], classCount: 2)
        #expect(TestMaths.validProbabilities(nb.predictProba(wide)))
        #expect(ModelCatalogue.entry("multinomial_nb")?.lens == .generative)
    }
}
