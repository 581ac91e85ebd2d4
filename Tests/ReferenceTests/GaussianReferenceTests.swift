import Foundation
import Models
import Numerics
import Testing

/// scikit-learn's numbers on the gallery splits, written by `tools/fixtures/gaussians.py`.
struct GaussianReference: Decodable {
    let lda_coef: [[Double]]
    let lda_intercept: [Double]
    let lda_test_proba: [[Double]]
    let lda_accuracy: Double
    let lda_svd_accuracy: Double
    let qda_test_proba: [[Double]]
    let qda_accuracy: Double
}

@Suite("LDA and QDA agree with scikit-learn on the gallery splits")
struct GaussianReferenceTests {
    static let reference: [String: GaussianReference] = try! Gallery.fixture("gaussians")

    /// Same closed-form estimates, different linear algebra (our Cholesky vs
    /// scikit-learn's lstsq/SVD): coefficients agree to 1e-9 relative and
    /// probabilities to 1e-9 absolute.
    static let coefficientTolerance = 1e-9
    static let probabilityTolerance = 1e-9

    @Test("LDA boundary coefficients equal scikit-learn's lsqr coef_/intercept_ (1e-9 relative)", arguments: Gallery.datasets)
    func ldaCoefficients(dataset: String) throws {
        let ref = try #require(Self.reference[dataset])
        let (train, _) = try Gallery.split(dataset)
        var lda = LinearDiscriminantAnalysis()
        try lda.fit(train.x, train.y, classCount: train.classCount)
        let (w, b) = lda.boundaryCoefficients
        func close(_ a: Double, _ e: Double) -> Bool { abs(a - e) <= Self.coefficientTolerance * max(1, abs(e)) }
        if train.classCount == 2 {
            for j in 0..<w.cols { #expect(close(w[1, j] - w[0, j], ref.lda_coef[0][j]), "\(dataset) coef \(j)") }
            #expect(close(b[1] - b[0], ref.lda_intercept[0]))
        } else {
            for k in 0..<w.rows {
                for j in 0..<w.cols { #expect(close(w[k, j], ref.lda_coef[k][j]), "\(dataset) coef \(k),\(j)") }
                #expect(close(b[k], ref.lda_intercept[k]))
            }
        }
    }

    @Test("LDA and QDA P(y|x) on the test rows equal scikit-learn's predict_proba (1e-9); accuracies equal",
          arguments: Gallery.datasets)
    func probabilities(dataset: String) throws {
        let ref = try #require(Self.reference[dataset])
        let (train, test) = try Gallery.split(dataset)
        for kind in ["lda", "qda"] {
            var model = try ModelCatalogue.make(kind: kind, settings: [:])
            try model.fit(train.x, train.y, classCount: train.classCount)
            let p = model.predictProba(test.x)
            let expected = kind == "lda" ? ref.lda_test_proba : ref.qda_test_proba
            var worst = 0.0
            for i in 0..<p.rows { for k in 0..<p.cols { worst = max(worst, abs(p[i, k] - expected[i][k])) } }
            #expect(worst <= Self.probabilityTolerance, "\(kind) on \(dataset): worst |ΔP| = \(worst)")
            let accuracy = Metrics.accuracy(p, test.y)
            #expect(accuracy == (kind == "lda" ? ref.lda_accuracy : ref.qda_accuracy), "\(kind) on \(dataset)")
        }
    }
}
