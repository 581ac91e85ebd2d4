import Foundation
import Testing
@testable import Models
import Numerics

/// Small seeded data sets for the mixture tests.
enum MixtureData {
    /// n rows from three well-separated 2-D Gaussians (labels 0, 1, 2 in turn).
    static func threeBlobs(_ n: Int, seed: UInt64 = 7) -> (x: Matrix, y: [Int]) {
        var rng = SeededRandom(seed: seed)
        let centres = [[0.0, 0.0], [6.0, 1.0], [2.0, 7.0]]
        var rows: [[Double]] = [], y: [Int] = []
        for i in 0..<n {
            let c = i % 3
            let a = rng.normal(), b = rng.normal()
            rows.append([centres[c][0] + a, centres[c][1] + 0.6 * a + 0.8 * b])
            y.append(c)
        }
        return (Matrix(rows), y)
    }

    /// n rows in d dimensions with correlated columns.
    static func correlated(_ n: Int, _ d: Int, seed: UInt64 = 3) -> Matrix {
        var rng = SeededRandom(seed: seed)
        var x = Matrix(rows: n, cols: d)
        for i in 0..<n {
            var previous = 0.0
            for j in 0..<d {
                let v = 0.7 * previous + rng.normal() + Double(j)
                x[i, j] = v; previous = v - Double(j)
            }
        }
        return x
    }
}

@Suite("Gaussian mixture (EM)")
struct GaussianMixtureTests {
    func close(_ a: Double, _ b: Double, _ tol: Double) -> Bool { abs(a - b) <= tol * max(1, abs(b)) }

