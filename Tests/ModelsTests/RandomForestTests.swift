import Datasets
import Foundation
import Testing
@testable import Models
import Numerics

@Suite("CART decision tree")
struct DecisionTreeTests {
    @Test("Gini impurity equals 1 − Σ p_k² on hand examples")
    func giniClosedForm() {
        // [3, 1]: 1 − (3/4)² − (1/4)² = 1 − 10/16 = 0.375
        #expect(abs(DecisionTree.gini([3, 1]) - 0.375) < 1e-15)
        // [2, 2, 2]: 1 − 3 · (1/3)² = 2/3
        #expect(abs(DecisionTree.gini([2, 2, 2]) - 2.0 / 3.0) < 1e-15)
        // Weights, not counts: [1.5, 0.5] has the same proportions as [3, 1].
        #expect(abs(DecisionTree.gini([1.5, 0.5]) - 0.375) < 1e-15)
        #expect(DecisionTree.gini([5, 0]) == 0)
        #expect(DecisionTree.gini([0, 0]) == 0)
    }

    @Test("A perfect single-feature split is found at the midpoint, giving two pure leaves")
    func perfectSplit() {
        // Feature 0 is noise; feature 1 separates the classes between 2 and 3.
        var noise = SeededRandom(seed: 7)
        let f1: [Double] = [0, 1, 2, 2, 1.5, 3, 4, 5, 3.5, 4]
        let y = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
        let x = Matrix(f1.map { [noise.uniform(0, 10), $0] })
        var rng = SeededRandom(seed: 1)
        let tree = DecisionTree(fitting: x, y, classCount: 2, using: &rng)
        #expect(tree.nodeCount == 3 && tree.leafCount == 2 && tree.depth == 1)
        #expect(tree.feature[0] == 1)
        #expect(tree.threshold[0] == 2.5)
        let p = tree.predictProba(x)
        for i in 0..<x.rows { #expect(p[i, y[i]] == 1) }
    }

    @Test("Every split is the best over all features and midpoints of its node's rows (brute force, weighted)",
          arguments: [3, 4, 5, 6] as [UInt64])
    func exactBestSplit(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let n = 40, d = 3
        let x = Matrix(rows: n, cols: d, data: (0..<(n * d)).map { _ in (rng.uniform(0, 5) * 4).rounded() / 4 })
        let y = (0..<n).map { i in x[i, 0] + 0.5 * x[i, 2] + rng.normal(mean: 0, std: 1) > 3.5 ? 1 : 0 }
        let w = (0..<n).map { _ in Double(rng.index(below: 3)) }   // bootstrap-like weights 0, 1, 2
        // Weighted child impurity w_L G_L + w_R G_R of "x_f ≤ t" over the given rows.
        func childImpurity(_ rows: [Int], _ f: Int, _ t: Double) -> Double? {
            var l = [0.0, 0.0], r = [0.0, 0.0], nl = 0, nr = 0
            for i in rows {
                if x[i, f] <= t { l[y[i]] += w[i]; nl += 1 } else { r[y[i]] += w[i]; nr += 1 }
            }
            guard nl > 0, nr > 0 else { return nil }
            return (l[0] + l[1]) * DecisionTree.gini(l) + (r[0] + r[1]) * DecisionTree.gini(r)
        }
        var treeRNG = SeededRandom(seed: 0)
        let tree = DecisionTree(fitting: x, y, classCount: 2, weights: w, options: .init(maxDepth: 4), using: &treeRNG)
        #expect(tree.nodeCount > 3)
        var checked = 0
        func visit(_ node: Int, _ rows: [Int]) {
            guard tree.feature[node] >= 0 else { return }
            let f = Int(tree.feature[node]), t = tree.threshold[node]
            var best = Double.infinity
            for g in 0..<d {
                let values = Set(rows.map { x[$0, g] }).sorted()
                for (a, b) in zip(values, values.dropFirst()) {
                    if let c = childImpurity(rows, g, (a + b) / 2) { best = min(best, c) }
                }
            }
            let chosen = childImpurity(rows, f, t) ?? .infinity
            #expect(abs(chosen - best) < 1e-12, "node \(node): split \(chosen) vs best \(best)")
            // The threshold is a midpoint between consecutive distinct values in the node.
            let values = Set(rows.map { x[$0, f] }).sorted()
            #expect(zip(values, values.dropFirst()).contains { ($0 + $1) / 2 == t })
            checked += 1
            visit(Int(tree.left[node]), rows.filter { x[$0, f] <= t })
            visit(Int(tree.right[node]), rows.filter { x[$0, f] > t })
        }
        visit(0, (0..<n).filter { w[$0] > 0 })
        #expect(checked == tree.nodeCount - tree.leafCount)
    }

    @Test("A fully grown tree on distinct points has training accuracy 1 (all features and one per split)",
          arguments: [nil, 1] as [Int?])
    func fullyGrown(maxFeatures: Int?) {
        var rng = SeededRandom(seed: 11)
        let n = 80
        let x = Matrix(rows: n, cols: 3, data: (0..<(n * 3)).map { _ in rng.normal() })
        let y = (0..<n).map { _ in rng.index(below: 3) }          // random labels: nothing to learn but memorise
        let tree = DecisionTree(fitting: x, y, classCount: 3, options: .init(maxFeatures: maxFeatures), using: &rng)
        #expect(Metrics.accuracy(tree.predictProba(x), y) == 1)
        // Every leaf is pure.
        #expect(stride(from: 0, to: tree.leafProba.count, by: 3).allSatisfy { tree.leafProba[$0..<($0 + 3)].max() == 1 })
    }

    @Test("max_depth and min_samples_leaf are respected")
    func limits() {
        var rng = SeededRandom(seed: 5)
        let n = 120
        let x = Matrix(rows: n, cols: 2, data: (0..<(n * 2)).map { _ in rng.normal() })
        let y = (0..<n).map { _ in rng.index(below: 2) }
        let shallow = DecisionTree(fitting: x, y, classCount: 2, options: .init(maxDepth: 3), using: &rng)
        #expect(shallow.depth == 3)
        #expect(shallow.leafCount <= 8)
        let leafy = DecisionTree(fitting: x, y, classCount: 2, options: .init(minSamplesLeaf: 7), using: &rng)
        var rowsPerLeaf = [Int: Int]()
        for node in leafy.apply(x) { rowsPerLeaf[node, default: 0] += 1 }
        #expect(rowsPerLeaf.count == leafy.leafCount)
        #expect(rowsPerLeaf.values.allSatisfy { $0 >= 7 })
    }
}

@Suite("Random forest")
struct RandomForestTests {
    static let moons = Synthetic.twoMoons(n: 200, noise: 0.25, seed: 3)

