#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// A multilayer perceptron classifier — a flexible discriminative model of P(y | x).
///
/// Inputs are first standardised, x̃ = (x − μ) / σ (training mean and population
/// standard deviation per feature; σ = 1 for a constant feature), as a
/// scikit-learn `Pipeline(StandardScaler(), MLPClassifier())` does. Then, for hidden
/// layers l = 1…L (ReLU, default two layers of 32 units) and a softmax output,
///   a₀ = x̃,  a_l = max(0, a_{l−1} W_l + b_l),  P(y | x) = softmax(a_L W_out + b_out).
/// Training minimises, over mini-batches B of b rows, the mean cross-entropy plus an
/// L2 penalty on the weights (not the biases), scikit-learn's objective:
///   L_B = (1/b) Σ_{i∈B} −log P(yᵢ | xᵢ) + (α / 2b) Σ_l ‖W_l‖²_F.
/// Backward pass (δ are row vectors per example, stacked b × units):
///   δ_out = (P − Y) / b,  ∂L/∂W_l = a_{l−1}ᵀ δ_l + (α/b) W_l,  ∂L/∂b_l = Σ_i δ_l,i,
///   δ_{l−1} = (δ_l W_lᵀ) ⊙ 1[a_{l−1} > 0].
/// The forward and backward passes are the shared `DenseNetwork` core's (every product a BLAS
/// GEMM), the one used by the VAE and the GAN too; parameters are updated by its `AdamOptimizer`
/// (Kingma & Ba 2015: step size lr · √(1−β₂ᵗ)/(1−β₁ᵗ), β₁ = 0.9, β₂ = 0.999,
/// ε = 1e-8). Weights and biases start uniform on ±√(6 / (fan_in + fan_out))
/// (Glorot & Bengio 2010, scikit-learn's choice for ReLU). Rows are shuffled every
/// epoch. The epoch loss is the batch losses weighted by batch size; training stops
/// after `maxIterations` epochs, or, like scikit-learn, once the loss has failed to
/// fall by `tolerance` below its best for more than 10 consecutive epochs.
///
/// Difference from scikit-learn: for two classes scikit-learn uses one logistic
/// output unit; this model keeps a two-unit softmax (the same family of boundaries,
/// a different parametrisation and initialisation).
/// Reference: Goodfellow, Bengio & Courville, *Deep Learning* (2016) ch. 6 and §8.5.3;
/// Bishop (2006) §5.3.
public struct MLPClassifier: Classifier {
    public static let kind = "mlp"
    public static let displayName = "Neural network (MLP)"

    public var hiddenLayers: [Int]
    /// L2 penalty strength (scikit-learn's `alpha`).
    public var alpha: Double
    public var learningRate: Double
    /// nil: min(200, n), as scikit-learn's "auto".
    public var batchSize: Int?
    public var maxIterations: Int
    public var tolerance: Double
    public var seed: UInt64
    public static let beta1 = 0.9, beta2 = 0.999, adamEpsilon = 1e-8
    /// Epochs without an improvement of `tolerance` before stopping (scikit-learn's n_iter_no_change).
    public static let patience = 10

    /// ReLU hidden layers and a linear output (the logits), on the shared dense-network core.
    public private(set) var network = DenseNetwork(layers: [])
    public private(set) var inputMean: [Double] = []
    public private(set) var inputScale: [Double] = []
    public private(set) var classCount = 0
    /// The training loss (penalty included) of every epoch, in order.
    public private(set) var lossCurve: [Double] = []
    /// True when training stopped because the loss stopped improving (not at max_iter).
    public private(set) var stoppedEarly = false
    /// The last epoch's training loss.
    public var finalLoss: Double { lossCurve.last ?? .nan }
    public var epochs: Int { lossCurve.count }

    public init(hiddenLayers: [Int] = [32, 32], alpha: Double = 1e-4, learningRate: Double = 1e-3,
                batchSize: Int? = nil, maxIterations: Int = 500, tolerance: Double = 1e-4, seed: UInt64 = 0) {
        self.hiddenLayers = hiddenLayers
        self.alpha = alpha
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
    }

    public init(settings s: Settings) throws {
        try s.allow(["hidden_layers", "alpha", "learning_rate", "batch_size", "max_iter", "tol", "seed"])
        let batch: Int?
        switch s.values["batch_size"] {
        case nil, .text("auto")?: batch = nil
        default: batch = try s.integer("batch_size", default: 200, in: 1...1_000_000)
        }
        let layers = try s.integers("hidden_layers", default: [32, 32])
        guard layers.count <= 10, layers.allSatisfy({ $0 <= 4096 }) else {
            throw ModelError(model: s.model, "setting 'hidden_layers' allows at most 10 layers of at most 4096 units")
        }
        self.init(hiddenLayers: layers,
                  alpha: try s.number("alpha", default: 1e-4, in: 0...1e6),
                  learningRate: try s.number("learning_rate", default: 1e-3, in: 0...10, exclusiveLower: true),
                  batchSize: batch,
                  maxIterations: try s.integer("max_iter", default: 500, in: 1...1_000_000),
                  tolerance: try s.number("tol", default: 1e-4, in: 0...1),
                  seed: UInt64(try s.integer("seed", default: 0, in: 0...Int.max)))
    }

    public var settings: [String: SettingValue] {
        ["hidden_layers": .text(hiddenLayers.map(String.init).joined(separator: ",")),
         "activation": .text("relu"),
         "solver": .text("adam"),
         "alpha": .number(alpha),
         "learning_rate": .number(learningRate),
         "batch_size": batchSize.map { .integer($0) } ?? .text("auto"),
         "max_iter": .integer(maxIterations),
         "tol": .number(tolerance),
         "seed": .integer(Int(truncatingIfNeeded: seed))]
    }

