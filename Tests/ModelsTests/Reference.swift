import Foundation
import Numerics

/// The scikit-learn fixture written by `tools/make_fixtures.py`.
struct Reference: Decodable {
    struct Logistic: Decodable {
        let name: String
        let C: Double
        let X: [[Double]]
        let y: [Int]
        let coef: [[Double]]
        let intercept: [Double]
        let probe: [[Double]]
        let probe_proba: [[Double]]
        let train_proba: [[Double]]
    }
    struct GNB: Decodable {
        let name: String
        let X: [[Double]]
        let y: [Int]
        let theta: [[Double]]
        let `var`: [[Double]]
        let prior: [Double]
        let epsilon: Double
        let proba: [[Double]]
    }
    let logistic: [Logistic]
    let gaussian_nb: [GNB]

    static let shared: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sklearn_reference.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()
}
