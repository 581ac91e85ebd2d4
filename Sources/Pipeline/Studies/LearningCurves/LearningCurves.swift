import Datasets
import Foundation
import Models
import Numerics

// The data-efficiency experiment of Ng & Jordan (2001), "On discriminative vs.
// generative classifiers: a comparison of logistic regression and naive Bayes"
// (NeurIPS 14): learning curves of naive Bayes and logistic regression, many
// random training sets per size, with confidence intervals, paired tests,
// crossover sizes and a verdict per model pair — every number from this run.

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

/// Which rows each fit sees: one stratified test part per split index, and for every
/// (size, split) a stratified training set drawn from that split's pool.
///
/// Seeding: the test part of split s comes from the stream "learning-curves/NAME/test/s",
/// the training set of size m in split s from "learning-curves/NAME/train/m/s": no draw
/// depends on another, so any fit can be recomputed alone, in any order, on any thread.
/// Training sets of different sizes are drawn independently (NOT nested): the points of a
/// curve are independent estimates, each with its own interval.
public struct LearningCurvePlan: Sendable, Equatable {
    public let name: String
    public let seed: UInt64
    public let classCount: Int
    public let sizes: [Int]
    /// Per size, rows of each class in the training set (proportional to the pool, at least minPerClass).
    public let allocation: [[Int]]
    /// Per split, the sorted test rows.
    public let tests: [[Int]]
    /// Per split, the pool's rows of each class, sorted.
    public let pools: [[[Int]]]

    public var splits: Int { tests.count }
    public var poolSize: Int { pools.first.map { $0.reduce(0) { $0 + $1.count } } ?? 0 }

    public init(name: String, labels: [Int], classCount: Int, settings: LearningCurveSettings, seed: UInt64) throws {
        self.name = name
        self.seed = seed
        self.classCount = classCount
        var tests = [[Int]](), pools = [[[Int]]]()
        for s in 0..<settings.splits {
            var rng = SeededRandom(seed: seed, stream: "learning-curves/\(name)/test/\(s)")
            var test = [Int](), pool = [[Int]]()
            for c in 0..<classCount {
                var members = labels.indices.filter { labels[$0] == c }
                rng.shuffle(&members)
                // Splitter.stratified's rule: round(f · n_c) test rows, at least 1 when the class has 2+.
                var nTest = Int((settings.testFraction * Double(members.count)).rounded())
                if members.count >= 2 { nTest = min(max(nTest, 1), members.count - 1) } else { nTest = 0 }
                test += members.prefix(nTest)
                pool.append(members.dropFirst(nTest).sorted())
            }
            tests.append(test.sorted())
            pools.append(pool)
        }
        self.tests = tests
        self.pools = pools
        let poolCounts = pools[0].map(\.count)
        if let c = poolCounts.firstIndex(where: { $0 < settings.minPerClass }) {
            throw PipelineError("learning curves '\(name)': class \(c) has \(poolCounts[c]) rows left for training, fewer than min_per_class = \(settings.minPerClass); lower min_per_class or drop the class")
        }
        let smallest = settings.minPerClass * classCount
        sizes = Self.logSpacedSizes(from: smallest, to: poolCounts.reduce(0, +), count: settings.sizes)
        allocation = sizes.map { Self.allocate($0, counts: poolCounts, minimum: settings.minPerClass) }
    }

    /// `count` sizes from `lo` to `hi`, equally spaced in log m, rounded, without repeats.
    public static func logSpacedSizes(from lo: Int, to hi: Int, count: Int) -> [Int] {
        guard hi > lo, count >= 2 else { return [hi] }
        var out = [Int]()
        for i in 0..<count {
            let t = Double(i) / Double(count - 1)
            let m = i == count - 1 ? hi : Int(exp(log(Double(lo)) + t * (log(Double(hi)) - log(Double(lo)))).rounded())
            if out.last != m { out.append(min(max(m, lo), hi)) }
        }
        return out
    }