    static func grid(_ lo: Double, _ hi: Double, _ m: Int) -> Matrix {
        var rows = [[Double]]()
        for i in 0..<m { for j in 0..<m {
            rows.append([lo + (hi - lo) * Double(i) / Double(m - 1), lo + (hi - lo) * Double(j) / Double(m - 1)])
        } }
        return Matrix(rows)
    }

    static func expectProbabilities(_ p: Matrix, _ label: String) {
        #expect(p.allFinite, "\(label): non-finite probabilities")
        for i in 0..<p.rows {
            let row = p.row(i)
            #expect(abs(row.reduce(0, +) - 1) < 1e-12, "\(label): row \(i) sums to \(row.reduce(0, +))")
            #expect(row.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(label): row \(i) outside [0, 1]")
        }
    }

    @Test("P(y|x) is the mean of the trees' leaf frequencies; rows sum to 1 and lie in [0, 1], even far away")
    func probabilities() throws {
        var rf = RandomForest(nEstimators: 25)
        try rf.fit(Self.moons.x, Self.moons.y, classCount: 2)
        let near = Self.grid(-2, 3, 15), far = Self.grid(-1e6, 1e6, 5)
        let x = Matrix(rows: near.rows + far.rows, cols: 2, data: near.data + far.data)
        let p = rf.predictProba(x)
        Self.expectProbabilities(p, "two moons")
        var mean = Matrix(rows: x.rows, cols: 2)
        for t in rf.trees { let q = t.predictProba(x); for i in mean.data.indices { mean.data[i] += q.data[i] / 25 } }
        // Each tree's own rows are its leaf frequencies, which sum to 1 too.
        Self.expectProbabilities(rf.trees[0].predictProba(x), "one tree")
        #expect(zip(mean.data, p.data).allSatisfy { abs($0 - $1) < 1e-12 })
        // Better than chance on its own training data, by a wide margin.
        #expect(Metrics.accuracy(rf.predictProba(Self.moons.x), Self.moons.y) > 0.95)
    }

    @Test("Same seed, same forest; per-tree streams make tree b independent of how many trees there are")
    func determinism() throws {
        var a = RandomForest(nEstimators: 12, seed: 42), b = a
        try a.fit(Self.moons.x, Self.moons.y, classCount: 2)
        try b.fit(Self.moons.x, Self.moons.y, classCount: 2)
        let g = Self.grid(-2, 3, 20)
        #expect(a.predictProba(g) == b.predictProba(g))
        var small = RandomForest(nEstimators: 5, seed: 42)
        try small.fit(Self.moons.x, Self.moons.y, classCount: 2)
        #expect(Array(a.trees.prefix(5)) == small.trees)
        var other = RandomForest(nEstimators: 12, seed: 43)
        try other.fit(Self.moons.x, Self.moons.y, classCount: 2)
        #expect(other.predictProba(g) != a.predictProba(g))
    }