    @Test("k = 1: one iteration gives the MLE mean and covariance (+ reg_covar on the diagonal), 1e-9 relative",
          arguments: GaussianMixture.CovarianceType.allCases)
    func singleComponentClosedForm(type: GaussianMixture.CovarianceType) throws {
        let x = MixtureData.correlated(200, 3)
        let n = Double(x.rows), d = x.cols
        var gmm = GaussianMixture(components: 1, covarianceType: type, regCovar: 1e-3, maxIterations: 1)
        try gmm.fit(x)
        #expect(gmm.iterations == 1 && gmm.weights == [1])
        // The MLE, computed here from its definition (divide by n).
        let mean = (0..<d).map { j in (0..<x.rows).reduce(0.0) { $0 + x[$1, j] } / n }
        var cov = Matrix(rows: d, cols: d)
        for a in 0..<d { for b in 0..<d {
            cov[a, b] = (0..<x.rows).reduce(0.0) { $0 + (x[$1, a] - mean[a]) * (x[$1, b] - mean[b]) } / n
        } }
        let averageVariance = (0..<d).reduce(0.0) { $0 + cov[$1, $1] } / Double(d)
        for j in 0..<d { #expect(close(gmm.means[0, j], mean[j], 1e-9)) }
        let fitted = gmm.covariances[0]
        for a in 0..<d { for b in 0..<d {
            let expected: Double
            switch type {
            case .full: expected = cov[a, b] + (a == b ? 1e-3 : 0)
            case .diag: expected = a == b ? cov[a, a] + 1e-3 : 0
            case .spherical: expected = a == b ? averageVariance + 1e-3 : 0
            }
            #expect(close(fitted[a, b], expected, 1e-9), "\(type) Σ[\(a),\(b)] = \(fitted[a, b]), expected \(expected)")
        } }
    }

    @Test("Parameter counts are scikit-learn's _n_parameters; BIC = −2 log L + p ln n, AIC = −2 log L + 2p")
    func parameterCounts() throws {
        // By hand: K·d means + (K − 1) weights + K·d(d+1)/2 | K·d | K variances.
        #expect(GaussianMixture.parameterCount(components: 3, features: 2, covarianceType: .full) == 6 + 2 + 9)
        #expect(GaussianMixture.parameterCount(components: 3, features: 2, covarianceType: .diag) == 6 + 2 + 6)
        #expect(GaussianMixture.parameterCount(components: 3, features: 2, covarianceType: .spherical) == 6 + 2 + 3)
        #expect(GaussianMixture.parameterCount(components: 4, features: 5, covarianceType: .full) == 20 + 3 + 60)
        #expect(GaussianMixture.parameterCount(components: 4, features: 5, covarianceType: .diag) == 20 + 3 + 20)
        #expect(GaussianMixture.parameterCount(components: 4, features: 5, covarianceType: .spherical) == 20 + 3 + 4)
        #expect(GaussianMixture.parameterCount(components: 1, features: 1, covarianceType: .spherical) == 2)

        let (x, _) = MixtureData.threeBlobs(90)
        var gmm = GaussianMixture(components: 3, covarianceType: .diag)
        try gmm.fit(x)
        let logL = gmm.logDensity(x).reduce(0, +)
        #expect(close(gmm.bic(x), -2 * logL + 14 * log(90), 1e-12))
        #expect(close(gmm.aic(x), -2 * logL + 28, 1e-12))
        #expect(close(gmm.meanLogLikelihood(x), logL / 90, 1e-12))
    }

    @Test("Component log densities equal the bivariate normal formula; log p(x) is their weighted log-sum-exp (1e-10)")
    func densities() throws {
        let (x, _) = MixtureData.threeBlobs(120)
        var gmm = GaussianMixture(components: 3, seed: 1)
        try gmm.fit(x)
        let probe = Matrix([[0, 0], [3, 4], [-20, 15], [6, 1]])
        let comp = gmm.componentLogDensity(probe)
        let total = gmm.logDensity(probe)
        let resp = gmm.responsibilities(probe)
        for i in 0..<probe.rows {
            for k in 0..<3 {
                let s = gmm.covariances[k], m = gmm.means.row(k)
                let det = s[0, 0] * s[1, 1] - s[0, 1] * s[1, 0]
                let dx = probe[i, 0] - m[0], dy = probe[i, 1] - m[1]
                let q = (s[1, 1] * dx * dx - 2 * s[0, 1] * dx * dy + s[0, 0] * dy * dy) / det
                let expected = -log(2 * Double.pi) - 0.5 * log(det) - 0.5 * q
                #expect(close(comp[i, k], expected, 1e-10), "row \(i) component \(k)")
            }
            let mixture = log((0..<3).reduce(0.0) { $0 + gmm.weights[$1] * exp(comp[i, $1]) })
            #expect(close(total[i], mixture, 1e-10))
            #expect(abs(resp.row(i).reduce(0, +) - 1) < 1e-12)
            #expect(resp.row(i).allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        #expect(abs(gmm.weights.reduce(0, +) - 1) < 1e-12)
    }

    /// Mixture moments: μ = Σ w_k μ_k, Σ = Σ w_k (Σ_k + μ_k μ_kᵀ) − μμᵀ. With 40 000 draws,
    /// each sample mean and covariance entry must lie within 5 standard errors (the
    /// standard errors estimated from the draws: √(Var/n) for means and √(Var((x_a − x̄_a)(x_b − x̄_b))/n)
    /// for covariances). A fixed seed makes the outcome deterministic.
    @Test("Samples reproduce the mixture mean and covariance within 5 standard errors (40 000 draws)")
    func samplesHaveMixtureMoments() throws {
        let (x, _) = MixtureData.threeBlobs(150)
        var gmm = GaussianMixture(components: 3, seed: 2)
        try gmm.fit(x)
        let d = 2
        var mu = [Double](repeating: 0, count: d)
        var second = Matrix(rows: d, cols: d)
        for k in 0..<3 {
            let w = gmm.weights[k], m = gmm.means.row(k), s = gmm.covariances[k]
            for a in 0..<d {
                mu[a] += w * m[a]
                for b in 0..<d { second[a, b] += w * (s[a, b] + m[a] * m[b]) }
            }
        }
        var rng = SeededRandom(seed: 11)
        let n = 40_000
        let draws = gmm.sample(n, using: &rng)
        #expect(draws.rows == n && draws.cols == d && draws.allFinite)
        let sampleMean = draws.columnMeans()
        for a in 0..<d {
            let expectedCov = second[a, a] - mu[a] * mu[a]
            #expect(abs(sampleMean[a] - mu[a]) <= 5 * (expectedCov / Double(n)).squareRoot(),
                    "mean \(a): \(sampleMean[a]) vs \(mu[a])")
        }
        for a in 0..<d { for b in a..<d {
            let products = (0..<n).map { (draws[$0, a] - sampleMean[a]) * (draws[$0, b] - sampleMean[b]) }
            let c = products.reduce(0, +) / Double(n)
            let spread = products.reduce(0) { $0 + ($1 - c) * ($1 - c) } / Double(n)
            let expected = second[a, b] - mu[a] * mu[b]
            #expect(abs(c - expected) <= 5 * (spread / Double(n)).squareRoot(), "cov[\(a),\(b)]: \(c) vs \(expected)")
        } }
    }

    @Test("Same seed, same fit and same samples; the trace ends at the training score")
    func deterministic() throws {
        let (x, _) = MixtureData.threeBlobs(120)
        var a = GaussianMixture(components: 3, covarianceType: .diag, restarts: 3, seed: 5)
        var b = a
        try a.fit(x); try b.fit(x)
        #expect(a.means == b.means && a.weights == b.weights && a.covariances == b.covariances)
        #expect(a.logLikelihoodTrace == b.logLikelihoodTrace && a.iterations == b.iterations)
        #expect(a.logLikelihoodTrace.last == a.meanLogLikelihood(x))
        var r1 = SeededRandom(seed: 1), r2 = SeededRandom(seed: 1)
        #expect(a.sample(50, using: &r1) == b.sample(50, using: &r2))
    }

    @Test("Fewer rows than components, NaN, or reg_covar = 0 on collapsed data are refused with a ModelError")
    func refusals() throws {
        var gmm = GaussianMixture(components: 4)
        #expect(throws: ModelError.self) { try gmm.fit(Matrix([[1, 2], [3, 4], [5, 6]])) }
        gmm = GaussianMixture(components: 1)
        #expect(throws: ModelError.self) { try gmm.fit(Matrix([[1, .nan], [3, 4]])) }
        #expect(throws: ModelError.self) { try gmm.fit(Matrix(rows: 0, cols: 2)) }
        var unregularised = GaussianMixture(components: 1, regCovar: 0)
        do {
            try unregularised.fit(Matrix([[1, 2], [1, 2], [1, 2]]))
            Issue.record("a singular covariance with reg_covar = 0 should be refused")
        } catch let e as ModelError {
            #expect(e.message.contains("reg_covar"))
        }
    }

    @Test("A component collapsing onto one repeated point keeps covariance ≥ reg_covar and a finite density")
    func collapseIsPreventedByRegularisation() throws {
        var rows = [[Double]](repeating: [2, -1], count: 40)
        var rng = SeededRandom(seed: 4)
        for _ in 0..<60 { rows.append([rng.normal(mean: 8, std: 1), rng.normal()]) }
        let x = Matrix(rows)
        for type in GaussianMixture.CovarianceType.allCases {
            var gmm = GaussianMixture(components: 3, covarianceType: type, regCovar: 1e-6, seed: 1)
            try gmm.fit(x)
            for s in gmm.covariances {
                let smallest = try LAPACK.symmetricEigen(s).values.min()!
                #expect(smallest >= 1e-6 * (1 - 1e-9), "\(type): smallest eigenvalue \(smallest)")
            }
            #expect(gmm.logDensity(x).allSatisfy { $0.isFinite })
            #expect(gmm.logLikelihoodTrace.allSatisfy { $0.isFinite })
        }
        // All rows identical: every component sits on the point (or is empty) and stays finite.
        var same = GaussianMixture(components: 3)
        try same.fit(Matrix([[1, 1], [1, 1], [1, 1], [1, 1]]))
        #expect(same.logDensity(Matrix([[1, 1], [0, 0]])).allSatisfy { $0.isFinite })
        #expect(same.weights.allSatisfy { $0.isFinite } && same.means.allFinite)
    }

    @Test("Settings: defaults, round trip, unknown keys and bad values refused")
    func settings() throws {
        let gmm = try GaussianMixture(settings: Settings(model: "Gaussian mixture", [
            "n_components": .integer(2), "covariance_type": .text("spherical"), "n_init": .integer(4), "seed": .integer(9)]))
        #expect(gmm.components == 2 && gmm.covarianceType == .spherical && gmm.restarts == 4 && gmm.seed == 9)
        #expect(gmm.regCovar == 1e-6 && gmm.tolerance == 1e-3 && gmm.maxIterations == 100 && gmm.initialisation == .kmeans)
        let again = try GaussianMixture(settings: Settings(model: "Gaussian mixture", gmm.settings))
        #expect(again.settings == gmm.settings)
        #expect(throws: ModelError.self) { try GaussianMixture(settings: Settings(model: "m", ["k": .integer(2)])) }
        #expect(throws: ModelError.self) {
            try GaussianMixture(settings: Settings(model: "m", ["covariance_type": .text("tied")]))
        }
        #expect(throws: ModelError.self) { try GaussianMixture(settings: Settings(model: "m", ["reg_covar": .number(-1)])) }
        #expect(GaussianMixture.kind == "gmm" && GaussianMixture.displayName == "Gaussian mixture")
    }
}

