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
