import CBLAS

/// Thin, checked wrappers over the BLAS calls the project uses.
///
/// OpenBLAS is pinned to one thread (`BLAS.useSingleThread()`): the pipeline runs
/// its own jobs in parallel, one per core, and a single BLAS thread keeps every
/// floating-point summation order — and so every output byte — independent of
/// how many jobs run at once.
public enum BLAS {
    public static func useSingleThread() { openblas_set_num_threads(1) }

    /// OpenBLAS's build configuration (version, target), part of every cache key.
    public static var libraryVersion: String { String(cString: openblas_get_config()) }

    /// C = alpha · op(A) · op(B) + beta · C.
    public static func gemm(_ a: Matrix, transA: Bool = false,
                            _ b: Matrix, transB: Bool = false,
                            alpha: Double = 1, beta: Double = 0, into c: inout Matrix) {
        let m = transA ? a.cols : a.rows
        let k = transA ? a.rows : a.cols
        let kb = transB ? b.cols : b.rows
        let n = transB ? b.rows : b.cols
        precondition(k == kb, "gemm: inner dimensions \(k) and \(kb) differ")
        precondition(c.rows == m && c.cols == n, "gemm: output is \(c.rows)×\(c.cols), expected \(m)×\(n)")
        if m == 0 || n == 0 { return }
        if k == 0 { for i in c.data.indices { c.data[i] *= beta }; return }
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasRowMajor,
                                transA ? CblasTrans : CblasNoTrans,
                                transB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), alpha,
                                pa.baseAddress, Int32(a.cols),
                                pb.baseAddress, Int32(b.cols),
                                beta, pc.baseAddress, Int32(n))
                }
            }
        }
    }

    /// op(A) · op(B) as a new matrix.
    public static func multiply(_ a: Matrix, transA: Bool = false, _ b: Matrix, transB: Bool = false) -> Matrix {
        var c = Matrix(rows: transA ? a.cols : a.rows, cols: transB ? b.rows : b.cols)
        gemm(a, transA: transA, b, transB: transB, into: &c)
        return c
    }

    /// y = op(A) · x.
    public static func gemv(_ a: Matrix, trans: Bool = false, _ x: [Double]) -> [Double] {
        let outCount = trans ? a.cols : a.rows
        precondition(x.count == (trans ? a.rows : a.cols), "gemv: vector length \(x.count) does not fit")
        var y = [Double](repeating: 0, count: outCount)
        if a.rows == 0 || a.cols == 0 { return y }
        a.data.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans,
                                Int32(a.rows), Int32(a.cols), 1.0, pa.baseAddress, Int32(a.cols),
                                px.baseAddress, 1, 0.0, py.baseAddress, 1)
                }
            }
        }
        return y
    }

    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot: lengths differ")
        return cblas_ddot(Int32(x.count), x, 1, y, 1)
    }
}
