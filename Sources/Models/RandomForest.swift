import Numerics

/// Random forest — many decorrelated CART trees, averaged.
///
/// Each of the B trees (`nEstimators`) is a `DecisionTree` grown on a bootstrap
/// sample of the n training rows (n draws with replacement, kept as per-row
/// weights) and, at every split, only ⌊√d⌋ randomly chosen candidate features
/// (at least one; `max_features = "sqrt"`). The forest's probability is the mean
/// of the trees' leaf class frequencies,
///   P(y = k | x) = (1/B) Σ_b p_b(k | leaf_b(x)),
/// as scikit-learn's `RandomForestClassifier.predict_proba` (soft voting, not
/// majority vote). Each tree splits on one feature at a time, so the boundary is
/// made of axis-aligned steps; averaging many trees rounds the staircase.
/// Reference: Breiman, "Random Forests", *Machine Learning* 45 (2001); Breiman et al.,
/// *Classification and Regression Trees* (1984); Hastie, Tibshirani & Friedman, ESL ch. 15.
///
/// Tree b draws its bootstrap and its feature choices from its own stream
/// `SeededRandom(seed:, stream: "tree/b")`, so the forest depends on the seed only
/// — never on the order or the threads the trees are grown in.
public struct RandomForest: Classifier {
    public static let kind = "random_forest"
    public static let displayName = "Random forest"

    public var nEstimators: Int
    /// nil: grow every tree fully.
    public var maxDepth: Int?
    public var minSamplesLeaf: Int
    /// "sqrt" (⌊√d⌋ features per split) or "all" (bagged trees).
    public var maxFeatures: String
    public var seed: UInt64

    public private(set) var trees: [DecisionTree] = []
    public private(set) var classCount = 0

    public init(nEstimators: Int = 100, maxDepth: Int? = nil, minSamplesLeaf: Int = 1,
                maxFeatures: String = "sqrt", seed: UInt64 = 0) {
        self.nEstimators = nEstimators
        self.maxDepth = maxDepth
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
        self.seed = seed
    }

    public init(settings s: Settings) throws {
        try s.allow(["n_estimators", "max_depth", "min_samples_leaf", "max_features", "seed"])
        let depth: Int?
        switch s.values["max_depth"] {
        case nil, .text("none")?: depth = nil
        default: depth = try s.integer("max_depth", default: 0, in: 1...10_000)
        }
        self.init(nEstimators: try s.integer("n_estimators", default: 100, in: 1...10_000),
                  maxDepth: depth,
                  minSamplesLeaf: try s.integer("min_samples_leaf", default: 1, in: 1...1_000_000),
                  maxFeatures: try s.text("max_features", default: "sqrt", allowed: ["sqrt", "all"]),
                  seed: UInt64(try s.integer("seed", default: 0, in: 0...Int.max)))
    }

    public var settings: [String: SettingValue] {
        ["n_estimators": .integer(nEstimators),
         "max_depth": maxDepth.map { .integer($0) } ?? .text("none"),
         "min_samples_leaf": .integer(minSamplesLeaf),
         "max_features": .text(maxFeatures),
         "criterion": .text("gini"),
         "bootstrap": .flag(true),
         "seed": .integer(Int(truncatingIfNeeded: seed))]
    }

    public var boundaryShape: String { "axis-aligned, piecewise-constant boundary" }

    /// Features tried per split for d features.
    public func featuresPerSplit(_ d: Int) -> Int {
        maxFeatures == "all" ? d : max(1, Int(Double(d).squareRoot()))
    }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        try FitChecks.validate(x, y, classCount: classCount, model: Self.displayName)
        guard nEstimators >= 1 else {
            throw ModelError(model: Self.displayName, "n_estimators must be at least 1, got \(nEstimators)")
        }
        guard minSamplesLeaf >= 1, maxDepth.map({ $0 >= 1 }) ?? true else {
            throw ModelError(model: Self.displayName, "min_samples_leaf and max_depth must be at least 1")
        }
        guard maxFeatures == "sqrt" || maxFeatures == "all" else {
            throw ModelError(model: Self.displayName, "max_features must be sqrt or all, got '\(maxFeatures)'")
        }
        guard x.cols >= 1 else { throw ModelError(model: Self.displayName, "the data has no features") }
        self.classCount = classCount
        let n = x.rows
        let data = SortedColumns(x)
        let options = DecisionTree.Options(maxDepth: maxDepth, minSamplesLeaf: minSamplesLeaf,
                                           maxFeatures: featuresPerSplit(x.cols))
        trees = (0..<nEstimators).map { b in
            var rng = SeededRandom(seed: seed, stream: "tree/\(b)")
            var counts = [Double](repeating: 0, count: n)
            for _ in 0..<n { counts[rng.index(below: n)] += 1 }
            return DecisionTree(data: data, y: y, classCount: classCount, weights: counts,
                                options: options, using: &rng)
        }
    }

    /// The mean of the trees' leaf class frequencies.
    public func predictProba(_ x: Matrix) -> Matrix {
        var out = Matrix(rows: x.rows, cols: classCount)
        guard !trees.isEmpty else { return out }
        // Sum, then divide once: a rounded running sum of B values in [0, 1] never
        // exceeds B, so every probability stays ≤ 1 (scaling each tree by 1/B can overshoot).
        for tree in trees { tree.addProba(x, scale: 1, into: &out.data) }
        let b = Double(trees.count)
        for i in out.data.indices { out.data[i] /= b }
        return out
    }
}
