import Datasets
import Foundation
import Models
import Numerics

// The learning-curve study's settings, and what its jobs make (parts, then the study).

/// One dataset of the learning-curve study.
public struct LearningCurveSpec: Sendable, Equatable, Codable {
    public var name: String
    public var title: String
    /// CSV path relative to the project root.
    public var file: String
    public var label: String
    /// Columns that are neither label nor feature (pima's `split`). Every other numeric column is a feature.
    public var exclude: [String]
    public var transform: FeatureTransform
    /// Standardise the features (training-set mean and SD) before logistic regression, so C means the
    /// same on every dataset. Naive Bayes always sees the features as they are.
    public var standardizeForLogistic: Bool
    /// When not standardising: logistic regression sees the features divided by this fixed number
    /// (digits: 16, the pixel range, so pixels lie in [0, 1] and L-BFGS converges).
    public var logisticDivisor: Double
    /// The features are non-negative counts (digits): adds Bernoulli NB on binarised features and
    /// multinomial NB on the counts, each against logistic regression on the same representation.
    public var counts: Bool
    /// Bernoulli representation: a feature is on when it exceeds this.
    public var binarizeThreshold: Double
    /// Overrides the settings' L-BFGS tolerance for this dataset (digits: 1e-4, scikit-learn's default,
    /// because 1e-6 costs about four times as long there).
    public var logisticTolerance: Double?

    /// The L-BFGS tolerance logistic regression uses on this dataset.
    public func tolerance(_ settings: LearningCurveSettings) -> Double { logisticTolerance ?? settings.tolerance }

    public init(name: String, title: String, file: String, label: String, exclude: [String] = [],
                transform: FeatureTransform = .none, standardizeForLogistic: Bool = true, logisticDivisor: Double = 1,
                counts: Bool = false, binarizeThreshold: Double = 0, logisticTolerance: Double? = nil) {
        self.name = name; self.title = title; self.file = file; self.label = label; self.exclude = exclude
        self.transform = transform; self.standardizeForLogistic = standardizeForLogistic; self.logisticDivisor = logisticDivisor
        self.counts = counts; self.binarizeThreshold = binarizeThreshold; self.logisticTolerance = logisticTolerance
    }

    /// The six datasets of issue 6, as shipped in data/.
    public static let standard: [LearningCurveSpec] = [
        LearningCurveSpec(name: "spam7", title: "Spam (six features, log(1+x))", file: "data/spam7.csv", label: "spam",
                          transform: .log1p),
        LearningCurveSpec(name: "breast_cancer", title: "Breast cancer (Wisconsin diagnostic)",
                          file: "data/breast_cancer.csv", label: "diagnosis"),
        LearningCurveSpec(name: "pima", title: "Pima diabetes", file: "data/pima.csv", label: "diabetes", exclude: ["split"]),
        LearningCurveSpec(name: "wine", title: "Wine", file: "data/wine.csv", label: "cultivar"),
        LearningCurveSpec(name: "iris", title: "Iris", file: "data/iris.csv", label: "species"),
        // Pixels share one scale (counts 0–16), and most are almost always 0: standardising by a
        // small training set's SD would blow rare pixels up, so logistic regression sees pixel / 16.
        LearningCurveSpec(name: "digits", title: "Handwritten digits (8×8)", file: "data/digits.csv", label: "digit",
                          standardizeForLogistic: false, logisticDivisor: 16, counts: true, logisticTolerance: 1e-4),
    ]
}

/// How the experiment is run (all of it is part of the result's provenance).
public struct LearningCurveSettings: Sendable, Equatable, Codable {
    /// Random training sets per size (and test parts: one per split index).
    public var splits = 200
    /// Number of log-spaced training-set sizes (fewer when rounding makes sizes coincide).
    public var sizes = 16
    public var testFraction = 0.3
    /// The smallest training set holds this many rows of every class.
    public var minPerClass = 2
    /// Confidence level of the intervals of the mean error.
    public var level = 0.95
    /// Two-sided level of the paired t-test.
    public var significance = 0.05
    /// Logistic regression's C: the usual default and a weak penalty close to Ng & Jordan's unregularised fit.
    public var strongC = 1.0
    public var weakC = 1e4
    public var maxIterations = 1000
    /// L-BFGS stops when ‖∇‖∞ ≤ this (on the mean loss, as scikit-learn's `tol`). Tight, so that C = 1e4
    /// fits on separable training sets do not stop early wherever the optimiser happens to be.
    public var tolerance = 1e-6
    /// Correction pairs L-BFGS keeps in the C = `strongC` fits (scikit-learn keeps scipy's 10). Those fits are
    /// strongly convex, so any path stops at the same point within the tolerance, and 60 pairs get there in
    /// 40 % fewer iterations on digits (bench/PROFILE.md, session 6). The C = `weakC` fits keep 10: on
    /// near-separable training sets where such a fit stops depends on the path, and with 60 pairs the
    /// binarised-digits verdict against Bernoulli NB changed — those fits follow scikit-learn's path.
    public var lbfgsMemory = 60
    /// The correction pairs of the fit at `c`: `lbfgsMemory` at `strongC`, scikit-learn's 10 otherwise.
    public func lbfgsMemory(c: Double) -> Int { c == strongC ? lbfgsMemory : 10 }
    public var varSmoothing = 1e-9
    /// Laplace smoothing of Bernoulli and multinomial NB.
    public var alpha = 1.0
    /// The defaults; lenses.yml's `learning_curves:` settings are read and checked by `ConfigLoader.learningCurves`.
    public init() {}
}

