#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// The support vector machine, libsvm's C-SVC: a discriminative model that
/// learns only a decision function, then a calibration of it into P(y | x).
///
/// For two classes (labels ±1) it finds f(x) = Σᵢ αᵢ yᵢ K(xᵢ, x) − ρ from the dual
///
///     minimise ½ αᵀQα − eᵀα  s.t. 0 ≤ αᵢ ≤ C, yᵀα = 0,   Q_ij = yᵢ yⱼ K(xᵢ, xⱼ),
///
/// solved by SMO with second-order working set selection (`SMOSolver`, tolerance
/// `tol` = 1e-3 like libsvm's `eps`). Rows with αᵢ > 0 are the support vectors:
/// the boundary f(x) = 0 depends on them alone. The primal is the hinge-loss
/// problem min ½‖w‖² + C Σ max(0, 1 − yᵢ f(xᵢ)) in the kernel's feature space.
///
/// - K classes: one-vs-one, as libsvm and scikit-learn's `SVC`: one binary
///   machine per pair (k, l), k < l, with class k as +1, trained on those two
///   classes' rows only. Hard predictions (`predictByVote`) take the most votes,
///   ties to the lower class.
/// - P(y | x): the SVM gives no probabilities, so each pair's decision value is
///   mapped through Platt's sigmoid P(k | x, {k,l}) = 1 / (1 + exp(A f + B)), with A, B
///   fitted by the Newton method with backtracking of Lin, Lin & Weng (2007) on
///   5-fold cross-validated decision values (targets (N₊+1)/(N₊+2) and 1/(N₋+2)),
///   clipped to [1e-7, 1 − 1e-7]. For K > 2 the pairwise probabilities rᵢⱼ are
///   coupled by Wu, Lin & Weng (2004) method 2: minimise Σᵢ Σ_{j≠i} (rⱼᵢ pᵢ − rᵢⱼ pⱼ)²
///   over the simplex (libsvm's `multiclass_probability`). This is what
///   `predict_proba` of scikit-learn's `SVC(probability=True)` computes.
/// - Folds for Platt scaling: libsvm shuffles with `rand()`; here each pair's rows
///   are split into 5 folds stratified by class, the order drawn from a
///   `SeededRandom` whose seed is the pair's row count and stream names the pair.
///   The fit therefore has no seed setting and the same data always give the same model.
/// - A class absent from the training rows gets probability 0 and no machines.
///
/// The RBF kernel's γ = `scale` is scikit-learn's 1 / (d · Var X), the variance
/// taken over all entries of X (γ = 1 when that variance is 0).
///
/// References: C. Cortes & V. Vapnik, "Support-vector networks", Machine Learning 20
/// (1995); J. Platt, "Probabilistic outputs for support vector machines" (1999);
/// H.-T. Lin, C.-J. Lin & R. C. Weng, "A note on Platt's probabilistic outputs for
/// support vector machines", Machine Learning 68 (2007); T.-F. Wu, C.-J. Lin &
/// R. C. Weng, "Probability estimates for multi-class classification by pairwise
/// coupling", JMLR 5 (2004); Chang & Lin, LIBSVM, ACM TIST 2 (2011), §7–8.
public struct SVMCore: Sendable, Codable {
    /// How the kernel is chosen before the data are seen.
    public enum KernelChoice: Sendable, Codable, Equatable {
        case linear
        case rbfScale
        case rbf(gamma: Double)
    }

    /// One binary machine of the one-vs-one ensemble.
    public struct PairMachine: Sendable, Codable {
        /// Class labelled +1 (the lower index) and −1.
        public var positiveClass: Int
        public var negativeClass: Int
        public var rho: Double
        /// Platt's sigmoid: P(positive | f) = 1 / (1 + exp(A f + B)).
        public var plattA: Double
        public var plattB: Double
        /// ½ αᵀQα − eᵀα at the solution (libsvm's `obj`; scikit-learn's dual value is −objective).
        public var objective: Double
        public var supportVectorCount: Int
        public var iterations: Int
        public var converged: Bool
        /// Largest KKT violation m(α) − M(α) at the end of SMO.
        public var violation: Double
    }

    public var kernelChoice: KernelChoice
    public var c: Double
    public var tolerance: Double
    public var maxIterations: Int
    static let folds = 5
    static let minProbability = 1e-7

