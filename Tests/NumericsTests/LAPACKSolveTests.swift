import Foundation
import Testing
@testable import Numerics

@Suite("LAPACK triangular solves and least squares")
struct LAPACKSolveTests {
    @Test("solveTriangular solves L·X = B and Lᵀ·X = B (residual < 1e-12); a zero pivot is refused")
    func triangular() throws {
        let l = Matrix([[2, 0, 0], [1, 3, 0], [-1, 0.5, 4]])
        let b = Matrix([[1, 2], [3, 4], [5, 6]])
        let x = try LAPACK.solveTriangular(l, b, lower: true)
        let back = BLAS.multiply(l, x)
        for k in b.data.indices { #expect(abs(back.data[k] - b.data[k]) < 1e-12) }
        let xt = try LAPACK.solveTriangular(l, b, lower: true, transpose: true)
        let backT = BLAS.multiply(l, transA: true, xt)
        for k in b.data.indices { #expect(abs(backT.data[k] - b.data[k]) < 1e-12) }
        // The upper triangle of a full matrix is read when lower = false.
        let u = Matrix([[2, 1, -1], [99, 3, 0.5], [99, 99, 4]])
        let xu = try LAPACK.solveTriangular(u, b, lower: false)
        let backU = BLAS.multiply(l.transposed, xu)
        for k in b.data.indices { #expect(abs(backU.data[k] - b.data[k]) < 1e-12) }
        #expect(throws: LinearAlgebraError.self) {
            try LAPACK.solveTriangular(Matrix([[1, 0], [1, 0]]), Matrix([[1], [1]]), lower: true)
        }
    }

    @Test("leastSquares meets the normal equations AᵀA·x = Aᵀb (1e-10) and RᵀR = AᵀA (1e-10)")
    func leastSquares() throws {
        var rng = SeededRandom(seed: 5)
        let a = Matrix(rows: 12, cols: 3, data: (0..<36).map { _ in rng.normal() })
        let b = Matrix(rows: 12, cols: 2, data: (0..<24).map { _ in rng.normal() })
        let (x, r) = try LAPACK.leastSquares(a, b)
        #expect(x.rows == 3 && x.cols == 2)
        let ata = BLAS.multiply(a, transA: true, a)
        let lhs = BLAS.multiply(ata, x), rhs = BLAS.multiply(a, transA: true, b)
        for k in lhs.data.indices { #expect(abs(lhs.data[k] - rhs.data[k]) < 1e-10) }
        let rtr = BLAS.multiply(r, transA: true, r)
        for k in ata.data.indices { #expect(abs(rtr.data[k] - ata.data[k]) < 1e-10) }
        for i in 0..<3 { for j in 0..<i { #expect(r[i, j] == 0) } }
        // An exactly square, consistent system is solved exactly.
        let sq = try LAPACK.leastSquares(Matrix([[2, 1], [1, 3]]), Matrix([[3], [5]]))
        #expect(abs(sq.solution[0, 0] - 0.8) < 1e-14 && abs(sq.solution[1, 0] - 1.4) < 1e-14)
        // A zero column makes R singular.
        #expect(throws: LinearAlgebraError.self) {
            try LAPACK.leastSquares(Matrix([[1, 0], [2, 0], [3, 0]]), Matrix([[1], [2], [3]]))
        }
    }
}
