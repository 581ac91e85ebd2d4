import Datasets
import Foundation
import Models
import Numerics

// The data-efficiency experiment of Ng & Jordan (2001), "On discriminative vs.
// generative classifiers: a comparison of logistic regression and naive Bayes"
// (NeurIPS 14): learning curves of naive Bayes and logistic regression, many
// random training sets per size, with confidence intervals, paired tests,
// crossover sizes and a verdict per model pair — every number from this run.

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
            var set: [String: SettingValue] = ["C": .number(c), "max_iter": .integer(s.maxIterations), "tol": .number(spec.tolerance(s)),
                                              "lbfgs_memory": .integer(s.lbfgsMemory(c: c))]
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
                    m.memory = settings.lbfgsMemory(c: learner.c!)
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
