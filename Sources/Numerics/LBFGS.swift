/// Limited-memory BFGS (Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
/// Algorithm 7.4 two-loop recursion) with a backtracking Armijo line search that
/// also accepts Hager–Zhang approximate-Wolfe steps where f is flat to rounding.
///
/// Minimises a smooth function f: ℝⁿ → ℝ given f and ∇f. Stops when
/// ‖∇f‖∞ ≤ `gradientTolerance` (converged) or after `maxIterations`.
public struct LBFGS: Sendable {
    public var memory = 10
    public var maxIterations = 500
    public var gradientTolerance = 1e-8

    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var gradientNorm: Double
        public var iterations: Int
        public var converged: Bool
    }

    public init(maxIterations: Int = 500, gradientTolerance: Double = 1e-8, memory: Int = 10) {
        self.maxIterations = maxIterations
        self.gradientTolerance = gradientTolerance
        self.memory = memory
    }

    /// q ← q + a·v, element by element (each element's arithmetic as `q[j] += a * v[j]`, so the
    /// result does not depend on how the loop is compiled), on raw buffers.
    @inline(__always) static func addScaled(_ a: Double, _ v: [Double], to q: inout [Double]) {
        precondition(v.count == q.count)
        if q.isEmpty { return }
        v.withUnsafeBufferPointer { vp in
            q.withUnsafeMutableBufferPointer { qp in
                let vb = vp.baseAddress!, qb = qp.baseAddress!
                for j in 0..<qp.count { qb[j] += a * vb[j] }
            }
        }
    }

    public func minimize(from x0: [Double],
                         _ f: ([Double]) -> (value: Double, gradient: [Double])) -> Result {
        var x = x0
        var (fx, g) = f(x)
        var sList = [[Double]](), yList = [[Double]](), rhoList = [Double]()
        var iterations = 0
        func infNorm(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }

        while iterations < maxIterations {
            if infNorm(g) <= gradientTolerance || !fx.isFinite { break }
            iterations += 1
            // Two-loop recursion: d = -H·g.
            var q = g
            var alphas = [Double](repeating: 0, count: sList.count)
            for i in stride(from: sList.count - 1, through: 0, by: -1) {
                alphas[i] = rhoList[i] * BLAS.dot(sList[i], q)
                Self.addScaled(-alphas[i], yList[i], to: &q)
            }
            if let s = sList.last, let y = yList.last {
                let gamma = BLAS.dot(s, y) / BLAS.dot(y, y)
                for j in q.indices { q[j] *= gamma }
            } else {
                let n = infNorm(g)
                if n > 0 { for j in q.indices { q[j] /= max(1, n) } }
            }
            for i in 0..<sList.count {
                let beta = rhoList[i] * BLAS.dot(yList[i], q)
                Self.addScaled(alphas[i] - beta, sList[i], to: &q)
            }
            var d = q.map { -$0 }
            var slope = BLAS.dot(g, d)
            if slope >= 0 {  // not a descent direction: fall back to steepest descent
                d = g.map { -$0 }
                slope = BLAS.dot(g, d)
                sList.removeAll(); yList.removeAll(); rhoList.removeAll()
            }
            // Backtracking Armijo line search.
            var step = 1.0
            var xNew = x, fNew = fx, gNew = g
            var accepted = false
            for _ in 0..<60 {
                for j in x.indices { xNew[j] = x[j] + step * d[j] }
                (fNew, gNew) = f(xNew)
                guard fNew.isFinite else { step *= 0.5; continue }
                if fNew <= fx + 1e-4 * step * slope { accepted = true; break }
                // Near the optimum f's decrease drowns in rounding; accept on the
                // approximate Wolfe conditions instead (Hager & Zhang 2005, §4):
                // f barely rises and the slope along d has flattened.
                let newSlope = BLAS.dot(gNew, d)
                if fNew <= fx + 1e-12 * abs(fx) && newSlope >= 0.9 * slope && newSlope <= (2e-4 - 1) * slope {
                    accepted = true; break
                }
                step *= 0.5
            }
            if !accepted { break }
            var s = [Double](repeating: 0, count: x.count), y = s
            for j in x.indices { s[j] = xNew[j] - x[j]; y[j] = gNew[j] - g[j] }
            let sy = BLAS.dot(s, y)
            if sy > 1e-12 * BLAS.dot(y, y) && sy > 0 {
                sList.append(s); yList.append(y); rhoList.append(1 / sy)
                if sList.count > memory { sList.removeFirst(); yList.removeFirst(); rhoList.removeFirst() }
            }
            x = xNew; fx = fNew; g = gNew
        }
        let gn = infNorm(g)
        return Result(x: x, value: fx, gradientNorm: gn, iterations: iterations,
                      converged: gn <= gradientTolerance && fx.isFinite)
    }
}
