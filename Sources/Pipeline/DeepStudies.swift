import Datasets
import Foundation
import Models
import Numerics
import Plotting

// The deep generative models study (issue 4): a VAE, a GAN and a per-class Gaussian
// mixture generate 8 × 8 digits; an MLP classifies them and can generate nothing.
// Each `compute…` function is one job (a Codable artifact from the digits, the
// settings and the seed); each `render…` function draws one figure from artifacts.

// MARK: data and settings

/// The digits as this study uses them: 8 × 8 grey levels scaled from 0…16 to [0, 1],
/// labels 0…9, and the site's stratified train/test split.
public struct DigitsData: Sendable {
    public let train: Matrix
    public let trainLabels: [Int]
    public let test: Matrix
    public let testLabels: [Int]
    public static let side = 8
    public static let classNames = (0..<10).map(String.init)

    public init(train: Matrix, trainLabels: [Int], test: Matrix, testLabels: [Int]) {
        self.train = train; self.trainLabels = trainLabels; self.test = test; self.testLabels = testLabels
    }

    /// Reads `digits.csv` (columns px_R_C with values 0…16 and the label column
    /// `digit`), scales pixels to [0, 1] and splits it with `Splitter.stratified`.
    public static func load(bytes: Data, file: String = "data/digits.csv", seed: UInt64,
                            testFraction: Double = 0.3) throws -> DigitsData {
        let features = (0..<64).map { "px_\($0 / 8)_\($0 % 8)" }
        let ds = try DatasetLoader.load(csv: bytes, file: file, name: "digits", title: "Digits", label: "digit", features: .named(features))
        guard ds.classNames == classNames else {
            throw PipelineError("\(file): the label column 'digit' must hold the digits 0…9, found \(ds.classNames.joined(separator: ", "))")
        }
        guard ds.x.data.allSatisfy({ $0 >= 0 && $0 <= 16 }) else {
            throw PipelineError("\(file): pixel values must lie in 0…16")
        }
        var x = ds.x
        for k in x.data.indices { x.data[k] /= 16 }
        let split = Splitter.stratified(labels: ds.y, classCount: 10, testFraction: testFraction, seed: seed)
        return DigitsData(train: x.rows(split.train), trainLabels: split.train.map { ds.y[$0] },
                          test: x.rows(split.test), testLabels: split.test.map { ds.y[$0] })
    }
}

/// The ring of Gaussians for the mode-collapse figure.
public struct RingSpec: Sendable, Codable, Equatable {
    public var n = 2000
    public var modes = 8
    public var radius = 2.0
    public var std = 0.05
    /// Epochs at which samples are drawn and modes counted.
    public var checkpoints = [10, 25, 50, 100, 150]
    /// Samples drawn at each checkpoint.
    public var samples = 1000
    /// A mode is covered when at least this share of samples lies within 3σ of it.
    public var minShare = 0.02
    /// The epoch scrubber (@ring-training) keeps samples at epoch 1 and every this many epochs
    /// (`deep: ring_scrub_every:`), from the same noise as the checkpoints.
    public var scrubEvery = 10
    public init() {}
}

/// Every setting of the study. Model settings are the models' own keys (as in
/// `lenses.yml`); a model without a `seed` setting takes the study's seed.
public struct DeepStudySettings: Sendable, Codable, Equatable {
    /// The 2-D latent VAE, for the latent-plane and manifold pictures.
    public var vaePlane: [String: SettingValue]
    /// The larger-latent VAE, for sample quality.
    public var vae: [String: SettingValue]
    public var gan: [String: SettingValue]
    /// Epochs at which the digit GAN's samples (from fixed noise) are kept.
    public var ganSnapshots: [Int]
    /// Ring-of-8 settings that collapse, and that cover all modes.
    public var ringCollapse: [String: SettingValue]
    public var ringCover: [String: SettingValue]
    public var ring: RingSpec
    public var gmm: [String: SettingValue]
    public var mlp: [String: SettingValue]
    /// The second judge of samples, a logistic regression (its own settings keys).
    public var linearJudge: [String: SettingValue]
    /// Samples per generator for the judging measures.
    public var judgeSamples: Int
    /// Importance samples per test digit for the VAE's tighter bound.
    public var boundSamples: Int
    /// Decoded images per side of the latent manifold, and its extent ±z.
    public var manifoldSide: Int
    public var manifoldExtent: Double
    public var interpolationPairs: Int
    public var interpolationSteps: Int
    /// Decoded images per side of the latent walk's grid (`deep: latent_walk:` in lenses.yml): cells
    /// over the latent-plane figure's own ranges, one digit per cell.
    public var latentWalkSide = 20
    /// The VAE scrubber (@vae-training) keeps 20 decoded digits from fixed latent points at epoch 1
    /// and every this many epochs (`deep: vae_scrub_every:`).
    public var vaeScrubEvery = 10

    /// The site's settings: each digit model trains in seconds in a release build.
    public static let site = DeepStudySettings(
        vaePlane: ["latent_dim": .integer(2), "hidden_layers": .text("128,128"), "learning_rate": .number(1e-3),
                   "batch_size": .integer(64), "epochs": .integer(200)],
        vae: ["latent_dim": .integer(10), "hidden_layers": .text("128,128"), "learning_rate": .number(1e-3),
              "batch_size": .integer(64), "epochs": .integer(300)],
        gan: ["noise_dim": .integer(16), "generator_layers": .text("256,256"), "discriminator_layers": .text("128,128"),
              "learning_rate": .number(4e-4), "beta1": .number(0.5), "batch_size": .integer(64), "epochs": .integer(300),
              "real_label": .number(0.9), "average_decay": .number(0.999)],
        ganSnapshots: [1, 5, 25, 50, 100, 200, 300],
        ringCollapse: ["noise_dim": .integer(2), "generator_layers": .text("64,64"), "discriminator_layers": .text("64,64"),
                       "output": .text("identity"), "learning_rate": .number(1e-3),
                       "discriminator_learning_rate": .number(1e-4), "batch_size": .integer(100), "epochs": .integer(150)],
        ringCover: ["noise_dim": .integer(2), "generator_layers": .text("64,64"), "discriminator_layers": .text("64,64"),
                    "output": .text("identity"), "learning_rate": .number(1e-3),
                    "discriminator_learning_rate": .number(1e-3), "batch_size": .integer(100), "epochs": .integer(150)],
        ring: RingSpec(),
        gmm: ["n_components": .integer(3), "covariance_type": .text("full"), "reg_covar": .number(0.01)],
        mlp: ["hidden_layers": .text("32,32")],
        linearJudge: ["C": .number(1)],
        judgeSamples: 1000, boundSamples: 100, manifoldSide: 16, manifoldExtent: 2.5,
        interpolationPairs: 6, interpolationSteps: 8)

    /// Tiny networks and few epochs: the whole study in a few seconds of a debug build (tests).
    public static let quick: DeepStudySettings = {
        var s = site
        s.vaePlane = ["latent_dim": .integer(2), "hidden_layers": .text("24"), "learning_rate": .number(3e-3), "epochs": .integer(3)]
        s.vae = ["latent_dim": .integer(4), "hidden_layers": .text("24"), "learning_rate": .number(3e-3), "epochs": .integer(3)]
        s.gan = ["noise_dim": .integer(4), "generator_layers": .text("16"), "discriminator_layers": .text("16"),
                 "epochs": .integer(3), "average_decay": .number(0.9)]
        s.ganSnapshots = [1, 3]
        s.ringCollapse = ["noise_dim": .integer(2), "generator_layers": .text("8"), "discriminator_layers": .text("8"),
                          "output": .text("identity"), "learning_rate": .number(1e-3),
                          "discriminator_learning_rate": .number(1e-4), "batch_size": .integer(100), "epochs": .integer(2)]
        s.ringCover = s.ringCollapse
        s.ringCover["discriminator_learning_rate"] = .number(1e-3)
        s.ring.n = 300
        s.ring.checkpoints = [1, 2]
        s.ring.samples = 100
        s.gmm = ["n_components": .integer(1), "covariance_type": .text("full"), "reg_covar": .number(0.01)]
        s.mlp = ["hidden_layers": .text("16"), "max_iter": .integer(20)]
        s.linearJudge = ["C": .number(1), "max_iter": .integer(15)]
        s.judgeSamples = 60
        s.boundSamples = 5
        s.manifoldSide = 6
        s.interpolationPairs = 2
        s.interpolationSteps = 4
        s.latentWalkSide = 5
        return s
    }()
}

// MARK: artifacts

/// A VAE trained on the digits, with what its figures need.
public struct VAEArtifact: Sendable, Codable {
    public let settings: [String: SettingValue]
    public let latentDimension: Int
    public let nTrain: Int
    public let nTest: Int
    public let seed: UInt64
    /// Mean ELBO per image (nats) after each epoch.
    public let trainELBO: [Double]
    public let testELBO: [Double]
    /// Mean test ELBO with `elboDraws` draws of z per image, and the importance-weighted bound.
    public let finalTestELBO: Double
    public let elboDraws: Int
    public let testImportanceBound: Double
    public let boundSamples: Int
    /// 100 samples (decoder means) for the 10 × 10 grid.
    public let samples: Matrix
    /// Samples for the judging measures.
    public let judgeSamples: Matrix
    /// Test digits at their latent means (2-D latent only).
    public let latent: [PlotPoint]
    /// Decoded grid over [−extent, extent]², row-major from the top-left (2-D latent only).
    public let manifold: Matrix?
    public let manifoldSide: Int
    public let manifoldExtent: Double
    /// The latent walk (2-D latent only): `walkSide`² decoded images, row-major from the top-left, at the
    /// centres of the cells of [−walkExtent, walkExtent]², the latent-plane figure's own ranges.
    public var walk: Matrix? = nil
    public var walkSide = 0
    public var walkExtent = 0.0
    /// The larger-latent VAE's digits from the same 20 latent points at epoch 1, every
    /// `vaeScrubEvery` epochs and the last (decoder means, taken from a copy of the model).
    public var epochSamples: [GANSnapshot] = []
    /// Per pair: the two test digits and the decoded path between them (steps rows).
    public let interpolations: [Interpolation]

    public struct Interpolation: Sendable, Codable {
        public let fromLabel: Int
        public let toLabel: Int
        public let from: [Double]
        public let to: [Double]
        public let path: Matrix
    }
}

/// Samples from fixed noise at one epoch of GAN training.
public struct GANSnapshot: Sendable, Codable {
    public let epoch: Int
    public let images: Matrix
}

