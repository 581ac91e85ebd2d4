#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// The multinomial logistic regression objective and its gradient:
///   L(W, b) = (1/n) Σᵢ −log softmax(W xᵢ + b)_{yᵢ} + ‖W‖² / (2 C n),
///   ∂L/∂W = (P − Y)ᵀ X / n + W / (C n),  ∂L/∂b = mean(P − Y).
///
/// The rows carry a constant 1 after their features (X̃ = [X 1], built once per fit), so one dgemm
/// gives the scores with their intercepts, Z = X̃ [W b]ᵀ, and one gives both gradients,
/// (P − Y)ᵀ X̃. The softmax, the loss and P − Y are one pass over Z in place; the n × K and
/// K × (d + 1) buffers are allocated once per fit, not per evaluation.
/// (A hand-written kernel fusing both products and the softmax row by row, on sparse rows, was tried
/// first: the digits learning curves took 1.5–1.7× as long with it as with these two dgemm calls. Swift
/// compiles for baseline x86-64, without the AVX-512 and FMA kernels OpenBLAS picks at run time.)
final class SoftmaxObjective {
    let n: Int, d: Int, k: Int
    let y: [Int]
    let penalty: Double
    let xt: Matrix               // X̃ = [X 1], n × (d + 1)
    var w = Matrix(rows: 0, cols: 0)        // [W b], K × (d + 1)
    var z = Matrix(rows: 0, cols: 0)        // scores, then P − Y: n × K
    var g = Matrix(rows: 0, cols: 0)        // (P − Y)ᵀ X̃: K × (d + 1)

    init(x: Matrix, y: [Int], classCount: Int, penalty: Double) {
        n = x.rows; d = x.cols; k = classCount; self.y = y; self.penalty = penalty
        var xt = Matrix(rows: n, cols: d + 1, repeating: 1)
        for i in 0..<n { for j in 0..<d { xt.data[i * (d + 1) + j] = x.data[i * d + j] } }
        self.xt = xt
        w = Matrix(rows: k, cols: d + 1)
        z = Matrix(rows: n, cols: k)
        g = Matrix(rows: k, cols: d + 1)
    }

    /// theta = [W (K × d) row-major, b (K)]; returns the value and the gradient in the same layout.
    func evaluate(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let n = n, d = d, K = k, stride = d + 1
        for c in 0..<K {
            for j in 0..<d { w.data[c * stride + j] = theta[c * d + j] }
            w.data[c * stride + d] = theta[K * d + c]
        }
        BLAS.gemm(xt, w, transB: true, into: &z)            // n × K
        var loss = 0.0
        z.data.withUnsafeMutableBufferPointer { zp in
            y.withUnsafeBufferPointer { yp in
                for i in 0..<n {
                    let row = zp.baseAddress! + i * K
                    var m = -Double.infinity
                    for c in 0..<K { m = max(m, row[c]) }
                    let label = yp[i]
                    let zy = row[label]
                    // One exp per entry: P = exp(z − max) / Σ exp(z − max), log Σ exp(z) = max + log Σ.
                    var sum = 0.0
                    for c in 0..<K { let e = exp(row[c] - m); row[c] = e; sum += e }
                    loss += m + log(sum) - zy
                    let inv = 1 / sum
                    for c in 0..<K { row[c] *= inv }
                    row[label] -= 1
                }
            }
        }
        BLAS.gemm(z, transA: true, xt, into: &g)            // K × (d + 1)
        let count = Double(n)
        var value = loss / count
        var gradient = [Double](repeating: 0, count: K * (d + 1))
        for c in 0..<K {
            for j in 0..<d {
                let wcj = theta[c * d + j]
                gradient[c * d + j] = g.data[c * stride + j] / count + penalty * wcj
                value += 0.5 * penalty * wcj * wcj
            }
            gradient[K * d + c] = g.data[c * stride + d] / count
        }
        return (value, gradient)
    }
}
