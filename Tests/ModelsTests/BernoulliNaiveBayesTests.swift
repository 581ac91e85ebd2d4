import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Bernoulli naive Bayes")
struct BernoulliNaiveBayesTests {
    static let fixture = GaussiansFixture.shared

    @Test("feature_log_prob_, priors and predict_proba equal scikit-learn's and the closed form (1e-9)",
          arguments: fixture.bernoulli.indices)
    func matchesScikitLearn(index: Int) throws {
        let ref = Self.fixture.bernoulli[index], data = Self.fixture.counts
        let threshold = ref.binarize ?? 0
        var nb = BernoulliNaiveBayes(alpha: ref.alpha, binarize: threshold)
        try nb.fit(Matrix(data.X), data.y, classCount: 3)
        for k in 0..<3 {
            let rows = data.y.indices.filter { data.y[$0] == k }
            #expect(abs(nb.logPriors[k] - ref.class_log_prior[k]) < 1e-9)
            for j in 0..<6 {
                // p_kj = (#{rows of k with x_j > threshold} + α) / (n_k + 2α), counted here.
                let on = Double(rows.filter { data.X[$0][j] > threshold }.count)
                let p = (on + ref.alpha) / (Double(rows.count) + 2 * ref.alpha)
                #expect(abs(nb.featureLogProb[k, j] - log(p)) < 1e-12)
                #expect(abs(nb.featureLogProb[k, j] - ref.feature_log_prob[k][j]) < 1e-9)
            }
        }
        for (x, expected) in [(data.X, ref.proba), (data.probe, ref.probe_proba)] {
            let p = nb.predictProba(Matrix(x))
            for i in 0..<x.count { for k in 0..<3 { #expect(abs(p[i, k] - expected[i][k]) < 1e-9) } }
        }
    }

    @Test("p(b|y) is a distribution: it sums to 1 over all 2^d binary vectors (d = 6, 1e-12)")
    func normalised() throws {
        let data = Self.fixture.counts
        var nb = BernoulliNaiveBayes()
        try nb.fit(Matrix(data.X), data.y, classCount: 3)
        let all = Matrix((0..<64).map { m in (0..<6).map { Double((m >> $0) & 1) } })
        let ld = nb.classLogDensity(all)
        for k in 0..<3 {
            #expect(abs((0..<64).reduce(0) { $0 + exp(ld[$1, k]) } - 1) < 1e-12)
        }
    }

    @Test("Samples are 0/1 with the fitted p_kj and independent features (5 standard errors, 20000 draws)")
    func samples() throws {
        let data = Self.fixture.counts
        var nb = BernoulliNaiveBayes()
        try nb.fit(Matrix(data.X), data.y, classCount: 3)
        var rng = SeededRandom(seed: 31)
        let n = 20_000
        for k in 0..<3 {
            let s = nb.sample(n, ofClass: k, using: &rng)
            #expect(s.data.allSatisfy { $0 == 0 || $0 == 1 })
            let m = s.columnMeans()
            let p = (0..<6).map { exp(nb.featureLogProb[k, $0]) }
            for j in 0..<6 { #expect(abs(m[j] - p[j]) < 5 * (p[j] * (1 - p[j]) / Double(n)).squareRoot()) }
            // Independence: sample covariance of two features ≈ 0, SE √(p_a(1−p_a)p_b(1−p_b)/n).
            for a in 0..<6 { for b in (a + 1)..<6 {
                var c = 0.0
                for i in 0..<n { c += (s[i, a] - m[a]) * (s[i, b] - m[b]) }
                c /= Double(n)
                let se = (p[a] * (1 - p[a]) * p[b] * (1 - p[b]) / Double(n)).squareRoot()
                #expect(abs(c) < 5 * se)
            } }
        }
    }

    @Test("Degenerate inputs: one class refused; constant, duplicated and wide data give valid P(y|x)")
    func degenerate() throws {
        var nb = BernoulliNaiveBayes()
        #expect(throws: ModelError.self) { try nb.fit(Matrix([[1, 0], [0, 1]]), [1, 1], classCount: 2) }
        // A feature that is never on (constant 0) and one always on.
        let x = Matrix([[0, 1, 1], [0, 1, 0], [0, 1, 1], [0, 1, 0]])
        try nb.fit(x, [0, 0, 1, 1], classCount: 2)
        #expect(TestMaths.validProbabilities(nb.predictProba(Matrix([[0, 1, 1], [5, -3, 0]]))))
        // Duplicated rows double the counts.
        var twice = BernoulliNaiveBayes()
        try twice.fit(Matrix((0..<8).map { x.row($0 % 4) }), [0, 0, 1, 1, 0, 0, 1, 1], classCount: 2)
        #expect(twice.featureCounts[0, 1] == 2 * nb.featureCounts[0, 1])
        // More features than rows.
        var rng = SeededRandom(seed: 2)
        let wide = Matrix(rows: 4, cols: 50, data: (0..<200).map { _ in rng.uniform() < 0.3 ? 1 : 0 })
        try nb.fit(wide, [0, 1, 0, 1], classCount: 2)
        #expect(TestMaths.validProbabilities(nb.predictProba(wide)))
    }

    @Test("Settings: alpha must be positive, binarize parsed; catalogue entry is generative")
    func settings() throws {
        let nb = try BernoulliNaiveBayes(settings: Settings(model: "BNB", ["alpha": .number(0.5), "binarize": .number(2)]))
        #expect(nb.alpha == 0.5 && nb.binarize == 2)
        #expect(throws: ModelError.self) { try BernoulliNaiveBayes(settings: Settings(model: "BNB", ["alpha": .number(0)])) }
        #expect(throws: ModelError.self) { try BernoulliNaiveBayes(settings: Settings(model: "BNB", ["fit_prior": .flag(false)])) }
        var zero = BernoulliNaiveBayes(alpha: 0)
        #expect(throws: ModelError.self) { try zero.fit(Matrix([[1, 0], [0, 1]]), [0, 1], classCount: 2) }
        #expect(ModelCatalogue.entry("bernoulli_nb")?.lens == .generative)
    }
}
