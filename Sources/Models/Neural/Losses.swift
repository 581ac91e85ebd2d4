#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// The losses the networks train on, each with its gradient, written for a batch of
/// b rows. Every `gradient` is that of the *batch mean* with respect to the inputs,
/// so back-propagating it gives the gradient of the mean loss. All work from logits
/// (pre-sigmoid or pre-softmax values) with softplus(z) = log(1 + eᶻ), which never
/// overflows, instead of taking the log of a probability that may round to 0.
public enum Loss {
    /// Softmax cross-entropy for class labels:
    ///   ℓᵢ = log Σ_k exp z_ik − z_{i,yᵢ},  value = (1/b) Σᵢ ℓᵢ,  ∂/∂z = (softmax(z) − Y) / b.
    public static func softmaxCrossEntropy(logits z: Matrix, labels y: [Int]) -> (value: Double, gradient: Matrix) {
        precondition(y.count == z.rows, "one label per row")
        let b = Double(z.rows), K = z.cols
        var g = Softmax.forward(z)
        var total = 0.0
        for i in 0..<z.rows {
            let p = g[i, y[i]]
            // log p without underflow: z_y − logsumexp(z).
            total += Special.logSumExp(z.row(i)) - z[i, y[i]]
            g[i, y[i]] = p - 1
            for k in 0..<K { g[i, k] /= b }
        }
        return (total / b, g)
    }

    /// Bernoulli negative log-likelihood of targets t ∈ [0, 1] under logits z
    /// (binary cross-entropy), summed over the columns of each row:
    ///   ℓᵢ = Σ_j [softplus(z_ij) − t_ij z_ij] = −Σ_j [t log σ(z) + (1 − t) log(1 − σ(z))],
    ///   ∂ mean/∂z = (σ(z) − t) / b.
    /// `perRow` holds ℓᵢ.
    public static func bernoulli(logits z: Matrix, targets t: Matrix) -> (perRow: [Double], gradient: Matrix) {
        precondition(z.rows == t.rows && z.cols == t.cols, "logits and targets differ in shape")
        let b = Double(z.rows), d = z.cols
        var perRow = [Double](repeating: 0, count: z.rows)
        var g = Matrix(rows: z.rows, cols: d)
        z.data.withUnsafeBufferPointer { zp in
            t.data.withUnsafeBufferPointer { tp in
                g.data.withUnsafeMutableBufferPointer { gp in
                    for i in 0..<z.rows {
                        var s = 0.0
                        for j in 0..<d {
                            let k = i * d + j, z = zp[k]
                            // One exp serves both: e = e^{−|z|}, softplus(z) = max(z, 0) + log1p(e),
                            // σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) for z < 0.
                            let e = exp(-abs(z))
                            s += Swift.max(z, 0) + log1p(e) - tp[k] * z
                            gp[k] = ((z >= 0 ? 1 : e) / (1 + e) - tp[k]) / b
                        }
                        perRow[i] = s
                    }
                }
            }
        }
        return (perRow, g)
    }

    /// The logistic loss of a discriminator's logits z against one target label t
    /// (1 = real, 0 = generated; 0.9 for one-sided label smoothing):
    ///   value = (1/b) Σᵢ [softplus(zᵢ) − t zᵢ],  ∂/∂zᵢ = (σ(zᵢ) − t) / b.
    /// With t = 1 this is −mean log D, the generator's non-saturating loss when z are
    /// the discriminator's logits on generated samples (Goodfellow et al. 2014, §3).
    public static func logistic(logits z: Matrix, target t: Double) -> (value: Double, gradient: Matrix) {
        let targets = Matrix(rows: z.rows, cols: z.cols, repeating: t)
        let (perRow, g) = bernoulli(logits: z, targets: targets)
        return (perRow.reduce(0, +) / Double(max(z.rows, 1)), g)
    }

    /// KL(N(μ, diag σ²) ‖ N(0, I)) per row with v = log σ² (Kingma & Welling 2014, app. B):
    ///   KLᵢ = ½ Σ_j (e^{v_ij} + μ_ij² − 1 − v_ij),
    ///   ∂ mean/∂μ = μ / b,  ∂ mean/∂v = ½ (e^v − 1) / b.
    public static func gaussianKL(mean mu: Matrix, logVariance v: Matrix) -> (perRow: [Double], gradMean: Matrix, gradLogVariance: Matrix) {
        precondition(mu.rows == v.rows && mu.cols == v.cols, "mean and log-variance differ in shape")
        let b = Double(mu.rows), d = mu.cols
        var perRow = [Double](repeating: 0, count: mu.rows)
        var gm = Matrix(rows: mu.rows, cols: d), gv = Matrix(rows: mu.rows, cols: d)
        for i in 0..<mu.rows {
            var s = 0.0
            for j in 0..<d {
                let k = i * d + j
                let m = mu.data[k], e = exp(v.data[k])
                s += 0.5 * (e + m * m - 1 - v.data[k])
                gm.data[k] = m / b
                gv.data[k] = 0.5 * (e - 1) / b
            }
            perRow[i] = s
        }
        return (perRow, gm, gv)
    }

