#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// A generative adversarial network — a sampler x = G(z), z ~ N(0, I), trained
/// against a discriminator D that tries to tell its samples from the data.
///
/// Both are MLPs (`DenseNetwork`): G maps noise_dim → generator layers (ReLU) → d
/// with a sigmoid output for images in [0, 1] or a linear one for real-valued data;
/// D maps d → discriminator layers (leaky ReLU, slope 0.2) → one logit s(x),
/// D(x) = σ(s(x)). Every step (Goodfellow et al. 2014, Algorithm 1 with k = 1):
/// 1. discriminator: on a batch of b real rows and b fresh samples G(z),
///    L_D = −(1/b) Σ [t log D(x) + (1 − t) log(1 − D(x))] − (1/b) Σ log(1 − D(G(z))),
///    one Adam step on D (t = 1, or 0.9 with one-sided label smoothing,
///    Salimans et al. 2016);
/// 2. generator, non-saturating loss (ibid. §3): L_G = −(1/b) Σ log D(G(z)) on new
///    noise, its gradient back-propagated through D (unchanged) into G's output and
///    then through G; one Adam step on G.
/// Losses are computed from logits with softplus (`Loss.logistic`). Optional
/// instance noise (Sønderby et al. 2017; Arjovsky & Bottou 2017) adds N(0, s²) to every
/// input D sees, real and generated, with s decaying linearly from `instance_noise`
/// to 0 over training: the two distributions then overlap, so D's gradient stays
/// informative where they do not.
///
/// Samples come from an exponential moving average of the generator's weights,
/// θ̄ ← d θ̄ + (1 − d) θ after every step with d = min(`average_decay`, (1 + t)/(10 + t))
/// at step t (Yazıcı et al. 2019, "The unusual effectiveness of averaging in GAN
/// training"): the average smooths the game's oscillations; `average_decay` = 0 keeps
/// the last weights.
///
/// No likelihood exists: a GAN defines p(x) only implicitly, so it can be judged by
/// its samples alone. `discriminatorLoss`/`generatorLoss` record each epoch's mean
/// step losses; they measure the game's state, not sample quality. Adam uses
/// β₁ = 0.5 by default (Radford, Metz & Chintala 2016). Training stops with a
/// `ModelError` at the first step whose loss or weights are not finite.
public struct GenerativeAdversarialNetwork: Sendable, Codable {
    public static let kind = "gan"
    public static let displayName = "Generative adversarial network"

    public var noiseDimension: Int
    public var generatorLayers: [Int]
    public var discriminatorLayers: [Int]
    /// `sigmoid` for data in [0, 1], `identity` for real-valued data.
    public var outputActivation: Activation
    public var learningRate: Double
    /// nil: the same as `learningRate`.
    public var discriminatorLearningRate: Double?
    public var beta1: Double
    public var batchSize: Int
    public var epochs: Int
    /// The target for real rows in D's loss: 1, or < 1 for one-sided label smoothing.
    public var realLabel: Double
    /// Initial standard deviation of the instance noise (0: none).
    public var instanceNoise: Double
    /// Decay of the running average of the generator's weights that samples are
    /// drawn from (0: sample from the last weights).
    public var averageDecay: Double
    public var seed: UInt64

    public private(set) var generator = DenseNetwork(layers: [])
    /// The exponential moving average of the generator's weights (equal to
    /// `generator` when `averageDecay` is 0); `generate` and `sample` use it.
    public private(set) var averagedGenerator = DenseNetwork(layers: [])
    public private(set) var discriminator = DenseNetwork(layers: [])
    /// Mean discriminator loss L_D of each epoch's steps.
    public private(set) var discriminatorLoss: [Double] = []
    /// Mean generator loss L_G of each epoch's steps.
    public private(set) var generatorLoss: [Double] = []
    public private(set) var steps = 0

    public init(noiseDimension: Int = 16, generatorLayers: [Int] = [128, 128], discriminatorLayers: [Int] = [128, 128],
                outputActivation: Activation = .sigmoid, learningRate: Double = 2e-4,
                discriminatorLearningRate: Double? = nil, beta1: Double = 0.5, batchSize: Int = 64, epochs: Int = 100,
                realLabel: Double = 1, instanceNoise: Double = 0, averageDecay: Double = 0, seed: UInt64 = 0) {
        self.noiseDimension = noiseDimension
        self.generatorLayers = generatorLayers
        self.discriminatorLayers = discriminatorLayers
        self.outputActivation = outputActivation
        self.learningRate = learningRate
        self.discriminatorLearningRate = discriminatorLearningRate
        self.beta1 = beta1
        self.batchSize = batchSize
        self.epochs = epochs
        self.realLabel = realLabel
        self.instanceNoise = instanceNoise
        self.averageDecay = averageDecay
        self.seed = seed
    }

    public static let settingKeys = ["noise_dim", "generator_layers", "discriminator_layers", "output", "learning_rate",
                                     "discriminator_learning_rate", "beta1", "batch_size", "epochs", "real_label",
                                     "instance_noise", "average_decay", "seed"]