public struct GANArtifact: Sendable, Codable {
    public let settings: [String: SettingValue]
    public let nTrain: Int
    public let seed: UInt64
    public let discriminatorLoss: [Double]
    public let generatorLoss: [Double]
    public let snapshots: [GANSnapshot]
    public let samples: Matrix
    public let judgeSamples: Matrix
}

/// One ring-of-8 training run and its checkpoints.
public struct RingRun: Sendable, Codable {
    public struct Checkpoint: Sendable, Codable {
        public let epoch: Int
        public let samples: [PlotPoint]
        public let coverage: SampleQuality.Coverage
    }
    public let name: String
    public let settings: [String: SettingValue]
    public let checkpoints: [Checkpoint]
    public let discriminatorLoss: [Double]
    public let generatorLoss: [Double]
    /// The scrubber's snapshots: epoch 1 and every `RingSpec.scrubEvery` epochs, and the last.
    public var scrub: [Checkpoint] = []
    public var finalCoverage: SampleQuality.Coverage { checkpoints.last!.coverage }
}

public struct RingArtifact: Sendable, Codable {
    public let spec: RingSpec
    public let seed: UInt64
    public let data: [PlotPoint]
    public let centres: [PlotPoint]
    public let collapse: RingRun
    public let cover: RingRun
}

public struct GMMArtifact: Sendable, Codable {
    public let settings: [String: SettingValue]
    public let nTrain: Int
    public let nTest: Int
    public let seed: UInt64
    public let testAccuracy: Double
    /// Mean exact log p(x) per image (nats; density over [0, 1]⁶⁴), test and train.
    public let testLogLikelihood: Double
    public let trainLogLikelihood: Double
    public let componentsPerClass: [Int]
    /// 10 samples of each class, class-major (clipped to [0, 1] for display).
    public let classSamples: Matrix
    /// Samples from p(x) = Σ_y p(x|y)p(y), clipped to [0, 1], and their classes.
    public let judgeSamples: Matrix
    public let judgeLabels: [Int]
    /// Share of sampled pixel values that fell outside [0, 1] and were clipped.
    public let clippedShare: Double
}

public struct MLPArtifact: Sendable, Codable {
    public struct Example: Sendable, Codable {
        public let image: [Double]
        public let trueLabel: Int
        public let predicted: Int
        public let probability: Double
    }
    public let settings: [String: SettingValue]
    public let nTrain: Int
    public let nTest: Int
    public let seed: UInt64
    public let testAccuracy: Double
    public let testLogLoss: Double
    public let epochs: Int
    public let confusion: [[Int]]
    public let confident: [Example]
    public let confused: [Example]
    /// The trained classifier, reused to judge generated samples.
    public let model: MLPClassifier
}

/// The measures of one set of images (a generator's samples or a reference set).
public struct JudgedSet: Sendable, Codable {
    public let name: String
    /// A short name for legends ("VAE", "GAN", "Mixture", "Test digits", "Copies").
    public let shortName: String
    /// "vae", "gan", "gmm", or "data" for the reference sets.
    public let kind: String
    public let count: Int
    /// Mean of the classifier's largest P(y|x) (its confidence: a quality proxy).
    public let meanConfidence: Double
    /// Share of images the classifier puts in each class (diversity).
    public let classShares: [Double]
    /// Entropy of `classShares` divided by log 10 (1 = all digits equally often).
    public let classEvenness: Double
    /// Distance from every image to its nearest training image.
    public let nearestDistances: [Double]
    public let medianNearest: Double
    /// Share of images nearer a training image than the 5 % quantile of test → train distances.
    public let nearCopyShare: Double
    /// For a class-conditional generator: the share of samples the classifier puts in
    /// the class they were drawn from.
    public let drawnClassAgreement: Double?
    /// The same agreement under a second judge, a logistic regression (no standardisation).
    public let drawnClassAgreementLinear: Double?
    /// Mean log-likelihood (or bound) on the test digits, and what it is.
    public let logLikelihood: Double?
    public let likelihoodKind: String
    /// The first images with their nearest training images (for the memorising check).
    public let pairs: [NearestPair]
}

public struct NearestPair: Sendable, Codable {
    public let sample: [Double]
    public let nearest: [Double]
    public let distance: Double
}

public struct JudgingArtifact: Sendable, Codable {
    public let sets: [JudgedSet]
    /// The 5 % quantile of test → train distances (the near-copy threshold).
    public let copyThreshold: Double
    public let classifierAccuracy: Double
    /// The latent size of the judged VAE.
    public let vaeLatentDimension: Int
    /// Test accuracy of the second judge (logistic regression).
    public let linearJudgeAccuracy: Double
}

/// One row of metrics.json for the deep models (`kind`: vae, gan, gmm or mlp).
public struct DeepMetricsEntry: Sendable, Codable {
    public let kind: String
    public let model: String
    public let settings: [String: SettingValue]
    public let seed: UInt64
    public let nTrain: Int
    public let nTest: Int
    /// Training measures (final losses, ELBOs, epochs).
    public let training: [String: Double]
    /// Evaluation measures (accuracy, likelihood, sample measures).
    public let evaluation: [String: Double]

    enum CodingKeys: String, CodingKey {
        case kind, model, settings, seed, training, evaluation
        case nTrain = "n_train", nTest = "n_test"
    }
}

// MARK: compute

public enum DeepStudies {
    /// Model settings with the study's seed unless they name their own.
    static func seeded(_ s: [String: SettingValue], _ seed: UInt64) -> [String: SettingValue] {
        var out = s
        if out["seed"] == nil { out["seed"] = .integer(Int(truncatingIfNeeded: seed & 0x7FFF_FFFF_FFFF_FFFF)) }
        return out
    }

    static func normalRows(_ n: Int, _ d: Int, _ rng: inout SeededRandom) -> Matrix {
        Matrix(rows: n, cols: d, data: (0..<(n * d)).map { _ in rng.normal() })
    }

    /// Trains a VAE (`settings.vaePlane` when `plane`, else `settings.vae`) on the
    /// training digits, the test digits as validation.
    public static func computeVAE(_ d: DigitsData, settings s: DeepStudySettings, plane: Bool,
                                  seed: UInt64) throws -> VAEArtifact {
        var vae = try VariationalAutoencoder(settings: Settings(model: VariationalAutoencoder.displayName,
                                                                seeded(plane ? s.vaePlane : s.vae, seed)))
        // Snapshots for the scrubber (not of the plane VAE): decoded from fixed latent points drawn from
        // their own stream, on the copy of the model `onEpoch` sees, so the training is untouched.
        var epochSamples = [GANSnapshot]()
        let every = plane ? 0 : s.vaeScrubEvery, lastEpoch = vae.epochs
        var epochNoise = SeededRandom(seed: seed, stream: "deep/vae\(vae.latentDimension)/epoch-noise")
        let fixedZ = normalRows(20, vae.latentDimension, &epochNoise)
        try vae.fit(d.train, validation: d.test) { epoch, m in
            guard every > 0, epoch == 1 || epoch % every == 0 || epoch == lastEpoch else { return }
            epochSamples.append(GANSnapshot(epoch: epoch, images: m.decode(fixedZ)))
        }
        let L = vae.latentDimension
        let tag = "deep/vae\(L)"
        var r = SeededRandom(seed: seed, stream: "\(tag)/samples")
        let samples = vae.sample(100, using: &r)
        var j = SeededRandom(seed: seed, stream: "\(tag)/judge")
        let judge = vae.sample(s.judgeSamples, using: &j)
        let draws = 10
        var e = SeededRandom(seed: seed, stream: "\(tag)/elbo")
        let elbo = vae.elbo(d.test, draws: draws, using: &e)
        var b = SeededRandom(seed: seed, stream: "\(tag)/bound")
        let bound = vae.importanceWeightedBound(d.test, samples: s.boundSamples, using: &b)
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(max(v.count, 1)) }

