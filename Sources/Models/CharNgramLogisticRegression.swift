#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Counts of a word's character n-grams, for the discriminative lens on text.
///
/// The word is padded with one start mark ^ and one end mark $, and every run of 1…n
/// consecutive symbols is a feature, except the lone start mark (present in every word).
/// "chat" at n = 2: ^ c h a t $ (no ^), ^c ch ha at t$. The vocabulary is the n-grams of the
/// training words, numbered in order of first appearance; unseen n-grams are ignored.
public struct CharNgramFeatures: Sendable {
    public let order: Int
    public private(set) var vocabulary: [UInt64: Int32] = [:]

    public init(order: Int) {
        precondition((1...8).contains(order), "orders 1…8")
        self.order = order
    }

    /// The n-gram keys of a word (with repeats), in reading order.
    public func keys(_ letters: [Int]) -> [UInt64] {
        let s = [CharAlphabet.start] + letters + [CharAlphabet.end]
        var out = [UInt64]()
        out.reserveCapacity(s.count * order)
        for i in 0..<s.count {
            for len in 1...order where i + len <= s.count {
                if len == 1 && s[i] == CharAlphabet.start { continue }
                out.append(packSymbols(s, from: i, count: len))
            }
        }
        return out
    }

    /// Adds the words' n-grams to the vocabulary.
    public mutating func learn(_ words: [[Int]]) {
        for w in words { for k in keys(w) where vocabulary[k] == nil { vocabulary[k] = Int32(vocabulary.count) } }
    }

    /// Sparse count rows (CSR) over the vocabulary.
    public func matrix(_ words: [[Int]]) -> SparseRows {
        var rows = SparseRows(columns: vocabulary.count)
        var counts = [Int32: Double]()
        for w in words {
            counts.removeAll(keepingCapacity: true)
            for k in keys(w) { if let j = vocabulary[k] { counts[j, default: 0] += 1 } }
            rows.append(counts.sorted { $0.key < $1.key })
        }
        return rows
    }
}

/// Rows of a sparse matrix in compressed-row form.
public struct SparseRows: Sendable {
    public let columns: Int
    public private(set) var starts: [Int] = [0]
    public private(set) var indices: [Int32] = []
    public private(set) var values: [Double] = []
    public var rows: Int { starts.count - 1 }

    public init(columns: Int) { self.columns = columns }

    public mutating func append(_ entries: [(key: Int32, value: Double)]) {
        for e in entries { indices.append(e.key); values.append(e.value) }
        starts.append(indices.count)
    }

    /// wᵀxᵢ + b for every row.
    public func scores(_ w: [Double], _ b: Double) -> [Double] {
        (0..<rows).map { i in
            var z = b
            for p in starts[i]..<starts[i + 1] { z += w[Int(indices[p])] * values[p] }
            return z
        }
    }
}

/// L2-penalised binary logistic regression on sparse counts (here: character n-grams).
///
/// P(y = 1 | x) = σ(wᵀx + b), fitted by minimising the mean cross-entropy plus ‖w‖² / (2 C n)
/// (scikit-learn's objective C Σᵢ −log P(yᵢ|xᵢ) + ½‖w‖², divided by C n; b is not penalised)
/// with the project's L-BFGS until ‖∇‖∞ ≤ `tolerance`. Gradients: ∂/∂w = Xᵀ(p − y)/n + w/(C n),
/// ∂/∂b = mean(p − y). It models the boundary between the classes only: it cannot write a word.
/// Reference: Bishop, *Pattern Recognition and Machine Learning* (2006), §4.3.2; on text,
/// Jurafsky & Martin, *Speech and Language Processing*, 3rd ed. draft, ch. 5.
public struct SparseLogisticRegression: Sendable {
    public var c: Double
    public var maxIterations: Int
    public var tolerance: Double
    public private(set) var weights: [Double] = []
    public private(set) var intercept = 0.0
    public private(set) var convergence = Convergence(converged: false, iterations: 0, gradientNorm: .nan)

    public init(c: Double = 1, maxIterations: Int = 500, tolerance: Double = 1e-5) {
        self.c = c; self.maxIterations = maxIterations; self.tolerance = tolerance
    }

    /// y: 0 or 1 per row; both classes must be present.
    public mutating func fit(_ x: SparseRows, _ y: [Int]) throws {
        let n = x.rows, d = x.columns
        guard n == y.count, n > 0 else { throw ModelError(model: "Logistic regression", "one label per row, at least one row") }
        guard y.contains(0), y.contains(1) else { throw ModelError(model: "Logistic regression", "both classes must be in the training set") }
        guard c > 0, c.isFinite else { throw ModelError(model: "Logistic regression", "C must be positive, got \(c)") }
        let penalty = 1 / (c * Double(n)), invN = 1 / Double(n)
        let result = LBFGS(maxIterations: maxIterations, gradientTolerance: tolerance).minimize(from: [Double](repeating: 0, count: d + 1)) { theta in
            let b = theta[d]
            var loss = 0.0
            var grad = [Double](repeating: 0, count: d + 1)
            theta.withUnsafeBufferPointer { t in
                grad.withUnsafeMutableBufferPointer { g in
                    x.indices.withUnsafeBufferPointer { idx in
                        x.values.withUnsafeBufferPointer { val in
                            for i in 0..<n {
                                let lo = x.starts[i], hi = x.starts[i + 1]
                                var z = b
                                for p in lo..<hi { z += t[Int(idx[p])] * val[p] }
                                let yi = Double(y[i])
                                let e = exp(-abs(z))
                                loss += (z > 0 ? z : 0) + log1p(e) - yi * z
                                let r = ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi) * invN
                                for p in lo..<hi { g[Int(idx[p])] += r * val[p] }
                                g[d] += r
                            }
                            for j in 0..<d {
                                g[j] += penalty * t[j]
                                loss += 0.5 * penalty * t[j] * t[j] * Double(n)
                            }
                        }
                    }
                }
            }
            return (loss * invN, grad)
        }
        weights = Array(result.x[0..<d])
        intercept = result.x[d]
        convergence = Convergence(converged: result.converged, iterations: result.iterations, gradientNorm: result.gradientNorm)
        guard weights.allSatisfy(\.isFinite), intercept.isFinite else {
            throw ModelError(model: "Logistic regression", "the fit diverged (non-finite weights); lower C")
        }
    }

    /// P(y = 1 | x) per row.
    public func probabilities(_ x: SparseRows) -> [Double] {
        x.scores(weights, intercept).map { Special.sigmoid($0) }
    }
}
