import Foundation
import Testing
@testable import Numerics

@Suite("Matrices over BLAS and LAPACK")
struct LinearAlgebraTests {
    @Test("gemm equals the schoolbook product, with and without transposes")
    func gemmMatchesNaive() {
        var rng = SeededRandom(seed: 1)
        let a = Matrix(rows: 4, cols: 3, data: (0..<12).map { _ in rng.normal() })
        let b = Matrix(rows: 3, cols: 5, data: (0..<15).map { _ in rng.normal() })
        let c = BLAS.multiply(a, b)
        for i in 0..<4 { for j in 0..<5 {
            let expected = (0..<3).reduce(0.0) { $0 + a[i, $1] * b[$1, j] }
            #expect(abs(c[i, j] - expected) < 1e-12)
        } }
        let ct = BLAS.multiply(b, transA: true, a, transB: true)  // (AB)ᵀ = BᵀAᵀ
        #expect(ct == c.transposed || zip(ct.data, c.transposed.data).allSatisfy { abs($0 - $1) < 1e-12 })
        let y = BLAS.gemv(a, [1, 2, 3])
        for i in 0..<4 { #expect(abs(y[i] - (a[i, 0] + 2 * a[i, 1] + 3 * a[i, 2])) < 1e-12) }
    }

    @Test("Cholesky reconstructs an SPD matrix; solveSPD solves it; a non-SPD matrix is refused")
    func cholesky() throws {
        let a = Matrix([[4, 2, 0.4], [2, 3, 0.5], [0.4, 0.5, 2]])
        let l = try LAPACK.cholesky(a)
        let back = BLAS.multiply(l, l, transB: true)
        for k in a.data.indices { #expect(abs(back.data[k] - a.data[k]) < 1e-13) }
        #expect(l[0, 1] == 0 && l[0, 2] == 0 && l[1, 2] == 0)
        let x = try LAPACK.solveSPD(a, Matrix(rows: 3, cols: 1, data: [1, 2, 3]))
        let ax = BLAS.gemv(a, x.data)
        for (u, v) in zip(ax, [1.0, 2, 3]) { #expect(abs(u - v) < 1e-12) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.cholesky(Matrix([[1, 2], [2, 1]])) }
    }

    @Test("Symmetric eigendecomposition: A v = λ v")
    func eigen() throws {
        let a = Matrix([[2, 1], [1, 2]])
        let (values, vectors) = try LAPACK.symmetricEigen(a)
        #expect(abs(values[0] - 1) < 1e-12 && abs(values[1] - 3) < 1e-12)
        for k in 0..<2 {
            let v = vectors.column(k)
            let av = BLAS.gemv(a, v)
            for i in 0..<2 { #expect(abs(av[i] - values[k] * v[i]) < 1e-12) }
        }
    }
}

@Suite("Seeded random numbers")
struct RandomTests {
    @Test("The same seed and stream give the same draws; different streams differ")
    func determinism() {
        var a = SeededRandom(seed: 42, stream: "x"), b = SeededRandom(seed: 42, stream: "x")
        var c = SeededRandom(seed: 42, stream: "y")
        let da = (0..<100).map { _ in a.normal() }, db = (0..<100).map { _ in b.normal() }
        let dc = (0..<100).map { _ in c.normal() }
        #expect(da == db)
        #expect(da != dc)
    }

    @Test("Normal draws have mean 0 and variance 1 (within 5 standard errors, n = 40000)")
    func normalMoments() {
        var rng = SeededRandom(seed: 7)
        let n = 40_000
        let z = (0..<n).map { _ in rng.normal() }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        #expect(abs(mean) < 5 / Double(n).squareRoot())
        #expect(abs(variance - 1) < 5 * (2 / Double(n)).squareRoot())
    }

    @Test("Uniform draws lie in [0, 1) with mean ½ (5 standard errors)")
    func uniform() {
        var rng = SeededRandom(seed: 3)
        let u = (0..<40_000).map { _ in rng.uniform() }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean: Double = u.reduce(0, +) / 40_000
        let standardError: Double = (1.0 / 12 / 40_000).squareRoot()
        #expect(abs(mean - 0.5) < 5 * standardError)
    }

    @Test("Categorical draws follow their weights (5 standard errors)")
    func categorical() {
        var rng = SeededRandom(seed: 5)
        var counts = [0, 0, 0]
        let n = 30_000
        for _ in 0..<n { counts[rng.categorical([1, 2, 7])] += 1 }
        for (k, p) in [0.1, 0.2, 0.7].enumerated() {
            #expect(abs(Double(counts[k]) / Double(n) - p) < 5 * (p * (1 - p) / Double(n)).squareRoot())
        }
    }
}

@Suite("Special functions and the optimiser")
struct SpecialTests {
    @Test("logSumExp is exact on small values and does not overflow on large ones")
    func logSumExp() {
        #expect(abs(Special.logSumExp([0, 0]) - log(2)) < 1e-15)
        #expect(abs(Special.logSumExp([1000, 1000]) - (1000 + log(2))) < 1e-12)
        #expect(Special.logSumExp([-Double.infinity, 0]) == 0)
    }

    @Test("softplus and sigmoid stay finite at ±800")
    func stableLogistic() {
        #expect(Special.softplus(800) == 800)
        #expect(Special.softplus(-800) >= 0 && Special.softplus(-800) < 1e-300)
        #expect(Special.sigmoid(-800) >= 0 && Special.sigmoid(800) == 1)
    }

    @Test("quantile interpolates between order statistics like numpy's default")
    func quantile() {
        // numpy.quantile([1, 2, 3, 4], 0.25) == 1.75
        #expect(abs(Special.quantile([4, 1, 3, 2], 0.25) - 1.75) < 1e-15)
        #expect(Special.quantile([5], 0.9) == 5)
    }

    @Test("L-BFGS finds the minimiser of a convex quadratic to 1e-8")
    func lbfgsQuadratic() {
        // f(x) = ½ xᵀAx − bᵀx, minimiser A⁻¹b = (1, −2, 0.5) for this A and b.
        let a = Matrix([[3, 0.5, 0], [0.5, 2, 0.3], [0, 0.3, 1]])
        let solution = [1.0, -2, 0.5]
        let b = BLAS.gemv(a, solution)
        let result = LBFGS(maxIterations: 200, gradientTolerance: 1e-10).minimize(from: [0, 0, 0]) { x in
            let ax = BLAS.gemv(a, x)
            let value = 0.5 * BLAS.dot(x, ax) - BLAS.dot(b, x)
            return (value, zip(ax, b).map { $0 - $1 })
        }
        #expect(result.converged)
        #expect(result.iterations < 30)
        for (u, v) in zip(result.x, solution) { #expect(abs(u - v) < 1e-8) }
    }
}