    public init(settings s: Settings) throws {
        try s.allow(Self.settingKeys)
        let g = try s.integers("generator_layers", default: [128, 128])
        let d = try s.integers("discriminator_layers", default: [128, 128])
        guard g.count <= 10, d.count <= 10, (g + d).allSatisfy({ $0 <= 4096 }) else {
            throw ModelError(model: s.model, "generator_layers and discriminator_layers allow at most 10 layers of at most 4096 units")
        }
        let output = try s.text("output", default: "sigmoid", allowed: ["sigmoid", "identity", "tanh"])
        let dlr: Double? = s.values["discriminator_learning_rate"] == nil ? nil
            : try s.number("discriminator_learning_rate", default: 2e-4, in: 0...10, exclusiveLower: true)
        self.init(noiseDimension: try s.integer("noise_dim", default: 16, in: 1...4096),
                  generatorLayers: g, discriminatorLayers: d,
                  outputActivation: Activation(rawValue: output)!,
                  learningRate: try s.number("learning_rate", default: 2e-4, in: 0...10, exclusiveLower: true),
                  discriminatorLearningRate: dlr,
                  beta1: try s.number("beta1", default: 0.5, in: 0...0.999),
                  batchSize: try s.integer("batch_size", default: 64, in: 1...1_000_000),
                  epochs: try s.integer("epochs", default: 100, in: 1...1_000_000),
                  realLabel: try s.number("real_label", default: 1, in: 0.5...1),
                  instanceNoise: try s.number("instance_noise", default: 0, in: 0...1e6),
                  averageDecay: try s.number("average_decay", default: 0, in: 0...0.99999),
                  seed: UInt64(try s.integer("seed", default: 0, in: 0...Int.max)))
    }

    public var settings: [String: SettingValue] {
        ["noise_dim": .integer(noiseDimension),
         "generator_layers": .text(generatorLayers.map(String.init).joined(separator: ",")),
         "discriminator_layers": .text(discriminatorLayers.map(String.init).joined(separator: ",")),
         "output": .text(outputActivation.rawValue),
         "learning_rate": .number(learningRate),
         "discriminator_learning_rate": .number(discriminatorLearningRate ?? learningRate),
         "beta1": .number(beta1),
         "batch_size": .integer(batchSize),
         "epochs": .integer(epochs),
         "real_label": .number(realLabel),
         "instance_noise": .number(instanceNoise),
         "average_decay": .number(averageDecay),
         "loss": .text("non-saturating"),
         "seed": .integer(Int(truncatingIfNeeded: seed))]
    }

    public var isFitted: Bool { !generator.layers.isEmpty }

    // MARK: fit