    public private(set) var classCount = 0
    /// The kernel with γ resolved.
    public private(set) var kernel = SVMKernel.linear
    /// The union of every machine's support vectors (libsvm's `SV`), m × d.
    public private(set) var supportVectors = Matrix(rows: 0, cols: 0)
    /// αᵢyᵢ of each support vector (rows) in each machine (columns); zero where a
    /// vector does not belong to a machine.
    public private(set) var dualCoefficients = Matrix(rows: 0, cols: 0)
    public private(set) var machines: [PairMachine] = []
    /// Classes present in the training data, ascending.
    public private(set) var presentClasses: [Int] = []

    init(kernelChoice: KernelChoice, c: Double, tolerance: Double, maxIterations: Int) {
        self.kernelChoice = kernelChoice
        self.c = c
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    var solver: SMOSolver { SMOSolver(c: c, tolerance: tolerance, maxIterations: maxIterations) }

    /// Aggregate over the machines: converged if all did, total SMO iterations,
    /// the largest final KKT violation.
    public var convergence: Convergence {
        Convergence(converged: !machines.isEmpty && machines.allSatisfy(\.converged),
                    iterations: machines.reduce(0) { $0 + $1.iterations },
                    gradientNorm: machines.map(\.violation).max() ?? .nan)
    }

    mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int, model: String) throws {
        try FitChecks.validate(x, y, classCount: classCount, model: model)
        guard c > 0, c.isFinite else { throw ModelError(model: model, "C must be a positive number, got \(c)") }
        guard tolerance > 0, tolerance.isFinite else {
            throw ModelError(model: model, "tol must be a positive number, got \(tolerance)")
        }
        guard maxIterations >= 1 else { throw ModelError(model: model, "max_iter must be at least 1") }
        self.classCount = classCount
        switch kernelChoice {
        case .linear: kernel = .linear
        case .rbf(let gamma):
            guard gamma > 0, gamma.isFinite else {
                throw ModelError(model: model, "gamma must be a positive number or \"scale\", got \(gamma)")
            }
            kernel = .rbf(gamma: gamma)
        case .rbfScale:
            var mean = 0.0
            for v in x.data { mean += v }
            mean /= Double(x.data.count)
            var variance = 0.0
            for v in x.data { variance += (v - mean) * (v - mean) }
            variance /= Double(x.data.count)
            kernel = .rbf(gamma: variance > 0 ? 1 / (Double(x.cols) * variance) : 1)
        }
        presentClasses = Array(Set(y)).sorted()
        var rowsOf = [[Int]](repeating: [], count: classCount)
        for (i, label) in y.enumerated() { rowsOf[label].append(i) }

        var svIndex = [Int: Int]()          // training row → row of supportVectors
        var svRows: [Int] = []
        var coefficients: [[(Int, Double)]] = []
        machines = []
        for (pk, k) in presentClasses.enumerated() {
            for l in presentClasses[(pk + 1)...] {
                let rows = rowsOf[k] + rowsOf[l]
                let xs = x.rows(rows)
                let ys = rows.map { y[$0] == k ? 1.0 : -1.0 }
                let result = solver.solve(xs, ys, kernel: kernel)
                let (a, b) = plattSigmoid(xs, ys, seedName: "svm-platt-\(k)-\(l)")
                var coef: [(Int, Double)] = []
                for (t, alpha) in result.alpha.enumerated() where alpha > 0 {
                    let row = rows[t]
                    if svIndex[row] == nil { svIndex[row] = svRows.count; svRows.append(row) }
                    coef.append((svIndex[row]!, alpha * ys[t]))
                }
                coefficients.append(coef)
                machines.append(PairMachine(positiveClass: k, negativeClass: l, rho: result.rho, plattA: a, plattB: b,
                                            objective: result.objective, supportVectorCount: result.supportVectorCount,
                                            iterations: result.iterations, converged: result.converged,
                                            violation: result.violation))
            }
        }
        supportVectors = x.rows(svRows)
        dualCoefficients = Matrix(rows: svRows.count, cols: machines.count)
        for (p, coef) in coefficients.enumerated() { for (s, v) in coef { dualCoefficients[s, p] = v } }
        guard supportVectors.allFinite, dualCoefficients.allFinite,
              machines.allSatisfy({ $0.rho.isFinite && $0.plattA.isFinite && $0.plattB.isFinite }) else {
            throw ModelError(model: model, "the fit produced non-finite values; rescale the features or lower C")
        }
    }

