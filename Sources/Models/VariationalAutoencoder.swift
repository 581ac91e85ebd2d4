#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// A variational autoencoder — a generative model p(x) = ∫ p(x | z) p(z) dz with a
/// neural decoder, trained through an encoder that guesses z from x.
///
/// Model (Kingma & Welling 2014, "Auto-Encoding Variational Bayes"):
///   p(z) = N(0, I_L),  p(x | z) = Π_j Bernoulli(x_j; σ(g(z)_j)),
/// with the decoder g an MLP latent → hidden (reversed) → d logits. The encoder
/// f, an MLP d → hidden → 2L, gives q(z | x) = N(μ(x), diag exp v(x)) (first L
/// outputs μ, last L outputs v = log σ²). Training maximises, over mini-batches,
/// the evidence lower bound
///   ELBO(x) = E_q[log p(x | z)] − KL(q(z | x) ‖ p(z)) ≤ log p(x),
/// the expectation estimated by one draw with the reparameterisation
///   z = μ + exp(v/2) ⊙ ε,  ε ~ N(0, I),
/// so the gradient reaches the encoder through z:
///   ∂/∂μ = ∂/∂z + ∂KL/∂μ,  ∂/∂v = ½ ∂/∂z ⊙ exp(v/2) ⊙ ε + ∂KL/∂v
/// (`Loss.bernoulli`, `Loss.gaussianKL`; both networks are `DenseNetwork`s and
/// share one Adam step size).
///
/// Data must be scaled to [0, 1]. For grey levels between 0 and 1 the Bernoulli
/// term −Σ_j [x log p + (1−x) log(1−p)] is the usual "binary cross-entropy"
/// reconstruction loss; it is a log-likelihood only for binary x, so the ELBO here
/// is a bound on that Bernoulli likelihood — comparable between VAEs on the same
/// data, not with a density such as a Gaussian mixture's (Loaiza-Ganem &
/// Cunningham 2019 discuss the gap). Samples are shown as decoder means σ(g(z)),
/// not as coin flips.
///
/// `trainELBO` / `testELBO` are the mean ELBO per row after every epoch, each row
/// evaluated with one ε from a fixed seeded stream (the same ε every epoch, so the
/// curve moves only because the networks do). `importanceWeightedBound` gives the
/// tighter bound log (1/k) Σ_s p(x, z_s)/q(z_s | x) (Burda, Grosse & Salakhutdinov 2016).
public struct VariationalAutoencoder: Sendable, Codable {
    public static let kind = "vae"
    public static let displayName = "Variational autoencoder"

    public var latentDimension: Int
    public var hiddenLayers: [Int]
    public var hiddenActivation: Activation
    public var learningRate: Double
    public var batchSize: Int
    public var epochs: Int
    public var seed: UInt64

    public private(set) var encoder = DenseNetwork(layers: [])
    public private(set) var decoder = DenseNetwork(layers: [])
    /// Mean ELBO per training row (nats) after each epoch.
    public private(set) var trainELBO: [Double] = []
    /// Mean ELBO per validation row after each epoch (empty without validation data).
    public private(set) var testELBO: [Double] = []
    /// Adam steps taken.
    public private(set) var steps = 0

    public init(latentDimension: Int = 2, hiddenLayers: [Int] = [128, 128], hiddenActivation: Activation = .relu,
                learningRate: Double = 1e-3, batchSize: Int = 64, epochs: Int = 100, seed: UInt64 = 0) {
        self.latentDimension = latentDimension
        self.hiddenLayers = hiddenLayers
        self.hiddenActivation = hiddenActivation
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochs = epochs
        self.seed = seed
    }

    public static let settingKeys = ["latent_dim", "hidden_layers", "activation", "learning_rate", "batch_size", "epochs", "seed"]

    public init(settings s: Settings) throws {
        try s.allow(Self.settingKeys)
        let layers = try s.integers("hidden_layers", default: [128, 128])
        guard layers.count <= 10, layers.allSatisfy({ $0 <= 4096 }) else {
            throw ModelError(model: s.model, "setting 'hidden_layers' allows at most 10 layers of at most 4096 units")
        }
        let act = try s.text("activation", default: "relu", allowed: ["relu", "leaky_relu", "tanh", "sigmoid"])
        self.init(latentDimension: try s.integer("latent_dim", default: 2, in: 1...512),
                  hiddenLayers: layers,
                  hiddenActivation: Activation(rawValue: act)!,
                  learningRate: try s.number("learning_rate", default: 1e-3, in: 0...10, exclusiveLower: true),
                  batchSize: try s.integer("batch_size", default: 64, in: 1...1_000_000),
                  epochs: try s.integer("epochs", default: 100, in: 1...1_000_000),
                  seed: UInt64(try s.integer("seed", default: 0, in: 0...Int.max)))
    }