        var latent = [PlotPoint](), manifold: Matrix? = nil
        var walk: Matrix? = nil, walkSide = 0, walkExtent = 0.0
        if L == 2 {
            let z = vae.encode(d.test)
            latent = (0..<z.rows).map { PlotPoint(x: z[$0, 0], y: z[$0, 1], label: d.testLabels[$0]) }
            let n = s.manifoldSide, ext = s.manifoldExtent
            var grid = Matrix(rows: n * n, cols: 2)
            for row in 0..<n {
                for col in 0..<n {
                    grid[row * n + col, 0] = n > 1 ? -ext + 2 * ext * Double(col) / Double(n - 1) : 0
                    grid[row * n + col, 1] = n > 1 ? ext - 2 * ext * Double(row) / Double(n - 1) : 0
                }
            }
            manifold = vae.decode(grid)
            // The walk: decoding only reads the trained decoder (no random draws), so it changes nothing else.
            walkExtent = latentExtent(latent)
            walkSide = s.latentWalkSide
            walk = vae.decode(walkGrid(side: walkSide, extent: walkExtent))
        }
        // Pairs of test digits of different classes, each the test digit nearest its
        // class's mean test image (a typical example, not a random oddity).
        let pairClasses = [(0, 6), (1, 7), (3, 8), (4, 9), (2, 5), (5, 6), (7, 9), (0, 8)]
        func typical(_ c: Int) -> Int? {
            let idx = d.testLabels.indices.filter { d.testLabels[$0] == c }
            guard !idx.isEmpty else { return nil }
            let centre = d.test.rows(idx).columnMeans()
            return idx.min { a, b in
                zip(d.test.row(a), centre).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                    < zip(d.test.row(b), centre).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }
        }
        var interpolations = [VAEArtifact.Interpolation]()
        for (a, bb) in pairClasses.prefix(s.interpolationPairs) {
            guard let i = typical(a), let k = typical(bb) else { continue }
            let z = vae.encode(d.test.rows([i, k]))
            let steps = max(2, s.interpolationSteps)
            var path = Matrix(rows: steps, cols: L)
            for t in 0..<steps {
                let w = Double(t) / Double(steps - 1)
                for c in 0..<L { path[t, c] = (1 - w) * z[0, c] + w * z[1, c] }
            }
            interpolations.append(.init(fromLabel: a, toLabel: bb, from: d.test.row(i), to: d.test.row(k), path: vae.decode(path)))
        }
        return VAEArtifact(settings: vae.settings, latentDimension: L, nTrain: d.train.rows, nTest: d.test.rows, seed: seed,
                           trainELBO: vae.trainELBO, testELBO: vae.testELBO, finalTestELBO: mean(elbo), elboDraws: draws,
                           testImportanceBound: mean(bound), boundSamples: s.boundSamples, samples: samples,
                           judgeSamples: judge, latent: latent, manifold: manifold, manifoldSide: s.manifoldSide,
                           manifoldExtent: s.manifoldExtent, walk: walk, walkSide: walkSide, walkExtent: walkExtent,
                           epochSamples: epochSamples, interpolations: interpolations)
    }

    /// The half-width of the latent-plane figure's square ranges: the largest |coordinate| plus 8 %.
    static func latentExtent(_ latent: [PlotPoint]) -> Double {
        max(latent.map { abs($0.x) }.max() ?? 1, latent.map { abs($0.y) }.max() ?? 1) * 1.08
    }

    /// The latent walk's points: the centres of a side × side grid of cells over [−extent, extent]²,
    /// row-major from the top-left (z₂ falls down the rows, as on the figure).
    static func walkGrid(side n: Int, extent m: Double) -> Matrix {
        var grid = Matrix(rows: n * n, cols: 2)
        for row in 0..<n { for col in 0..<n {
            grid[row * n + col, 0] = walkCentre(col, side: n, extent: m)
            grid[row * n + col, 1] = -walkCentre(row, side: n, extent: m)
        } }
        return grid
    }

    /// The centre of cell i of n across [−m, m], from the left.
    static func walkCentre(_ i: Int, side n: Int, extent m: Double) -> Double {
        -m + 2 * m * (Double(i) + 0.5) / Double(n)
    }

    /// Trains the digit GAN, keeping samples from fixed noise at `settings.ganSnapshots`.
    public static func computeGAN(_ d: DigitsData, settings s: DeepStudySettings, seed: UInt64) throws -> GANArtifact {
        var gan = try GenerativeAdversarialNetwork(settings: Settings(model: GenerativeAdversarialNetwork.displayName,
                                                                      seeded(s.gan, seed)))
        var fixed = SeededRandom(seed: seed, stream: "deep/gan/fixed-noise")
        let z = normalRows(10, gan.noiseDimension, &fixed)
        var snapshots = [GANSnapshot]()
        let keep = Set(s.ganSnapshots + [gan.epochs])
        try gan.fit(d.train) { epoch, m in
            if keep.contains(epoch) { snapshots.append(GANSnapshot(epoch: epoch, images: m.generate(z))) }
        }
        var r = SeededRandom(seed: seed, stream: "deep/gan/samples")
        let samples = gan.sample(100, using: &r)
        var j = SeededRandom(seed: seed, stream: "deep/gan/judge")
        return GANArtifact(settings: gan.settings, nTrain: d.train.rows, seed: seed,
                           discriminatorLoss: gan.discriminatorLoss, generatorLoss: gan.generatorLoss,
                           snapshots: snapshots, samples: samples, judgeSamples: gan.sample(s.judgeSamples, using: &j))
    }

    /// Trains a GAN on the ring of Gaussians under the collapsing and the covering settings.
    public static func computeRing(settings s: DeepStudySettings, seed: UInt64) throws -> RingArtifact {
        let spec = s.ring
        let data = Synthetic.ringOfGaussians(n: spec.n, modes: spec.modes, radius: spec.radius, std: spec.std, seed: seed)
        let centres = Synthetic.ringCentres(modes: spec.modes, radius: spec.radius)
        func run(_ name: String, _ settings: [String: SettingValue]) throws -> RingRun {
            var ms = seeded(settings, seed)
            if ms["output"] == nil { ms["output"] = .text("identity") }
            var gan = try GenerativeAdversarialNetwork(settings: Settings(model: GenerativeAdversarialNetwork.displayName, ms))
            var checkpoints = [RingRun.Checkpoint](), scrub = [RingRun.Checkpoint]()
            let keep = Set(spec.checkpoints + [gan.epochs])
            let every = spec.scrubEvery, lastEpoch = gan.epochs   // read before fit: the closure must not touch `gan`
            // `m` is a copy of the model after the epoch: sampling from it (with its own noise stream)
            // cannot change the training.
            try gan.fit(data.x) { epoch, m in
                let scrubbed = every > 0 && (epoch == 1 || epoch % every == 0 || epoch == lastEpoch)
                guard keep.contains(epoch) || scrubbed else { return }
                var r = SeededRandom(seed: seed, stream: "deep/ring/samples")   // the same noise at every checkpoint
                let x = m.sample(spec.samples, using: &r)
                let c = SampleQuality.modeCoverage(x, centres: centres, radius: 3 * spec.std, minShare: spec.minShare)
                let cp = RingRun.Checkpoint(epoch: epoch, samples: (0..<x.rows).map { PlotPoint(x: x[$0, 0], y: x[$0, 1], label: -1) },
                                            coverage: c)
                if keep.contains(epoch) { checkpoints.append(cp) }
                if scrubbed { scrub.append(cp) }
            }
            return RingRun(name: name, settings: gan.settings, checkpoints: checkpoints,
                           discriminatorLoss: gan.discriminatorLoss, generatorLoss: gan.generatorLoss, scrub: scrub)
        }
        return RingArtifact(spec: spec, seed: seed,
                            data: (0..<data.x.rows).map { PlotPoint(x: data.x[$0, 0], y: data.x[$0, 1], label: data.y[$0]) },
                            centres: (0..<centres.rows).map { PlotPoint(x: centres[$0, 0], y: centres[$0, 1], label: $0) },
                            collapse: try run("collapse", s.ringCollapse), cover: try run("cover", s.ringCover))
    }

    /// Fits a Gaussian mixture per digit class: samples, accuracy and exact log-likelihood.
    public static func computeGMM(_ d: DigitsData, settings s: DeepStudySettings, seed: UInt64) throws -> GMMArtifact {
        var gmm = try GaussianMixtureClassifier(settings: Settings(model: GaussianMixtureClassifier.displayName, seeded(s.gmm, seed)))
        try gmm.fit(d.train, d.trainLabels, classCount: 10)
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(max(v.count, 1)) }
        var clipped = 0, total = 0
        func clip(_ m: Matrix) -> Matrix {
            var out = m
            for k in out.data.indices where out.data[k] < 0 || out.data[k] > 1 {
                out.data[k] = min(max(out.data[k], 0), 1); clipped += 1
            }
            total += m.data.count
            return out
        }
        var r = SeededRandom(seed: seed, stream: "deep/gmm/class-samples")
        var perClass = [Double]()
        for c in 0..<10 { perClass += gmm.sample(10, ofClass: c, using: &r).data }
        var j = SeededRandom(seed: seed, stream: "deep/gmm/judge")
        let drawn = gmm.sample(s.judgeSamples, using: &j)
        let judge = clip(drawn.x)
        let classSamples = Matrix(rows: 100, cols: 64, data: perClass)
        return GMMArtifact(settings: gmm.settings, nTrain: d.train.rows, nTest: d.test.rows, seed: seed,
                           testAccuracy: Metrics.accuracy(gmm.predictProba(d.test), d.testLabels),
                           testLogLikelihood: mean(gmm.logDensity(d.test)), trainLogLikelihood: mean(gmm.logDensity(d.train)),
                           componentsPerClass: gmm.componentsPerClass, classSamples: clipDisplay(classSamples),
                           judgeSamples: judge, judgeLabels: drawn.y, clippedShare: Double(clipped) / Double(max(total, 1)))
    }

    static func clipDisplay(_ m: Matrix) -> Matrix {
        var out = m
        for k in out.data.indices { out.data[k] = min(max(out.data[k], 0), 1) }
        return out
    }

    /// Trains the MLP classifier on the digits: accuracy, confusion, surest and worst answers.
    public static func computeMLP(_ d: DigitsData, settings s: DeepStudySettings, seed: UInt64) throws -> MLPArtifact {
        var mlp = try MLPClassifier(settings: Settings(model: MLPClassifier.displayName, seeded(s.mlp, seed)))
        try mlp.fit(d.train, d.trainLabels, classCount: 10)
        let p = mlp.predictProba(d.test)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        var right = [MLPArtifact.Example](), wrong = [MLPArtifact.Example]()
        for i in 0..<d.test.rows {
            let row = p.row(i)
            let k = Metrics.argmax(row)
            confusion[d.testLabels[i]][k] += 1
            let ex = MLPArtifact.Example(image: d.test.row(i), trueLabel: d.testLabels[i], predicted: k, probability: row[k])
            if k == d.testLabels[i] { right.append(ex) } else { wrong.append(ex) }
        }
        // Surest: one per class where possible, highest probability first (stable order on ties).
        let byConfidence = right.enumerated().sorted { ($0.element.probability, -$0.offset) > ($1.element.probability, -$1.offset) }.map(\.element)
        var confident = [MLPArtifact.Example](), seen = Set<Int>()
        for ex in byConfidence where !seen.contains(ex.trueLabel) { confident.append(ex); seen.insert(ex.trueLabel) }
        let confused = wrong.enumerated().sorted { ($0.element.probability, -$0.offset) > ($1.element.probability, -$1.offset) }
            .map(\.element).prefix(10)
        return MLPArtifact(settings: mlp.settings, nTrain: d.train.rows, nTest: d.test.rows, seed: seed,
                           testAccuracy: Metrics.accuracy(p, d.testLabels), testLogLoss: Metrics.logLoss(p, d.testLabels),
                           epochs: mlp.epochs, confusion: confusion, confident: Array(confident.prefix(10)),
                           confused: Array(confused), model: mlp)
    }

    /// The judging measures for each generator's samples and two reference sets: the
    /// held-out test digits and copies of training digits (a perfect memoriser).
    public static func computeJudging(_ d: DigitsData, vae: VAEArtifact, gan: GANArtifact, gmm: GMMArtifact,
                                      mlp: MLPArtifact, settings s: DeepStudySettings, seed: UInt64) throws -> JudgingArtifact {
        var linear = try LogisticRegression(settings: Settings(model: LogisticRegression.displayName, s.linearJudge))
        try linear.fit(d.train, d.trainLabels, classCount: 10)
        let testNN = SampleQuality.nearestNeighbours(of: d.test, in: d.train).distance
        let threshold = Special.quantile(testNN, 0.05)
        var copyRNG = SeededRandom(seed: seed, stream: "deep/judge/memoriser")
        let copies = d.train.rows((0..<s.judgeSamples).map { _ in copyRNG.index(below: d.train.rows) })
        func judge(_ name: String, _ short: String, _ kind: String, _ x: Matrix, _ ll: Double?, _ llKind: String,
                   distances: [Double]? = nil, drawn: [Int]? = nil) -> JudgedSet {
            let p = mlp.model.predictProba(x)
            var counts = [Double](repeating: 0, count: 10), conf = 0.0, agree = 0
            for i in 0..<x.rows {
                let row = p.row(i), k = Metrics.argmax(row)
                counts[k] += 1; conf += row[k]
                if let drawn, drawn[i] == k { agree += 1 }
            }
            let shares = counts.map { $0 / Double(max(x.rows, 1)) }
            let entropy = -shares.filter { $0 > 0 }.reduce(0) { $0 + $1 * log($1) }
            let nn = SampleQuality.nearestNeighbours(of: x, in: d.train)
            let dist = distances ?? nn.distance
            var linearAgree: Double? = nil
            if let drawn {
                let q = linear.predictProba(x)
                linearAgree = Double((0..<x.rows).filter { Metrics.argmax(q.row($0)) == drawn[$0] }.count) / Double(max(x.rows, 1))
            }
            let pairs = (0..<min(8, x.rows)).map { NearestPair(sample: x.row($0), nearest: d.train.row(nn.index[$0]), distance: nn.distance[$0]) }
            return JudgedSet(name: name, shortName: short, kind: kind, count: x.rows, meanConfidence: conf / Double(max(x.rows, 1)),
                             classShares: shares, classEvenness: entropy / log(10.0), nearestDistances: dist,
                             medianNearest: Special.quantile(dist, 0.5),
                             nearCopyShare: Double(dist.filter { $0 < threshold }.count) / Double(max(dist.count, 1)),
                             drawnClassAgreement: drawn.map { _ in Double(agree) / Double(max(x.rows, 1)) },
                             drawnClassAgreementLinear: linearAgree,
                             logLikelihood: ll, likelihoodKind: llKind, pairs: pairs)
        }
        let sets = [
            judge("VAE (latent \(vae.latentDimension))", "VAE", "vae", vae.judgeSamples, vae.testImportanceBound,
                  "lower bound (IWAE, k = \(vae.boundSamples)); ELBO \(NumberFormat.fixedOrNA(vae.finalTestELBO, 1))"),
            judge("GAN", "GAN", "gan", gan.judgeSamples, nil, "none: a GAN has no likelihood"),
            judge("Gaussian mixture per class", "Mixture", "gmm", gmm.judgeSamples, gmm.testLogLikelihood, "exact",
                  drawn: gmm.judgeLabels),
            judge("Held-out test digits", "Test digits", "data", d.test, nil, "reference", distances: testNN, drawn: d.testLabels),
            judge("Copies of training digits", "Copies", "data", copies, nil, "reference (a memoriser)"),
        ]
        return JudgingArtifact(sets: sets, copyThreshold: threshold, classifierAccuracy: mlp.testAccuracy,
                               vaeLatentDimension: vae.latentDimension,
                               linearJudgeAccuracy: Metrics.accuracy(linear.predictProba(d.test), d.testLabels))
    }

    /// The judging table: a header and one row per set of images.
    public static func judgingTable(_ j: JudgingArtifact) -> (header: [String], rows: [[String]]) {
        let header = ["Images", "Classifier confidence", "Digit evenness", "Classified as the digit drawn (MLP / logistic)",
                      "Median distance to nearest training digit", "Near-copies", "Test log-likelihood (nats/image)"]
        let rows = j.sets.map { s -> [String] in
            [s.name, NumberFormat.fixedOrNA(s.meanConfidence, 3), NumberFormat.fixedOrNA(s.classEvenness, 3),
             s.drawnClassAgreement.map { a in
                 "\(NumberFormat.percent(a)) / \(NumberFormat.percent(s.drawnClassAgreementLinear ?? .nan))" } ?? "—",
             NumberFormat.fixedOrNA(s.medianNearest, 2),
             NumberFormat.percent(s.nearCopyShare),
             s.logLikelihood.map { "\(NumberFormat.fixedOrNA($0, 1)) (\(s.likelihoodKind))" } ?? "— (\(s.likelihoodKind))"]
        }
        return (header, rows)
    }

    /// What each measure misses, for the page's text.
    public static let measureCaveats: [String: String] = [
        "Classifier confidence": "rewards images the classifier finds typical, including exact copies of training digits, and depends on the judge: noise it never saw can push it to a confident wrong answer",
        "Digit evenness": "sees only which digit the classifier picks, not variety within a digit: a generator that repeats one image of each digit scores a perfect 1",
        "Median distance to nearest training digit": "low can mean good samples or copies; high can mean novelty or garbage — it needs the test → train row beside it",
        "Classified as the digit drawn": "exists only for a generator that knows which digit it drew (the mixture), and depends on the judge: the MLP, which standardises every pixel, reads faint noise on pixels that are almost always blank as strong evidence and misreads most mixture samples a person reads easily, while a logistic regression on raw pixels agrees with nearly all of them",
        "Near-copies": "catches copying only within the 5 % quantile of test → train distances; a lightly altered copy slips through",
        "Test log-likelihood": "only models with a likelihood report it; the VAE's number is a lower bound on a Bernoulli likelihood of grey levels and the mixture's a Gaussian density, so the two are not on one scale — and a high likelihood does not guarantee good-looking samples",
    ]

    /// metrics.json rows for the deep models.
    public static func metricsEntries(vaes: [VAEArtifact], gan: GANArtifact, gmm: GMMArtifact, mlp: MLPArtifact,
                                      judging: JudgingArtifact?) -> [DeepMetricsEntry] {
        func sample(_ kind: String) -> [String: Double] {
            guard let s = judging?.sets.first(where: { $0.kind == kind }) else { return [:] }
            return ["sample_mean_confidence": s.meanConfidence, "sample_class_evenness": s.classEvenness,
                    "sample_median_nearest_train_distance": s.medianNearest, "sample_near_copy_share": s.nearCopyShare]
        }
        var out = vaes.map { v in
            DeepMetricsEntry(kind: "vae", model: "VAE, latent \(v.latentDimension)", settings: v.settings, seed: v.seed,
                             nTrain: v.nTrain, nTest: v.nTest,
                             training: ["epochs": Double(v.trainELBO.count), "final_train_elbo": v.trainELBO.last ?? .nan,
                                        "final_test_elbo_one_draw": v.testELBO.last ?? .nan],
                             evaluation: ["test_elbo": v.finalTestELBO, "test_iwae_bound": v.testImportanceBound]
                                .merging(v.latentDimension == judging?.vaeLatentDimension ? sample("vae") : [:]) { a, _ in a })
        }
        out.append(DeepMetricsEntry(kind: "gan", model: "GAN", settings: gan.settings, seed: gan.seed, nTrain: gan.nTrain, nTest: 0,
                                    training: ["epochs": Double(gan.generatorLoss.count),
                                               "final_discriminator_loss": gan.discriminatorLoss.last ?? .nan,
                                               "final_generator_loss": gan.generatorLoss.last ?? .nan],
                                    evaluation: sample("gan")))
        out.append(DeepMetricsEntry(kind: "gmm", model: GaussianMixtureClassifier.displayName, settings: gmm.settings, seed: gmm.seed,
                                    nTrain: gmm.nTrain, nTest: gmm.nTest,
                                    training: ["train_log_likelihood": gmm.trainLogLikelihood],
                                    evaluation: ["test_accuracy": gmm.testAccuracy, "test_log_likelihood": gmm.testLogLikelihood,
                                                 "clipped_pixel_share": gmm.clippedShare].merging(sample("gmm")) { a, _ in a }))
        out.append(DeepMetricsEntry(kind: "mlp", model: MLPClassifier.displayName, settings: mlp.settings, seed: mlp.seed,
                                    nTrain: mlp.nTrain, nTest: mlp.nTest, training: ["epochs": Double(mlp.epochs)],
                                    evaluation: ["test_accuracy": mlp.testAccuracy, "test_log_loss": mlp.testLogLoss]))
        return out
    }
}

