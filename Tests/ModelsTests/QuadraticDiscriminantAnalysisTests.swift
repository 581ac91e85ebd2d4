import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Quadratic discriminant analysis")
struct QuadraticDiscriminantAnalysisTests {
    static let fixture = GaussiansFixture.shared

    @Test("Means, priors and per-class covariances equal the closed forms and scikit-learn's (1e-9 relative)",
          arguments: fixture.qda.map(\.name))
    func parameters(name: String) throws {
        let ref = Self.fixture.qda.first { $0.name == name }!
        let K = Set(ref.y).count
        var qda = QuadraticDiscriminantAnalysis(regParam: ref.reg_param)
        try qda.fit(Matrix(ref.X), ref.y, classCount: K)
        for k in 0..<K {
            let rows = ref.y.indices.filter { ref.y[$0] == k }.map { ref.X[$0] }
            #expect(TestMaths.close(qda.priors[k], Double(rows.count) / Double(ref.y.count)))
            #expect(TestMaths.close(qda.priors[k], ref.priors[k]))
            let m = TestMaths.mean(rows)
            // (1 − r)·S_k + r·I with S_k divided by n_k (scikit-learn 1.9).
            let s = TestMaths.covariance(rows, divisor: Double(rows.count))
            for j in 0..<2 { #expect(TestMaths.close(qda.means[k, j], m[j]) && TestMaths.close(qda.means[k, j], ref.means[k][j])) }
            for a in 0..<2 { for b in 0..<2 {
                let expected = (1 - ref.reg_param) * s[a][b] + (a == b ? ref.reg_param : 0)
                #expect(TestMaths.close(qda.covariances[k][a, b], expected))
                #expect(TestMaths.close(qda.covariances[k][a, b], ref.covariances[k][a][b]))
            } }
        }
    }

    @Test("P(y|x) equals scikit-learn's predict_proba on the training rows and far probes (1e-9)",
          arguments: fixture.qda.map(\.name))
    func probabilities(name: String) throws {
        let ref = Self.fixture.qda.first { $0.name == name }!
        let K = Set(ref.y).count
        var qda = QuadraticDiscriminantAnalysis(regParam: ref.reg_param)
        try qda.fit(Matrix(ref.X), ref.y, classCount: K)
        for (x, expected) in [(ref.X, ref.proba), (ref.probe, ref.probe_proba)] {
            let p = qda.predictProba(Matrix(x))
            for i in 0..<x.count { for k in 0..<K { #expect(abs(p[i, k] - expected[i][k]) < 1e-9) } }
        }
    }

    @Test("log p(x|y=k) is the 2-D Gaussian density with Σ_k, from the explicit inverse (1e-10)")
    func density() throws {
        let ref = Self.fixture.qda[0]
        var qda = QuadraticDiscriminantAnalysis()
        try qda.fit(Matrix(ref.X), ref.y, classCount: 3)
        let probe = [[0.0, 0.0], [2, -1], [-5, 7]]
        let ld = qda.classLogDensity(Matrix(probe))
        for (i, x) in probe.enumerated() {
            for k in 0..<3 {
                let sigma = (0..<2).map { a in (0..<2).map { qda.covariances[k][a, $0] } }
                #expect(abs(ld[i, k] - TestMaths.logNormal2(x, qda.means.row(k), sigma)) < 1e-10)
            }
        }
    }

    @Test("Samples reproduce each class's mean and covariance (5 standard errors, 20000 draws)")
    func samples() throws {
        let ref = Self.fixture.qda[0]
        var qda = QuadraticDiscriminantAnalysis()
        try qda.fit(Matrix(ref.X), ref.y, classCount: 3)
        var rng = SeededRandom(seed: 23)
        for k in 0..<3 {
            let s = qda.sample(20_000, ofClass: k, using: &rng)
            #expect(TestMaths.momentsMatch(s, mean: qda.means.row(k), covariance: qda.covariances[k]))
        }
    }

    @Test("P(y|x) rows sum to 1 and lie in [0, 1], even where the quadratic forms overflow")
    func validRows() throws {
        let ref = Self.fixture.qda[0]
        var qda = QuadraticDiscriminantAnalysis()
        try qda.fit(Matrix(ref.X), ref.y, classCount: 3)
        #expect(TestMaths.validProbabilities(qda.predictProba(Matrix(ref.X))))
        let far = Matrix([[1e3, -1e3], [-1e6, 1e6], [1e200, 0], [0, -1e300]])
        let p = qda.predictProba(far)
        #expect(TestMaths.validProbabilities(p))
        // Along the first axis the widest class in that direction wins: the one with the
        // largest [Σ_k⁻¹]₀₀⁻¹, i.e. the smallest (Σ_k⁻¹)₀₀.
        let inverse00 = (0..<3).map { k -> Double in
            let c = qda.covariances[k]
            return c[1, 1] / (c[0, 0] * c[1, 1] - c[0, 1] * c[1, 0])
        }
        let widest = inverse00.indices.min { inverse00[$0] < inverse00[$1] }!
        #expect(p[2, widest] == 1)
    }

    @Test("One class only is refused; a class with a single row is refused naming the cause")
    func tooFewRows() {
        var qda = QuadraticDiscriminantAnalysis()
        #expect(throws: ModelError.self) { try qda.fit(Matrix([[1, 2], [2, 3], [3, 1]]), [0, 0, 0], classCount: 2) }
        let e = #expect(throws: ModelError.self) {
            try qda.fit(Matrix([[1, 2], [2, 3], [3, 1], [9, 9]]), [0, 0, 0, 1], classCount: 2)
        }
        #expect(e?.message.contains("single training row") == true)
    }

    @Test("A feature constant within a class is refused naming reg_param; reg_param 0.05 fits it")
    func constantFeature() throws {
        let x = Matrix([[1, 5], [2, 5], [3, 5], [4, 1], [6, 2], [7, 0]])
        let y = [0, 0, 0, 1, 1, 1]
        var qda = QuadraticDiscriminantAnalysis()
        let e = #expect(throws: ModelError.self) { try qda.fit(x, y, classCount: 2) }
        #expect(e?.message.contains("feature 2 is constant within class 0") == true)
        #expect(e?.message.contains("reg_param") == true)
        var reg = QuadraticDiscriminantAnalysis(regParam: 0.05)
        try reg.fit(x, y, classCount: 2)
        let p = reg.predictProba(Matrix([[2, 5], [6, 1], [0, 0]]))
        #expect(TestMaths.validProbabilities(p))
        #expect(p[0, 0] > 0.5 && p[1, 1] > 0.5)
    }

    @Test("Duplicating every row leaves the fit unchanged (divisor n_k, 1e-12)")
    func duplicatedRows() throws {
        let ref = Self.fixture.qda[0]
        var once = QuadraticDiscriminantAnalysis(), twice = QuadraticDiscriminantAnalysis()
        try once.fit(Matrix(ref.X), ref.y, classCount: 3)
        try twice.fit(Matrix(ref.X + ref.X), ref.y + ref.y, classCount: 3)
        for k in 0..<3 {
            for (u, v) in zip(once.covariances[k].data, twice.covariances[k].data) { #expect(abs(u - v) < 1e-12 * max(1, abs(v))) }
        }
        for (u, v) in zip(once.means.data + once.priors, twice.means.data + twice.priors) { #expect(abs(u - v) < 1e-12 * max(1, abs(v))) }
    }

    @Test("More features than rows in a class: refused without reg_param, a finite fit with it")
    func moreFeaturesThanRows() throws {
        var rng = SeededRandom(seed: 8)
        let x = Matrix(rows: 8, cols: 5, data: (0..<40).map { _ in rng.normal() })
        let y = [0, 1, 0, 1, 0, 1, 0, 1]
        var qda = QuadraticDiscriminantAnalysis()
        let e = #expect(throws: ModelError.self) { try qda.fit(x, y, classCount: 2) }
        #expect(e?.message.contains("4 rows for 5 features") == true)
        var reg = QuadraticDiscriminantAnalysis(regParam: 0.3)
        try reg.fit(x, y, classCount: 2)
        #expect(TestMaths.validProbabilities(reg.predictProba(x)))
    }

    @Test("Settings: reg_param parsed and range-checked; catalogue entry is generative")
    func settings() throws {
        #expect(try QuadraticDiscriminantAnalysis(settings: Settings(model: "QDA", ["reg_param": .number(0.1)])).regParam == 0.1)
        #expect(throws: ModelError.self) { try QuadraticDiscriminantAnalysis(settings: Settings(model: "QDA", ["reg_param": .number(-1)])) }
        #expect(throws: ModelError.self) { try QuadraticDiscriminantAnalysis(settings: Settings(model: "QDA", ["shrinkage": .number(0.1)])) }
        let entry = try #require(ModelCatalogue.entry("qda"))
        #expect(entry.lens == .generative && entry.displayName == "Quadratic discriminant analysis")
        #expect(try ModelCatalogue.make(kind: "qda", settings: [:]).boundaryShape == "quadratic boundary (one covariance per class)")
    }
}
