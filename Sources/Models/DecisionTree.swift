import Numerics

/// A CART classification tree grown on Gini impurity — the building block of `RandomForest`.
///
/// Growing (Breiman, Friedman, Olshen & Stone, *Classification and Regression Trees*, 1984):
/// a node holding rows with weighted class counts c_k (total w) has Gini impurity
///   G = 1 − Σ_k (c_k / w)².
/// Every split "x_f ≤ t" is tried for the candidate features f, with t the midpoint
/// between consecutive distinct sorted values of x_f in the node. The split kept is
/// the one with the least weighted child impurity w_L G_L + w_R G_R, which is the
/// one with the largest Σ_k c_Lk² / w_L + Σ_k c_Rk² / w_R (the same ordering,
/// cheaper to score). A node becomes a leaf when it is pure, holds fewer than two
/// distinct rows, cannot give both children `minSamplesLeaf` rows, reaches
/// `maxDepth`, or every candidate feature is constant in it. As in scikit-learn, a
/// split that does not lower the impurity is still taken (XOR needs one), so a
/// fully grown tree separates every pair of rows with different x.
///
/// With `maxFeatures = m < d` each node tries features in a random order until it
/// has looked at m of them and at least one was not constant in the node
/// (scikit-learn's rule), which is the random-subspace step of a random forest.
///
/// Rows carry weights (a bootstrap sample is a weight = number of draws per row);
/// `minSamplesLeaf` counts distinct rows, as scikit-learn does. A leaf predicts its
/// weighted class frequencies.
///
/// Storage is flat: node i has `feature[i]` (−1 for a leaf), `threshold[i]`,
/// children `left[i]`, `right[i]`, and for a leaf `leaf[i]`, the row of
/// `leafProba` (leafCount × K) holding its class frequencies. Prediction walks
/// these arrays; there are no node objects.
///
/// Each node's rows are kept, for every feature, in that feature's sorted order
/// (one sort per feature at the root, then stable partitions), so a split search
/// is a linear scan: O(d · n) per tree level, no sorting below the root.
public struct DecisionTree: Sendable, Codable, Equatable {
    public struct Options: Sendable, Codable, Equatable {
        /// nil: grow until the leaves are pure (or cannot be split).
        public var maxDepth: Int?
        public var minSamplesLeaf: Int
        /// Features tried per split; nil: all of them.
        public var maxFeatures: Int?
        public init(maxDepth: Int? = nil, minSamplesLeaf: Int = 1, maxFeatures: Int? = nil) {
            self.maxDepth = maxDepth; self.minSamplesLeaf = minSamplesLeaf; self.maxFeatures = maxFeatures
        }
    }

    public private(set) var classCount: Int
    public private(set) var featureCount: Int
    public private(set) var feature: [Int32] = []
    public private(set) var threshold: [Double] = []
    public private(set) var left: [Int32] = []
    public private(set) var right: [Int32] = []
    public private(set) var leaf: [Int32] = []
    /// leafCount × classCount class frequencies, row-major.
    public private(set) var leafProba: [Double] = []
    /// The deepest leaf's depth (the root has depth 0).
    public private(set) var depth = 0

    public var nodeCount: Int { feature.count }
    public var leafCount: Int { classCount == 0 ? 0 : leafProba.count / classCount }

    /// Gini impurity 1 − Σ_k p_k² of (weighted) class counts; 0 for no weight.
    public static func gini(_ counts: [Double]) -> Double {
        let w = counts.reduce(0, +)
        guard w > 0 else { return 0 }
        return 1 - counts.reduce(0) { $0 + ($1 / w) * ($1 / w) }
    }

    /// Grows a tree on `x`, `y` (labels in 0..<classCount), optional row weights
    /// (non-negative; rows of weight 0 are left out). Randomness (feature order per
    /// node) comes from `rng` only.
    public init(fitting x: Matrix, _ y: [Int], classCount: Int, weights: [Double]? = nil,
                options: Options = Options(), using rng: inout SeededRandom) {
        let data = SortedColumns(x)
        self.init(data: data, y: y, classCount: classCount,
                  weights: weights ?? [Double](repeating: 1, count: x.rows), options: options, using: &rng)
    }

    /// Grows a tree from columns sorted once and shared (a forest sorts once for all its trees).
    init(data: SortedColumns, y: [Int], classCount: Int, weights: [Double],
         options: Options, using rng: inout SeededRandom) {
        precondition(y.count == data.rows && weights.count == data.rows, "tree: rows, labels and weights differ in count")
        self.classCount = classCount
        self.featureCount = data.cols
        var grower = Grower(data: data, y: y, classCount: classCount, weights: weights, options: options)
        grower.grow(into: &self, rng: &rng)
    }