// MARK: figures

extension DeepStudies {
    static let vaeColor = Color(hex: 0x0072B2), ganColor = Color(hex: 0xD55E00), gmmColor = Color(hex: 0x009E73)
    static let dataColor = Color(hex: 0x333333)

    static func image(_ pixels: [Double]) -> GreyImage { GreyImage(width: 8, height: 8, pixels: pixels) }
    static func cells(_ m: Matrix) -> [ImageCell] { (0..<m.rows).map { ImageCell(image: image(m.row($0))) } }
    static func f(_ v: Double, _ d: Int = 1) -> String { NumberFormat.fixedOrNA(v, d) }

    static func settingsText(_ s: [String: SettingValue]) -> String {
        s.keys.sorted().map { "\($0)=\(s[$0]!)" }.joined(separator: ", ")
    }

    static func figure(_ name: String, _ png: RenderedFigure, _ figures: FigureSettings, title: String, alt: String, caption: String,
                       provenance: [ProvenanceItem]) -> FigureArtifact {
        FigureArtifact(path: "figures/deep--\(name).png", rendered: png, width: figures.width, height: figures.height,
                       title: title, alt: alt, caption: caption, provenance: provenance, metrics: nil,
                       numbers: "\"deep\", one entry per model")
    }

    static func provenance(_ v: VAEArtifact) -> [ProvenanceItem] {
        [.init(name: "Data", value: "digits.csv, 8 × 8 grey levels scaled to [0, 1]; \(v.nTrain) train / \(v.nTest) test digits, stratified split"),
         .init(name: "Model", value: "VAE: Gaussian encoder, Bernoulli decoder, ELBO by the reparameterisation trick, Adam"),
         .init(name: "Settings", value: settingsText(v.settings)),
         .init(name: "Test ELBO", value: "\(f(v.finalTestELBO)) nats/image (\(v.elboDraws) draws); IWAE bound \(f(v.testImportanceBound)) (k = \(v.boundSamples))"),
         .init(name: "Seed", value: "\(v.seed)")]
    }

    static func provenance(_ g: GANArtifact) -> [ProvenanceItem] {
        [.init(name: "Data", value: "digits.csv, 8 × 8 grey levels scaled to [0, 1]; \(g.nTrain) training digits"),
         .init(name: "Model", value: "GAN: MLP generator (ReLU, sigmoid output) and discriminator (leaky ReLU), non-saturating loss, Adam"),
         .init(name: "Settings", value: settingsText(g.settings)),
         .init(name: "Seed", value: "\(g.seed)")]
    }

    /// The first 100 rows of `samples` as a 10 × 10 grid of digit images.
    static func hundredSamples(_ samples: Matrix, title: String, subtitle: String, footnote: String,
                               figures: FigureSettings) -> ImageGrid {
        var grid = ImageGrid(title: title, subtitle: subtitle, rows: 10, columns: 10,
                             cells: cells(samples.rows(Array(0..<min(100, samples.rows)))))
        grid.width = figures.width; grid.height = figures.height
        grid.footnote = footnote
        return grid
    }

    // VAE