    /// Rows per class for a training set of size m: m · n_c / N rounded by largest remainders,
    /// at least `minimum` and at most n_c per class.
    public static func allocate(_ m: Int, counts: [Int], minimum: Int) -> [Int] {
        let total = counts.reduce(0, +)
        precondition(m <= total && m >= counts.reduce(0) { $0 + min($1, minimum) }, "size \(m) cannot be allocated")
        let share = counts.map { Double(m) * Double($0) / Double(total) }
        var out = counts.indices.map { min(max(Int(share[$0].rounded(.down)), min(minimum, counts[$0])), counts[$0]) }
        while out.reduce(0, +) < m {
            let c = counts.indices.filter { out[$0] < counts[$0] }.max { share[$0] - Double(out[$0]) < share[$1] - Double(out[$1]) }!
            out[c] += 1
        }
        while out.reduce(0, +) > m {
            let c = counts.indices.filter { out[$0] > min(minimum, counts[$0]) }.min { share[$0] - Double(out[$0]) < share[$1] - Double(out[$1]) }!
            out[c] -= 1
        }
        return out
    }

    /// The sorted training rows of size index i in split s.
    public func training(size i: Int, split s: Int) -> [Int] {
        var rng = SeededRandom(seed: seed, stream: "learning-curves/\(name)/train/\(sizes[i])/\(s)")
        var rows = [Int]()
        rows.reserveCapacity(sizes[i])
        for c in 0..<classCount {
            var members = pools[s][c]
            let take = allocation[i][c]
            // Partial Fisher–Yates: the first `take` places get a uniform random subset.
            for j in 0..<take {
                members.swapAt(j, j + rng.index(below: members.count - j))
            }
            rows += members.prefix(take)
        }
        return rows.sorted()
    }
}

public enum LearningCurves {
    // MARK: data

    /// Reads a study's CSV: features are all numeric columns except the label and the excluded ones.
    public static func loadDataset(_ spec: LearningCurveSpec, root: URL) throws -> Dataset {
        let url = root.appendingPathComponent(spec.file)
        guard let bytes = FileManager.default.contents(atPath: url.path) else {
            throw PipelineError("learning curves '\(spec.name)': cannot read \(spec.file)")
        }
        return try loadDataset(spec, bytes: bytes)
    }

    public static func loadDataset(_ spec: LearningCurveSpec, bytes: Data) throws -> Dataset {
        try DatasetLoader.load(csv: bytes, file: spec.file, name: spec.name, title: spec.title, label: spec.label,
                               features: .allNumeric(excluding: spec.exclude), transform: spec.transform)
    }

    // MARK: learners

    public static func learners(_ spec: LearningCurveSpec, settings s: LearningCurveSettings) -> [LearnerInfo] {
        func lr(_ id: String, _ c: Double, _ rep: LearnerInfo.Representation, _ on: String) -> LearnerInfo {
            var set: [String: SettingValue] = ["C": .number(c), "max_iter": .integer(s.maxIterations), "tol": .number(spec.tolerance(s))]
            if rep == .features {
                set["standardized"] = .flag(spec.standardizeForLogistic)
                if !spec.standardizeForLogistic && spec.logisticDivisor != 1 { set["divided_by"] = .number(spec.logisticDivisor) }
            }
            return LearnerInfo(id: id, name: "Logistic regression, C = \(NumberFormat.shortest(c))\(on)", kind: .logistic,
                               representation: rep, lens: .discriminative, c: c, settings: set)
        }
        var out = [
            LearnerInfo(id: "gaussian_nb", name: "Gaussian NB (per-class variances)", kind: .gaussianNB, representation: .features,
                        lens: .generative, c: nil, settings: ["var_smoothing": .number(s.varSmoothing)]),
            LearnerInfo(id: "pooled_gaussian_nb", name: "Gaussian NB (pooled variances)", kind: .pooledGaussianNB, representation: .features,
                        lens: .generative, c: nil, settings: ["var_smoothing": .number(s.varSmoothing)]),
            lr("logistic_c_strong", s.strongC, .features, ""),
            lr("logistic_c_weak", s.weakC, .features, ""),
        ]
        if spec.counts {
            out += [
                LearnerInfo(id: "bernoulli_nb", name: "Bernoulli NB (binarised)", kind: .bernoulliNB, representation: .binarised,
                            lens: .generative, c: nil,
                            settings: ["alpha": .number(s.alpha), "binarize": .number(spec.binarizeThreshold)]),
                lr("logistic_binarised_c_strong", s.strongC, .binarised, " (binarised)"),
                lr("logistic_binarised_c_weak", s.weakC, .binarised, " (binarised)"),
                LearnerInfo(id: "multinomial_nb", name: "Multinomial NB (counts)", kind: .multinomialNB, representation: .counts,
                            lens: .generative, c: nil, settings: ["alpha": .number(s.alpha)]),
            ]
        }
        return out
    }