    /// The leaf each row falls in (an index into the node arrays).
    public func apply(_ x: Matrix) -> [Int] {
        precondition(x.cols == featureCount, "tree: expected \(featureCount) features, got \(x.cols)")
        var out = [Int](repeating: 0, count: x.rows)
        feature.withUnsafeBufferPointer { f in
            threshold.withUnsafeBufferPointer { t in
                left.withUnsafeBufferPointer { l in
                    right.withUnsafeBufferPointer { r in
                        x.data.withUnsafeBufferPointer { xs in
                            for i in 0..<x.rows {
                                let base = i * x.cols
                                var node = 0
                                while f[node] >= 0 {
                                    node = Int(xs[base + Int(f[node])] <= t[node] ? l[node] : r[node])
                                }
                                out[i] = node
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// P(y | x): the class frequencies of the leaf each row falls in.
    public func predictProba(_ x: Matrix) -> Matrix {
        var out = Matrix(rows: x.rows, cols: classCount)
        addProba(x, scale: 1, into: &out.data)
        return out
    }

    /// Adds `scale` × (leaf class frequencies) to `out` (rows × classCount, row-major).
    func addProba(_ x: Matrix, scale: Double, into out: inout [Double]) {
        let leaves = apply(x)
        let K = classCount
        leaf.withUnsafeBufferPointer { lf in
            leafProba.withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<leaves.count {
                        let src = Int(lf[leaves[i]]) * K, dst = i * K
                        for k in 0..<K { o[dst + k] += scale * p[src + k] }
                    }
                }
            }
        }
    }

    mutating func appendNode() -> Int {
        feature.append(-1); threshold.append(0); left.append(-1); right.append(-1); leaf.append(-1)
        return feature.count - 1
    }

    mutating func makeLeaf(_ node: Int, counts: [Double]) {
        let w = counts.reduce(0, +)
        leaf[node] = Int32(leafCount)
        leafProba.append(contentsOf: counts.map { w > 0 ? $0 / w : 1 / Double(counts.count) })
    }

    mutating func makeSplit(_ node: Int, feature f: Int, threshold t: Double, left l: Int, right r: Int) {
        feature[node] = Int32(f); threshold[node] = t; left[node] = Int32(l); right[node] = Int32(r)
    }

    mutating func noteDepth(_ d: Int) { depth = max(depth, d) }
}

/// The training features stored column by column, with each column's row order
/// sorted by value (ties in row order).
struct SortedColumns: Sendable {
    let rows: Int, cols: Int
    /// x[f * rows + i]
    let values: [Double]
    /// order[f * rows ..< (f + 1) * rows]: row indices sorted by feature f.
    let order: [Int32]

    init(_ x: Matrix) {
        rows = x.rows; cols = x.cols
        var v = [Double](repeating: 0, count: rows * cols)
        var o = [Int32](repeating: 0, count: rows * cols)
        for f in 0..<cols {
            for i in 0..<rows { v[f * rows + i] = x.data[i * cols + f] }
            let column = v[(f * rows)..<((f + 1) * rows)]
            let sorted = (0..<rows).sorted { a, b in
                let va = column[column.startIndex + a], vb = column[column.startIndex + b]
                return va < vb || (va == vb && a < b)
            }
            for (p, i) in sorted.enumerated() { o[f * rows + p] = Int32(i) }
        }
        values = v; order = o
    }
}

/// The working state of one tree's growth.
private struct Grower {
    let data: SortedColumns
    let y: [Int]
    let K: Int
    let weights: [Double]
    let options: Options
    typealias Options = DecisionTree.Options
    /// m distinct rows (weight > 0); segment f of `sorted` (offset f·m) lists them in feature f's order.
    let m: Int
    var sorted: [Int32]
    var goesLeft: [Bool]
    var scratch: [Int32]

    init(data: SortedColumns, y: [Int], classCount: Int, weights: [Double], options: Options) {
        self.data = data; self.y = y; self.K = classCount; self.weights = weights; self.options = options
        let n = data.rows, d = data.cols
        let m = weights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        self.m = m
        var s = [Int32]()
        s.reserveCapacity(m * d)
        data.order.withUnsafeBufferPointer { o in
            for f in 0..<d {
                for p in 0..<n { let i = o[f * n + p]; if weights[Int(i)] > 0 { s.append(i) } }
            }
        }
        sorted = s
        goesLeft = [Bool](repeating: false, count: n)
        scratch = [Int32](repeating: 0, count: m)
    }

    struct Work { let node: Int, start: Int, end: Int, depth: Int }

    struct Split { var feature = -1, position = 0, threshold = 0.0, score = -Double.infinity }

    mutating func grow(into tree: inout DecisionTree, rng: inout SeededRandom) {
        let d = data.cols
        let maxFeatures = min(max(options.maxFeatures ?? d, 1), d)
        let minLeaf = max(options.minSamplesLeaf, 1)
        var stack = [Work(node: tree.appendNode(), start: 0, end: m, depth: 0)]
        var featureOrder = Array(0..<d)
        var counts = [Double](repeating: 0, count: K)
        while let w = stack.popLast() {
            tree.noteDepth(w.depth)
            for k in 0..<K { counts[k] = 0 }
            for p in w.start..<w.end { let i = Int(sorted[p]); counts[y[i]] += weights[i] }
            let rowsHere = w.end - w.start
            let pure = counts.filter { $0 > 0 }.count <= 1
            if pure || rowsHere < 2 || rowsHere < 2 * minLeaf || (options.maxDepth.map { w.depth >= $0 } ?? false) {
                tree.makeLeaf(w.node, counts: counts)
                continue
            }
            // Candidate features in a fresh random order; stop after maxFeatures
            // visited once at least one of them was not constant in the node.
            var best = Split()
            var visited = 0, constant = 0
            var remaining = d
            while remaining > 0 && (visited < maxFeatures || visited <= constant) {
                let pick = rng.index(below: remaining)
                featureOrder.swapAt(pick, remaining - 1)
                remaining -= 1
                let f = featureOrder[remaining]
                visited += 1
                if !scan(feature: f, w, counts: counts, minLeaf: minLeaf, best: &best) { constant += 1 }
            }
            guard best.feature >= 0 else {
                tree.makeLeaf(w.node, counts: counts)
                continue
            }
            partition(w, by: best)
            let l = tree.appendNode(), r = tree.appendNode()
            tree.makeSplit(w.node, feature: best.feature, threshold: best.threshold, left: l, right: r)
            let mid = w.start + best.position
            // Right pushed first so the left subtree is grown first (depth-first, left to right).
            stack.append(Work(node: r, start: mid, end: w.end, depth: w.depth + 1))
            stack.append(Work(node: l, start: w.start, end: mid, depth: w.depth + 1))
        }
    }

    /// Scans feature f's sorted segment of the node; updates `best`. Returns false
    /// when the feature is constant in the node.
    func scan(feature f: Int, _ w: Work, counts: [Double], minLeaf: Int, best: inout Split) -> Bool {
        let n = data.rows
        return sorted.withUnsafeBufferPointer { s in
            data.values.withUnsafeBufferPointer { xv in
                y.withUnsafeBufferPointer { ys in
                    weights.withUnsafeBufferPointer { ws in
                        let seg = f * m
                        let col = f * n
                        let first = xv[col + Int(s[seg + w.start])], last = xv[col + Int(s[seg + w.end - 1])]
                        guard last > first else { return false }
                        var leftCounts = [Double](repeating: 0, count: K)
                        var wLeft = 0.0
                        let wTotal = counts.reduce(0, +)
                        let rowsHere = w.end - w.start
                        for p in w.start..<(w.end - 1) {
                            let i = Int(s[seg + p])
                            leftCounts[ys[i]] += ws[i]
                            wLeft += ws[i]
                            let nLeft = p - w.start + 1
                            if nLeft < minLeaf { continue }
                            if rowsHere - nLeft < minLeaf { break }
                            let v = xv[col + i], next = xv[col + Int(s[seg + p + 1])]
                            guard next > v else { continue }
                            let wRight = wTotal - wLeft
                            var sl = 0.0, sr = 0.0
                            for k in 0..<K {
                                let cl = leftCounts[k], cr = counts[k] - cl
                                sl += cl * cl; sr += cr * cr
                            }
                            let score = sl / wLeft + sr / wRight
                            if score > best.score {
                                var t = 0.5 * (v + next)
                                if !(t < next) || !t.isFinite { t = v }
                                best = Split(feature: f, position: nLeft, threshold: t, score: score)
                            }
                        }
                        return true
                    }
                }
            }
        }
    }

    /// Splits every feature's segment of the node into (x_f* ≤ t) then (x_f* > t), stably.
    mutating func partition(_ w: Work, by split: Split) {
        let d = data.cols
        let mid = w.start + split.position
        let fs = split.feature * m
        for p in w.start..<w.end { goesLeft[Int(sorted[fs + p])] = p < mid }
        for f in 0..<d where f != split.feature {
            let seg = f * m
            var l = w.start, r = 0
            for p in w.start..<w.end {
                let i = sorted[seg + p]
                if goesLeft[Int(i)] { sorted[seg + l] = i; l += 1 } else { scratch[r] = i; r += 1 }
            }
            for q in 0..<r { sorted[seg + l + q] = scratch[q] }
        }
    }
}