    /// Mean squared error, summed over columns and averaged over rows:
    ///   value = (1/b) Σᵢ Σ_j (y_ij − t_ij)²,  ∂/∂y = 2 (y − t) / b.
    public static func squaredError(_ y: Matrix, targets t: Matrix) -> (value: Double, gradient: Matrix) {
        precondition(y.rows == t.rows && y.cols == t.cols, "outputs and targets differ in shape")
        let b = Double(max(y.rows, 1))
        var g = y
        var s = 0.0
        for k in g.data.indices {
            let r = y.data[k] - t.data[k]
            s += r * r
            g.data[k] = 2 * r / b
        }
        return (s / b, g)
    }
}

/// The softmax of each row, pᵢ = softmax(zᵢ), and its backward pass: for any loss L,
///   ∂L/∂z_ik = p_ik (∂L/∂p_ik − Σ_j p_ij ∂L/∂p_ij)
/// (the Jacobian diag(p) − p pᵀ applied to the upstream gradient).
public enum Softmax {
    public static func forward(_ z: Matrix) -> Matrix { Special.softmaxRows(z) }

    public static func backward(probabilities p: Matrix, outputGradient g: Matrix) -> Matrix {
        precondition(p.rows == g.rows && p.cols == g.cols, "shapes differ")
        var out = g
        for i in 0..<p.rows {
            var dot = 0.0
            for k in 0..<p.cols { dot += p[i, k] * g[i, k] }
            for k in 0..<p.cols { out[i, k] = p[i, k] * (g[i, k] - dot) }
        }
        return out
    }
}

/// Adam (Kingma & Ba 2015) over a network's weights and biases:
///   m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
///   θ ← θ − lr · √(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε),
/// the same update as `MLPClassifier`'s, with β₁ adjustable (GANs use 0.5).
public struct AdamOptimizer: Sendable {
    public let learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    public private(set) var steps = 0
    private var m: NetworkGradient
    private var v: NetworkGradient

    public init(for network: DenseNetwork, learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        m = NetworkGradient(zerosLike: network)
        v = m
    }

    public mutating func step(_ net: inout DenseNetwork, _ g: NetworkGradient) {
        steps += 1
        let b1 = beta1, b2 = beta2, eps = epsilon
        let size = AdamStep.stepSize(learningRate, beta1: b1, beta2: b2, step: steps)
        func update(_ p: inout [Double], _ gr: [Double], _ m: inout [Double], _ v: inout [Double]) {
            AdamStep.update(&p, gr, &m, &v, stepSize: size, beta1: b1, beta2: b2, epsilon: eps)
        }
        for l in net.layers.indices {
            update(&net.layers[l].weights.data, g.weights[l].data, &m.weights[l].data, &v.weights[l].data)
            update(&net.layers[l].bias, g.biases[l], &m.biases[l], &v.biases[l])
        }
    }
}

/// Mini-batches and the divergence stop shared by the networks' training loops.
public enum Training {
    /// The row indices 0..<n shuffled by `rng` and cut into batches of `size`
    /// (the last batch may be smaller).
    public static func batches(count n: Int, size: Int, using rng: inout SeededRandom) -> [[Int]] {
        var order = Array(0..<n)
        rng.shuffle(&order)
        let s = max(1, min(size, n))
        return stride(from: 0, to: n, by: s).map { Array(order[$0..<min($0 + s, n)]) }
    }

    /// The error that stops training when a loss is no longer finite.
    public static func divergence(model: String, step: Int, loss: String = "the loss",
                                  setting: String = "learning_rate") -> ModelError {
        ModelError(model: model, "training diverged at step \(step) (\(loss) is not finite); lower \(setting)")
    }
}

/// Adam (Kingma & Ba 2015) arithmetic, shared by `AdamOptimizer` and `MLPClassifier`.
enum AdamStep {
    /// The bias-corrected step size of Kingma & Ba's Algorithm 1 at step t (from 1):
    /// α·√(1 − β₂ᵗ)/(1 − β₁ᵗ).
    static func stepSize(_ learningRate: Double, beta1 b1: Double, beta2 b2: Double, step t: Int) -> Double {
        learningRate * (1 - pow(b2, Double(t))).squareRoot() / (1 - pow(b1, Double(t)))
    }

    /// One Adam update of parameters `p` with gradient `g`, moments `m` and `v` updated in place:
    /// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − step·m/(√v + ε). Shared by every network here.
    static func update(_ p: inout [Double], _ g: [Double], _ m: inout [Double], _ v: inout [Double],
                       stepSize: Double, beta1 b1: Double, beta2 b2: Double, epsilon eps: Double) {
        p.withUnsafeMutableBufferPointer { pp in
            g.withUnsafeBufferPointer { gp in
                m.withUnsafeMutableBufferPointer { mp in
                    v.withUnsafeMutableBufferPointer { vp in
                        for i in pp.indices {
                            let gi = gp[i]
                            mp[i] = b1 * mp[i] + (1 - b1) * gi
                            vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
                            pp[i] -= stepSize * mp[i] / (vp[i].squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }
}
