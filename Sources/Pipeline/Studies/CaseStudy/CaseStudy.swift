import Datasets
import Foundation
import Models
import Numerics

/// What two models learned about the same labelled data, on every feature.
public struct CaseStudyArtifact: Sendable, Codable {
    public struct Feature: Sendable, Codable {
        public let name: String
        /// Logistic regression's weight on the (transformed) feature.
        public let weight: Double
        /// exp(weight): how the odds of the positive class change per unit.
        public let oddsFactor: Double
        /// Naive Bayes's per-class mean and standard deviation (transformed scale), negative then positive.
        public let means: [Double]
        public let sds: [Double]
        /// The class means back on the original scale (e.g. expm1 for log1p).
        public let typical: [Double]
    }
    public struct Scores: Sendable, Codable {
        public let accuracy: Double
        public let logLoss: Double
        /// [[true negative, false positive], [false negative, true positive]]
        public let confusion: [[Int]]
    }
    public let spec: CaseStudySpec
    public let classNames: [String]
    public let positiveIndex: Int
    public let nTrain: Int
    public let nTest: Int
    public let droppedRows: Int
    public let features: [Feature]
    public let intercept: Double
    public let priors: [Double]
    public let logistic: Scores
    public let naiveBayes: Scores
    public let converged: Bool
    /// Rows drawn from naive Bayes's p(x | y = positive), on the original scale.
    public let samples: [[Double]]
    /// The same number of real positive training rows, for comparison.
    public let realExamples: [[Double]]
    public let seed: UInt64
}

enum CaseStudies {
    static func compute(_ spec: CaseStudySpec, bytes: Data, seed: UInt64, testFraction: Double) throws -> CaseStudyArtifact {
        let data = try DatasetLoader.load(csv: bytes, file: spec.file, name: spec.name, title: spec.title, label: spec.label,
                                          features: .named(spec.features), transform: spec.transform)
        guard data.classCount == 2, let positive = data.classNames.firstIndex(of: spec.positive) else {
            throw PipelineError("case study '\(spec.name)': needs two classes with '\(spec.positive)' among them; found \(data.classNames.joined(separator: ", "))")
        }
        let split = Splitter.stratified(labels: data.y, classCount: 2, testFraction: testFraction, seed: seed)
        let train = data.subset(split.train), test = data.subset(split.test)
        var lr = LogisticRegression(c: 1)
        var nb = GaussianNaiveBayes()
        try lr.fit(train.x, train.y, classCount: 2)
        try nb.fit(train.x, train.y, classCount: 2)
        func scores(_ p: Matrix) -> CaseStudyArtifact.Scores {
            var confusion = [[0, 0], [0, 0]]
            for i in 0..<test.count {
                let predicted = p[i, positive] >= 0.5 ? positive : 1 - positive
                confusion[test.y[i] == positive ? 1 : 0][predicted == positive ? 1 : 0] += 1
            }
            return .init(accuracy: Metrics.accuracy(p, test.y), logLoss: Metrics.logLoss(p, test.y), confusion: confusion)
        }
        // The binary weight vector is for class 1; flip its sign if the positive class is 0.
        let sign = positive == 1 ? 1.0 : -1.0
        let order = [1 - positive, positive]
        func original(_ v: Double) -> Double { spec.transform == .log1p ? max(Foundation.expm1(v), 0) : v }
        let features = spec.features.indices.map { j in
            CaseStudyArtifact.Feature(
                name: spec.features[j], weight: sign * lr.weights[0, j], oddsFactor: exp(sign * lr.weights[0, j]),
                means: order.map { nb.means[$0, j] }, sds: order.map { nb.variances[$0, j].squareRoot() },
                typical: order.map { original(nb.means[$0, j]) })
        }
        var rng = SeededRandom(seed: seed, stream: "case-study/\(spec.name)")
        let drawn = nb.sample(spec.samples, ofClass: positive, using: &rng)
        let samples = (0..<drawn.rows).map { i in drawn.row(i).map(original) }
        let positives = train.y.indices.filter { train.y[$0] == positive }
        var pick = positives
        var rng2 = SeededRandom(seed: seed, stream: "case-study-real/\(spec.name)")
        rng2.shuffle(&pick)
        let real = pick.prefix(spec.samples).sorted().map { train.x.row($0).map(original) }
        return CaseStudyArtifact(
            spec: spec, classNames: data.classNames, positiveIndex: positive, nTrain: train.count, nTest: test.count,
            droppedRows: data.droppedRows, features: features, intercept: sign * lr.intercepts[0],
            priors: order.map { nb.priors[$0] }, logistic: scores(lr.predictProba(test.x)),
            naiveBayes: scores(nb.predictProba(test.x)), converged: lr.convergence.converged,
            samples: samples, realExamples: real, seed: seed)
    }
}

/// A case study: logistic regression and Gaussian naive Bayes on every named
/// feature of a labelled CSV — what each learned, how well it classifies, and
/// what the generative one invents for the positive class.
public struct CaseStudySpec: Sendable, Equatable, Codable {
    public var name: String
    public var title: String
    public var file: String
    public var label: String
    public var features: [String]
    public var transform: FeatureTransform
    public var positive: String
    public var samples: Int
}
