import Testing
@testable import Numerics

@Suite("Triangular inverse (dtrtri)")
struct TriangularInverseTests {
    @Test("L · L⁻¹ = I for lower and upper factors (1e-12); a zero pivot is refused")
    func inverse() throws {
        let a = Matrix([[4, 2, 0.4], [2, 3, 0.5], [0.4, 0.5, 2]])
        let l = try LAPACK.cholesky(a)
        for (m, lower) in [(l, true), (l.transposed, false)] {
            let inv = try LAPACK.invertTriangular(m, lower: lower)
            let product = BLAS.multiply(m, inv)
            let eye = Matrix.identity(3)
            for k in eye.data.indices { #expect(abs(product.data[k] - eye.data[k]) < 1e-12) }
            // The inverse of a triangular matrix keeps its shape.
            for i in 0..<3 { for j in 0..<3 where lower ? j > i : j < i { #expect(inv[i, j] == 0) } }
        }
        #expect(throws: LinearAlgebraError.self) {
            try LAPACK.invertTriangular(Matrix([[1, 0], [3, 0]]), lower: true)
        }
    }
}