    public var boundaryShape: String { "curved boundary (neural network)" }

    // MARK: fit

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        let name = Self.displayName
        try FitChecks.validate(x, y, classCount: classCount, model: name)
        guard !hiddenLayers.isEmpty, hiddenLayers.allSatisfy({ $0 > 0 }) else {
            throw ModelError(model: name, "hidden_layers must list positive layer sizes, such as 32,32")
        }
        guard alpha >= 0, alpha.isFinite, learningRate > 0, learningRate.isFinite, maxIterations >= 1,
              tolerance >= 0, (batchSize ?? 1) >= 1 else {
            throw ModelError(model: name, "alpha ≥ 0, learning_rate > 0, max_iter ≥ 1, tol ≥ 0 and batch_size ≥ 1 are required")
        }
        guard x.cols >= 1 else { throw ModelError(model: name, "the data has no features") }
        self.classCount = classCount
        let n = x.rows, d = x.cols

        // A (numerically) constant feature keeps scale 1, as StandardScaler does.
        let scaler = Standardizer(fitting: x, tolerance: 1e-12)
        inputMean = scaler.mean
        inputScale = scaler.scale
        if let j = scaler.firstNonFinite {
            throw ModelError(model: name, "feature \(j + 1) is too large to standardise (its variance overflows); rescale it")
        }
        let xs = standardise(x)

        var initRNG = SeededRandom(seed: seed, stream: "mlp/init")
        network = DenseNetwork(sizes: [d] + hiddenLayers + [classCount], hidden: .relu, output: .identity, using: &initRNG)
        var shuffleRNG = SeededRandom(seed: seed, stream: "mlp/shuffle")

        var adam = AdamOptimizer(for: network, learningRate: learningRate, beta1: Self.beta1, beta2: Self.beta2,
                                 epsilon: Self.adamEpsilon)
        let batch = min(batchSize ?? 200, n)
        var order = Array(0..<n)
        lossCurve = []
        stoppedEarly = false
        var best = Double.infinity
        var noImprovement = 0
        for epoch in 1...maxIterations {
            shuffleRNG.shuffle(&order)
            var total = 0.0
            var start = 0
            while start < n {
                let end = min(start + batch, n)
                let idx = Array(order[start..<end])
                let (loss, grad) = Self.lossAndGradient(network, xs.rows(idx), idx.map { y[$0] },
                                                        classCount: classCount, alpha: alpha)
                total += loss * Double(end - start)
                adam.step(&network, grad)
                start = end
            }
            let epochLoss = total / Double(n)
            if let error = Self.divergence(epoch: epoch, loss: epochLoss, network: network) { throw error }
            lossCurve.append(epochLoss)
            // scikit-learn's rule: count epochs whose loss is not below best − tol.
            if epochLoss > best - tolerance { noImprovement += 1 } else { noImprovement = 0 }
            best = min(best, epochLoss)
            if noImprovement > Self.patience { stoppedEarly = true; break }
        }
    }

    /// The error that stops training when the loss or a parameter is no longer finite.
    static func divergence(epoch: Int, loss: Double, network: DenseNetwork) -> ModelError? {
        guard !loss.isFinite || !network.isFinite else { return nil }
        return ModelError(model: displayName, "training diverged at epoch \(epoch) (the loss is not finite); lower learning_rate")
    }

    /// (x − μ) / σ with the training μ, σ.
    func standardise(_ x: Matrix) -> Matrix {
        Standardizer(mean: inputMean, scale: inputScale).apply(x)
    }

    public func predictProba(_ x: Matrix) -> Matrix {
        precondition(x.cols == inputMean.count, "MLP: expected \(inputMean.count) features, got \(x.cols)")
        // Far from the data a ReLU network is piecewise linear, so clamping the
        // standardised inputs at ±1e100 keeps the logits finite without changing
        // which class wins there.
        var xs = standardise(x)
        for i in xs.data.indices { xs.data[i] = min(max(xs.data[i], -1e100), 1e100) }
        return Special.softmaxRows(network(xs))
    }

    // MARK: maths shared with the tests

    /// The penalised mean cross-entropy on one batch and its gradient: the shared core's
    /// forward and backward passes, with δ_out = (softmax(z) − Y) / b and weight decay α/b.
    static func lossAndGradient(_ net: DenseNetwork, _ x: Matrix, _ y: [Int], classCount K: Int,
                                alpha: Double) -> (loss: Double, gradient: NetworkGradient) {
        let b = x.rows
        let nb = Double(b)
        let trace = net.trace(x)
        // δ_out = (softmax(z) − Y) / b; loss from log-softmax (no clipping needed).
        var delta = trace.output
        var loss = 0.0
        delta.data.withUnsafeMutableBufferPointer { dp in
            for i in 0..<b {
                let base = i * K
                var m = -Double.infinity
                for k in 0..<K { m = max(m, dp[base + k]) }
                var s = 0.0
                for k in 0..<K { s += exp(dp[base + k] - m) }
                let lse = m + log(s)
                loss += lse - dp[base + y[i]]
                for k in 0..<K { dp[base + k] = exp(dp[base + k] - lse) / nb }
                dp[base + y[i]] -= 1 / nb
            }
        }
        loss /= nb
        var squares = 0.0
        for layer in net.layers { squares += BLAS.dot(layer.weights.data, layer.weights.data) }
        loss += 0.5 * alpha * squares / nb
        return (loss, net.backward(trace, outputGradient: delta, weightDecay: alpha / nb).parameters)
    }
}
