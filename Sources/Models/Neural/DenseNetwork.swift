#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// tanh, named apart from `Activation.tanh`.
private func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }

/// An element-wise nonlinearity applied after a dense layer.
///
/// Each derivative is written in terms of the layer's *output* y = f(z), so the
/// backward pass needs only the stored outputs:
/// - `identity`:  y = z,                       f′ = 1
/// - `relu`:      y = max(0, z),               f′ = 1[y > 0]
/// - `leakyRelu`: y = z if z > 0 else 0.2 z,   f′ = 1 if y > 0 else 0.2
/// - `tanh`:      y = tanh z,                  f′ = 1 − y²
/// - `sigmoid`:   y = 1 / (1 + e⁻ᶻ),           f′ = y (1 − y)
/// (Goodfellow, Bengio & Courville, *Deep Learning* (2016) §6.3; the leaky slope
/// 0.2 is the DCGAN choice, Radford, Metz & Chintala 2016.)
public enum Activation: String, Sendable, Codable, CaseIterable {
    case identity, relu, leakyRelu = "leaky_relu", tanh, sigmoid

    /// The slope of `leakyRelu` for negative inputs.
    public static let leakySlope = 0.2

    /// Applies the nonlinearity in place.
    func apply(_ z: inout [Double]) {
        switch self {
        case .identity: return
        // Branch-free selects: the sign of a pre-activation is a coin flip the branch
        // predictor cannot learn. (NaN stays NaN, for the divergence check.)
        case .relu:
            z.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = Swift.max(p[i], 0) } }
        case .leakyRelu:
            let s = Self.leakySlope
            z.withUnsafeMutableBufferPointer { p in for i in p.indices { let v = p[i]; p[i] = v < 0 ? v * s : v } }
        case .tanh:
            z.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = hyperbolicTangent(p[i]) } }
        case .sigmoid:
            z.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = Special.sigmoid(p[i]) } }
        }
    }

    /// Turns ∂L/∂y into ∂L/∂z in place, given the outputs y.
    func backward(_ grad: inout [Double], outputs y: [Double]) {
        precondition(grad.count == y.count)
        grad.withUnsafeMutableBufferPointer { g in
            y.withUnsafeBufferPointer { yp in
                switch self {
                case .identity: return
                case .relu: for i in g.indices { g[i] = yp[i] > 0 ? g[i] : 0 }
                case .leakyRelu:
                    let s = Self.leakySlope
                    for i in g.indices { g[i] = yp[i] > 0 ? g[i] : g[i] * s }
                case .tanh: for i in g.indices { g[i] *= 1 - yp[i] * yp[i] }
                case .sigmoid: for i in g.indices { g[i] *= yp[i] * (1 - yp[i]) }
                }
            }
        }
    }
}

/// One fully connected layer: y = f(x W + 1 bᵀ) for a batch x (rows are examples).
public struct DenseLayer: Sendable, Codable, Equatable {
    /// fan_in × fan_out.
    public var weights: Matrix
    public var bias: [Double]
    public var activation: Activation

    public init(weights: Matrix, bias: [Double], activation: Activation) {
        precondition(bias.count == weights.cols, "one bias per output unit")
        self.weights = weights; self.bias = bias; self.activation = activation
    }

    public var inputs: Int { weights.rows }
    public var outputs: Int { weights.cols }
}

/// The gradient of a loss with respect to every weight and bias of a `DenseNetwork`
/// (and the shape of Adam's moment estimates).
public struct NetworkGradient: Sendable, Equatable {
    public var weights: [Matrix]
    public var biases: [[Double]]

    /// Zeros shaped like `network`'s parameters.
    public init(zerosLike network: DenseNetwork) {
        weights = network.layers.map { Matrix(rows: $0.inputs, cols: $0.outputs) }
        biases = network.layers.map { [Double](repeating: 0, count: $0.outputs) }
    }

    public init(weights: [Matrix], biases: [[Double]]) { self.weights = weights; self.biases = biases }

    /// Every component, in layer order (weights then bias).
    public var flattened: [Double] {
        zip(weights, biases).flatMap { $0.data + $1 }
    }

    /// Adds `other` (same shapes) in place.
    public mutating func add(_ other: NetworkGradient) {
        for l in weights.indices {
            weights[l].data.withUnsafeMutableBufferPointer { a in
                other.weights[l].data.withUnsafeBufferPointer { b in for i in a.indices { a[i] += b[i] } }
            }
            for i in biases[l].indices { biases[l][i] += other.biases[l][i] }
        }
    }
}

