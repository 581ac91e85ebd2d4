import Datasets
import Foundation
import Testing
@testable import Models
import Numerics

/// The digits (8 × 8, values 0…16) scaled to [0, 1], with labels.
enum DigitsFixture {
    static let all: (x: Matrix, y: [Int]) = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let table = try! CSVReader.read(path: root.appendingPathComponent("data/digits.csv").path)
        let ds = try! DatasetLoader.load(table: table, name: "digits", title: "Digits", label: "digit",
                                         features: (0..<64).map { "px_\($0 / 8)_\($0 % 8)" })
        var x = ds.x
        for k in x.data.indices { x.data[k] /= 16 }
        return (x, ds.y.map { Int(ds.classNames[$0])! })
    }()

    /// The first `n` digits.
    static func first(_ n: Int) -> Matrix { all.x.rows(Array(0..<n)) }
}

@Suite("Variational autoencoder")
struct VAETests {
    /// A small VAE that trains in well under a second in a debug build.
    static func small(epochs: Int = 12, seed: UInt64 = 0) -> VariationalAutoencoder {
        VariationalAutoencoder(latentDimension: 4, hiddenLayers: [32], learningRate: 3e-3, batchSize: 32, epochs: epochs, seed: seed)
    }

    @Test("Training on 300 digits: the train ELBO rises epoch on epoch overall (last > first + 5 nats) and test ELBO is recorded")
    func elboRises() throws {
        var vae = Self.small()
        let x = DigitsFixture.first(300), v = DigitsFixture.all.x.rows(Array(300..<400))
        try vae.fit(x, validation: v)
        #expect(vae.trainELBO.count == 12 && vae.testELBO.count == 12)
        #expect(vae.trainELBO.last! > vae.trainELBO.first! + 5, "\(vae.trainELBO)")
        #expect(vae.testELBO.last! > vae.testELBO.first! + 5, "\(vae.testELBO)")
        // Mostly monotone: at most two epochs (of 11 steps) may dip.
        let dips = zip(vae.trainELBO, vae.trainELBO.dropFirst()).filter { $1 < $0 }.count
        #expect(dips <= 2, "\(vae.trainELBO)")
        #expect(vae.trainELBO.allSatisfy { $0 < 0 })   // log-probabilities of 64 grey pixels
        #expect(vae.steps == 12 * 10)
    }

    @Test("ELBO ≤ importance-weighted bound (k = 20) on average; encode/decode/sample shapes; samples in [0, 1]")
    func bounds() throws {
        var vae = Self.small(epochs: 6)
        let x = DigitsFixture.first(300)
        try vae.fit(x)
        let test = DigitsFixture.all.x.rows(Array(300..<340))
        var r1 = SeededRandom(seed: 1), r2 = SeededRandom(seed: 2)
        let elbo = vae.elbo(test, draws: 20, using: &r1)
        let iw = vae.importanceWeightedBound(test, samples: 20, using: &r2)
        let meanE = elbo.reduce(0, +) / 40, meanIW = iw.reduce(0, +) / 40
        #expect(meanIW > meanE, "IWAE \(meanIW) vs ELBO \(meanE)")
        #expect(vae.encode(test).cols == 4 && vae.encode(test).rows == 40)
        var r3 = SeededRandom(seed: 3)
        let s = vae.sample(25, using: &r3)
        #expect(s.rows == 25 && s.cols == 64 && s.data.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(vae.decode(vae.encode(test)).cols == 64)
    }

    @Test("Same seed → identical weights, ELBO curves and samples; another seed → different samples")
    func determinism() throws {
        let x = DigitsFixture.first(200)
        var a = Self.small(epochs: 3), b = Self.small(epochs: 3), c = Self.small(epochs: 3, seed: 1)
        try a.fit(x); try b.fit(x); try c.fit(x)
        #expect(a.encoder == b.encoder && a.decoder == b.decoder && a.trainELBO == b.trainELBO)
        var r1 = SeededRandom(seed: 5), r2 = SeededRandom(seed: 5), r3 = SeededRandom(seed: 5)
        let sa = a.sample(10, using: &r1)
        #expect(sa == b.sample(10, using: &r2))
        #expect(sa != c.sample(10, using: &r3))
    }

    @Test("A learning rate too large for the data stops training with 'diverged at step N; lower learning_rate'")
    func divergence() throws {
        var vae = VariationalAutoencoder(latentDimension: 2, hiddenLayers: [16], hiddenActivation: .leakyRelu, learningRate: 10,
                                         batchSize: 50, epochs: 50)
        let e = #expect(throws: ModelError.self) { try vae.fit(DigitsFixture.first(200)) }
        let m = e?.message ?? ""
        // Leaky ReLU units never switch off, so steps of size 10 blow the log-variance past
        // exp's range at once: the second step's loss is infinite.
        #expect(m == "training diverged at step 2 (the negative ELBO is not finite); lower learning_rate", "\(m)")
    }

    @Test("Samples' mean image is close to the training mean: mean |Δ| per pixel < 0.05, largest < 0.2 (pixels in [0, 1])")
    func meanImage() throws {
        var vae = VariationalAutoencoder(latentDimension: 4, hiddenLayers: [48], learningRate: 3e-3, batchSize: 32, epochs: 25)
        let x = DigitsFixture.first(400)
        try vae.fit(x)
        var rng = SeededRandom(seed: 9)
        let s = vae.sample(400, using: &rng)
        let diff = zip(s.columnMeans(), x.columnMeans()).map { abs($0 - $1) }
        let mean = diff.reduce(0, +) / 64
        #expect(mean < 0.05 && diff.max()! < 0.2, "mean \(mean), max \(diff.max()!)")
    }

