import Datasets
import Foundation
import Models
import Numerics
import Testing

/// scikit-learn's numbers from `tools/fixtures/mixture.py`.
struct MixtureFixture: Decodable {
    struct Fit: Decodable {
        let score: Double
        let weights: [Double]
        let means: [[Double]]
        let covariances: [[[Double]]]
        let n_iter: Int
        let converged: Bool
    }
    struct PerK: Decodable {
        let k: Int
        let score: Double
        let bic: Double
        let aic: Double
        let n_parameters: Int
    }
    struct Faithful: Decodable {
        let n: Int
        let full_k2: Fit
        let per_k: [String: [PerK]]
    }
    struct Classifier: Decodable {
        let accuracy: Double
        let components: [Int]
    }
    let faithful: Faithful
    let classifier: [String: Classifier]

    static func load() throws -> MixtureFixture { try Gallery.fixture("mixture") }
}

enum OldFaithful {
    /// data/faithful.csv (eruptions, waiting; no label) as a 272 × 2 matrix, read
    /// with the project's CSV reader.
    static func matrix() throws -> Matrix {
        let table = try CSVReader.read(path: Gallery.repoRoot.appendingPathComponent("data/faithful.csv").path)
        let columns = try ["eruptions", "waiting"].map { try table.columnIndex($0, role: "feature") }
        let rows = try table.records.enumerated().map { r, record in
            try columns.map { c -> Double in
                guard let v = Double(record[c]) else {
                    throw CSVError(file: table.file, line: table.lines[r], column: c + 1, "not a number: '\(record[c])'")
                }
                return v
            }
        }
        return Matrix(rows)
    }
}

@Suite("Gaussian mixture on Old Faithful agrees with scikit-learn")
struct MixtureFaithfulTests {
    /// Both restart EM 10 times from k-means and stop by the same rule; the two clusters
    /// of Old Faithful are far apart, so both reach the same optimum (measured: score
    /// equal to 2e-15, parameters to 1e-14). Stated tolerances: score 1e-3 (absolute),
    /// parameters 1e-6 relative, and the same number of EM iterations.
    @Test("k = 2, full: mean log-likelihood within 1e-3 of scikit-learn's (n_init = 10, both); same parameters and iterations")
    func twoComponents() throws {
        let x = try OldFaithful.matrix()
        let ref = try MixtureFixture.load().faithful
        #expect(x.rows == ref.n && x.cols == 2)
        var gmm = GaussianMixture(components: 2, covarianceType: .full, restarts: 10, seed: 0)
        try gmm.fit(x)
        let score = gmm.meanLogLikelihood(x)
        #expect(abs(score - ref.full_k2.score) <= 1e-3, "mean log-likelihood \(score) vs scikit-learn \(ref.full_k2.score)")
        #expect(score == gmm.logLikelihoodTrace.last!)
        #expect(gmm.converged == ref.full_k2.converged && gmm.iterations == ref.full_k2.n_iter,
                "iterations \(gmm.iterations) vs scikit-learn \(ref.full_k2.n_iter)")
        // Components in the fixture's order (short eruptions first).
        let order = gmm.means[0, 0] < gmm.means[1, 0] ? [0, 1] : [1, 0]
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * max(1, abs(b)) }
        for (r, k) in order.enumerated() {
            #expect(close(gmm.weights[k], ref.full_k2.weights[r]))
            for a in 0..<2 {
                #expect(close(gmm.means[k, a], ref.full_k2.means[r][a]))
                for b in 0..<2 { #expect(close(gmm.covariances[k][a, b], ref.full_k2.covariances[r][a][b])) }
            }
        }
    }

    /// k = 1 has a closed form and k = 2 one dominant optimum on these data, so both
    /// fits land on scikit-learn's to rounding (measured ≤ 5e-12 BIC units); stated
    /// tolerance 1e-9 relative. For k ≥ 3, EM stops in local optima that depend on the
    /// random start (NumPy's stream there, SeededRandom here): stated tolerance 1%
    /// relative, measured worst 0.61% (spherical k = 4, 3242.8 vs 3223.2; with seed 1
    /// both find 3223.2).
    @Test("BIC over k = 1…5 (full) is lowest at k = 2; BIC and AIC per k and type near scikit-learn's; parameter counts equal")
    func bicChoosesTwo() throws {
        let x = try OldFaithful.matrix()
        let ref = try MixtureFixture.load().faithful
        for type in GaussianMixture.CovarianceType.allCases {
            let rows = try #require(ref.per_k[type.rawValue])
            #expect(rows.map(\.k) == [1, 2, 3, 4, 5])
            var bics: [Double] = []
            for r in rows {
                var gmm = GaussianMixture(components: r.k, covarianceType: type, restarts: 10, seed: 0)
                try gmm.fit(x)
                let bic = gmm.bic(x), aic = gmm.aic(x)
                bics.append(bic)
                let tolerance = r.k <= 2 ? 1e-9 : 1e-2
                #expect(abs(bic - r.bic) <= tolerance * abs(r.bic), "\(type) k = \(r.k): BIC \(bic) vs scikit-learn \(r.bic)")
                #expect(abs(aic - r.aic) <= tolerance * abs(r.aic), "\(type) k = \(r.k): AIC \(aic) vs scikit-learn \(r.aic)")
                #expect(gmm.parameterCount == r.n_parameters, "\(type) k = \(r.k)")
                #expect(GaussianMixture.parameterCount(components: r.k, features: 2, covarianceType: type) == r.n_parameters)
            }
            if type == .full {
                #expect(bics.indices.min { bics[$0] < bics[$1] } == 1, "BIC per k: \(bics)")
                let refBics = rows.map(\.bic)
                #expect(refBics.indices.min { refBics[$0] < refBics[$1] } == 1)
            }
        }
    }

    /// EM never lowers the likelihood on these data (reg_covar is tiny against every
    /// variance, so its bound is negligible); the fit itself asserts the bound (debug
    /// builds), and here the kept run's trace is checked: no decrease above 1e-10
    /// relative (measured: none at all).
    @Test("The log-likelihood trace never decreases, for every covariance type, k and seed")
    func traceNeverDecreases() throws {
        let x = try OldFaithful.matrix()
        for type in GaussianMixture.CovarianceType.allCases {
            for k in 1...5 {
                for seed in UInt64(0)..<3 {
                    for initialisation in GaussianMixture.Initialisation.allCases {
                        var gmm = GaussianMixture(components: k, covarianceType: type, restarts: 2,
                                                  initialisation: initialisation, seed: seed)
                        try gmm.fit(x)
                        let trace = gmm.logLikelihoodTrace
                        #expect(trace.count == gmm.iterations + 1)
                        #expect(trace.allSatisfy { $0.isFinite })
                        for t in 1..<trace.count {
                            #expect(trace[t] >= trace[t - 1] - 1e-10 * abs(trace[t - 1]),
                                    "\(type) k = \(k) seed \(seed): \(trace[t - 1]) → \(trace[t])")
                        }
                        #expect(gmm.decreaseAllowance.count == gmm.iterations)
                        #expect(gmm.iterations <= 100)
                    }
                }
            }
        }
    }
}

