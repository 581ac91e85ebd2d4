import Foundation
import Models
import Testing

@Suite("Logistic regression and Gaussian NB agree with scikit-learn on the gallery splits")
struct GalleryBasicTests {
    /// Same objective, same data: the test accuracies should agree to within one
    /// test row at most (0.01 on these sizes); stated tolerance 0.01.
    static let tolerance = 0.01

    @Test("Test accuracy within 0.01 of scikit-learn's", arguments: Gallery.datasets)
    func accuracy(dataset: String) throws {
        let reference: [String: [String: Double]] = try Gallery.fixture("gallery_basic")
        let (train, test) = try Gallery.split(dataset)
        for kind in ["logistic_regression", "gaussian_nb"] {
            var model = try ModelCatalogue.make(kind: kind, settings: [:])
            try model.fit(train.x, train.y, classCount: train.classCount)
            let acc = Metrics.accuracy(model.predictProba(test.x), test.y)
            let ref = try #require(reference[dataset]?[kind])
            #expect(abs(acc - ref) <= Self.tolerance, "\(kind) on \(dataset): \(acc) vs scikit-learn \(ref)")
        }
    }
}