@Suite("Gaussian mixture per class")
struct GaussianMixtureClassifierTests {
    @Test("P(y|x) rows sum to 1 and lie in [0, 1], also far from the data; good accuracy on separated blobs")
    func probabilities() throws {
        let (x, y) = MixtureData.threeBlobs(150)
        var model = GaussianMixtureClassifier()
        try model.fit(x, y, classCount: 3)
        let probe = Matrix(rows: x.rows + 4, cols: 2, data: x.data + [0, 0, 50, -50, -1e4, 1e4, 1e3, 1e3])
        let p = model.predictProba(probe)
        for i in 0..<p.rows {
            #expect(abs(p.row(i).reduce(0, +) - 1) < 1e-12)
            #expect(p.row(i).allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        #expect(Metrics.accuracy(model.predictProba(x), y) >= 0.95)
        #expect(model.componentsPerClass == [3, 3, 3])
        #expect(abs(model.priors.reduce(0, +) - 1) < 1e-12)
        // p(x | y = c) is class c's mixture density.
        let density = model.classLogDensity(x)
        let own = model.mixtures[1]!.logDensity(x)
        for i in 0..<x.rows { #expect(density[i, 1] == own[i]) }
    }

    @Test("Same seed → identical probabilities and samples")
    func deterministic() throws {
        let (x, y) = MixtureData.threeBlobs(90)
        var a = GaussianMixtureClassifier(seed: 3), b = GaussianMixtureClassifier(seed: 3)
        try a.fit(x, y, classCount: 3); try b.fit(x, y, classCount: 3)
        #expect(a.predictProba(x) == b.predictProba(x))
        var r1 = SeededRandom(seed: 8), r2 = SeededRandom(seed: 8)
        let s1 = a.sample(30, using: &r1), s2 = b.sample(30, using: &r2)
        #expect(s1.x == s2.x && s1.y == s2.y)
        #expect(a.sample(10, ofClass: 2, using: &r1) == b.sample(10, ofClass: 2, using: &r2))
    }

    @Test("Class samples have the class mixture's mean (5 standard errors, 20 000 draws)")
    func classSamples() throws {
        let (x, y) = MixtureData.threeBlobs(150)
        var model = GaussianMixtureClassifier(components: 2)
        try model.fit(x, y, classCount: 3)
        var rng = SeededRandom(seed: 5)
        for c in 0..<3 {
            let m = model.mixtures[c]!
            let draws = model.sample(20_000, ofClass: c, using: &rng)
            let mean = draws.columnMeans(), variance = draws.columnVariances()
            for j in 0..<2 {
                let expected = (0..<m.weights.count).reduce(0.0) { $0 + m.weights[$1] * m.means[$1, j] }
                #expect(abs(mean[j] - expected) <= 5 * (variance[j] / 20_000).squareRoot(), "class \(c) feature \(j)")
            }
        }
    }

    @Test("One class only is refused with a ModelError")
    func oneClass() throws {
        var model = GaussianMixtureClassifier()
        #expect(throws: ModelError.self) {
            try model.fit(Matrix([[1, 2], [2, 3], [3, 1], [4, 4]]), [0, 0, 0, 0], classCount: 2)
        }
    }

    @Test("Degenerate inputs fit with finite probabilities: constant feature, duplicated rows, more features than rows, a tiny class")
    func degenerate() throws {
        let (x, y) = MixtureData.threeBlobs(60)
        func finiteRows(_ p: Matrix) -> Bool {
            (0..<p.rows).allSatisfy { i in p.row(i).allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 } && abs(p.row(i).reduce(0, +) - 1) < 1e-9 }
        }
        // A constant third feature: reg_covar keeps every covariance positive definite.
        let constant = Matrix((0..<x.rows).map { x.row($0) + [5] })
        var model = GaussianMixtureClassifier()
        try model.fit(constant, y, classCount: 3)
        #expect(finiteRows(model.predictProba(constant)))
        #expect(Metrics.accuracy(model.predictProba(constant), y) >= 0.9)

        // Every row three times.
        let tripled = x.rows(Array(0..<x.rows) + Array(0..<x.rows) + Array(0..<x.rows))
        model = GaussianMixtureClassifier()
        try model.fit(tripled, y + y + y, classCount: 3)
        #expect(finiteRows(model.predictProba(x)))
        #expect(Metrics.accuracy(model.predictProba(x), y) >= 0.9)

        // 8 rows, 20 features.
        var rng = SeededRandom(seed: 6)
        let wide = Matrix(rows: 8, cols: 20, data: (0..<160).map { i in rng.normal() + (i / 20 < 4 ? 0 : 3) })
        model = GaussianMixtureClassifier()
        try model.fit(wide, [0, 0, 0, 0, 1, 1, 1, 1], classCount: 2)
        #expect(finiteRows(model.predictProba(wide)))
        #expect(model.componentsPerClass == [3, 3])

        // A class with two rows gets two components (fewer rows than n_components), and
        // a class absent from training gets probability 0.
        let small = Matrix(rows: x.rows + 2, cols: 2, data: x.data + [20, 20, 21, 19])
        model = GaussianMixtureClassifier()
        try model.fit(small, y + [3, 3], classCount: 5)
        #expect(model.componentsPerClass == [3, 3, 3, 2, 0])
        let p = model.predictProba(small)
        #expect(finiteRows(p))
        #expect((0..<p.rows).allSatisfy { p[$0, 4] == 0 })
        var r = SeededRandom(seed: 1)
        #expect(model.sample(0, ofClass: 4, using: &r).rows == 0)
        #expect(model.sample(40, using: &r).y.allSatisfy { $0 != 4 })
    }

    @Test("Registered in the catalogue as a generative model; settings parsed and refused")
    func catalogue() throws {
        let entry = try #require(ModelCatalogue.entry("gmm_classifier"))
        #expect(entry.lens == .generative && entry.displayName == "Gaussian mixture per class")
        let model = try ModelCatalogue.make(kind: "gmm_classifier", settings: ["covariance_type": .text("diag")])
        let settings = model.settings
        #expect(settings["n_components"] == .integer(3) && settings["covariance_type"] == .text("diag"))
        #expect(model.boundaryShape == "flexible curved boundary (a mixture per class)")
        #expect(throws: ModelError.self) { try ModelCatalogue.make(kind: "gmm_classifier", settings: ["components": .integer(3)]) }
        #expect(throws: ModelError.self) { try ModelCatalogue.make(kind: "gmm_classifier", settings: ["n_components": .integer(0)]) }
    }
}
