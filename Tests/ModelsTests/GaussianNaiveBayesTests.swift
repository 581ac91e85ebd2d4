import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Gaussian naive Bayes")
struct GaussianNaiveBayesTests {
    @Test("Means, variances and priors equal the closed forms and scikit-learn's (1e-9 relative)",
          arguments: Reference.shared.gaussian_nb.map(\.name))
    func parameters(name: String) throws {
        let ref = Reference.shared.gaussian_nb.first { $0.name == name }!
        let x = Matrix(ref.X)
        let K = Set(ref.y).count
        var nb = GaussianNaiveBayes()
        try nb.fit(x, ref.y, classCount: K)
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }
        // Closed forms computed here, independently of the model's code.
        let maxVar = (0..<x.cols).map { j -> Double in
            let col = x.column(j); let m = col.reduce(0, +) / Double(col.count)
            return col.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(col.count)
        }.max()!
        #expect(close(nb.epsilon, 1e-9 * maxVar))
        #expect(close(nb.epsilon, ref.epsilon))
        for k in 0..<K {
            let rows = ref.y.indices.filter { ref.y[$0] == k }
            #expect(close(nb.priors[k], Double(rows.count) / Double(ref.y.count)))
            #expect(close(nb.priors[k], ref.prior[k]))
            for j in 0..<x.cols {
                let v = rows.map { x[$0, j] }
                let mean = v.reduce(0, +) / Double(v.count)
                let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count) + nb.epsilon
                #expect(close(nb.means[k, j], mean) && close(nb.means[k, j], ref.theta[k][j]))
                #expect(close(nb.variances[k, j], variance) && close(nb.variances[k, j], ref.var[k][j]))
            }
        }
        let p = nb.predictProba(x)
        for i in 0..<x.rows { for k in 0..<K { #expect(abs(p[i, k] - ref.proba[i][k]) < 1e-9) } }
    }

    @Test("P(y|x) rows sum to 1, even far from the data")
    func rowsSumToOne() throws {
        let ref = Reference.shared.gaussian_nb[1]
        var nb = GaussianNaiveBayes()
        try nb.fit(Matrix(ref.X), ref.y, classCount: 3)
        let p = nb.predictProba(Matrix([[0, 0], [50, -50], [-1e4, 1e4]]))
        for i in 0..<p.rows {
            #expect(abs(p.row(i).reduce(0, +) - 1) < 1e-12)
            #expect(p.row(i).allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    @Test("log p(x|y) of a 1-D Gaussian equals −½ log(2πσ²) − (x − μ)²/(2σ²)")
    func oneDimensionalDensity() throws {
        var nb = GaussianNaiveBayes(varSmoothing: 0)
        let x = Matrix(rows: 6, cols: 1, data: [1, 2, 3, 10, 12, 14])
        try nb.fit(x, [0, 0, 0, 1, 1, 1], classCount: 2)
        let mu0 = 2.0, var0 = 2.0 / 3, mu1 = 12.0, var1 = 8.0 / 3
        let probe = Matrix(rows: 3, cols: 1, data: [0.5, 2, 11])
        let ld = nb.classLogDensity(probe)
        for i in 0..<3 {
            let v = probe[i, 0]
            #expect(abs(ld[i, 0] - (-0.5 * log(2 * .pi * var0) - (v - mu0) * (v - mu0) / (2 * var0))) < 1e-12)
            #expect(abs(ld[i, 1] - (-0.5 * log(2 * .pi * var1) - (v - mu1) * (v - mu1) / (2 * var1))) < 1e-12)
        }
        // log p(x) = log(½ p(x|0) + ½ p(x|1)).
        let marginal = nb.logDensity(probe)
        for i in 0..<3 {
            let expected = log(0.5 * exp(ld[i, 0]) + 0.5 * exp(ld[i, 1]))
            #expect(abs(marginal[i] - expected) < 1e-12)
        }
    }

    @Test("Samples reproduce the fitted means and variances (5 standard errors, 20000 draws)")
    func samplesHaveFittedMoments() throws {
        let ref = Reference.shared.gaussian_nb[1]
        var nb = GaussianNaiveBayes()
        try nb.fit(Matrix(ref.X), ref.y, classCount: 3)
        var rng = SeededRandom(seed: 99)
        let n = 20_000
        for k in 0..<3 {
            let s = nb.sample(n, ofClass: k, using: &rng)
            let m = s.columnMeans(), v = s.columnVariances()
            for j in 0..<2 {
                let sigma2 = nb.variances[k, j]
                #expect(abs(m[j] - nb.means[k, j]) < 5 * (sigma2 / Double(n)).squareRoot())
                #expect(abs(v[j] - sigma2) < 5 * sigma2 * (2 / Double(n)).squareRoot())
            }
        }
        // Joint samples: labels follow the priors.
        let (_, labels) = nb.sample(n, using: &rng)
        for k in 0..<3 {
            let share = Double(labels.filter { $0 == k }.count) / Double(n)
            let p = nb.priors[k]
            #expect(abs(share - p) < 5 * (p * (1 - p) / Double(n)).squareRoot())
        }
    }

    @Test("A feature constant everywhere is refused with a clear fix when smoothing is 0")
    func constantFeature() {
        var nb = GaussianNaiveBayes(varSmoothing: 0)
        let e = #expect(throws: ModelError.self) {
            try nb.fit(Matrix([[1, 5], [2, 5], [3, 5], [4, 5]]), [0, 0, 1, 1], classCount: 2)
        }
        #expect(e?.message.contains("constant") == true)
    }
}
