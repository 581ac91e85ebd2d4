#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// A Mercer kernel K(x, x′) for the support vector machine.
///
/// - `linear`: K(x, x′) = xᵀx′.
/// - `rbf(gamma:)`: K(x, x′) = exp(−γ ‖x − x′‖²), with the squared distance
///   expanded as ‖x‖² + ‖x′‖² − 2xᵀx′ so that a whole block of kernel values is
///   one GEMM (or one GEMV for a row) plus an elementwise exp, as libsvm does.
public enum SVMKernel: Sendable, Codable, Equatable {
    case linear
    case rbf(gamma: Double)

    /// K(aᵢ, bⱼ) for every row pair: an a.rows × b.rows matrix, through one GEMM.
    public func gram(_ a: Matrix, _ b: Matrix) -> Matrix {
        var k = BLAS.multiply(a, b, transB: true)
        if case .rbf(let gamma) = self {
            let na = Self.squaredNorms(a), nb = Self.squaredNorms(b)
            let cols = b.rows
            k.data.withUnsafeMutableBufferPointer { p in
                for i in 0..<a.rows {
                    let base = i * cols
                    for j in 0..<cols {
                        p[base + j] = exp(-gamma * max(na[i] + nb[j] - 2 * p[base + j], 0))
                    }
                }
            }
        }
        return k
    }

    /// K(x, x) for every row.
    func diagonal(_ x: Matrix) -> [Double] {
        switch self {
        case .linear: return Self.squaredNorms(x)
        case .rbf: return [Double](repeating: 1, count: x.rows)
        }
    }

    static func squaredNorms(_ x: Matrix) -> [Double] {
        (0..<x.rows).map { i in
            var s = 0.0
            for j in 0..<x.cols { let v = x.data[i * x.cols + j]; s += v * v }
            return s
        }
    }
}

/// Rows of Q (Q_ij = y_i y_j K(x_i, x_j)) computed on demand and kept in a
/// least-recently-used cache, as libsvm's `Cache`. SMO only ever reads the rows
/// of its working-set pairs, so most problems touch far fewer than all n rows.
/// When the budget holds n rows the whole matrix ends up cached.
final class KernelRowCache {
    let n: Int
    let capacity: Int
    private let x: Matrix
    private let y: [Double]
    private let kernel: SVMKernel
    private let norms: [Double]
    private let storage: UnsafeMutablePointer<Double>
    private var slotOfRow: [Int]
    private var rowOfSlot: [Int]
    private var lastUse: [UInt64]
    private var clock: UInt64 = 0
    private var used = 0

    init(x: Matrix, y: [Double], kernel: SVMKernel, budgetBytes: Int) {
        n = x.rows
        capacity = min(n, max(2, budgetBytes / max(1, n * MemoryLayout<Double>.stride)))
        self.x = x
        self.y = y
        self.kernel = kernel
        norms = SVMKernel.squaredNorms(x)
        storage = UnsafeMutablePointer<Double>.allocate(capacity: capacity * n)
        slotOfRow = [Int](repeating: -1, count: n)
        rowOfSlot = [Int](repeating: -1, count: capacity)
        lastUse = [UInt64](repeating: 0, count: capacity)
    }

    deinit { storage.deallocate() }

    /// Row i of Q; valid until two further rows have been requested.
    func row(_ i: Int) -> UnsafePointer<Double> {
        clock += 1
        if slotOfRow[i] >= 0 {
            lastUse[slotOfRow[i]] = clock
            return UnsafePointer(storage + slotOfRow[i] * n)
        }
        let slot: Int
        if used < capacity {
            slot = used
            used += 1
        } else {
            var oldest = 0
            for s in 1..<capacity where lastUse[s] < lastUse[oldest] { oldest = s }
            slot = oldest
            slotOfRow[rowOfSlot[slot]] = -1
        }
        slotOfRow[i] = slot
        rowOfSlot[slot] = i
        lastUse[slot] = clock
        let out = storage + slot * n
        let dots = BLAS.gemv(x, x.row(i))
        let yi = y[i]
        switch kernel {
        case .linear:
            for k in 0..<n { out[k] = yi * y[k] * dots[k] }
        case .rbf(let gamma):
            let ni = norms[i]
            dots.withUnsafeBufferPointer { d in
                y.withUnsafeBufferPointer { yk in
                    norms.withUnsafeBufferPointer { nk in
                        for k in 0..<n {
                            out[k] = yi * yk[k] * exp(-gamma * max(ni + nk[k] - 2 * d[k], 0))
                        }
                    }
                }
            }
            out[i] = 1
        }
        return UnsafePointer(out)
    }
}