    /// The comparisons: each naive Bayes against each C of logistic regression on the same representation.
    /// (On counts, logistic regression is the features fit: the counts, unstandardised, divided by a fixed number.)
    public static func pairs(_ spec: LearningCurveSpec) -> [LearnerPair] {
        var out = [LearnerPair]()
        for nb in ["gaussian_nb", "pooled_gaussian_nb"] {
            for lr in ["logistic_c_strong", "logistic_c_weak"] { out.append(LearnerPair(generative: nb, discriminative: lr)) }
        }
        if spec.counts {
            for lr in ["logistic_binarised_c_strong", "logistic_binarised_c_weak"] {
                out.append(LearnerPair(generative: "bernoulli_nb", discriminative: lr))
            }
            if !spec.standardizeForLogistic {
                for lr in ["logistic_c_strong", "logistic_c_weak"] { out.append(LearnerPair(generative: "multinomial_nb", discriminative: lr)) }
            }
        }
        return out
    }

    // MARK: running

    /// Fits every learner on every (size, split) training set, in parallel over `parallelism`
    /// threads. Each (size, split) is a unit of work whose result goes to its own slot, so the
    /// numbers do not depend on the thread count or the order in which units finish.
    public static func measure(_ spec: LearningCurveSpec, dataset: Dataset, plan: LearningCurvePlan,
                               settings: LearningCurveSettings, parallelism: Int) -> LearningCurveMeasurements {
        measure(spec, dataset: dataset, plan: plan, settings: settings, splits: 0..<plan.splits, parallelism: parallelism)
    }

    /// The measurements of the splits in `range` only (every size): one part of the study, indexed
    /// [learner][size][split − range.lowerBound]. `combine` puts the parts back together.
    public static func measure(_ spec: LearningCurveSpec, dataset: Dataset, plan: LearningCurvePlan,
                               settings: LearningCurveSettings, splits range: Range<Int>, parallelism: Int) -> LearningCurveMeasurements {
        let learners = learners(spec, settings: settings)
        let sizes = plan.sizes, splits = range.count
        let units = sizes.count * splits
        // Largest training sets first: the slow units start early and the threads finish together.
        let order = (0..<units).sorted { (sizes[$0 / splits], $1) > (sizes[$1 / splits], $0) }
        let box = UnitBox(count: units, order: order)
        let workers = max(1, min(parallelism, units))
        let work: @Sendable (Int) -> Void = { _ in
            while let u = box.next() {
                let r = fitUnit(spec, dataset: dataset, plan: plan, learners: learners, settings: settings,
                                size: u / splits, split: range.lowerBound + u % splits)
                box.store(r, at: u)
            }
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }

        let L = learners.count
        var out = LearningCurveMeasurements(learners: learners.map(\.id), sizes: sizes, splits: splits,
                                            testError: .init(repeating: .nan, count: L * units),
                                            trainingError: .init(repeating: .nan, count: L * units),
                                            converged: .init(repeating: true, count: L * units),
                                            failed: .init(repeating: false, count: L * units))
        for u in 0..<units {
            let r = box.results[u]!
            for l in 0..<L {
                let k = out.index(learner: l, size: u / splits, split: u % splits)
                out.testError[k] = r.testError[l]
                out.trainingError[k] = r.trainingError[l]
                out.converged[k] = r.converged[l]
                out.failed[k] = r.failed[l]
            }
        }
        return out
    }