    /// Trains on the rows of `x`. `onEpoch` sees the model after every epoch (for
    /// sample snapshots and checkpoints).
    public mutating func fit(_ x: Matrix, onEpoch: ((Int, GenerativeAdversarialNetwork) -> Void)? = nil) throws {
        let name = Self.displayName
        guard x.rows > 0, x.cols > 0 else { throw ModelError(model: name, "cannot fit on an empty training set") }
        guard x.allFinite else { throw ModelError(model: name, "the data contain NaN or infinite values") }
        if outputActivation == .sigmoid, !x.data.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            throw ModelError(model: name, "a sigmoid generator output needs data in [0, 1]; scale the data or set output: identity")
        }
        let dlr = discriminatorLearningRate ?? learningRate
        guard noiseDimension >= 1, (generatorLayers + discriminatorLayers).allSatisfy({ $0 > 0 }),
              learningRate > 0, learningRate.isFinite, dlr > 0, dlr.isFinite, beta1 >= 0, beta1 < 1,
              batchSize >= 1, epochs >= 1, realLabel > 0, realLabel <= 1, instanceNoise >= 0, instanceNoise.isFinite else {
            throw ModelError(model: name, "noise_dim ≥ 1, positive layer sizes, learning rates > 0, 0 ≤ beta1 < 1, batch_size ≥ 1, epochs ≥ 1, 0 < real_label ≤ 1 and instance_noise ≥ 0 are required")
        }
        let d = x.cols
        var initRNG = SeededRandom(seed: seed, stream: "gan/init")
        generator = DenseNetwork(sizes: [noiseDimension] + generatorLayers + [d], hidden: .relu,
                                 output: outputActivation, using: &initRNG)
        discriminator = DenseNetwork(sizes: [d] + discriminatorLayers + [1], hidden: .leakyRelu,
                                     output: .identity, using: &initRNG)
        averagedGenerator = generator
        var adamG = AdamOptimizer(for: generator, learningRate: learningRate, beta1: beta1)
        var adamD = AdamOptimizer(for: discriminator, learningRate: dlr, beta1: beta1)
        var shuffle = SeededRandom(seed: seed, stream: "gan/shuffle")
        var noise = SeededRandom(seed: seed, stream: "gan/noise")
        var blur = SeededRandom(seed: seed, stream: "gan/instance-noise")
        discriminatorLoss = []
        generatorLoss = []
        steps = 0
        let stepsPerEpoch = (x.rows + max(1, min(batchSize, x.rows)) - 1) / max(1, min(batchSize, x.rows))
        let totalSteps = Double(stepsPerEpoch * epochs)
        for epoch in 1...epochs {
            var sumD = 0.0, sumG = 0.0, count = 0
            for batch in Training.batches(count: x.rows, size: batchSize, using: &shuffle) {
                let b = batch.count
                let s = instanceNoise * max(0, 1 - Double(steps) / totalSteps)
                var real = x.rows(batch)
                var fake = generator(noiseBatch(b, using: &noise))
                if s > 0 {
                    for k in real.data.indices { real.data[k] += s * blur.normal() }
                    for k in fake.data.indices { fake.data[k] += s * blur.normal() }
                }
                let dStep = Self.discriminatorLossAndGradient(discriminator, real: real, fake: fake, realLabel: realLabel)
                steps += 1
                guard dStep.loss.isFinite else { throw Training.divergence(model: name, step: steps, loss: "the discriminator loss") }
                adamD.step(&discriminator, dStep.gradient)

                let z = noiseBatch(b, using: &noise)
                let gStep = Self.generatorLossAndGradient(generator, discriminator, noise: z,
                                                          blur: s > 0 ? (0..<(b * d)).map { _ in s * blur.normal() } : nil)
                guard gStep.loss.isFinite else { throw Training.divergence(model: name, step: steps, loss: "the generator loss") }
                adamG.step(&generator, gStep.gradient)
                // Warm-up as TensorFlow's ExponentialMovingAverage(num_updates): early on the
                // average forgets the random initial weights quickly.
                let decay = min(averageDecay, Double(1 + steps) / Double(10 + steps))
                averagedGenerator.blend(toward: generator, keeping: decay)
                sumD += dStep.loss; sumG += gStep.loss; count += 1
            }
            guard generator.isFinite, discriminator.isFinite else {
                throw Training.divergence(model: name, step: steps, loss: "a weight")
            }
            discriminatorLoss.append(sumD / Double(count))
            generatorLoss.append(sumG / Double(count))
            onEpoch?(epoch, self)
        }
    }

    func noiseBatch(_ n: Int, using rng: inout SeededRandom) -> Matrix {
        Matrix(rows: n, cols: noiseDimension, data: (0..<(n * noiseDimension)).map { _ in rng.normal() })
    }

    /// L_D on one batch of real and generated rows, and its gradient for D's parameters.
    static func discriminatorLossAndGradient(_ disc: DenseNetwork, real: Matrix, fake: Matrix,
                                             realLabel: Double) -> (loss: Double, gradient: NetworkGradient) {
        let tr = disc.trace(real), tf = disc.trace(fake)
        let lr = Loss.logistic(logits: tr.output, target: realLabel)
        let lf = Loss.logistic(logits: tf.output, target: 0)
        var g = disc.backward(tr, outputGradient: lr.gradient).parameters
        g.add(disc.backward(tf, outputGradient: lf.gradient).parameters)
        return (lr.value + lf.value, g)
    }

    /// The non-saturating L_G = −mean log D(G(z) + blur) and its gradient for G's
    /// parameters, back-propagated through D.
    static func generatorLossAndGradient(_ gen: DenseNetwork, _ disc: DenseNetwork, noise z: Matrix,
                                         blur: [Double]? = nil) -> (loss: Double, gradient: NetworkGradient) {
        let tg = gen.trace(z)
        var fake = tg.output
        if let blur { for k in fake.data.indices { fake.data[k] += blur[k] } }
        let td = disc.trace(fake)
        let l = Loss.logistic(logits: td.output, target: 1)
        let gx = disc.backward(td, outputGradient: l.gradient, inputGradient: true).input!
        return (l.value, gen.backward(tg, outputGradient: gx).parameters)
    }

    // MARK: use

    /// G(z) for given noise rows.
    public func generate(_ z: Matrix) -> Matrix {
        precondition(isFitted, "fit the GAN first")
        return averagedGenerator(z)
    }

    /// `n` new rows G(z), z ~ N(0, I).
    public func sample(_ n: Int, using rng: inout SeededRandom) -> Matrix { generate(noiseBatch(n, using: &rng)) }

    /// D(x) = P(real | x) as the discriminator judges it.
    public func discriminate(_ x: Matrix) -> [Double] {
        precondition(isFitted, "fit the GAN first")
        return discriminator(x).data.map(Special.sigmoid)
    }
}

extension DenseNetwork {
    /// θ ← decay · θ + (1 − decay) · θ_other, parameter by parameter (same shapes).
    mutating func blend(toward other: DenseNetwork, keeping decay: Double) {
        for l in layers.indices {
            layers[l].weights.data.withUnsafeMutableBufferPointer { a in
                other.layers[l].weights.data.withUnsafeBufferPointer { b in
                    for i in a.indices { a[i] = decay * a[i] + (1 - decay) * b[i] }
                }
            }
            for i in layers[l].bias.indices {
                layers[l].bias[i] = decay * layers[l].bias[i] + (1 - decay) * other.layers[l].bias[i]
            }
        }
    }
}