    public static func renderVAESamples(_ v: VAEArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let grid = hundredSamples(v.samples, title: "100 new digits from a VAE (latent dimension \(v.latentDimension))",
                                  subtitle: "z ~ N(0, I), then the decoder's pixel means · test ELBO \(f(v.finalTestELBO)) nats/image",
                                  footnote: "No image here is in the data: each is decoded from a random point of the latent space.",
                                  figures: figures)
        return figure("vae\(v.latentDimension)--samples", try grid.render(formats: figures.formats), figures, title: grid.title,
                      alt: "A 10 by 10 grid of 8 by 8 digit images generated by a variational autoencoder with a \(v.latentDimension)-dimensional latent space",
                      caption: "Each image is the decoder's output for a random latent point z drawn from the prior N(0, I). They are pixel probabilities (means), which is why they look soft.",
                      provenance: provenance(v))
    }

    public static func renderVAELatent(_ v: VAEArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let fig = try latentScatter(v, figures: figures)
        return figure("vae-latent", try fig.render(formats: figures.formats), figures, title: fig.title,
                      alt: "Scatter of \(v.latent.count) test digits at their 2-D latent codes, each drawn as its digit in a class colour; digits of one class cluster together",
                      caption: "The encoder maps each image to a point of the plane. It never saw a label, yet digits of the same class land near each other.",
                      provenance: provenance(v))
    }

    /// The latent-plane scatter, for its own figure and as the still of the latent walk.
    static func latentScatter(_ v: VAEArtifact, figures: FigureSettings) throws -> LabelScatter {
        guard v.latentDimension == 2 else { throw PipelineError("the latent-plane figure needs the 2-D VAE, got latent dimension \(v.latentDimension)") }
        let m = latentExtent(v.latent)
        var fig = LabelScatter(title: "Where the VAE puts the test digits: its 2-D latent space",
                               subtitle: "each digit drawn at its encoder mean μ(x) · \(v.latent.count) test digits never seen in training",
                               xLabel: "z₁", yLabel: "z₂", points: v.latent, glyphs: DigitsData.classNames,
                               classNames: DigitsData.classNames.map { "digit \($0)" }, xRange: -m...m, yRange: -m...m)
        fig.width = figures.width; fig.height = figures.height
        fig.note = "No labels were used in training: the classes separate because different digits look different."
        return fig
    }

    /// What the latent walk's script reads: the plot area to map the pointer through, the grid's
    /// coordinate labels, the decoded digits (8-bit grey levels, base64) and the nearest test digit per cell.
    struct LatentWalkPayload: Codable, Equatable {
        /// Figure size and plot area (x, y, width, height) in the figure's 1× pixels.
        let size: [Int]
        let plot: [Double]
        /// The plot's ranges: [−extent, extent] on both axes.
        let extent: Double
        let side: Int
        /// Pixels per image side (8).
        let digit: Int
        /// Readout text of each column's z₁ and each row's z₂ (rows from the top).
        let z1: [String]
        let z2: [String]
        /// side² × digit² bytes, row-major cells, each image row-major: round(255 × pixel mean).
        let images: String
        /// Per cell, the class of the test digit encoded nearest its centre ("0"…"9").
        let nearest: String
    }

    /// The readout of the cell in column `col`, row `row`, exactly as the script writes it.
    static func walkReadout(_ p: LatentWalkPayload, col: Int, row: Int) -> [String: String] {
        let k = row * p.side + col
        let near = p.nearest[p.nearest.index(p.nearest.startIndex, offsetBy: k)]
        return ["z": "z₁ = \(p.z1[col]), z₂ = \(p.z2[row])", "nearest": "nearest test digit: \(near)"]
    }

    /// The latent-plane scatter with the latent walk: the pointer or the arrow keys pick a cell, the
    /// script draws the digit the decoder made at its centre.
    public static func renderVAEWalk(_ v: VAEArtifact, figures: FigureSettings) throws -> FigureArtifact {
        guard let walk = v.walk, v.walkSide > 0 else { throw PipelineError("the latent walk needs the 2-D VAE") }
        let fig = try latentScatter(v, figures: figures)
        let n = v.walkSide, m = v.walkExtent
        let area = fig.plotArea
        var bytes = [UInt8](), nearest = ""
        bytes.reserveCapacity(walk.data.count)
        for p in walk.data { bytes.append(UInt8(min(max((p * 255).rounded(), 0), 255))) }
        for row in 0..<n { for col in 0..<n {
            let z1 = walkCentre(col, side: n, extent: m), z2 = -walkCentre(row, side: n, extent: m)
            var best = -1, bestD = Double.infinity
            for (i, p) in v.latent.enumerated() {
                let d = (p.x - z1) * (p.x - z1) + (p.y - z2) * (p.y - z2)
                if d < bestD { bestD = d; best = i }
            }
            nearest += best >= 0 ? String(v.latent[best].label) : "?"
        } }
        let labels = (0..<n).map { f(walkCentre($0, side: n, extent: m), 2) }
        let payload = LatentWalkPayload(size: [fig.width, fig.height], plot: [area.x, area.y, area.width, area.height], extent: m,
                                        side: n, digit: DigitsData.side, z1: labels, z2: labels.reversed(),
                                        images: Data(bytes).base64EncodedString(), nearest: nearest)
        let cells = [(n / 2, n / 2), (0, 0), (n - 1, n - 1), (n / 4, (3 * n) / 4)]
        let samples = cells.map { col, row in
            ExplorableSample(x: [walkCentre(col, side: n, extent: m), -walkCentre(row, side: n, extent: m)],
                             readout: walkReadout(payload, col: col, row: row))
        }
        var out = figure("vae-walk", try fig.render(formats: figures.formats), figures, title: fig.title,
                         alt: "Scatter of \(v.latent.count) test digits at their 2-D latent codes; pointing at the plane shows the digit the decoder draws there",
                         caption: "Point anywhere on the plane (or focus the figure and use the arrow keys): below it is the digit the decoder draws at that latent point, one of \(n) × \(n) points decoded by this build. Between the clusters the digits blend.",
                         provenance: provenance(v) + [.init(name: "Latent walk", value: "\(n) × \(n) cell centres over [−\(f(m, 2)), \(f(m, 2))]², each decoded to its pixel means (8-bit)")])
        out.explorable = try Explorable(kind: .latent, id: "vae-walk", payload: payload, count: n * n, samples: samples)
        return out
    }

    /// What the VAE scrubber's script reads: per snapshot the 20 decoded digits (8-bit, base64) and the readout.
    struct VAEEpochsPayload: Codable, Equatable {
        struct Frame: Codable, Equatable {
            let images: String
            let readout: [String: String]
        }
        let type: String
        let label: String
        let digit: Int
        let columns: Int
        let frames: [Frame]
    }

    static func bytes(_ m: Matrix) -> String {
        Data(m.data.map { UInt8(min(max(($0 * 255).rounded(), 0), 255)) }).base64EncodedString()
    }

    /// The VAE's digits from the same latent points as it trains: the still shows a few epochs as rows;
    /// the scrubber draws any snapshot's 20 digits under it with that epoch's train and test ELBO.
    public static func renderVAEEpochs(_ v: VAEArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let snaps = v.epochSamples
        guard let lastSnap = snaps.last else { throw PipelineError("the VAE scrubber has no snapshots: set deep.vae_scrub_every") }
        let n = snaps.count
        let rows = Array(Set([0, n / 4, n / 2, (3 * n) / 4, n - 1])).sorted()
        let cols = min(10, lastSnap.images.rows)
        func elbo(_ e: Int) -> (Double, Double) { (v.trainELBO[e - 1], v.testELBO[e - 1]) }
        var grid = ImageGrid(title: "The VAE's digits as it trains",
                             subtitle: "each row: the same \(cols) latent points z decoded after one epoch · latent dimension \(v.latentDimension)",
                             rows: rows.count, columns: cols,
                             cells: rows.flatMap { cells(snaps[$0].images.rows(Array(0..<cols))) })
        grid.rowLabels = rows.map { "epoch \(snaps[$0].epoch)" }
        // As tall as the rows need, not the site's default height.
        var figures = figures
        figures.height = min(figures.height, Int((Double(figures.width) * (0.18 + 0.085 * Double(rows.count))).rounded()))
        grid.width = figures.width; grid.height = figures.height
        let frames = snaps.map { s -> VAEEpochsPayload.Frame in
            let (tr, te) = elbo(s.epoch)
            return .init(images: bytes(s.images),
                         readout: ["step": "epoch \(s.epoch) of \(lastSnap.epoch)",
                                   "train": "train ELBO \(f(tr, 1)) nats per image", "test": "test ELBO \(f(te, 1)) nats per image"])
        }
        let payload = VAEEpochsPayload(type: "vae", label: "Epoch", digit: DigitsData.side, columns: 10, frames: frames)
        var sampleFrames = [0]
        for i in [n / 2, n - 1] where !sampleFrames.contains(i) { sampleFrames.append(i) }
        let samples = sampleFrames.map { ExplorableSample(x: [Double($0)], readout: frames[$0].readout) }
        let (tr0, te0) = elbo(snaps[0].epoch), (tr1, te1) = elbo(lastSnap.epoch)
        var out = figure("vae\(v.latentDimension)--epochs", try grid.render(formats: figures.formats), figures, title: grid.title,
                         alt: "Rows of VAE digits decoded from the same latent points at epochs \(rows.map { String(snaps[$0].epoch) }.joined(separator: ", ")): blurry blobs become digits",
                         caption: "Scrub through \(n) snapshots or press play: below, \(lastSnap.images.rows) digits decoded from the same latent points at that epoch, with the ELBO then. Test ELBO \(f(te0, 1)) after epoch \(snaps[0].epoch), \(f(te1, 1)) after epoch \(lastSnap.epoch) (train \(f(tr0, 1)) → \(f(tr1, 1))).",
                         provenance: provenance(v) + [.init(name: "Snapshots", value: "epochs \(snaps.prefix(3).map { String($0.epoch) }.joined(separator: ", "))\(n > 3 ? ", …" : ""), \(lastSnap.epoch): \(lastSnap.images.rows) latent points drawn once from their own seeded stream, decoded by a copy of the model after the epoch")])
        out.explorable = try Explorable(kind: .training, id: "vae-epochs", payload: payload, count: n, samples: samples)
        return out
    }