/// Sequential minimal optimisation for the C-SVM dual, as in libsvm.
///
/// The dual problem (Cortes & Vapnik 1995) over α ∈ ℝⁿ with labels yᵢ ∈ {+1, −1}:
///
///     minimise  f(α) = ½ αᵀQα − eᵀα,   Q_ij = y_i y_j K(x_i, x_j),
///     subject to 0 ≤ α_i ≤ C,  yᵀα = 0.
///
/// SMO (Platt 1998) changes two multipliers at a time, the smallest step that
/// keeps yᵀα = 0, and solves that two-variable problem in closed form (clipped
/// to the box). The pair is chosen by working set selection using second-order
/// information (Fan, Chen & Lin 2005, "WSS 2", libsvm's rule): with gradient
/// G = Qα − e,
///
///     i ∈ argmax { −y_t G_t : t ∈ I_up(α) },
///     j ∈ argmin { −b_it² / a_it : t ∈ I_low(α), −y_t G_t < −y_i G_i },
///     a_it = K_ii + K_tt − 2K_it (τ = 1e-12 if ≤ 0),  b_it = −y_i G_i + y_t G_t,
///
/// where I_up = {t : α_t < C, y_t = 1 or α_t > 0, y_t = −1} and I_low the mirror set.
/// It stops when the maximal violation m(α) − M(α) = max_{I_up} −y G − min_{I_low} −y G
/// falls below `tolerance` (libsvm's `eps`, default 1e-3), which is the KKT
/// conditions holding to that tolerance. After each step G is updated with the
/// two changed columns of Q, an O(n) pass. Shrinking is not used, so the iterates
/// are libsvm's without shrinking; the optimum is the same up to the tolerance.
///
/// The offset ρ (the decision function is Σ α_i y_i K(x_i, x) − ρ) is libsvm's:
/// the mean of y_i G_i over free multipliers (0 < α_i < C), or the midpoint of
/// the feasible interval when none is free.
///
/// References: J. Platt, "Sequential Minimal Optimization: A Fast Algorithm for
/// Training Support Vector Machines" (MSR-TR-98-14, 1998); R.-E. Fan, P.-H. Chen
/// & C.-J. Lin, "Working Set Selection Using Second Order Information for Training
/// Support Vector Machines", JMLR 6 (2005) 1889–1918; C.-C. Chang & C.-J. Lin,
/// "LIBSVM: A library for support vector machines", ACM TIST 2 (2011), §4.1.
struct SMOSolver {
    struct Result: Sendable {
        /// The multipliers, one per training row (0 ≤ α_i ≤ C).
        var alpha: [Double]
        /// The dual objective ½ αᵀQα − eᵀα at the returned α (libsvm's `obj`).
        var objective: Double
        /// The offset: decision(x) = Σ α_i y_i K(x_i, x) − ρ.
        var rho: Double
        var iterations: Int
        var converged: Bool
        /// m(α) − M(α) at the end: the largest KKT violation (≤ tolerance when converged).
        var violation: Double
        var supportVectorCount: Int { alpha.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }
    }

    var c: Double
    var tolerance: Double = 1e-3
    var maxIterations: Int = 10_000_000
    /// Memory for cached kernel rows (libsvm's default is 200 MB as well).
    var cacheBytes: Int = 200 << 20

    static let tau = 1e-12