    /// Decision values f_p(x) = Σ αᵢyᵢ K(xᵢ, x) − ρ_p, one column per machine, in
    /// blocks of rows so the kernel block stays small.
    public func decisionFunction(_ x: Matrix) -> Matrix {
        var out = Matrix(rows: x.rows, cols: machines.count)
        guard supportVectors.rows > 0 else { return out }
        let block = 1024
        var start = 0
        while start < x.rows {
            let end = min(start + block, x.rows)
            let kx = kernel.gram(x.rows(Array(start..<end)), supportVectors)
            let f = BLAS.multiply(kx, dualCoefficients)
            for i in 0..<(end - start) {
                for p in machines.indices { out[start + i, p] = f[i, p] - machines[p].rho }
            }
            start = end
        }
        return out
    }

    /// libsvm's hard prediction: one vote per machine, most votes wins, ties to the lower class.
    public func predictByVote(_ x: Matrix) -> [Int] {
        let f = decisionFunction(x)
        return (0..<x.rows).map { i in
            var votes = [Int](repeating: 0, count: classCount)
            for (p, m) in machines.enumerated() { votes[f[i, p] > 0 ? m.positiveClass : m.negativeClass] += 1 }
            var best = presentClasses[0]
            for k in presentClasses where votes[k] > votes[best] { best = k }
            return best
        }
    }

    public func predictProba(_ x: Matrix) -> Matrix {
        let f = decisionFunction(x)
        var out = Matrix(rows: x.rows, cols: classCount)
        let kp = presentClasses.count
        let position = Dictionary(uniqueKeysWithValues: presentClasses.enumerated().map { ($1, $0) })
        for i in 0..<x.rows {
            var r = Matrix(rows: kp, cols: kp)
            for (p, m) in machines.enumerated() {
                let a = position[m.positiveClass]!, b = position[m.negativeClass]!
                let fApB = f[i, p] * m.plattA + m.plattB
                let pp = min(max(Special.sigmoid(-fApB), Self.minProbability), 1 - Self.minProbability)
                r[a, b] = pp
                r[b, a] = 1 - pp
            }
            let probs = kp == 2 ? [r[0, 1], r[1, 0]] : Self.couple(r)
            for (t, k) in presentClasses.enumerated() { out[i, k] = probs[t] }
        }
        return out
    }

    /// Pairwise coupling, Wu, Lin & Weng (2004) method 2, as libsvm's
    /// `multiclass_probability`: the p on the simplex minimising pᵀQp with
    /// Q_tt = Σ_{j≠t} r_jt², Q_tj = −r_jt r_tj, by the fixed-point iteration
    /// that stops when max_t |(Qp)_t − pᵀQp| < 0.005 / k.
    static func couple(_ r: Matrix) -> [Double] {
        let k = r.rows
        var q = Matrix(rows: k, cols: k)
        var p = [Double](repeating: 1 / Double(k), count: k)
        for t in 0..<k {
            for j in 0..<k where j != t {
                q[t, t] += r[j, t] * r[j, t]
                q[t, j] = -r[j, t] * r[t, j]
            }
        }
        var qp = [Double](repeating: 0, count: k)
        let eps = 0.005 / Double(k)
        for _ in 0..<max(100, k) {
            var pqp = 0.0
            for t in 0..<k {
                qp[t] = 0
                for j in 0..<k { qp[t] += q[t, j] * p[j] }
                pqp += p[t] * qp[t]
            }
            var maxError = 0.0
            for t in 0..<k { maxError = max(maxError, abs(qp[t] - pqp)) }
            if maxError < eps { break }
            for t in 0..<k {
                let diff = (-qp[t] + pqp) / q[t, t]
                p[t] += diff
                pqp = (pqp + diff * (diff * q[t, t] + 2 * qp[t])) / (1 + diff) / (1 + diff)
                for j in 0..<k {
                    qp[j] = (qp[j] + diff * q[t, j]) / (1 + diff)
                    p[j] /= (1 + diff)
                }
            }
        }
        // The iteration stays on the simplex in exact arithmetic; guard the rounding.
        let clipped = p.map { max($0, 0) }
        let total = clipped.reduce(0, +)
        return total > 0 && total.isFinite ? clipped.map { $0 / total } : [Double](repeating: 1 / Double(k), count: k)
    }