    public static func renderVAEManifold(_ v: VAEArtifact, figures: FigureSettings) throws -> FigureArtifact {
        guard let manifold = v.manifold else { throw PipelineError("the manifold figure needs the 2-D VAE") }
        let e = f(v.manifoldExtent)
        var grid = ImageGrid(title: "The decoded latent plane: one image per grid point",
                             subtitle: "\(v.manifoldSide) × \(v.manifoldSide) points evenly spaced on [−\(e), \(e)]², each decoded to its pixel means",
                             rows: v.manifoldSide, columns: v.manifoldSide, cells: cells(manifold))
        grid.gap = 0.08
        grid.width = figures.width; grid.height = figures.height
        grid.xAxisLabel = "z₁ from −\(e) (left) to \(e) (right)"
        grid.yAxisLabel = "z₂ from \(e) (top) to −\(e)"
        return figure("vae-manifold", try grid.render(formats: figures.formats), figures, title: grid.title,
                      alt: "A seamless grid of decoded digit images over the 2-D latent plane; the digits morph smoothly from one class into another",
                      caption: "Walking across the latent plane changes the decoded digit gradually: the model has learned a continuous space of digit shapes, with blends between classes at the borders.",
                      provenance: provenance(v))
    }

    public static func renderVAEInterpolations(_ v: VAEArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let steps = v.interpolations.first?.path.rows ?? 0
        var cells = [ImageCell]()
        for p in v.interpolations {
            cells.append(ImageCell(image: image(p.from), frame: dataColor))
            for t in 0..<p.path.rows { cells.append(ImageCell(image: image(p.path.row(t)))) }
            cells.append(ImageCell(image: image(p.to), frame: dataColor))
        }
        var grid = ImageGrid(title: "Interpolating between test digits in the VAE's latent space",
                             subtitle: "left and right: real test digits (framed) · between: decoded points on the straight line from μ(left) to μ(right)",
                             rows: v.interpolations.count, columns: steps + 2, cells: cells)
        grid.rowLabels = v.interpolations.map { "\($0.fromLabel) → \($0.toLabel)" }
        grid.columnLabels = ["real"] + (0..<steps).map { "t=\(f(Double($0) / Double(max(steps - 1, 1)), 2))" } + ["real"]
        grid.width = figures.width; grid.height = figures.height
        return figure("vae\(v.latentDimension)--interpolations", try grid.render(formats: figures.formats), figures, title: grid.title,
                      alt: "Rows of digit images morphing from one test digit to another through decoded latent points",
                      caption: "Each row encodes two test digits, walks the straight line between their latent means and decodes every step. The path passes through plausible digits rather than a double exposure of the two ends.",
                      provenance: provenance(v))
    }

    public static func renderELBO(_ vaes: [VAEArtifact], figures: FigureSettings) throws -> FigureArtifact {
        let colors = [vaeColor, Color(hex: 0xCC79A7), Color(hex: 0xE69F00)]
        var series = [Series]()
        for (i, v) in vaes.enumerated() {
            let x = (1...max(v.trainELBO.count, 1)).map(Double.init)
            series.append(Series(label: "train, latent \(v.latentDimension)", x: x, y: v.trainELBO, color: colors[i % 3], markers: false))
            series.append(Series(label: "test, latent \(v.latentDimension)", x: x, y: v.testELBO, color: colors[i % 3], dash: [6, 4], markers: false))
        }
        var chart = LineChart(title: "The evidence lower bound rises as the VAE trains",
                              subtitle: "mean ELBO per image (nats, higher is better) after each epoch; test digits are never trained on",
                              xLabel: "epoch (log scale)", yLabel: "ELBO (nats per image)", series: series)
        chart.logX = true
        chart.width = figures.width; chart.height = figures.height
        let last = vaes.map { "latent \($0.latentDimension): train \(f($0.trainELBO.last ?? .nan)), test \(f($0.testELBO.last ?? .nan))" }
        return figure("vae-elbo", try chart.render(formats: figures.formats), figures, title: chart.title,
                      alt: "Train and test ELBO per epoch for VAEs with latent dimensions \(vaes.map { String($0.latentDimension) }.joined(separator: " and ")); final values \(last.joined(separator: "; "))",
                      caption: "The ELBO bounds the model's log-likelihood from below. That likelihood is of a Bernoulli decoder, which treats each grey level as the probability of a pixel being on: it is not a density of these grey-level images, so compare ELBOs between models with the same decoder, not with the Gaussian mixture's log p(x). A gap opening between train and test would mean the model memorises its training digits; after the last epoch the test ELBO is \(vaes.map { "\(f(($0.trainELBO.last ?? .nan) - ($0.testELBO.last ?? .nan), 2)) (latent \($0.latentDimension))" }.joined(separator: " and ")) nats per image below the training ELBO, out of about \(f(-(vaes.first?.testELBO.last ?? .nan), 0)).",
                      provenance: vaes.flatMap { v in provenance(v).filter { $0.name == "Settings" }.map { ProvenanceItem(name: "Settings (latent \(v.latentDimension))", value: $0.value) } }
                        + [.init(name: "Final ELBO", value: last.joined(separator: " · "))])
    }

    // GAN

    public static func renderGANSamples(_ g: GANArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let grid = hundredSamples(g.samples, title: "100 new digits from a GAN",
                                  subtitle: "x = G(z), z ~ N(0, I) · generator weights averaged over training (decay \(g.settings["average_decay"]?.description ?? "0"))",
                                  footnote: "The generator never sees a training image: it learns only from the discriminator's gradient.",
                                  figures: figures)
        return figure("gan--samples", try grid.render(formats: figures.formats), figures, title: grid.title,
                      alt: "A 10 by 10 grid of 8 by 8 digit images generated by a GAN",
                      caption: "Each image is the generator's output for random noise. GAN samples are sharper than the VAE's means but can carry stray pixels. How evenly the ten digits come out, and how many samples look like real digits, is measured on the page that judges samples.",
                      provenance: provenance(g))
    }

    public static func renderGANEpochs(_ g: GANArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let cols = g.snapshots.first?.images.rows ?? 0
        var grid = ImageGrid(title: "The same noise through the GAN's generator as training goes on",
                             subtitle: "each row: G(z) for the same \(cols) noise vectors z at the end of one epoch",
                             rows: g.snapshots.count, columns: cols, cells: g.snapshots.flatMap { cells($0.images) })
        grid.rowLabels = g.snapshots.map { "epoch \($0.epoch)" }
        grid.width = figures.width; grid.height = figures.height
        // A row whose images are all nearly the same: the generator maps every noise vector to one
        // output. "Nearly" is relative: a row's RMS pixel difference between its images under
        // `collapseShare` of the most varied row's.
        let spread = g.snapshots.map { imageSpread($0.images) }
        let widest = spread.max() ?? 0
        let widestEpoch = zip(g.snapshots, spread).first { $0.1 == widest }.map { String($0.0.epoch) } ?? "?"
        let collapsedRows = zip(g.snapshots, spread).filter { $0.1 < collapseShare * widest }
        let collapsed = collapsedRows.map { String($0.0.epoch) }
        let story = collapsed.isEmpty
            ? "At every epoch shown, different noise gives visibly different images (the RMS pixel difference between a row's images is at least \(f(100 * collapseShare, 0)) % of its largest, \(f(widest, 2)) at epoch \(widestEpoch))."
            : "At epoch\(collapsed.count == 1 ? "" : "s") \(collapsed.joined(separator: ", ")) all \(cols) noise vectors give nearly the same image (RMS pixel difference between the row's images \(collapsedRows.map { f($0.1, 2) }.joined(separator: ", ")), against \(f(widest, 2)) at epoch \(widestEpoch)): the generator has collapsed onto one output there\(collapsed.last == g.snapshots.last.map { String($0.epoch) } ? ", and is still collapsed at the end" : ", and training pulled it out again")."
        return figure("gan--epochs", try grid.render(formats: figures.formats), figures, title: grid.title,
                      alt: "Rows of GAN samples at epochs \(g.snapshots.map { String($0.epoch) }.joined(separator: ", "))" + (collapsed.isEmpty ? "" : "; at epochs \(collapsed.joined(separator: ", ")) every image in the row is nearly the same"),
                      caption: "\(story) A column can change digit between rows: the game keeps moving.",
                      provenance: provenance(g))
    }

    public static func renderGANLosses(_ g: GANArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let x = (1...max(g.generatorLoss.count, 1)).map(Double.init)
        let ends = [x.first ?? 1, x.last ?? 1]
        var chart = LineChart(title: "GAN losses: a game, not a descent",
                              subtitle: "mean loss per epoch · dashed: the values when the discriminator can only guess (D = ½)",
                              xLabel: "epoch", yLabel: "loss (nats)",
                              series: [Series(label: "discriminator L_D", x: x, y: g.discriminatorLoss, color: Color(hex: 0x0072B2), markers: false),
                                       Series(label: "generator L_G", x: x, y: g.generatorLoss, color: ganColor, markers: false),
                                       Series(label: "L_D at D = ½: 2 log 2", x: ends, y: [2 * log(2.0), 2 * log(2.0)],
                                              color: Color(hex: 0x0072B2), dash: [5, 5], markers: false),
                                       Series(label: "L_G at D = ½: log 2", x: ends, y: [log(2.0), log(2.0)],
                                              color: ganColor, dash: [5, 5], markers: false)])
        chart.width = figures.width; chart.height = figures.height
        return figure("gan--losses", try chart.render(formats: figures.formats), figures, title: chart.title,
                      alt: "Discriminator and generator loss per epoch; neither falls steadily, final values D \(f(g.discriminatorLoss.last ?? .nan, 2)), G \(f(g.generatorLoss.last ?? .nan, 2))",
                      caption: "The two networks pull against each other, so neither loss falls steadily and neither says how good the samples are. Judge a GAN by its samples, not by these curves.",
                      provenance: provenance(g))
    }

