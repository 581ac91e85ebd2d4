import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Linear discriminant analysis")
struct LinearDiscriminantAnalysisTests {
    static let fixture = GaussiansFixture.shared

    @Test("Means, priors and the pooled covariance equal the closed forms and scikit-learn's lsqr (1e-9 relative)",
          arguments: fixture.lda.map(\.name))
    func parameters(name: String) throws {
        let ref = Self.fixture.lda.first { $0.name == name }!
        let K = Set(ref.y).count, n = Double(ref.y.count)
        var lda = LinearDiscriminantAnalysis(shrinkage: ref.shrinkage)
        try lda.fit(Matrix(ref.X), ref.y, classCount: K)
        // Closed form, computed here: Σ = Σ_k π_k shrink(S_k), S_k divided by n_k.
        var pooled = [[Double]](repeating: [0, 0], count: 2)
        for k in 0..<K {
            let rows = ref.y.indices.filter { ref.y[$0] == k }.map { ref.X[$0] }
            let prior = Double(rows.count) / n
            #expect(TestMaths.close(lda.priors[k], prior) && TestMaths.close(lda.priors[k], ref.priors[k]))
            let m = TestMaths.mean(rows)
            for j in 0..<2 { #expect(TestMaths.close(lda.means[k, j], m[j]) && TestMaths.close(lda.means[k, j], ref.means[k][j])) }
            let s = TestMaths.covariance(rows, divisor: Double(rows.count))
            let mu = (s[0][0] + s[1][1]) / 2
            for a in 0..<2 { for b in 0..<2 {
                pooled[a][b] += prior * ((1 - ref.shrinkage) * s[a][b] + (a == b ? ref.shrinkage * mu : 0))
            } }
        }
        for a in 0..<2 { for b in 0..<2 {
            #expect(TestMaths.close(lda.covariance[a, b], pooled[a][b]))
            #expect(TestMaths.close(lda.covariance[a, b], ref.covariance[a][b]))
        } }
    }

    @Test("Boundary coefficients equal scikit-learn's coef_/intercept_ (1e-9 relative) and P(y|x) its predict_proba (1e-9)",
          arguments: fixture.lda.map(\.name))
    func boundary(name: String) throws {
        let ref = Self.fixture.lda.first { $0.name == name }!
        let K = Set(ref.y).count
        var lda = LinearDiscriminantAnalysis(shrinkage: ref.shrinkage)
        let x = Matrix(ref.X)
        try lda.fit(x, ref.y, classCount: K)
        let (w, b) = lda.boundaryCoefficients
        if K == 2 {
            // scikit-learn keeps only row 1 − row 0 for two classes.
            for j in 0..<2 { #expect(TestMaths.close(w[1, j] - w[0, j], ref.coef[0][j])) }
            #expect(TestMaths.close(b[1] - b[0], ref.intercept[0]))
        } else {
            for k in 0..<K {
                for j in 0..<2 { #expect(TestMaths.close(w[k, j], ref.coef[k][j])) }
                #expect(TestMaths.close(b[k], ref.intercept[k]))
            }
        }
        let p = lda.predictProba(x)
        // Bayes' rule on the class densities gives the same posterior as the linear scores.
        let bayes = Special.softmaxRows(lda.jointLogLikelihood(x))
        for i in 0..<x.rows { for k in 0..<K {
            #expect(abs(p[i, k] - ref.proba[i][k]) < 1e-9)
            #expect(abs(p[i, k] - bayes[i, k]) < 1e-12)
        } }
    }

    @Test("log p(x|y) is the 2-D Gaussian density from the explicit inverse and determinant (1e-10)")
    func density() throws {
        let ref = Self.fixture.lda[0]
        var lda = LinearDiscriminantAnalysis()
        try lda.fit(Matrix(ref.X), ref.y, classCount: 3)
        let sigma = (0..<2).map { a in (0..<2).map { lda.covariance[a, $0] } }
        let probe = [[0.0, 0.0], [2, -1], [-5, 7]]
        let ld = lda.classLogDensity(Matrix(probe))
        for (i, x) in probe.enumerated() {
            for k in 0..<3 {
                #expect(abs(ld[i, k] - TestMaths.logNormal2(x, lda.means.row(k), sigma)) < 1e-10)
            }
        }
    }

    @Test("Samples reproduce each class's mean and the shared covariance (5 standard errors, 20000 draws)")
    func samples() throws {
        let ref = Self.fixture.lda[0]
        var lda = LinearDiscriminantAnalysis()
        try lda.fit(Matrix(ref.X), ref.y, classCount: 3)
        var rng = SeededRandom(seed: 17)
        for k in 0..<3 {
            let s = lda.sample(20_000, ofClass: k, using: &rng)
            #expect(TestMaths.momentsMatch(s, mean: lda.means.row(k), covariance: lda.covariance))
        }
    }

    @Test("P(y|x) rows sum to 1 and lie in [0, 1], even far from the data")
    func probabilities() throws {
        let ref = Self.fixture.lda[0]
        var lda = LinearDiscriminantAnalysis()
        try lda.fit(Matrix(ref.X), ref.y, classCount: 3)
        let far = Matrix([[0, 0], [1e3, -1e3], [-1e6, 1e6], [1e200, 0]])
        #expect(TestMaths.validProbabilities(lda.predictProba(Matrix(ref.X))))
        #expect(TestMaths.validProbabilities(lda.predictProba(far)))
    }

    @Test("One class only is refused")
    func oneClass() {
        var lda = LinearDiscriminantAnalysis()
        #expect(throws: ModelError.self) { try lda.fit(Matrix([[1, 2], [2, 3], [3, 1]]), [1, 1, 1], classCount: 2) }
    }

    @Test("A feature constant within every class is refused naming shrinkage; shrinkage 0.1 fits it")
    func constantFeature() throws {
        let x = Matrix([[1, 5], [2, 5], [3, 5], [4, 5], [6, 5], [7, 5]])
        let y = [0, 0, 0, 1, 1, 1]
        var lda = LinearDiscriminantAnalysis()
        let e = #expect(throws: ModelError.self) { try lda.fit(x, y, classCount: 2) }
        #expect(e?.message.contains("feature 2 is constant") == true)
        #expect(e?.message.contains("shrinkage") == true)
        var shrunk = LinearDiscriminantAnalysis(shrinkage: 0.1)
        try shrunk.fit(x, y, classCount: 2)
        let p = shrunk.predictProba(Matrix([[2, 5], [6, 4]]))
        #expect(TestMaths.validProbabilities(p))
        #expect(p[0, 0] > 0.5 && p[1, 1] > 0.5)
    }

    @Test("Duplicating every row leaves the fit unchanged (maximum likelihood, 1e-12)")
    func duplicatedRows() throws {
        let ref = Self.fixture.lda[0]
        var once = LinearDiscriminantAnalysis(), twice = LinearDiscriminantAnalysis()
        try once.fit(Matrix(ref.X), ref.y, classCount: 3)
        try twice.fit(Matrix(ref.X + ref.X), ref.y + ref.y, classCount: 3)
        for (u, v) in zip(once.covariance.data + once.means.data + once.priors,
                          twice.covariance.data + twice.means.data + twice.priors) {
            #expect(abs(u - v) < 1e-12 * max(1, abs(v)))
        }
    }

    @Test("More features than rows: refused without shrinkage, a finite fit with it")
    func moreFeaturesThanRows() throws {
        var rng = SeededRandom(seed: 4)
        let x = Matrix(rows: 6, cols: 10, data: (0..<60).map { _ in rng.normal() })
        let y = [0, 1, 0, 1, 0, 1]
        var lda = LinearDiscriminantAnalysis()
        let e = #expect(throws: ModelError.self) { try lda.fit(x, y, classCount: 2) }
        #expect(e?.message.contains("10 features but only 6 rows") == true)
        var shrunk = LinearDiscriminantAnalysis(shrinkage: 0.5)
        try shrunk.fit(x, y, classCount: 2)
        #expect(TestMaths.validProbabilities(shrunk.predictProba(x)))
    }

    @Test("Settings: defaults, shrinkage parsed, unknown keys and out-of-range values refused; catalogue entry is generative")
    func settings() throws {
        #expect(try LinearDiscriminantAnalysis(settings: Settings(model: "LDA")).shrinkage == 0)
        #expect(try LinearDiscriminantAnalysis(settings: Settings(model: "LDA", ["shrinkage": .number(0.25)])).shrinkage == 0.25)
        #expect(throws: ModelError.self) { try LinearDiscriminantAnalysis(settings: Settings(model: "LDA", ["reg_param": .number(0.1)])) }
        #expect(throws: ModelError.self) { try LinearDiscriminantAnalysis(settings: Settings(model: "LDA", ["shrinkage": .number(1.5)])) }
        let entry = try #require(ModelCatalogue.entry("lda"))
        #expect(entry.lens == .generative && entry.displayName == "Linear discriminant analysis")
        #expect(try ModelCatalogue.make(kind: "lda", settings: [:]).boundaryShape == "linear boundary (shared covariance)")
    }
}