    /// Platt's (A, B) for one binary machine from 5-fold cross-validated decision values.
    func plattSigmoid(_ x: Matrix, _ y: [Double], seedName: String) -> (Double, Double) {
        let n = x.rows
        // Stratified folds: shuffle each class, then deal its rows round the folds,
        // continuing the deal from one class to the next so fold sizes differ by ≤ 1.
        var rng = SeededRandom(seed: UInt64(n), stream: seedName)
        var fold = [Int](repeating: 0, count: n)
        var dealt = 0
        for label in [1.0, -1.0] {
            var members = (0..<n).filter { y[$0] == label }
            rng.shuffle(&members)
            for t in members { fold[t] = dealt % Self.folds; dealt += 1 }
        }
        var decision = [Double](repeating: 0, count: n)
        let solver = self.solver
        for v in 0..<Self.folds {
            let held = (0..<n).filter { fold[$0] == v }
            guard !held.isEmpty else { continue }
            let train = (0..<n).filter { fold[$0] != v }
            let yt = train.map { y[$0] }
            let positives = yt.filter { $0 > 0 }.count
            if positives == yt.count || positives == 0 {
                // libsvm's convention when a fold's training rows hold one class only.
                for t in held { decision[t] = positives > 0 ? 1 : -1 }
                continue
            }
            let xt = x.rows(train)
            let result = solver.solve(xt, yt, kernel: kernel)
            let sv = result.alpha.indices.filter { result.alpha[$0] > 0 }
            let kx = kernel.gram(x.rows(held), xt.rows(sv))
            let f = BLAS.gemv(kx, sv.map { result.alpha[$0] * yt[$0] })
            for (h, t) in held.enumerated() { decision[t] = f[h] - result.rho }
        }
        return Self.fitSigmoid(decision, y)
    }

    /// Lin, Lin & Weng (2007) Algorithm 1 (libsvm's `sigmoid_train`): Newton's method
    /// with backtracking on the regularised-target cross-entropy of
    /// P(+1 | f) = 1 / (1 + exp(A f + B)).
    static func fitSigmoid(_ f: [Double], _ y: [Double]) -> (Double, Double) {
        let prior1 = Double(y.filter { $0 > 0 }.count), prior0 = Double(y.count) - prior1
        let hiTarget = (prior1 + 1) / (prior1 + 2), loTarget = 1 / (prior0 + 2)
        let target = y.map { $0 > 0 ? hiTarget : loTarget }
        let maxIterations = 100, minStep = 1e-10, sigma = 1e-12, eps = 1e-5
        var a = 0.0, b = log((prior0 + 1) / (prior1 + 1))

        func value(_ a: Double, _ b: Double) -> Double {
            var s = 0.0
            for i in f.indices {
                let fApB = f[i] * a + b
                s += fApB >= 0 ? target[i] * fApB + log1p(exp(-fApB)) : (target[i] - 1) * fApB + log1p(exp(fApB))
            }
            return s
        }
        var fval = value(a, b)
        for _ in 0..<maxIterations {
            var h11 = sigma, h22 = sigma, h21 = 0.0, g1 = 0.0, g2 = 0.0
            for i in f.indices {
                let fApB = f[i] * a + b
                let p: Double, q: Double
                if fApB >= 0 {
                    let e = exp(-fApB)
                    p = e / (1 + e); q = 1 / (1 + e)
                } else {
                    let e = exp(fApB)
                    p = 1 / (1 + e); q = e / (1 + e)
                }
                let d2 = p * q
                h11 += f[i] * f[i] * d2
                h22 += d2
                h21 += f[i] * d2
                let d1 = target[i] - p
                g1 += f[i] * d1
                g2 += d1
            }
            if abs(g1) < eps && abs(g2) < eps { break }
            let det = h11 * h22 - h21 * h21
            let dA = -(h22 * g1 - h21 * g2) / det
            let dB = -(-h21 * g1 + h11 * g2) / det
            let gd = g1 * dA + g2 * dB
            var step = 1.0
            while step >= minStep {
                let newA = a + step * dA, newB = b + step * dB
                let newF = value(newA, newB)
                if newF < fval + 1e-4 * step * gd {
                    a = newA; b = newB; fval = newF
                    break
                }
                step /= 2
            }
            if step < minStep { break }    // line search failed: keep the last (A, B)
        }
        return (a, b)
    }
}