    public static func renderRing(_ r: RingArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let runs = [r.collapse, r.cover]
        let cols = runs.map(\.checkpoints.count).max() ?? 0
        var panels = [ScatterPanel]()
        for run in runs {
            for k in 0..<cols {
                guard k < run.checkpoints.count else { panels.append(ScatterPanel(heading: "", points: [])); continue }
                let cp = run.checkpoints[k]
                let circles = r.centres.enumerated().map { i, c in
                    PanelCircle(x: c.x, y: c.y, radius: 3 * r.spec.std,
                                solid: Double(cp.coverage.counts[i]) >= r.spec.minShare * Double(r.spec.samples) && cp.coverage.counts[i] > 0)
                }
                panels.append(ScatterPanel(heading: "epoch \(cp.epoch): \(cp.coverage.covered)/\(r.spec.modes)",
                                           points: cp.samples, circles: circles))
            }
        }
        func lr(_ run: RingRun, _ key: String) -> String { run.settings[key]?.description ?? "?" }
        let ext = r.spec.radius + 1
        var fig = PanelScatter(title: "Two GAN runs on a ring of \(r.spec.modes) Gaussians",
                               subtitle: "red: \(r.spec.samples) samples (same noise each time) · grey: data · circles: 3σ around each mode, green when covered",
                               rows: 2, columns: cols, panels: panels, xRange: -ext...ext, yRange: -ext...ext)
        fig.rowLabels = ["Slow D\nD lr \(lr(r.collapse, "discriminator_learning_rate"))\nG lr \(lr(r.collapse, "learning_rate"))",
                         "Matched\nD lr \(lr(r.cover, "discriminator_learning_rate"))\nG lr \(lr(r.cover, "learning_rate"))"]
        fig.background = r.data
        fig.width = figures.width; fig.height = figures.height
        fig.footnote = "Headings: modes covered. A mode counts as covered when at least \(f(100 * r.spec.minShare, 0)) % of the samples fall within 3σ of it."
        let a = r.collapse.finalCoverage.covered, b = r.cover.finalCoverage.covered
        return figure("gan--ring", try fig.render(formats: figures.formats), figures, title: fig.title,
                      alt: "GAN samples on a ring of \(r.spec.modes) Gaussians at epochs \(r.cover.checkpoints.map { String($0.epoch) }.joined(separator: ", ")) under two settings: one ends covering \(a) of \(r.spec.modes) modes, the other \(b)",
                      caption: "Same data, same networks, same seed; only the discriminator's learning rate differs. With the slower discriminator the generator \(ringOutcome(r.collapse, r)); with matched rates it \(ringOutcome(r.cover, r)).",
                      provenance: ringProvenance(r) + [
                                   .init(name: "Modes covered at the end", value: "\(a) vs \(b) of \(r.spec.modes)"),
                                   .init(name: "Seed", value: "\(r.seed)")])
    }

    /// The provenance lines both ring figures share: the data and the two runs' settings.
    static func ringProvenance(_ r: RingArtifact) -> [ProvenanceItem] {
        [.init(name: "Data", value: "\(r.spec.n) points, \(r.spec.modes) Gaussians of σ = \(f(r.spec.std, 2)) on a circle of radius \(f(r.spec.radius, 1)), seeded"),
         .init(name: "Collapsing run", value: settingsText(r.collapse.settings)),
         .init(name: "Covering run", value: settingsText(r.cover.settings))]
    }

    /// What the ring scrubber's script reads: the two panels' areas, the background frame (empty panels),
    /// the data and each snapshot's samples (one byte per coordinate over the panels' range, 255 when
    /// outside it), which modes each run covers, and the readout text.
    struct RingScrubPayload: Codable, Equatable {
        struct Frame: Codable, Equatable {
            /// Per run (slow D, matched): base64 bytes, x and y interleaved.
            let samples: [String]
            /// Per run, per mode: covered at this snapshot.
            let covered: [[Bool]]
            let readout: [String: String]
        }
        let type: String
        let label: String
        let size: [Int]
        /// Per panel: x, y, side (figure 1× pixels).
        let panels: [[Double]]
        /// The data range of both axes of every panel.
        let range: [Double]
        /// Mode centres (data coordinates) and the 3σ radius in pixels.
        let centres: [[Double]]
        let radius: Double
        let background: [String: String]
        /// Per scheme: faint (data), point (samples), covered, uncovered.
        let colors: [String: [String: String]]
        let data: String
        let frames: [Frame]
    }