    public var settings: [String: SettingValue] {
        ["latent_dim": .integer(latentDimension),
         "hidden_layers": .text(hiddenLayers.map(String.init).joined(separator: ",")),
         "activation": .text(hiddenActivation.rawValue),
         "likelihood": .text("bernoulli"),
         "learning_rate": .number(learningRate),
         "batch_size": .integer(batchSize),
         "epochs": .integer(epochs),
         "seed": .integer(Int(truncatingIfNeeded: seed))]
    }

    public var isFitted: Bool { !decoder.layers.isEmpty }

    // MARK: fit

    /// Trains on the rows of `x` (values in [0, 1]); `validation`, if given, is only
    /// evaluated (its ELBO per epoch goes to `testELBO`). `onEpoch` sees the model
    /// after every epoch (for snapshots).
    public mutating func fit(_ x: Matrix, validation: Matrix? = nil,
                             onEpoch: ((Int, VariationalAutoencoder) -> Void)? = nil) throws {
        let name = Self.displayName
        guard x.rows > 0, x.cols > 0 else { throw ModelError(model: name, "cannot fit on an empty training set") }
        for m in [x] + (validation.map { [$0] } ?? []) {
            guard m.data.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
                throw ModelError(model: name, "the Bernoulli decoder needs every value in [0, 1]; scale the data (digits: divide by 16)")
            }
        }
        if let v = validation, v.cols != x.cols {
            throw ModelError(model: name, "validation rows have \(v.cols) columns, training rows \(x.cols)")
        }
        guard latentDimension >= 1, hiddenLayers.allSatisfy({ $0 > 0 }), learningRate > 0, learningRate.isFinite,
              batchSize >= 1, epochs >= 1 else {
            throw ModelError(model: name, "latent_dim ≥ 1, positive hidden_layers, learning_rate > 0, batch_size ≥ 1 and epochs ≥ 1 are required")
        }
        let d = x.cols, L = latentDimension
        var initRNG = SeededRandom(seed: seed, stream: "vae/init")
        encoder = DenseNetwork(sizes: [d] + hiddenLayers + [2 * L], hidden: hiddenActivation, output: .identity, using: &initRNG)
        decoder = DenseNetwork(sizes: [L] + hiddenLayers.reversed() + [d], hidden: hiddenActivation, output: .identity, using: &initRNG)
        var adamE = AdamOptimizer(for: encoder, learningRate: learningRate)
        var adamD = AdamOptimizer(for: decoder, learningRate: learningRate)
        var shuffle = SeededRandom(seed: seed, stream: "vae/shuffle")
        var noise = SeededRandom(seed: seed, stream: "vae/noise")
        trainELBO = []
        testELBO = []
        steps = 0
        for epoch in 1...epochs {
            for batch in Training.batches(count: x.rows, size: batchSize, using: &shuffle) {
                let xb = x.rows(batch)
                let eps = Matrix(rows: xb.rows, cols: L, data: (0..<(xb.rows * L)).map { _ in noise.normal() })
                let r = Self.lossAndGradients(encoder: encoder, decoder: decoder, x: xb, epsilon: eps)
                steps += 1
                guard r.loss.isFinite else { throw Training.divergence(model: name, step: steps, loss: "the negative ELBO") }
                adamE.step(&encoder, r.encoder)
                adamD.step(&decoder, r.decoder)
            }
            guard encoder.isFinite, decoder.isFinite else {
                throw Training.divergence(model: name, step: steps, loss: "a weight")
            }
            trainELBO.append(meanELBO(x, stream: "vae/eval-train"))
            if let v = validation { testELBO.append(meanELBO(v, stream: "vae/eval-test")) }
            guard trainELBO.last!.isFinite else {
                throw Training.divergence(model: name, step: steps, loss: "the training ELBO")
            }
            onEpoch?(epoch, self)
        }
    }

    /// The batch loss −(1/b) Σᵢ ELBO(xᵢ) for given noise ε, with the gradients of
    /// both networks (shared with the gradient-check tests).
    static func lossAndGradients(encoder: DenseNetwork, decoder: DenseNetwork, x: Matrix,
                                 epsilon eps: Matrix) -> (loss: Double, encoder: NetworkGradient, decoder: NetworkGradient) {
        let L = eps.cols, b = x.rows
        let enc = encoder.trace(x)
        let (mu, logVar) = split(enc.output, L)
        var z = mu
        var sd = logVar
        for k in sd.data.indices { sd.data[k] = exp(0.5 * logVar.data[k]); z.data[k] += sd.data[k] * eps.data[k] }
        let dec = decoder.trace(z)
        let rec = Loss.bernoulli(logits: dec.output, targets: x)
        let kl = Loss.gaussianKL(mean: mu, logVariance: logVar)
        var loss = 0.0
        for i in 0..<b { loss += rec.perRow[i] + kl.perRow[i] }
        loss /= Double(b)
        let (gDec, gzOpt) = decoder.backward(dec, outputGradient: rec.gradient, inputGradient: true)
        let gz = gzOpt!
        var gOut = Matrix(rows: b, cols: 2 * L)
        for i in 0..<b {
            for j in 0..<L {
                let k = i * L + j
                gOut[i, j] = gz.data[k] + kl.gradMean.data[k]
                gOut[i, L + j] = 0.5 * gz.data[k] * sd.data[k] * eps.data[k] + kl.gradLogVariance.data[k]
            }
        }
        let (gEnc, _) = encoder.backward(enc, outputGradient: gOut)
        return (loss, gEnc, gDec)
    }

    /// Splits the encoder's output into μ (first L columns) and log σ² (last L).
    static func split(_ out: Matrix, _ L: Int) -> (Matrix, Matrix) {
        (out.columns(Array(0..<L)), out.columns(Array(L..<(2 * L))))
    }

    // MARK: use

    /// The encoder's means μ(x): where each row sits in the latent space.
    public func encode(_ x: Matrix) -> Matrix {
        precondition(isFitted, "fit the VAE first")
        return Self.split(encoder(x), latentDimension).0
    }

    /// The decoder's Bernoulli means σ(g(z)) for latent rows z.
    public func decode(_ z: Matrix) -> Matrix {
        precondition(isFitted, "fit the VAE first")
        var p = decoder(z)
        for k in p.data.indices { p.data[k] = Special.sigmoid(p.data[k]) }
        return p
    }

    /// `n` new rows: z ~ N(0, I), then the decoder's means.
    public func sample(_ n: Int, using rng: inout SeededRandom) -> Matrix {
        let z = Matrix(rows: n, cols: latentDimension, data: (0..<(n * latentDimension)).map { _ in rng.normal() })
        return decode(z)
    }

    /// ELBO(x) per row (nats), averaged over `draws` reparameterised draws of z.
    public func elbo(_ x: Matrix, draws: Int = 1, using rng: inout SeededRandom) -> [Double] {
        precondition(isFitted, "fit the VAE first")
        let L = latentDimension
        let (mu, logVar) = Self.split(encoder(x), L)
        let kl = Loss.gaussianKL(mean: mu, logVariance: logVar).perRow
        var out = kl.map { -$0 }
        for _ in 0..<max(1, draws) {
            let rec = reconstruction(x, mu: mu, logVar: logVar, using: &rng)
            for i in out.indices { out[i] += rec.logLikelihood[i] / Double(max(1, draws)) }
        }
        return out
    }

    /// The importance-weighted bound log (1/k) Σ_s p(x | z_s) p(z_s) / q(z_s | x) per row,
    /// z_s ~ q(z | x): a bound on log p(x) at least as tight as the ELBO (equal for k = 1).
    public func importanceWeightedBound(_ x: Matrix, samples k: Int, using rng: inout SeededRandom) -> [Double] {
        precondition(isFitted, "fit the VAE first")
        let L = latentDimension
        let (mu, logVar) = Self.split(encoder(x), L)
        var logW = [[Double]](repeating: [], count: x.rows)
        for _ in 0..<max(1, k) {
            let r = reconstruction(x, mu: mu, logVar: logVar, using: &rng)
            for i in 0..<x.rows {
                var logPz = 0.0, logQ = 0.0
                for j in 0..<L {
                    let zz = r.z[i, j], e = r.epsilon[i, j]
                    logPz -= 0.5 * zz * zz
                    logQ -= 0.5 * (e * e + logVar[i, j])
                }
                logW[i].append(r.logLikelihood[i] + logPz - logQ)  // the log 2π terms cancel
            }
        }
        return logW.map { Special.logSumExp($0) - log(Double($0.count)) }
    }

    /// One reparameterised draw z = μ + σ ε per row and log p(x | z).
    private func reconstruction(_ x: Matrix, mu: Matrix, logVar: Matrix,
                                using rng: inout SeededRandom) -> (z: Matrix, epsilon: Matrix, logLikelihood: [Double]) {
        let L = latentDimension
        let eps = Matrix(rows: x.rows, cols: L, data: (0..<(x.rows * L)).map { _ in rng.normal() })
        var z = mu
        for k in z.data.indices { z.data[k] += exp(0.5 * logVar.data[k]) * eps.data[k] }
        let rec = Loss.bernoulli(logits: decoder(z), targets: x).perRow
        return (z, eps, rec.map { -$0 })
    }

    /// Mean ELBO with one draw per row from the named stream (the same draws every call).
    func meanELBO(_ x: Matrix, stream: String) -> Double {
        var rng = SeededRandom(seed: seed, stream: stream)
        let e = elbo(x, using: &rng)
        return e.reduce(0, +) / Double(max(e.count, 1))
    }
}