    @Test("Settings: defaults, max_depth none or a number, unknown keys refused; registered in the catalogue")
    func settings() throws {
        let d = try RandomForest(settings: Settings(model: "Random forest"))
        #expect(d.nEstimators == 100 && d.maxDepth == nil && d.minSamplesLeaf == 1 && d.seed == 0 && d.maxFeatures == "sqrt")
        #expect(d.settings["max_depth"] == .text("none"))
        let s = try RandomForest(settings: Settings(model: "Random forest",
            ["n_estimators": .integer(7), "max_depth": .integer(4), "min_samples_leaf": .integer(3), "seed": .integer(9)]))
        #expect(s.nEstimators == 7 && s.maxDepth == 4 && s.minSamplesLeaf == 3 && s.seed == 9)
        #expect(s.featuresPerSplit(2) == 1 && s.featuresPerSplit(9) == 3 && s.featuresPerSplit(57) == 7)
        #expect(throws: ModelError.self) { try RandomForest(settings: Settings(model: "rf", ["trees": .integer(3)])) }
        #expect(throws: ModelError.self) { try RandomForest(settings: Settings(model: "rf", ["max_depth": .integer(0)])) }
        let made = try ModelCatalogue.make(kind: "random_forest", settings: ["n_estimators": .integer(3)])
        #expect(made is RandomForest)
        #expect(ModelCatalogue.entry("random_forest")?.lens == .discriminative)
        #expect(made.boundaryShape == "axis-aligned, piecewise-constant boundary")
    }

    @Test("One class only is refused with a clear message")
    func oneClass() {
        var rf = RandomForest(nEstimators: 3)
        let e = #expect(throws: ModelError.self) { try rf.fit(Matrix([[0, 1], [1, 2], [2, 3]]), [1, 1, 1], classCount: 2) }
        #expect(e?.message.contains("only one class") == true)
    }

    @Test("A constant feature is never split on; all-constant features give one leaf of class frequencies")
    func constantFeature() throws {
        let x = Matrix((0..<Self.moons.x.rows).map { [5.0, Self.moons.x[$0, 1]] })   // column 0 constant
        var rf = RandomForest(nEstimators: 10)
        try rf.fit(x, Self.moons.y, classCount: 2)
        #expect(rf.trees.allSatisfy { $0.feature.allSatisfy { $0 != 0 } })
        #expect(rf.trees.allSatisfy { $0.nodeCount > 1 })
        Self.expectProbabilities(rf.predictProba(x), "constant column")

        let flat = Matrix(rows: 6, cols: 2, repeating: 1)
        var single = RandomForest(nEstimators: 4)
        try single.fit(flat, [0, 0, 1, 1, 1, 1], classCount: 2)
        #expect(single.trees.allSatisfy { $0.nodeCount == 1 })
        let p = single.predictProba(Matrix([[1, 1], [100, -100]]))
        Self.expectProbabilities(p, "all constant")
        #expect(p[0, 0] > 0 && p[0, 1] > 0)          // the bootstrap's class frequencies, not a vote
    }

    @Test("Duplicated rows with conflicting labels give a mixed leaf; more features than rows fits")
    func duplicatesAndWideData() throws {
        let x = Matrix([[0, 0], [0, 0], [0, 0], [0, 0], [1, 1], [1, 1]])
        let y = [0, 1, 0, 1, 1, 1]
        var rng = SeededRandom(seed: 0)
        let tree = DecisionTree(fitting: x, y, classCount: 2, using: &rng)
        let p = tree.predictProba(Matrix([[0, 0], [1, 1]]))
        #expect(p[0, 0] == 0.5 && p[0, 1] == 0.5)
        #expect(p[1, 1] == 1)
        var rf = RandomForest(nEstimators: 10)
        try rf.fit(x, y, classCount: 2)
        RandomForestTests.expectProbabilities(rf.predictProba(x), "duplicates")

        var wideRNG = SeededRandom(seed: 2)
        let wide = Matrix(rows: 6, cols: 30, data: (0..<180).map { _ in wideRNG.normal() })
        var wf = RandomForest(nEstimators: 20)
        try wf.fit(wide, [0, 1, 2, 0, 1, 2], classCount: 3)
        #expect(wf.featuresPerSplit(30) == 5)
        RandomForestTests.expectProbabilities(wf.predictProba(wide), "30 features, 6 rows")
    }
}
