import Datasets
import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Support vector machine: SMO optimality, calibrated probabilities, degenerate data")
struct SVMTests {
    /// A small overlapping two-class problem (so some αᵢ sit at C and some are free).
    static let moons = Synthetic.twoMoons(n: 120, noise: 0.3, seed: 11)
    static let blobs = Synthetic.blobs(n: 150, std: 1.5, seed: 5)

    /// K(xᵢ, xⱼ) by the definition, no BLAS, for checking the solver.
    static func naiveKernel(_ kernel: SVMKernel, _ a: [Double], _ b: [Double]) -> Double {
        switch kernel {
        case .linear: return zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        case .rbf(let g): return exp(-g * zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) })
        }
    }

    @Test("SMO's α satisfies the KKT conditions to the stopping tolerance, and its objective is ½αᵀQα − eᵀα",
          arguments: [SVMKernel.rbf(gamma: 0.7), .linear], [1.0, 10.0])
    func kktConditions(kernel: SVMKernel, c: Double) {
        let x = Self.moons.x
        let y = Self.moons.y.map { $0 == 0 ? 1.0 : -1.0 }
        let solver = SMOSolver(c: c, tolerance: 1e-3)
        let r = solver.solve(x, y, kernel: kernel)
        #expect(r.converged)
        #expect(r.violation < 1e-3)
        let n = x.rows
        var k = Matrix(rows: n, cols: n)
        for i in 0..<n { for j in 0..<n { k[i, j] = Self.naiveKernel(kernel, x.row(i), x.row(j)) } }
        // Feasibility: box and the equality constraint.
        #expect(r.alpha.allSatisfy { $0 >= 0 && $0 <= c })
        #expect(abs(zip(r.alpha, y).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-9 * c * Double(n))
        // Objective recomputed from α.
        var quad = 0.0
        for i in 0..<n { for j in 0..<n { quad += r.alpha[i] * r.alpha[j] * y[i] * y[j] * k[i, j] } }
        let objective = 0.5 * quad - r.alpha.reduce(0, +)
        #expect(abs(objective - r.objective) <= 1e-9 * max(1, abs(objective)))
        // KKT with margins yᵢf(xᵢ), f = Σ αⱼyⱼK(xⱼ, ·) − ρ: each side holds to the tolerance,
        // since yᵢf(xᵢ) − 1 = yᵢ(yᵢGᵢ − ρ) and ρ lies between the extreme values of yG.
        let tol = 1e-3 + 1e-9
        var free = 0
        for i in 0..<n {
            var f = -r.rho
            for j in 0..<n { f += r.alpha[j] * y[j] * k[j, i] }
            let margin = y[i] * f
            if r.alpha[i] <= 0 {
                #expect(margin >= 1 - tol, "α=0 row \(i): yf = \(margin)")
            } else if r.alpha[i] >= c {
                #expect(margin <= 1 + tol, "α=C row \(i): yf = \(margin)")
            } else {
                free += 1
                #expect(abs(margin - 1) <= tol, "free row \(i): yf = \(margin)")
            }
        }
        #expect(free > 0)
        #expect(r.alpha.contains(c))   // the moons overlap: some rows are margin errors
    }

    @Test("A kernel-row cache holding only two rows gives exactly the same solution as the full cache")
    func smallCache() {
        let x = Self.moons.x
        let y = Self.moons.y.map { $0 == 0 ? 1.0 : -1.0 }
        let full = SMOSolver(c: 1).solve(x, y, kernel: .rbf(gamma: 1))
        var tiny = SMOSolver(c: 1)
        tiny.cacheBytes = 1
        let small = tiny.solve(x, y, kernel: .rbf(gamma: 1))
        #expect(full.alpha == small.alpha)
        #expect(full.rho == small.rho)
        #expect(full.iterations == small.iterations)
    }

    @Test("P(y|x) rows sum to 1 and lie in [0, 1], also far from the data", arguments: ["svm_rbf", "svm_linear"])
    func probabilitiesAreProbabilities(kind: String) throws {
        for data in [Self.moons, Self.blobs] {
            var m = try ModelCatalogue.make(kind: kind, settings: [:])
            try m.fit(data.x, data.y, classCount: data.classCount)
            let probe = Matrix(rows: data.x.rows + 4, cols: 2, data: data.x.data + [1e3, -1e3, 0, 0, -50, 7, 1e-9, 1e9])
            let p = m.predictProba(probe)
            #expect(p.cols == data.classCount)
            for i in 0..<p.rows {
                let row = p.row(i)
                #expect(abs(row.reduce(0, +) - 1) < 1e-12, "row \(i) sums to \(row.reduce(0, +))")
                #expect(row.allSatisfy { $0 >= 0 && $0 <= 1 })
            }
        }
    }

    /// Platt's sigmoid is monotone in each pairwise decision value, so for two
    /// classes the two rules can only disagree where f is near 0 (the sigmoid's
    /// midpoint −B/A is near, not at, 0). For K > 2 the coupling can overrule the
    /// vote between near-tied pairs. On these sets: at least 95% agreement.
    @Test("The most probable class agrees with the SVM's own vote on most points", arguments: ["svm_rbf", "svm_linear"])
    func probabilityAgreesWithVote(kind: String) throws {
        for data in [Self.moons, Self.blobs] {
            var m = try ModelCatalogue.make(kind: kind, settings: [:])
            try m.fit(data.x, data.y, classCount: data.classCount)
            let core = (m as? RBFSupportVectorMachine)?.core ?? (m as! LinearSupportVectorMachine).core
            let p = m.predictProba(data.x)
            let vote = core.predictByVote(data.x)
            let agree = (0..<data.x.rows).filter { Metrics.argmax(p.row($0)) == vote[$0] }.count
            #expect(Double(agree) >= 0.95 * Double(data.x.rows), "\(kind) on \(data.name): \(agree)/\(data.x.rows) agree")
        }
    }

    @Test("Two fits on the same data give identical probabilities; a Codable round trip keeps them")
    func deterministic() throws {
        var a = RBFSupportVectorMachine(), b = RBFSupportVectorMachine()
        try a.fit(Self.blobs.x, Self.blobs.y, classCount: 3)
        try b.fit(Self.blobs.x, Self.blobs.y, classCount: 3)
        #expect(a.predictProba(Self.blobs.x) == b.predictProba(Self.blobs.x))
        let decoded = try JSONDecoder().decode(RBFSupportVectorMachine.self, from: JSONEncoder().encode(a))
        #expect(decoded.predictProba(Self.blobs.x) == a.predictProba(Self.blobs.x))
    }

    @Test("Pairwise coupling recovers p from consistent pairwise probabilities rᵢⱼ = pᵢ / (pᵢ + pⱼ)")
    func coupling() {
        let truth = [0.6, 0.3, 0.1]
        var r = Matrix(rows: 3, cols: 3)
        for i in 0..<3 { for j in 0..<3 where i != j { r[i, j] = truth[i] / (truth[i] + truth[j]) } }
        let p = SVMCore.couple(r)
        // The iteration stops when max_t |(Qp)_t − pᵀQp| < 0.005/k, which bounds ‖p − p*‖ loosely;
        // stated tolerance 1e-2 (in practice far smaller).
        for k in 0..<3 { #expect(abs(p[k] - truth[k]) < 1e-2, "p[\(k)] = \(p[k])") }
        #expect(abs(p.reduce(0, +) - 1) < 1e-12)
    }

    @Test("Platt's sigmoid fit ends at a stationary point of its cross-entropy")
    func plattStationary() {
        var rng = SeededRandom(seed: 3)
        let f = (0..<200).map { _ in rng.normal(mean: 0, std: 2) }
        let y = f.map { rng.uniform() < 1 / (1 + exp(-1.5 * $0 + 0.3)) ? 1.0 : -1.0 }
        let (a, b) = SVMCore.fitSigmoid(f, y)
        // Gradient of Σ t log p + (1 − t) log(1 − p) with libsvm's regularised targets.
        let n1 = Double(y.filter { $0 > 0 }.count), n0 = Double(y.count) - n1
        var g1 = 0.0, g2 = 0.0
        for i in f.indices {
            let t = y[i] > 0 ? (n1 + 1) / (n1 + 2) : 1 / (n0 + 2)
            let p = 1 / (1 + exp(a * f[i] + b))
            g1 += f[i] * (t - p); g2 += t - p
        }
        #expect(abs(g1) < 1e-5 && abs(g2) < 1e-5, "gradient (\(g1), \(g2))")
        #expect(a < 0)     // P(+1) rises with the decision value
    }

    @Test("One class only is refused with a clear ModelError", arguments: ["svm_rbf", "svm_linear"])
    func oneClass(kind: String) throws {
        var m = try ModelCatalogue.make(kind: kind, settings: [:])
        let e = #expect(throws: ModelError.self) {
            try m.fit(Matrix([[0, 1], [1, 2], [2, 0]]), [1, 1, 1], classCount: 2)
        }
        #expect(e?.message.contains("only one class") == true)
    }

    @Test("Duplicated rows, including a duplicate with the opposite label, fit to finite probabilities")
    func duplicatedRows() throws {
        let x = Self.moons.x
        let doubled = Matrix(rows: 2 * x.rows + 1, cols: 2, data: x.data + x.data + x.row(0))
        let y = Self.moons.y + Self.moons.y + [1 - Self.moons.y[0]]
        for kind in ["svm_rbf", "svm_linear"] {
            var m = try ModelCatalogue.make(kind: kind, settings: [:])
            try m.fit(doubled, y, classCount: 2)
            let p = m.predictProba(doubled)
            #expect(p.allFinite)
            let core = (m as? RBFSupportVectorMachine)?.core ?? (m as! LinearSupportVectorMachine).core
            #expect(core.convergence.converged)
        }
    }

    @Test("A constant feature changes nothing: RBF distances and (since yᵀα = 0) the linear dual ignore it")
    func constantFeature() throws {
        let x = Self.moons.x
        var padded = Matrix(rows: x.rows, cols: 3)
        for i in 0..<x.rows { padded[i, 0] = x[i, 0]; padded[i, 1] = x[i, 1]; padded[i, 2] = 4 }
        var rbf = RBFSupportVectorMachine(gamma: 0.8), rbfPadded = RBFSupportVectorMachine(gamma: 0.8)
        try rbf.fit(x, Self.moons.y, classCount: 2)
        try rbfPadded.fit(padded, Self.moons.y, classCount: 2)
        var lin = LinearSupportVectorMachine(), linPadded = LinearSupportVectorMachine()
        try lin.fit(x, Self.moons.y, classCount: 2)
        try linPadded.fit(padded, Self.moons.y, classCount: 2)
        // The optimum is the same (a constant added to K changes Q by yᵢyⱼc², which the
        // equality constraint cancels), but rounding can break WSS ties differently, and
        // each run stops anywhere with KKT violation < 1e-3: decision values then agree
        // to a few times 1e-3. Stated tolerance 0.01; dual objectives to 1e-3 relative.
        for (a, b) in [(rbf.core, rbfPadded.core), (lin.core, linPadded.core)] {
            let fa = a.decisionFunction(x), fb = b.decisionFunction(padded)
            let worst = (0..<x.rows).map { abs(fa[$0, 0] - fb[$0, 0]) }.max()!
            #expect(worst < 0.01, "largest decision difference \(worst)")
            let (oa, ob) = (a.machines[0].objective, b.machines[0].objective)
            #expect(abs(oa - ob) <= 1e-3 * abs(oa))
        }
        // Every feature constant: γ = scale falls back to 1, all rows look alike, and
        // P(y|x) is the same finite row everywhere.
        var flat = RBFSupportVectorMachine()
        try flat.fit(Matrix(rows: 6, cols: 2, repeating: 3), [0, 1, 0, 1, 0, 1], classCount: 2)
        #expect(flat.gamma == 1)
        let p = flat.predictProba(Matrix([[3, 3], [0, 10]]))
        #expect(p.allFinite)
        #expect(abs(p[0, 0] - p[1, 0]) < 1e-12)
    }

    @Test("More features than rows: fits, separates the training rows, finite probabilities", arguments: ["svm_rbf", "svm_linear"])
    func wideData(kind: String) throws {
        var rng = SeededRandom(seed: 8)
        let x = Matrix(rows: 8, cols: 30, data: (0..<240).map { _ in rng.normal() })
        let y = [0, 1, 0, 1, 0, 1, 0, 1]
        var m = try ModelCatalogue.make(kind: kind, settings: ["C": .number(100)])
        try m.fit(x, y, classCount: 2)
        let core = (m as? RBFSupportVectorMachine)?.core ?? (m as! LinearSupportVectorMachine).core
        #expect(core.predictByVote(x) == y)   // 8 points in 30 dimensions are separable
        #expect(m.predictProba(x).allFinite)
    }

    @Test("A class absent from the training rows gets probability 0")
    func absentClass() throws {
        var m = RBFSupportVectorMachine()
        let y = Self.moons.y.map { $0 == 1 ? 2 : 0 }
        try m.fit(Self.moons.x, y, classCount: 3)
        let p = m.predictProba(Self.moons.x)
        #expect(p.cols == 3)
        for i in 0..<p.rows {
            #expect(p[i, 1] == 0)
            #expect(abs(p[i, 0] + p[i, 2] - 1) < 1e-12)
        }
    }

    @Test("Stopping at max_iter is reported as not converged, still with finite probabilities")
    func iterationLimit() throws {
        var m = LinearSupportVectorMachine(maxIterations: 3)
        try m.fit(Self.moons.x, Self.moons.y, classCount: 2)
        #expect(!m.convergence.converged)
        #expect(m.convergence.iterations == 3)
        #expect(m.predictProba(Self.moons.x).allFinite)
    }

    @Test("Settings: gamma is \"scale\" or a positive number; linear has no gamma; names and shapes")
    func settings() throws {
        let scale = try ModelCatalogue.make(kind: "svm_rbf", settings: ["gamma": .text("scale")])
        #expect(scale.settings["gamma"] == .text("scale"))
        let fixed = try ModelCatalogue.make(kind: "svm_rbf", settings: ["gamma": .number(0.5), "C": .integer(3)])
        #expect(fixed.settings["gamma"] == .number(0.5))
        #expect(fixed.settings["C"] == .number(3))
        #expect(fixed.boundaryShape == "curved boundary (RBF kernel)")
        #expect(throws: ModelError.self) { try ModelCatalogue.make(kind: "svm_rbf", settings: ["gamma": .text("auto")]) }
        #expect(throws: ModelError.self) { try ModelCatalogue.make(kind: "svm_rbf", settings: ["gamma": .number(0)]) }
        #expect(throws: ModelError.self) { try ModelCatalogue.make(kind: "svm_linear", settings: ["gamma": .number(1)]) }
        #expect(throws: ModelError.self) { try ModelCatalogue.make(kind: "svm_linear", settings: ["C": .number(-1)]) }
        let linear = try ModelCatalogue.make(kind: "svm_linear", settings: ["tol": .number(1e-4)])
        #expect(linear.boundaryShape == "linear boundary")
        #expect(linear.settings["tol"] == .number(1e-4))
        #expect(ModelCatalogue.entry("svm_rbf")?.displayName == "SVM (RBF kernel)")
        #expect(ModelCatalogue.entry("svm_linear")?.lens == .discriminative)
    }
}