    /// Solves the dual for rows `x` with labels `y` (each +1 or −1, both present).
    func solve(_ x: Matrix, _ y: [Double], kernel: SVMKernel) -> Result {
        let n = x.rows
        precondition(y.count == n && y.allSatisfy { $0 == 1 || $0 == -1 }, "SMO needs labels ±1")
        let q = KernelRowCache(x: x, y: y, kernel: kernel, budgetBytes: cacheBytes)
        let qd = kernel.diagonal(x)
        let c = self.c, tau = Self.tau
        var alpha = [Double](repeating: 0, count: n)
        var gradient = [Double](repeating: -1, count: n)   // G = Qα − e at α = 0
        var iterations = 0
        var converged = false
        var violation = Double.infinity

        alpha.withUnsafeMutableBufferPointer { a in
        gradient.withUnsafeMutableBufferPointer { g in
        y.withUnsafeBufferPointer { yy in
        qd.withUnsafeBufferPointer { qdiag in
            while true {
                // --- working set selection (WSS 2) ---
                var gmax = -Double.infinity, gmax2 = -Double.infinity
                var iIndex = -1
                for t in 0..<n {
                    if yy[t] > 0 {
                        if a[t] < c, -g[t] >= gmax { gmax = -g[t]; iIndex = t }
                    } else {
                        if a[t] > 0, g[t] >= gmax { gmax = g[t]; iIndex = t }
                    }
                }
                var jIndex = -1
                var objDiffMin = Double.infinity
                if iIndex >= 0 {
                    let qi = q.row(iIndex)
                    let yi = yy[iIndex], qdi = qdiag[iIndex]
                    for t in 0..<n {
                        if yy[t] > 0 {
                            guard a[t] > 0 else { continue }
                            let gradDiff = gmax + g[t]
                            if g[t] >= gmax2 { gmax2 = g[t] }
                            if gradDiff > 0 {
                                let quad = qdi + qdiag[t] - 2 * yi * qi[t]
                                let objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : tau)
                                if objDiff <= objDiffMin { jIndex = t; objDiffMin = objDiff }
                            }
                        } else {
                            guard a[t] < c else { continue }
                            let gradDiff = gmax - g[t]
                            if -g[t] >= gmax2 { gmax2 = -g[t] }
                            if gradDiff > 0 {
                                let quad = qdi + qdiag[t] + 2 * yi * qi[t]
                                let objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : tau)
                                if objDiff <= objDiffMin { jIndex = t; objDiffMin = objDiff }
                            }
                        }
                    }
                }
                violation = gmax + gmax2
                if violation < tolerance || jIndex < 0 {
                    converged = true
                    if jIndex < 0 { violation = max(violation, 0) }
                    break
                }
                if iterations >= maxIterations { break }
                iterations += 1

                // --- the two-variable subproblem, solved analytically and clipped ---
                let i = iIndex, j = jIndex
                let qi = q.row(i), qj = q.row(j)
                let oldI = a[i], oldJ = a[j]
                if yy[i] != yy[j] {
                    var quad = qdiag[i] + qdiag[j] + 2 * qi[j]
                    if quad <= 0 { quad = tau }
                    let delta = (-g[i] - g[j]) / quad
                    let diff = a[i] - a[j]
                    a[i] += delta; a[j] += delta
                    if diff > 0 {
                        if a[j] < 0 { a[j] = 0; a[i] = diff }
                    } else {
                        if a[i] < 0 { a[i] = 0; a[j] = -diff }
                    }
                    if diff > 0 {
                        if a[i] > c { a[i] = c; a[j] = c - diff }
                    } else {
                        if a[j] > c { a[j] = c; a[i] = c + diff }
                    }
                } else {
                    var quad = qdiag[i] + qdiag[j] - 2 * qi[j]
                    if quad <= 0 { quad = tau }
                    let delta = (g[i] - g[j]) / quad
                    let sum = a[i] + a[j]
                    a[i] -= delta; a[j] += delta
                    if sum > c {
                        if a[i] > c { a[i] = c; a[j] = sum - c }
                    } else {
                        if a[j] < 0 { a[j] = 0; a[i] = sum }
                    }
                    if sum > c {
                        if a[j] > c { a[j] = c; a[i] = sum - c }
                    } else {
                        if a[i] < 0 { a[i] = 0; a[j] = sum }
                    }
                }
                let di = a[i] - oldI, dj = a[j] - oldJ
                for t in 0..<n { g[t] += qi[t] * di + qj[t] * dj }
            }
        }
        }
        }
        }

        // --- ρ as libsvm's calculate_rho ---
        var upper = Double.infinity, lower = -Double.infinity
        var freeSum = 0.0, freeCount = 0
        for t in 0..<n {
            let yg = y[t] * gradient[t]
            if alpha[t] >= c {
                if y[t] < 0 { upper = min(upper, yg) } else { lower = max(lower, yg) }
            } else if alpha[t] <= 0 {
                if y[t] > 0 { upper = min(upper, yg) } else { lower = max(lower, yg) }
            } else {
                freeCount += 1
                freeSum += yg
            }
        }
        let rho = freeCount > 0 ? freeSum / Double(freeCount) : (upper + lower) / 2

        // f(α) = ½ αᵀQα − eᵀα = ½ Σ α_i (G_i − 1), since G = Qα − e.
        var objective = 0.0
        for t in 0..<n { objective += alpha[t] * (gradient[t] - 1) }
        objective /= 2
        return Result(alpha: alpha, objective: objective, rho: rho, iterations: iterations,
                      converged: converged, violation: violation)
    }
}