    /// One byte per coordinate over [lo, hi] (0…254), 255 for outside.
    static func quantised(_ points: [PlotPoint], lo: Double, hi: Double) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(2 * points.count)
        for p in points {
            let tx = (p.x - lo) / (hi - lo), ty = (p.y - lo) / (hi - lo)
            let inside = tx >= 0 && tx <= 1 && ty >= 0 && ty <= 1
            bytes.append(inside ? UInt8((tx * 254).rounded()) : 255)
            bytes.append(inside ? UInt8((ty * 254).rounded()) : 255)
        }
        return Data(bytes).base64EncodedString()
    }

    static func ringReadout(_ r: RingArtifact, collapse: RingRun.Checkpoint, cover: RingRun.Checkpoint, last: Int) -> [String: String] {
        func lr(_ run: RingRun) -> String { run.settings["discriminator_learning_rate"]?.description ?? "?" }
        return ["step": "epoch \(collapse.epoch) of \(last)",
                "collapse": "slow D (D lr \(lr(r.collapse))): \(collapse.coverage.covered) of \(r.spec.modes) modes covered",
                "cover": "matched (D lr \(lr(r.cover))): \(cover.coverage.covered) of \(r.spec.modes) modes covered"]
    }

    /// The two ring-of-8 GAN runs side by side, epoch by epoch: the still shows the last epoch; the
    /// script draws each snapshot's samples and covered modes into the empty panels of a background frame.
    public static func renderRingScrub(_ r: RingArtifact, figures all: FigureSettings) throws -> FigureArtifact {
        // Two square panels side by side: a shorter figure than the site's default wastes no rows.
        var figures = all
        figures.height = min(all.height, Int((Double(all.width) * 0.66).rounded()))
        let runs = [r.collapse, r.cover]
        let count = min(r.collapse.scrub.count, r.cover.scrub.count)
        guard count > 0 else { throw PipelineError("the ring scrubber has no snapshots: set deep.ring_scrub_every") }
        let last = r.collapse.scrub[count - 1].epoch
        let ext = r.spec.radius + 1
        func lr(_ run: RingRun) -> String { run.settings["discriminator_learning_rate"]?.description ?? "?" }
        let names = ["slow D (D lr \(lr(r.collapse)))", "matched (D lr \(lr(r.cover)))"]
        func covered(_ cp: RingRun.Checkpoint, _ i: Int) -> Bool {
            Double(cp.coverage.counts[i]) >= r.spec.minShare * Double(r.spec.samples) && cp.coverage.counts[i] > 0
        }
        func scrubFigure(_ k: Int?) -> PanelScatter {
            let panels = runs.enumerated().map { j, run -> ScatterPanel in
                guard let k else { return ScatterPanel(heading: names[j], points: []) }
                let cp = run.scrub[k]
                let circles = r.centres.enumerated().map { i, c in PanelCircle(x: c.x, y: c.y, radius: 3 * r.spec.std, solid: covered(cp, i)) }
                return ScatterPanel(heading: "\(names[j]) · epoch \(cp.epoch): \(cp.coverage.covered)/\(r.spec.modes)", points: cp.samples, circles: circles)
            }
            var fig = PanelScatter(title: "Two GAN runs on a ring of \(r.spec.modes) Gaussians, epoch by epoch",
                                   subtitle: "red: \(r.spec.samples) samples, same noise each time · grey: data · circles: 3σ, green when covered",
                                   rows: 1, columns: 2, panels: panels, xRange: -ext...ext, yRange: -ext...ext)
            if k != nil { fig.background = r.data }
            fig.width = figures.width; fig.height = figures.height
            fig.footnote = "A mode counts as covered when at least \(f(100 * r.spec.minShare, 0)) % of the samples fall within 3σ of it."
            return fig
        }
        let still = scrubFigure(count - 1), background = scrubFigure(nil)
        let id = "ring-scrub"
        var frames = [String: Data](), bgPaths = [String: String]()
        for (suffix, data) in try background.render(formats: [.png]).files {
            guard let key = ["@2x.png": "src_2x", "-dark.png": "src_dark", "-dark@2x.png": "src_dark_2x", ".png": "src"][suffix] else { continue }
            let path = "explore/\(id)-background\(suffix)"
            frames[path] = data; bgPaths[key] = path
        }
        bgPaths["alt"] = "Two empty panels over the ring of \(r.spec.modes) Gaussians; the script draws the chosen epoch's samples and covered modes"
        let areas = still.panelAreas
        let themes: [(String, Plotting.Theme)] = [("light", .light), ("dark", .dark)]
        var colors = [String: [String: String]]()
        for (name, t) in themes {
            colors[name] = ["faint": t.faint.cssHex, "point": t.adapt(still.pointColor).cssHex,
                            "covered": t.adapt(Color(hex: 0x1B7837)).cssHex, "uncovered": t.adapt(Color(hex: 0x777777)).cssHex]
        }
        var scrubFrames = [RingScrubPayload.Frame]()
        for k in 0..<count {
            let cps = runs.map { $0.scrub[k] }
            scrubFrames.append(.init(samples: cps.map { quantised($0.samples, lo: -ext, hi: ext) },
                                     covered: cps.map { cp in (0..<r.centres.count).map { covered(cp, $0) } },
                                     readout: ringReadout(r, collapse: cps[0], cover: cps[1], last: last)))
        }
        let payload = RingScrubPayload(type: "ring", label: "Epoch", size: [figures.width, figures.height],
                                       panels: areas.map { [$0.x, $0.y, $0.side] }, range: [-ext, ext],
                                       centres: r.centres.map { [$0.x, $0.y] }, radius: 3 * r.spec.std / (2 * ext) * areas[0].side,
                                       background: bgPaths, colors: colors, data: quantised(r.data, lo: -ext, hi: ext), frames: scrubFrames)
        var sampleFrames = [0]
        for i in [count / 2, count - 1] where !sampleFrames.contains(i) { sampleFrames.append(i) }
        let samples = sampleFrames.map { ExplorableSample(x: [Double($0)], readout: scrubFrames[$0].readout) }
        let a = r.collapse.scrub[count - 1].coverage.covered, b = r.cover.scrub[count - 1].coverage.covered
        let firstFull = runs.map { run in run.scrub.prefix(count).first { $0.coverage.covered == r.spec.modes }.map { "epoch \($0.epoch)" } ?? "never" }
        var out = figure("gan--ring-scrub", try still.render(formats: figures.formats), figures, title: still.title,
                         alt: "GAN samples on a ring of \(r.spec.modes) Gaussians at epoch \(last) under two settings: one covers \(a) of \(r.spec.modes) modes, the other \(b)",
                         caption: "Scrub through \(count) snapshots (epoch \(r.collapse.scrub[0].epoch) to \(last)) or press play, and watch where each generator puts its samples. First snapshot with all \(r.spec.modes) modes covered: slow D, \(firstFull[0]); matched, \(firstFull[1]).",
                         provenance: ringProvenance(r) + [
                                      .init(name: "Snapshots", value: "epoch 1 and every \(r.spec.scrubEvery) epochs, \(r.spec.samples) samples each from the same noise, taken from a copy of the model after the epoch"),
                                      .init(name: "Seed", value: "\(r.seed)")])
        out.explorable = try Explorable(kind: .training, id: id, payload: payload, count: count, frames: frames, samples: samples)
        return out
    }

    /// Below this share of the most varied row's RMS pixel difference, a row counts as one image repeated.
    static let collapseShare = 0.3

    /// The root-mean-square pixel difference between the images (rows) of a matrix, over all pairs.
    static func imageSpread(_ images: Matrix) -> Double {
        let n = images.rows, d = images.cols
        guard n > 1, d > 0 else { return 0 }
        var total = 0.0
        for i in 0..<n { for j in (i + 1)..<n {
            var s = 0.0
            for k in 0..<d { let t = images[i, k] - images[j, k]; s += t * t }
            total += (s / Double(d)).squareRoot()
        } }
        return total / Double(n * (n - 1) / 2)
    }

    /// What one ring run did by its last checkpoint, in words from its numbers.
    static func ringOutcome(_ run: RingRun, _ r: RingArtifact) -> String {
        let cp = run.checkpoints.last!
        let covered = cp.coverage.covered, modes = r.spec.modes
        // Share of samples within 3σ of some mode: on the ring at all?
        let near = cp.samples.filter { p in r.centres.contains { c in ((p.x - c.x) * (p.x - c.x) + (p.y - c.y) * (p.y - c.y)).squareRoot() <= 3 * r.spec.std } }.count
        let onRing = Double(near) / Double(max(cp.samples.count, 1))
        let everCovered = run.checkpoints.map(\.coverage.covered).max() ?? 0
        let share = "\(f(100 * onRing, 0)) % of its samples within 3σ of a mode"
        if covered == modes { return "covers all \(modes) modes at epoch \(cp.epoch) (\(share))" }
        if covered > 0 { return "covers only \(covered) of \(modes) modes at epoch \(cp.epoch) (\(share)): mode collapse" }
        if onRing < 0.5 {
            return "never settles on the data: it covers \(everCovered) of \(modes) modes at best, and at epoch \(cp.epoch) only \(share) — a failure to converge rather than a collapse onto some modes"
        }
        return "spreads its samples too thinly to cover any mode at epoch \(cp.epoch) (\(share))"
    }

    // Gaussian mixture and MLP

    public static func renderGMMSamples(_ g: GMMArtifact, figures: FigureSettings) throws -> FigureArtifact {
        var grid = ImageGrid(title: "Digits drawn from a Gaussian mixture per class",
                             subtitle: "row y: x ~ p(x | y), a \(g.settings["n_components"]?.description ?? "?")-component full-covariance mixture · test accuracy \(f(g.testAccuracy, 3)) · exact test log p(x) \(f(g.testLogLikelihood)) nats/image",
                             rows: 10, columns: 10, cells: cells(g.classSamples))
        grid.rowLabels = (0..<10).map { "digit \($0)" }
        grid.width = figures.width; grid.height = figures.height
        grid.footnote = "Pixel values are Gaussian, so \(f(100 * g.clippedShare, 0)) % of sampled values fall outside [0, 1] and are clipped for display."
        return figure("gmm--samples", try grid.render(formats: figures.formats), figures, title: grid.title,
                      alt: "Ten sampled digits for each class 0 to 9 from a per-class Gaussian mixture; the shapes are right but speckled with noise",
                      caption: "The classical generative model can both classify (by Bayes' rule) and draw. Its samples have the right shape but a Gaussian's speckle: it models each pixel's correlations, not strokes.",
                      provenance: [.init(name: "Data", value: "digits.csv scaled to [0, 1]; \(g.nTrain) train / \(g.nTest) test digits"),
                                   .init(name: "Model", value: "Gaussian mixture per class (EM), full covariance + reg_covar on the diagonal"),
                                   .init(name: "Settings", value: settingsText(g.settings)),
                                   .init(name: "Test accuracy", value: f(g.testAccuracy, 3)),
                                   .init(name: "Seed", value: "\(g.seed)")])
    }

    public static func renderMLP(_ m: MLPArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let names = DigitsData.classNames
        var panel = ClassifierPanel(
            title: "A neural network classifier: it can tell digits apart, and that is all",
            subtitle: "MLP, test accuracy \(f(m.testAccuracy, 3)) on \(m.nTest) held-out digits · hidden layers \(m.settings["hidden_layers"]?.description ?? "?")",
            confusion: ConfusionMatrix(counts: m.confusion, classNames: names),
            confident: m.confident.map { ImageCell(image: image($0.image), caption: "\($0.predicted) · \(f($0.probability, 3))") },
            confused: m.confused.map { ImageCell(image: image($0.image), caption: "\($0.trueLabel)→\($0.predicted) · \(f($0.probability, 2))",
                                                  frame: Color(hex: 0xB2182B)) },
            cannot: ["What it cannot do: draw a new digit.",
                     "It models P(y | x) only: give it an image and it returns ten probabilities.",
                     "It has no p(x), no distribution over images, so there is nothing to sample from.",
                     "To invent a digit a model must describe the images: the VAE, GAN and mixture do."])
        panel.width = figures.width; panel.height = figures.height
        return figure("mlp--classifier", try panel.render(formats: figures.formats), figures, title: panel.title,
                      alt: "Confusion matrix of an MLP on test digits (accuracy \(f(m.testAccuracy, 3))), its most confident correct digits and most confident mistakes, and an empty frame: it cannot generate",
                      caption: "A discriminative model answers one question, which digit is this, and answers it well. Asked for a new digit it has nothing to offer: it never modelled what digits look like.",
                      provenance: [.init(name: "Data", value: "digits.csv scaled to [0, 1]; \(m.nTrain) train / \(m.nTest) test digits, stratified 70/30"),
                                   .init(name: "Model", value: "MLP classifier: standardised inputs, ReLU, softmax, Adam"),
                                   .init(name: "Settings", value: settingsText(m.settings)),
                                   .init(name: "Test accuracy", value: f(m.testAccuracy, 3)),
                                   .init(name: "Test log-loss", value: f(m.testLogLoss, 3)),
                                   .init(name: "Seed", value: "\(m.seed)")])
    }

    // Judging

    static func judgingProvenance(_ j: JudgingArtifact) -> [ProvenanceItem] {
        [.init(name: "Judge", value: "the MLP classifier (test accuracy \(f(j.classifierAccuracy, 3))); second judge: logistic regression on raw pixels (test accuracy \(f(j.linearJudgeAccuracy, 3)))"),
         .init(name: "Distances", value: "Euclidean, pixels in [0, 1], to the nearest of the training digits"),
         .init(name: "Near-copy threshold", value: "\(f(j.copyThreshold, 2)) (5 % quantile of test → train distances)"),
         .init(name: "Samples per generator", value: "\(j.sets.first?.count ?? 0)")]
    }

    public static func renderNearest(_ j: JudgingArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let gens = j.sets.filter { $0.kind != "data" }
        let cols = gens.map(\.pairs.count).min() ?? 0
        var cells = [ImageCell](), labels = [String]()
        for g in gens {
            cells += g.pairs.prefix(cols).map { ImageCell(image: image($0.sample)) }
            cells += g.pairs.prefix(cols).map { ImageCell(image: image($0.nearest), caption: "d = \(f($0.distance, 2))", frame: dataColor) }
            labels += ["\(g.shortName) samples", "nearest training"]
        }
        var grid = ImageGrid(title: "Memorising check: each sample above its nearest training digit",
                             subtitle: "d: Euclidean distance (pixels in [0, 1]) · held-out test digits are typically \(f(j.sets.first { $0.kind == "data" }?.medianNearest ?? .nan, 2)) from their nearest training digit",
                             rows: 2 * gens.count, columns: cols, cells: cells)
        grid.rowLabels = labels
        grid.width = figures.width; grid.height = figures.height
        return figure("judge--nearest", try grid.render(formats: figures.formats), figures, title: grid.title,
                      alt: "Pairs of generated digits and their nearest training digits for \(gens.map(\.name).joined(separator: ", "))",
                      caption: "If a generator copied its training data, each sample would sit on top of its neighbour with d near 0. Near-copies (closer than the 5 % quantile of test → train distances, \(f(j.copyThreshold, 2))): \(gens.map { "\($0.shortName) \(f(100 * $0.nearCopyShare, 1)) %" }.joined(separator: ", ")), against 5 % for held-out test digits.",
                      provenance: judgingProvenance(j))
    }

    public static func renderDistances(_ j: JudgingArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let colors: [String: Color] = ["vae": vaeColor, "gan": ganColor, "gmm": gmmColor]
        var series = j.sets.filter { $0.kind != "data" }.map {
            HistogramSeries(label: $0.shortName, values: $0.nearestDistances,
                            color: colors[$0.kind] ?? dataColor)
        }
        if let test = j.sets.first(where: { $0.name.hasPrefix("Held-out") }) {
            series.append(HistogramSeries(label: "test digits (reference)", values: test.nearestDistances, color: dataColor, dash: [6, 4]))
        }
        var h = Histogram(title: "How far is each sample from the training set?",
                          subtitle: "distance to the nearest training digit · copies of training digits would all sit at 0",
                          xLabel: "distance to nearest training digit (pixels in [0, 1])", series: series)
        h.range = 0...max(series.flatMap(\.values).max() ?? 1, 1e-9)
        h.width = figures.width; h.height = figures.height
        return figure("judge--distances", try h.render(formats: figures.formats), figures, title: h.title,
                      alt: "Histograms of sample-to-training distances for each generator against the test-to-training distances",
                      caption: "Held-out test digits show how far a new, real digit usually is from the training set. A generator whose distances sit far left is copying; far right, it draws things no digit resembles.",
                      provenance: judgingProvenance(j))
    }

    public static func renderPredictedClasses(_ j: JudgingArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let colors: [String: Color] = ["vae": vaeColor, "gan": ganColor, "gmm": gmmColor]
        var series = j.sets.filter { $0.kind != "data" }.map {
            BarSeries(label: "\($0.shortName) · conf. \(f($0.meanConfidence, 2))",
                      values: $0.classShares, color: colors[$0.kind] ?? dataColor)
        }
        if let test = j.sets.first(where: { $0.name.hasPrefix("Held-out") }) {
            series.append(BarSeries(label: "test digits · conf. \(f(test.meanConfidence, 2))", values: test.classShares, color: Color(hex: 0xAAAAAA)))
        }
        var chart = BarChart(title: "Which digits do the generators draw?",
                             subtitle: "share of samples the MLP assigns to each digit · conf.: its mean top probability (a quality proxy)",
                             xLabel: "digit predicted by the classifier", yLabel: "share of samples", categories: DigitsData.classNames, series: series)
        chart.reference = (0.1, "even: 10 %")
        chart.percent = true
        chart.width = figures.width; chart.height = figures.height
        return figure("judge--classes", try chart.render(formats: figures.formats), figures, title: chart.title,
                      alt: "Grouped bars of the predicted-digit shares of each generator's samples, against the test digits",
                      caption: "A generator that dropped a digit would show a missing bar; one that favours a few digits, tall ones. The classifier's confidence rises for clean, typical shapes, and also for copies, and can be fooled by noise.",
                      provenance: judgingProvenance(j))
    }
}