    /// Consecutive ranges of split indices, `count` of them (fewer when there are fewer splits),
    /// as equal as possible: the parts of a study that run as separate jobs.
    public static func partRanges(splits: Int, count: Int) -> [Range<Int>] {
        let n = max(1, min(count, splits))
        return (0..<n).map { i in (i * splits / n)..<((i + 1) * splits / n) }
    }

    /// The measurements of the parts (consecutive split ranges, in order) as one: the same values
    /// `measure` gives for all splits at once.
    public static func combine(_ parts: [LearningCurveMeasurements]) -> LearningCurveMeasurements {
        precondition(!parts.isEmpty, "no parts to combine")
        let first = parts[0], L = first.learners.count, S = first.sizes.count
        let splits = parts.reduce(0) { $0 + $1.splits }
        let n = L * S * splits
        var out = LearningCurveMeasurements(learners: first.learners, sizes: first.sizes, splits: splits,
                                            testError: .init(repeating: .nan, count: n), trainingError: .init(repeating: .nan, count: n),
                                            converged: .init(repeating: true, count: n), failed: .init(repeating: false, count: n))
        var offset = 0
        for part in parts {
            precondition(part.learners == first.learners && part.sizes == first.sizes, "parts of different studies")
            for l in 0..<L { for i in 0..<S { for s in 0..<part.splits {
                let k = out.index(learner: l, size: i, split: offset + s), j = part.index(learner: l, size: i, split: s)
                out.testError[k] = part.testError[j]
                out.trainingError[k] = part.trainingError[j]
                out.converged[k] = part.converged[j]
                out.failed[k] = part.failed[j]
            } } }
            offset += part.splits
        }
        return out
    }

    struct UnitResult: Sendable {
        var testError: [Double]
        var trainingError: [Double]
        var converged: [Bool]
        var failed: [Bool]
    }

