import Foundation
import Models
import Testing

/// `tools/fixtures/forest_mlp.py`: scikit-learn's test accuracies over seeds 0…4.
struct ForestMLPFixture: Decodable {
    struct Summary: Decodable {
        let accuracies: [Double]
        let mean: Double
        let std: Double
        let n_iter: [Int]?
    }
    let seeds: [Int]
    let n_estimators: Int
    let mlp_max_iter: Int
    let datasets: [String: [String: Summary]]
}

@Suite("Random forest and MLP agree with scikit-learn on the gallery splits")
struct ForestMLPReferenceTests {
    /// Both fits are random and draw from different generators than scikit-learn's,
    /// so the comparison is with the mean over scikit-learn seeds 0…4. The tolerance
    /// 0.03 is 1–4 test rows (150 rows; 45 for iris; 1380 for spam7) and several times
    /// scikit-learn's own seed-to-seed standard deviation (≤ 0.012 on these sets).
    /// Measured: every gap ≤ 0.006 except the forest on iris, 0.022 (one row of 45):
    /// iris lies on a 0.1 grid, so some test points sit exactly on a midpoint
    /// threshold (e.g. petal width 1.7 between 1.6 and 1.8). Here x ≤ t goes left in
    /// float64; scikit-learn rounds both to float32, where the threshold falls just
    /// below the point and it goes right — a systematic, not a random, difference.
    static let tolerance = 0.03

    @Test("Settings match the fixture's (n_estimators, max_iter)")
    func settingsMatch() throws {
        let f: ForestMLPFixture = try Gallery.fixture("forest_mlp")
        #expect(f.n_estimators == RandomForest().nEstimators)
        #expect(f.mlp_max_iter == MLPClassifier().maxIterations)
    }

    @Test("Random forest test accuracy within 0.03 of scikit-learn's mean", arguments: Gallery.datasets)
    func forest(dataset: String) throws {
        try compare("random_forest", on: dataset)
    }

    @Test("MLP test accuracy within 0.03 of scikit-learn's mean (StandardScaler + MLPClassifier)", arguments: Gallery.datasets)
    func mlp(dataset: String) throws {
        try compare("mlp", on: dataset)
    }

    func compare(_ kind: String, on dataset: String) throws {
        let f: ForestMLPFixture = try Gallery.fixture("forest_mlp")
        let ref = try #require(f.datasets[dataset]?[kind])
        let (train, test) = try Gallery.split(dataset)
        var model = try ModelCatalogue.make(kind: kind, settings: [:])
        try model.fit(train.x, train.y, classCount: train.classCount)
        let p = model.predictProba(test.x)
        #expect(p.allFinite)
        let acc = Metrics.accuracy(p, test.y)
        #expect(abs(acc - ref.mean) <= Self.tolerance,
                "\(kind) on \(dataset): \(acc) vs scikit-learn \(ref.mean) ± \(ref.std) \(ref.accuracies)")
    }
}
