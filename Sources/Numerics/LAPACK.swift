import CBLAS

/// Errors from the LAPACK routines, with the routine's `info` code.
public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable {
    case notPositiveDefinite(order: Int)
    case singular(routine: String, info: Int)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let k):
            return "matrix is not positive definite (leading minor of order \(k) failed); add regularisation"
        case .singular(let routine, let info):
            return "\(routine) failed: matrix is singular (info = \(info))"
        }
    }
}

/// LAPACK factorisations and solves over row-major `Matrix` values.
public enum LAPACK {
    /// Lower Cholesky factor L with A = L·Lᵀ (`dpotrf`).
    public static func cholesky(_ a: Matrix) throws -> Matrix {
        precondition(a.rows == a.cols, "cholesky needs a square matrix")
        let n = a.rows
        var l = a
        let info = l.data.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
        }
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info)) }
        precondition(info == 0, "dpotrf: illegal argument \(-info)")
        for i in 0..<n { for j in (i + 1)..<n { l[i, j] = 0 } }
        return l
    }

    /// Solves A·X = B for symmetric positive definite A (`dposv`).
    public static func solveSPD(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        precondition(a.rows == a.cols && b.rows == a.rows, "solveSPD: shapes do not fit")
        var af = a, x = b
        let info = af.data.withUnsafeMutableBufferPointer { pa in
            x.data.withUnsafeMutableBufferPointer { px in
                LAPACKE_dposv(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(a.rows), Int32(b.cols),
                              pa.baseAddress, Int32(a.rows), px.baseAddress, Int32(b.cols))
            }
        }
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info)) }
        return x
    }

    /// Eigenvalues (ascending) and eigenvectors (as columns) of a symmetric matrix (`dsyevd`).
    public static func symmetricEigen(_ a: Matrix) throws -> (values: [Double], vectors: Matrix) {
        precondition(a.rows == a.cols, "symmetricEigen needs a square matrix")
        let n = a.rows
        var v = a
        var w = [Double](repeating: 0, count: n)
        let info = v.data.withUnsafeMutableBufferPointer { pv in
            w.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")),
                               Int32(n), pv.baseAddress, Int32(n), pw.baseAddress)
            }
        }
        if info != 0 { throw LinearAlgebraError.singular(routine: "dsyevd", info: Int(info)) }
        return (w, v)
    }

    /// Solves op(T)·X = B for triangular T (`dtrtrs`): `lower` picks the triangle
    /// of `t` that is read, `transpose` solves Tᵀ·X = B instead.
    public static func solveTriangular(_ t: Matrix, _ b: Matrix, lower: Bool, transpose: Bool = false) throws -> Matrix {
        precondition(t.rows == t.cols && b.rows == t.rows, "solveTriangular: shapes do not fit")
        var x = b
        if b.cols == 0 || t.rows == 0 { return x }
        let info = t.data.withUnsafeBufferPointer { pt in
            x.data.withUnsafeMutableBufferPointer { px in
                LAPACKE_dtrtrs(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: lower ? "L" : "U")),
                               CChar(UInt8(ascii: transpose ? "T" : "N")), CChar(UInt8(ascii: "N")),
                               Int32(t.rows), Int32(b.cols), pt.baseAddress, Int32(t.cols),
                               px.baseAddress, Int32(b.cols))
            }
        }
        if info > 0 { throw LinearAlgebraError.singular(routine: "dtrtrs", info: Int(info)) }
        precondition(info == 0, "dtrtrs: illegal argument \(-info)")
        return x
    }

    /// Least squares min ‖A·X − B‖ for a tall A (m ≥ n) by Householder QR (`dgels`).
    /// Returns the n × nrhs solution and the n × n upper-triangular R of A = Q·R,
    /// whose diagonal tells the caller how well conditioned A is. `dgels` does no
    /// rank check beyond an exactly zero diagonal of R (then it throws).
    public static func leastSquares(_ a: Matrix, _ b: Matrix) throws -> (solution: Matrix, r: Matrix) {
        precondition(b.rows == a.rows, "leastSquares: A has \(a.rows) rows, B has \(b.rows)")
        precondition(a.rows >= a.cols, "leastSquares: needs at least as many rows as columns")
        let m = a.rows, n = a.cols, nrhs = b.cols
        var af = a, bf = b
        if n == 0 || nrhs == 0 { return (Matrix(rows: n, cols: nrhs), Matrix(rows: n, cols: n)) }
        let info = af.data.withUnsafeMutableBufferPointer { pa in
            bf.data.withUnsafeMutableBufferPointer { pb in
                LAPACKE_dgels(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), Int32(m), Int32(n), Int32(nrhs),
                              pa.baseAddress, Int32(n), pb.baseAddress, Int32(nrhs))
            }
        }
        if info > 0 { throw LinearAlgebraError.singular(routine: "dgels", info: Int(info)) }
        precondition(info == 0, "dgels: illegal argument \(-info)")
        var r = Matrix(rows: n, cols: n)
        for i in 0..<n { for j in i..<n { r[i, j] = af[i, j] } }
        return (Matrix(rows: n, cols: nrhs, data: Array(bf.data[0..<(n * nrhs)])), r)
    }
}

extension LAPACK {
    /// The inverse of a triangular matrix (`dtrtri`); the other triangle of the
    /// result is zero. Throws `.singular` when a diagonal entry is exactly zero.
    public static func invertTriangular(_ a: Matrix, lower: Bool) throws -> Matrix {
        precondition(a.rows == a.cols, "invertTriangular needs a square matrix")
        let n = a.rows
        var t = a
        let info = t.data.withUnsafeMutableBufferPointer { p in
            LAPACKE_dtrtri(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: lower ? "L" : "U")), CChar(UInt8(ascii: "N")),
                           Int32(n), p.baseAddress, Int32(max(n, 1)))
        }
        if info > 0 { throw LinearAlgebraError.singular(routine: "dtrtri", info: Int(info)) }
        precondition(info == 0, "dtrtri: illegal argument \(-info)")
        for i in 0..<n { for j in 0..<n where lower ? j > i : j < i { t[i, j] = 0 } }
        return t
    }
}