@Suite("Regularised EM on stacked data (spam7)")
struct MixtureRegularisationTests {
    /// spam7's training rows pile up on the axes and at the origin (1404 of 3221), where
    /// reg_covar is not small against a component's variance. EM with reg_covar then may
    /// lower the log-likelihood, by at most the bound in `GaussianMixture`'s doc comment
    /// (scikit-learn's EM shows the same, 2.8e-7 per sample at k = 4). Measured drops:
    /// 3.3e-5 (allowed 6.2e-5) full k = 6; 1.14702e-5 (allowed 1.14707e-5) diag k = 2.
    /// With reg_covar = 1e-10 the same fits must not decrease (1e-10 relative).
    @Test("Decreases stay within the reg_covar bound, and vanish as reg_covar → 0",
          arguments: [(GaussianMixture.CovarianceType.full, 6, UInt64(0), GaussianMixture.Initialisation.kmeans),
                      (.diag, 2, 1, .kmeansPlusPlus)])
    func boundedDecrease(type: GaussianMixture.CovarianceType, k: Int, seed: UInt64, initialisation: GaussianMixture.Initialisation) throws {
        let (train, _) = try Gallery.split("spam7")
        var largestDrop = 0.0
        for regCovar in [1e-6, 1e-10] {
            var gmm = GaussianMixture(components: k, covarianceType: type, regCovar: regCovar,
                                      initialisation: initialisation, seed: seed)
            try gmm.fit(train.x)
            let trace = gmm.logLikelihoodTrace
            #expect(gmm.decreaseAllowance.count == trace.count - 1)
            for t in 1..<trace.count {
                let drop = trace[t - 1] - trace[t]
                let allowed = regCovar == 1e-6 ? gmm.decreaseAllowance[t - 1] : 0
                #expect(drop <= allowed + 1e-10 * abs(trace[t - 1]), "reg_covar \(regCovar) step \(t): drop \(drop), allowed \(allowed)")
                if regCovar == 1e-6 { largestDrop = max(largestDrop, drop) }
            }
        }
        // The plain "never decreases" would be false here: the bound is needed.
        #expect(largestDrop > 1e-6)
    }
}

@Suite("Gaussian mixture per class agrees with scikit-learn on the gallery splits")
struct MixtureClassifierReferenceTests {
    /// Both fit one 3-component full-covariance mixture per class from a k-means start
    /// and classify by Bayes' rule; the random starts differ (SeededRandom vs NumPy), so
    /// the local optima and a few test predictions may too. Stated tolerance 0.03.
    /// Measured with the default seed 0: gaps 0, +0.013, −0.013, +0.020, 0, −0.009
    /// (two_moons, circles, blobs, xor, iris, spam7); worst 0.020 on xor. spam7 is the
    /// fragile one: scikit-learn's own accuracy there spans 0.767–0.831 over
    /// random_state 0…9, and ours reaches +0.054 above its random_state 0 with seed 7.
    static let tolerance = 0.03

    @Test("Test accuracy within 0.03 of scikit-learn's per-class GaussianMixture", arguments: Gallery.datasets)
    func accuracy(dataset: String) throws {
        let ref = try #require(try MixtureFixture.load().classifier[dataset])
        let (train, test) = try Gallery.split(dataset)
        var model = try ModelCatalogue.make(kind: GaussianMixtureClassifier.kind, settings: [:])
        try model.fit(train.x, train.y, classCount: train.classCount)
        let p = model.predictProba(test.x)
        #expect(p.allFinite)
        let acc = Metrics.accuracy(p, test.y)
        #expect(abs(acc - ref.accuracy) <= Self.tolerance, "\(dataset): \(acc) vs scikit-learn \(ref.accuracy)")
        let fitted = try #require(model as? GaussianMixtureClassifier)
        #expect(fitted.componentsPerClass == ref.components)
    }
}