/// The support vector machine with the Gaussian (RBF) kernel
/// K(x, x′) = exp(−γ ‖x − x′‖²): a weighted sum of bumps centred on the support
/// vectors, so the boundary curves around the data (γ sets how tightly).
/// The maths, the solver and the calibration are described at `SVMCore`.
public struct RBFSupportVectorMachine: SVMCoreModel {
    public static let kind = "svm_rbf"
    public static let displayName = "SVM (RBF kernel)"

    public private(set) var core: SVMCore

    /// `gamma: nil` is scikit-learn's `gamma="scale"`, 1 / (d · Var X).
    public init(c: Double = 1, gamma: Double? = nil, tolerance: Double = 1e-3, maxIterations: Int = 10_000_000) {
        core = SVMCore(kernelChoice: gamma.map { .rbf(gamma: $0) } ?? .rbfScale,
                       c: c, tolerance: tolerance, maxIterations: maxIterations)
    }

    public init(settings s: Settings) throws {
        try s.allow(["C", "gamma", "tol", "max_iter"])
        var gamma: Double?
        switch s.values["gamma"] {
        case nil, .text("scale")?: gamma = nil
        case .number?, .integer?: gamma = try s.number("gamma", default: 1, in: 0...1e12, exclusiveLower: true)
        case let other?:
            throw ModelError(model: s.model, "setting 'gamma' must be \"scale\" or a positive number, got '\(other)'")
        }
        self.init(c: try s.number("C", default: 1, in: 0...1e12, exclusiveLower: true),
                  gamma: gamma,
                  tolerance: try s.number("tol", default: 1e-3, in: 0...1, exclusiveLower: true),
                  maxIterations: try s.integer("max_iter", default: 10_000_000, in: 1...1_000_000_000))
    }

    public var settings: [String: SettingValue] {
        let gamma: SettingValue
        if case .rbf(let g) = core.kernelChoice { gamma = .number(g) } else { gamma = .text("scale") }
        return ["C": .number(core.c), "gamma": gamma, "tol": .number(core.tolerance),
                "max_iter": .integer(core.maxIterations), "multiclass": .text("one-vs-one"),
                "probability": .text("Platt, 5-fold")]
    }

    public var boundaryShape: String { "curved boundary (RBF kernel)" }
    /// γ after fitting (the resolved value when the setting is "scale").
    public var gamma: Double? { if case .rbf(let g) = core.kernel { return g }; return nil }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        try core.fit(x, y, classCount: classCount, model: Self.displayName)
    }

}

/// The support vector machine with the linear kernel K(x, x′) = xᵀx′: the
/// maximum-margin hyperplane (soft margin, penalty C), so each pairwise
/// boundary is a straight line. The maths, the solver and the calibration are
/// described at `SVMCore`.
public struct LinearSupportVectorMachine: SVMCoreModel {
    public static let kind = "svm_linear"
    public static let displayName = "SVM (linear kernel)"

    public private(set) var core: SVMCore

    public init(c: Double = 1, tolerance: Double = 1e-3, maxIterations: Int = 10_000_000) {
        core = SVMCore(kernelChoice: .linear, c: c, tolerance: tolerance, maxIterations: maxIterations)
    }

    public init(settings s: Settings) throws {
        try s.allow(["C", "tol", "max_iter"])
        self.init(c: try s.number("C", default: 1, in: 0...1e12, exclusiveLower: true),
                  tolerance: try s.number("tol", default: 1e-3, in: 0...1, exclusiveLower: true),
                  maxIterations: try s.integer("max_iter", default: 10_000_000, in: 1...1_000_000_000))
    }

    public var settings: [String: SettingValue] {
        ["C": .number(core.c), "tol": .number(core.tolerance), "max_iter": .integer(core.maxIterations),
         "multiclass": .text("one-vs-one"), "probability": .text("Platt, 5-fold")]
    }

    public var boundaryShape: String { "linear boundary" }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        try core.fit(x, y, classCount: classCount, model: Self.displayName)
    }

}

/// What both SVM models answer from their shared core (`SVMCore`): the kernel is all they differ in.
public protocol SVMCoreModel: Classifier {
    var core: SVMCore { get }
}

extension SVMCoreModel {
    public var classCount: Int { core.classCount }
    public var convergence: Convergence { core.convergence }
    public func predictProba(_ x: Matrix) -> Matrix { core.predictProba(x) }
    public func decisionFunction(_ x: Matrix) -> Matrix { core.decisionFunction(x) }
    public func predictByVote(_ x: Matrix) -> [Int] { core.predictByVote(x) }
}