    /// Hands out work in a fixed order and keeps each result in its own slot.
    final class UnitBox: @unchecked Sendable {
        private let lock = NSLock()
        private let order: [Int]
        private var position = 0
        private(set) var results: [UnitResult?]
        init(count: Int, order: [Int]) { self.order = order; results = .init(repeating: nil, count: count) }
        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard position < order.count else { return nil }
            position += 1
            return order[position - 1]
        }
        func store(_ r: UnitResult, at u: Int) { lock.lock(); results[u] = r; lock.unlock() }
    }

    static func fitUnit(_ spec: LearningCurveSpec, dataset: Dataset, plan: LearningCurvePlan, learners: [LearnerInfo],
                        settings: LearningCurveSettings, size i: Int, split s: Int) -> UnitResult {
        let train = plan.training(size: i, split: s), test = plan.tests[s]
        let xTrain = dataset.x.rows(train), yTrain = train.map { dataset.y[$0] }
        let xTest = dataset.x.rows(test), yTest = test.map { dataset.y[$0] }
        let K = dataset.classCount
        var standardised: (Matrix, Matrix)?
        var binarised: (Matrix, Matrix)?
        var r = UnitResult(testError: [], trainingError: [], converged: [], failed: [])
        for learner in learners {
            var trainX = xTrain, testX = xTest
            switch learner.representation {
            case .features where learner.kind == .logistic && spec.standardizeForLogistic:
                if standardised == nil { standardised = standardize(xTrain, xTest) }
                (trainX, testX) = standardised!
            case .features where learner.kind == .logistic && spec.logisticDivisor != 1:
                if standardised == nil { standardised = (divide(xTrain, spec.logisticDivisor), divide(xTest, spec.logisticDivisor)) }
                (trainX, testX) = standardised!
            case .binarised where learner.kind == .logistic:
                if binarised == nil { binarised = (binarize(xTrain, spec.binarizeThreshold), binarize(xTest, spec.binarizeThreshold)) }
                (trainX, testX) = binarised!
            default: break   // NB models take the raw features (Bernoulli NB binarises inside).
            }
            var converged = true
            let model: (any Classifier)?
            do {
                switch learner.kind {
                case .gaussianNB:
                    var m = GaussianNaiveBayes(varSmoothing: settings.varSmoothing); try m.fit(trainX, yTrain, classCount: K); model = m
                case .pooledGaussianNB:
                    var m = PooledGaussianNaiveBayes(varSmoothing: settings.varSmoothing); try m.fit(trainX, yTrain, classCount: K); model = m
                case .bernoulliNB:
                    var m = BernoulliNaiveBayes(alpha: settings.alpha, binarize: spec.binarizeThreshold)
                    try m.fit(trainX, yTrain, classCount: K); model = m
                case .multinomialNB:
                    var m = MultinomialNaiveBayes(alpha: settings.alpha); try m.fit(trainX, yTrain, classCount: K); model = m
                case .logistic:
                    var m = LogisticRegression(c: learner.c!, maxIterations: settings.maxIterations, tolerance: spec.tolerance(settings))
                    try m.fit(trainX, yTrain, classCount: K)
                    converged = m.convergence.converged
                    model = m
                }
            } catch {
                model = nil
            }
            if let model {
                r.testError.append(errorRate(model.predictProba(testX), yTest))
                r.trainingError.append(errorRate(model.predictProba(trainX), yTrain))
            } else {
                // A failed fit predicts the training set's majority class (lowest index on ties).
                var counts = [Int](repeating: 0, count: K)
                for v in yTrain { counts[v] += 1 }
                let majority = Metrics.argmax(counts.map(Double.init))
                r.testError.append(Double(yTest.filter { $0 != majority }.count) / Double(yTest.count))
                r.trainingError.append(Double(yTrain.filter { $0 != majority }.count) / Double(yTrain.count))
            }
            r.converged.append(converged)
            r.failed.append(model == nil)
        }
        return r
    }

    /// Fraction of rows whose most probable class (lowest index on ties) is not the label.
    static func errorRate(_ proba: Matrix, _ y: [Int]) -> Double {
        let K = proba.cols
        var wrong = 0
        for i in 0..<proba.rows {
            var best = 0
            for k in 1..<K where proba.data[i * K + k] > proba.data[i * K + best] { best = k }
            if best != y[i] { wrong += 1 }
        }
        return Double(wrong) / Double(y.count)
    }

    /// (x − mean) / SD with the training rows' mean and population SD; SD 0 → 1 (as scikit-learn's StandardScaler).
    static func standardize(_ train: Matrix, _ test: Matrix) -> (Matrix, Matrix) {
        let s = Standardizer(fitting: train)
        return (s.apply(train), s.apply(test))
    }

    static func divide(_ x: Matrix, _ divisor: Double) -> Matrix {
        Matrix(rows: x.rows, cols: x.cols, data: x.data.map { $0 / divisor })
    }

    static func binarize(_ x: Matrix, _ threshold: Double) -> Matrix {
        Matrix(rows: x.rows, cols: x.cols, data: x.data.map { $0 > threshold ? 1 : 0 })
    }

    // MARK: the study

    /// Runs the experiment on one dataset and summarises it.
    public static func run(_ spec: LearningCurveSpec, dataset: Dataset, settings: LearningCurveSettings,
                           seed: UInt64, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> LearningCurveArtifact {
        guard spec.logisticDivisor > 0, spec.logisticDivisor.isFinite, spec.binarizeThreshold.isFinite,
              spec.tolerance(settings) > 0, spec.tolerance(settings).isFinite else {
            throw PipelineError("learning curves '\(spec.name)': logistic_divisor and tol must be positive, binarize finite")
        }
        let plan = try LearningCurvePlan(name: spec.name, labels: dataset.y, classCount: dataset.classCount, settings: settings, seed: seed)
        let raw = measure(spec, dataset: dataset, plan: plan, settings: settings, parallelism: parallelism)
        return summarise(spec, dataset: dataset, plan: plan, measurements: raw, settings: settings, seed: seed)
    }

    /// Part `part` of `count` of the study: the measurements of one range of split indices
    /// (`partRanges`), on one thread. The build runs the parts as separate jobs, so both cores
    /// share the longest study, and `finish` summarises them; the numbers equal `run`'s.
    public static func runPart(_ spec: LearningCurveSpec, dataset: Dataset, settings: LearningCurveSettings,
                               seed: UInt64, part: Int, of count: Int) throws -> LearningCurveMeasurements {
        try checkSpec(spec, settings)
        let plan = try LearningCurvePlan(name: spec.name, labels: dataset.y, classCount: dataset.classCount, settings: settings, seed: seed)
        let ranges = partRanges(splits: plan.splits, count: count)
        return measure(spec, dataset: dataset, plan: plan, settings: settings, splits: ranges[part], parallelism: 1)
    }

    /// The study from its parts (in part order).
    public static func finish(_ spec: LearningCurveSpec, dataset: Dataset, settings: LearningCurveSettings,
                              seed: UInt64, parts: [LearningCurveMeasurements]) throws -> LearningCurveArtifact {
        try checkSpec(spec, settings)
        let plan = try LearningCurvePlan(name: spec.name, labels: dataset.y, classCount: dataset.classCount, settings: settings, seed: seed)
        let raw = combine(parts)
        precondition(raw.splits == plan.splits && raw.sizes == plan.sizes, "the parts do not cover the study")
        return summarise(spec, dataset: dataset, plan: plan, measurements: raw, settings: settings, seed: seed)
    }

    static func checkSpec(_ spec: LearningCurveSpec, _ settings: LearningCurveSettings) throws {
        guard spec.logisticDivisor > 0, spec.logisticDivisor.isFinite, spec.binarizeThreshold.isFinite,
              spec.tolerance(settings) > 0, spec.tolerance(settings).isFinite else {
            throw PipelineError("learning curves '\(spec.name)': logistic_divisor and tol must be positive, binarize finite")
        }
    }

    public static func summarise(_ spec: LearningCurveSpec, dataset: Dataset, plan: LearningCurvePlan,
                                 measurements raw: LearningCurveMeasurements, settings: LearningCurveSettings,
                                 seed: UInt64) -> LearningCurveArtifact {
        let learners = learners(spec, settings: settings)
        let sizes = plan.sizes
        var intervals = [[Statistics.Interval]]()
        var curves = [LearnerCurve]()
        for (l, learner) in learners.enumerated() {
            var points = [CurvePoint](), row = [Statistics.Interval]()
            for (i, m) in sizes.enumerated() {
                let e = raw.testErrors(learner: l, size: i)
                let ci = Statistics.meanConfidenceInterval(e, level: settings.level)
                row.append(ci)
                let idx = (0..<raw.splits).map { raw.index(learner: l, size: i, split: $0) }
                points.append(CurvePoint(m: m, mean: ci.mean, lower: ci.lower, upper: ci.upper, standardDeviation: ci.standardDeviation,
                                         nonConverged: idx.filter { !raw.converged[$0] }.count,
                                         zeroTrainingError: idx.filter { raw.trainingError[$0] == 0 }.count,
                                         failed: idx.filter { raw.failed[$0] }.count))
            }
            intervals.append(row)
            curves.append(LearnerCurve(learner: learner.id, points: points))
        }
        var comparisons = [Comparison]()
        for pair in pairs(spec) {
            let g = learners.firstIndex { $0.id == pair.generative }!, d = learners.firstIndex { $0.id == pair.discriminative }!
            var points = [ComparisonPoint]()
            for (i, m) in sizes.enumerated() {
                let test = Statistics.pairedTTest(raw.testErrors(learner: g, size: i), raw.testErrors(learner: d, size: i))
                points.append(ComparisonPoint(m: m, nbError: intervals[g][i].mean, lrError: intervals[d][i].mean,
                                              meanDifference: test.meanDifference,
                                              intervalsDisjoint: intervals[g][i].isDisjoint(from: intervals[d][i]),
                                              pairedT: test.statistic, pairedP: test.pValue))
            }
            let (v, r) = verdict(points, criterion: "intervals") { $0.intervalsDisjoint }
            let (pv, pr) = verdict(points, criterion: "paired") { $0.pairedP < settings.significance }
            comparisons.append(Comparison(pair: pair, points: points, verdict: v, reason: r, pairedVerdict: pv, pairedReason: pr))
        }
        return LearningCurveArtifact(spec: spec, settings: settings, seed: seed, rows: dataset.count, droppedRows: dataset.droppedRows,
                                     features: dataset.featureNames, classNames: dataset.classNames, classCounts: dataset.classCounts(),
                                     poolSize: plan.poolSize, testSize: plan.tests.first?.count ?? 0, sizes: sizes,
                                     learners: learners, curves: curves, comparisons: comparisons,
                                     fits: learners.count * sizes.count * plan.splits)
    }

    /// The verdict from the sizes where one learner is significantly better under `significant`.
    static func verdict(_ points: [ComparisonPoint], criterion: String,
                        significant: (ComparisonPoint) -> Bool) -> (LearningCurveVerdict, VerdictReason) {
        let nbBetter = points.filter { significant($0) && $0.meanDifference < 0 }.map(\.m)
        let lrBetterFlags = points.map { significant($0) && $0.meanDifference > 0 }
        let lrBetter = zip(points, lrBetterFlags).filter(\.1).map(\.0.m)
        var crossover: Int?
        for i in points.indices.reversed() {
            guard lrBetterFlags[i] else { break }
            crossover = points[i].m
        }
        let v: LearningCurveVerdict
        if crossover != nil && !nbBetter.isEmpty { v = .ngJordan }
        else if nbBetter.isEmpty && !lrBetter.isEmpty { v = .lrNeverWorse }
        else { v = .noLRAdvantage }
        let first = points.first!, last = points.last!
        return (v, VerdictReason(criterion: criterion, nbBetterSizes: nbBetter, lrBetterSizes: lrBetter, crossover: crossover,
                                 smallestM: first.m, largestM: last.m,
                                 nbErrorAtSmallest: first.nbError, lrErrorAtSmallest: first.lrError,
                                 nbErrorAtLargest: last.nbError, lrErrorAtLargest: last.lrError))
    }

    // MARK: export for scikit-learn

    /// The exact rows of every fit, the data and the learners, as JSON for bench/learning_curves/:
    /// {"name", "x" (row-major), "rows", "cols", "y", "class_count", "sizes", "learners",
    ///  "pairs", "settings", "tests": [split][rows], "train": [size][split][rows]}.
    public static func exportPlan(_ spec: LearningCurveSpec, dataset: Dataset, settings: LearningCurveSettings, seed: UInt64) throws -> Data {
        let plan = try LearningCurvePlan(name: spec.name, labels: dataset.y, classCount: dataset.classCount, settings: settings, seed: seed)
        let export = PlanExport(name: spec.name, rows: dataset.count, cols: dataset.x.cols, x: dataset.x.data, y: dataset.y,
                                classCount: dataset.classCount, standardizeForLogistic: spec.standardizeForLogistic,
                                logisticDivisor: spec.logisticDivisor, logisticTolerance: spec.tolerance(settings), binarizeThreshold: spec.binarizeThreshold, sizes: plan.sizes,
                                learners: learners(spec, settings: settings), pairs: pairs(spec), settings: settings,
                                tests: plan.tests,
                                train: plan.sizes.indices.map { i in (0..<plan.splits).map { plan.training(size: i, split: $0) } })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(export)
    }

    struct PlanExport: Encodable {
        let name: String
        let rows: Int
        let cols: Int
        let x: [Double]
        let y: [Int]
        let classCount: Int
        let standardizeForLogistic: Bool
        let logisticDivisor: Double
        let logisticTolerance: Double
        let binarizeThreshold: Double
        let sizes: [Int]
        let learners: [LearnerInfo]
        let pairs: [LearnerPair]
        let settings: LearningCurveSettings
        let tests: [[Int]]
        let train: [[[Int]]]
    }
}