/// A stack of dense layers over BLAS — the one training core of every network here: the MLP
/// classifier, the VAE and the GAN.
///
/// Forward, for a batch X (b × d) and layers l = 1…L:
///   a₀ = X,  z_l = a_{l−1} W_l + 1 b_lᵀ,  a_l = f_l(z_l).
/// Backward, given G = ∂L/∂a_L (b × d_L) for any scalar loss L:
///   Δ_l = ∂L/∂z_l = (∂L/∂a_l) ⊙ f_l′,  ∂L/∂W_l = a_{l−1}ᵀ Δ_l,
///   ∂L/∂b_l = Δ_lᵀ 1,  ∂L/∂a_{l−1} = Δ_l W_lᵀ,
/// every matrix product one GEMM (Bishop, *PRML* §5.3; Goodfellow et al. §6.5).
/// The gradient with respect to the input X is returned too: the VAE sends it from
/// the decoder into the reparameterised latent code, the GAN from the discriminator
/// into the generator.
///
/// Initialisation is Glorot-uniform, W, b ~ U(−r, r) with r = √(6 / (fan_in + fan_out))
/// (Glorot & Bengio 2010, scikit-learn's choice for ReLU), from a seeded stream.
public struct DenseNetwork: Sendable, Codable, Equatable {
    public var layers: [DenseLayer]

    public init(layers: [DenseLayer]) {
        for (a, b) in zip(layers, layers.dropFirst()) {
            precondition(a.outputs == b.inputs, "layer sizes do not chain: \(a.outputs) → \(b.inputs)")
        }
        self.layers = layers
    }

    /// Glorot-uniform layers of sizes [d, h₁, …, out]: `hidden` after every layer
    /// but the last, `output` after the last.
    public init(sizes: [Int], hidden: Activation, output: Activation, using rng: inout SeededRandom) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "a network needs positive layer sizes")
        var layers = [DenseLayer]()
        for l in 0..<(sizes.count - 1) {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            let r = (6 / Double(fanIn + fanOut)).squareRoot()
            let w = Matrix(rows: fanIn, cols: fanOut, data: (0..<(fanIn * fanOut)).map { _ in rng.uniform(-r, r) })
            let b = (0..<fanOut).map { _ in rng.uniform(-r, r) }
            layers.append(DenseLayer(weights: w, bias: b, activation: l == sizes.count - 2 ? output : hidden))
        }
        self.init(layers: layers)
    }

    public var inputs: Int { layers.first?.inputs ?? 0 }
    public var outputs: Int { layers.last?.outputs ?? 0 }
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.weights.data.count + $1.bias.count } }
    public var isFinite: Bool { layers.allSatisfy { $0.weights.allFinite && $0.bias.allSatisfy(\.isFinite) } }

    /// The outputs a_L for a batch.
    public func callAsFunction(_ x: Matrix) -> Matrix { trace(x).output }

    /// Every layer's activations a₀ … a_L, kept for the backward pass.
    public struct Trace: Sendable {
        public var activations: [Matrix]
        public var output: Matrix { activations.last! }
    }

    public func trace(_ x: Matrix) -> Trace {
        precondition(x.cols == inputs, "network expects \(inputs) inputs, got \(x.cols)")
        var acts = [x]
        acts.reserveCapacity(layers.count + 1)
        for layer in layers {
            let n = layer.outputs
            // z = 1 bᵀ + a W: fill with the bias, then GEMM with beta = 1.
            var z = Matrix(rows: x.rows, cols: n)
            z.data.withUnsafeMutableBufferPointer { zp in
                layer.bias.withUnsafeBufferPointer { bp in
                    for i in 0..<x.rows { for j in 0..<n { zp[i * n + j] = bp[j] } }
                }
            }
            BLAS.gemm(acts.last!, layer.weights, beta: 1, into: &z)
            layer.activation.apply(&z.data)
            acts.append(z)
        }
        return Trace(activations: acts)
    }

    /// Back-propagates ∂L/∂a_L through the layers of `trace`. Returns the parameter
    /// gradient and, when asked, ∂L/∂X. `weightDecay` λ adds the gradient of an L2 penalty
    /// (λ/2)·Σ_l ‖W_l‖²_F on the weights (not the biases): ∂/∂W_l gains λ W_l, in the same GEMM.
    public func backward(_ trace: Trace, outputGradient: Matrix, inputGradient: Bool = false,
                         weightDecay: Double = 0) -> (parameters: NetworkGradient, input: Matrix?) {
        precondition(outputGradient.rows == trace.output.rows && outputGradient.cols == outputs,
                     "output gradient must be \(trace.output.rows) × \(outputs)")
        var grad = NetworkGradient(zerosLike: self)
        var delta = outputGradient
        var inputGrad: Matrix? = nil
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[l]
            layer.activation.backward(&delta.data, outputs: trace.activations[l + 1].data)
            if weightDecay != 0 {
                grad.weights[l] = layer.weights
                BLAS.gemm(trace.activations[l], transA: true, delta, alpha: 1, beta: weightDecay, into: &grad.weights[l])
            } else {
                BLAS.gemm(trace.activations[l], transA: true, delta, into: &grad.weights[l])
            }
            let n = delta.cols
            delta.data.withUnsafeBufferPointer { dp in
                grad.biases[l].withUnsafeMutableBufferPointer { g in
                    for i in 0..<delta.rows { for j in 0..<n { g[j] += dp[i * n + j] } }
                }
            }
            if l > 0 || inputGradient {
                let prev = BLAS.multiply(delta, layer.weights, transB: true)
                if l > 0 { delta = prev } else { inputGrad = prev }
            }
        }
        return (grad, inputGrad)
    }
}