/// A learner of the study: a model on one representation of the data.
public struct LearnerInfo: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case gaussianNB, pooledGaussianNB, bernoulliNB, multinomialNB, logistic }
    public enum Representation: String, Sendable, Codable {
        /// The dataset's features (standardised for logistic regression when the spec says so).
        case features
        /// 1 where a feature exceeds the threshold, else 0.
        case binarised
        /// The raw non-negative counts.
        case counts
    }
    public let id: String
    public let name: String
    public let kind: Kind
    public let representation: Representation
    public let lens: ModelCatalogue.Lens
    public let c: Double?
    public let settings: [String: SettingValue]
}

/// A naive Bayes learner against a logistic regression on the same representation.
public struct LearnerPair: Sendable, Codable, Equatable {
    public let generative: String
    public let discriminative: String
}

/// The test error of one learner at one size, over all splits.
public struct CurvePoint: Sendable, Codable, Equatable {
    public let m: Int
    public let mean: Double
    public let lower: Double
    public let upper: Double
    public let standardDeviation: Double
    /// Fits whose optimiser stopped at the iteration limit (logistic regression only).
    public let nonConverged: Int
    /// Training sets the fitted model classified without a single error.
    public let zeroTrainingError: Int
    /// Fits that threw (scored by predicting the training set's majority class).
    public let failed: Int
}

public struct LearnerCurve: Sendable, Codable, Equatable {
    public let learner: String
    public let points: [CurvePoint]
}

/// Naive Bayes against logistic regression at one size.
public struct ComparisonPoint: Sendable, Codable, Equatable {
    public let m: Int
    public let nbError: Double
    public let lrError: Double
    /// Mean over splits of (NB error − LR error): positive when LR is better.
    public let meanDifference: Double
    /// The two 95 % intervals of the mean error share no point.
    public let intervalsDisjoint: Bool
    public let pairedT: Double
    public let pairedP: Double
}

/// The three possible answers for one model pair.
public enum LearningCurveVerdict: String, Sendable, Codable {
    /// NB significantly better at some small m, LR significantly better from the crossover to the largest m.
    case ngJordan = "Ng–Jordan pattern"
    /// LR significantly better at some m and never significantly worse.
    case lrNeverWorse = "LR never worse"
    /// LR is not significantly better from any size through the largest one (or never at all).
    case noLRAdvantage = "no LR advantage"
}

/// What the verdict rests on, as numbers (the page's sentences are generated from these).
public struct VerdictReason: Sendable, Codable, Equatable {
    /// The criterion that decided "significantly": "intervals" (95 % CIs disjoint) or "paired" (paired t-test).
    public let criterion: String
    public let nbBetterSizes: [Int]
    public let lrBetterSizes: [Int]
    /// The smallest m from which LR is significantly better at every measured size up to the largest.
    public let crossover: Int?
    public let smallestM: Int
    public let largestM: Int
    public let nbErrorAtSmallest: Double
    public let lrErrorAtSmallest: Double
    public let nbErrorAtLargest: Double
    public let lrErrorAtLargest: Double
}

public struct Comparison: Sendable, Codable, Equatable {
    public let pair: LearnerPair
    public let points: [ComparisonPoint]
    /// Decided with non-overlapping 95 % intervals (the stricter criterion; the headline).
    public let verdict: LearningCurveVerdict
    public let reason: VerdictReason
    /// The same decision with the paired t-test at the settings' significance.
    public let pairedVerdict: LearningCurveVerdict
    public let pairedReason: VerdictReason
}

/// Everything the learning-curve page and `metrics.json` need for one dataset.
public struct LearningCurveArtifact: Sendable, Codable {
    public let spec: LearningCurveSpec
    public let settings: LearningCurveSettings
    public let seed: UInt64
    public let rows: Int
    public let droppedRows: Int
    public let features: [String]
    public let classNames: [String]
    public let classCounts: [Int]
    /// Rows available for training in every split (all rows minus the test part).
    public let poolSize: Int
    public let testSize: Int
    public let sizes: [Int]
    public let learners: [LearnerInfo]
    public let curves: [LearnerCurve]
    public let comparisons: [Comparison]
    /// Models fitted in total.
    public let fits: Int

    public func learner(_ id: String) -> LearnerInfo? { learners.first { $0.id == id } }
    public func curve(_ id: String) -> LearnerCurve? { curves.first { $0.learner == id } }
}

/// The raw per-fit numbers, indexed [learner][size][split].
public struct LearningCurveMeasurements: Sendable, Codable, Equatable {
    public let learners: [String]
    public let sizes: [Int]
    public let splits: Int
    public var testError: [Double]
    public var trainingError: [Double]
    public var converged: [Bool]
    public var failed: [Bool]

    public func index(learner l: Int, size i: Int, split s: Int) -> Int { (l * sizes.count + i) * splits + s }
    /// Test errors of one learner at one size, in split order.
    public func testErrors(learner l: Int, size i: Int) -> [Double] {
        (0..<splits).map { testError[index(learner: l, size: i, split: $0)] }
    }
}

/// The `learning_curves:` section of lenses.yml: how the experiment runs, and on which datasets
/// (by default the six of `LearningCurveSpec.standard`).
public struct LearningCurvesConfig: Sendable, Equatable {
    public var settings = LearningCurveSettings()
    public var datasets = LearningCurveSpec.standard
    public init() {}
    public func dataset(_ name: String) -> LearningCurveSpec? { datasets.first { $0.name == name } }
}