    @Test("Settings: defaults, text layers, unknown keys and data outside [0, 1] refused")
    func settings() throws {
        let d = try VariationalAutoencoder(settings: Settings(model: "VAE"))
        #expect(d.latentDimension == 2 && d.hiddenLayers == [128, 128] && d.learningRate == 1e-3 && d.batchSize == 64)
        let s = try VariationalAutoencoder(settings: Settings(model: "VAE", ["latent_dim": .integer(10), "hidden_layers": .text("64,32")]))
        #expect(s.latentDimension == 10 && s.hiddenLayers == [64, 32] && s.settings["likelihood"] == .text("bernoulli"))
        #expect(throws: ModelError.self) { try VariationalAutoencoder(settings: Settings(model: "VAE", ["latent": .integer(3)])) }
        var v = Self.small(epochs: 1)
        let e = #expect(throws: ModelError.self) { try v.fit(Matrix([[0, 16], [1, 2]])) }
        #expect(e?.message.contains("divide by 16") == true)
    }
}

@Suite("Generative adversarial network")
struct GANTests {
    /// The small ring problem: 8 modes, σ = 0.1, 32-unit networks, 2-D noise, lr 5e-3.
    /// Balanced learning rates cover the ring; a discriminator ten times slower lets
    /// the generator pile onto one place.
    static func ring(discriminatorLearningRate: Double, seed: UInt64 = 0) throws -> SampleQuality.Coverage {
        let data = Synthetic.ringOfGaussians(n: 1000, std: 0.1, seed: 42)
        var gan = GenerativeAdversarialNetwork(noiseDimension: 2, generatorLayers: [32, 32], discriminatorLayers: [32, 32],
                                               outputActivation: .identity, learningRate: 5e-3,
                                               discriminatorLearningRate: discriminatorLearningRate,
                                               batchSize: 100, epochs: 60, seed: seed)
        try gan.fit(data.x)
        var rng = SeededRandom(seed: 3)
        return SampleQuality.modeCoverage(gan.sample(1000, using: &rng), centres: Synthetic.ringCentres(),
                                          radius: 0.3, minShare: 0.02)
    }

    @Test("Ring of 8 (small): balanced learning rates cover ≥ 6 modes, a 10× slower discriminator ≤ 2")
    func modeCollapse() throws {
        let covering = try Self.ring(discriminatorLearningRate: 5e-3)
        let collapsed = try Self.ring(discriminatorLearningRate: 5e-4)
        #expect(covering.covered >= 6, "\(covering)")
        #expect(collapsed.covered <= 2, "\(collapsed)")
    }

    @Test("Digits: losses recorded per epoch, samples in [0, 1]; same seed → identical samples")
    func digits() throws {
        let x = DigitsFixture.first(128)
        func make() -> GenerativeAdversarialNetwork {
            GenerativeAdversarialNetwork(noiseDimension: 4, generatorLayers: [16], discriminatorLayers: [16], batchSize: 32,
                                         epochs: 3, realLabel: 0.9, averageDecay: 0.9, seed: 2)
        }
        var a = make(), b = make()
        var seen = [Int]()
        try a.fit(x) { e, _ in seen.append(e) }
        try b.fit(x)
        #expect(seen == [1, 2, 3] && a.steps == 12)
        #expect(a.discriminatorLoss.count == 3 && a.generatorLoss.count == 3)
        #expect((a.discriminatorLoss + a.generatorLoss).allSatisfy { $0.isFinite && $0 > 0 })
        var r1 = SeededRandom(seed: 4), r2 = SeededRandom(seed: 4)
        let s = a.sample(20, using: &r1)
        #expect(s == b.sample(20, using: &r2))
        #expect(s.cols == 64 && s.data.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(a.averagedGenerator != a.generator)
        #expect(a.discriminate(x).allSatisfy { $0 > 0 && $0 < 1 })
    }

    @Test("Non-finite loss or weights stop training with the step and 'lower learning_rate'")
    func divergence() throws {
        // Finite data at ±1.5e308: the discriminator's first pre-activations x W overflow
        // to ±∞, so the first step's loss is not finite.
        let x = Matrix(rows: 8, cols: 2, data: (0..<16).map { Double($0 % 2 == 0 ? 1.5e308 : -1.5e308) })
        var gan = GenerativeAdversarialNetwork(noiseDimension: 2, generatorLayers: [4], discriminatorLayers: [4],
                                               outputActivation: .identity, batchSize: 8, epochs: 2)
        let e = #expect(throws: ModelError.self) { try gan.fit(x) }
        let m = e?.message ?? ""
        #expect(m == "training diverged at step 1 (the discriminator loss is not finite); lower learning_rate", "\(m)")
    }

    @Test("Settings: defaults, unknown keys refused, sigmoid output refuses data outside [0, 1]")
    func settings() throws {
        let d = try GenerativeAdversarialNetwork(settings: Settings(model: "GAN"))
        #expect(d.noiseDimension == 16 && d.beta1 == 0.5 && d.learningRate == 2e-4 && d.outputActivation == .sigmoid)
        #expect(d.settings["discriminator_learning_rate"] == .number(2e-4))
        let s = try GenerativeAdversarialNetwork(settings: Settings(model: "GAN", ["output": .text("identity"),
                                                                                  "discriminator_learning_rate": .number(1e-4)]))
        #expect(s.outputActivation == .identity && s.discriminatorLearningRate == 1e-4)
        #expect(throws: ModelError.self) { try GenerativeAdversarialNetwork(settings: Settings(model: "GAN", ["lr": .number(1)])) }
        var g = GenerativeAdversarialNetwork(epochs: 1)
        #expect(throws: ModelError.self) { try g.fit(Matrix([[0, 2]])) }
    }
}
