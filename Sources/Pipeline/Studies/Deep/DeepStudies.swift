import Datasets
import Foundation
import Models
import Numerics
import Plotting

// The deep generative models study (issue 4): a VAE, a GAN and a per-class Gaussian
// mixture generate 8 × 8 digits; an MLP classifies them and can generate nothing.
// Each part is one job (a Codable artifact from the digits, the settings and the seed), in its
// own file with the figures drawn from it: VAE.swift, GAN.swift, Ring.swift, GMM.swift, MLP.swift,
// Judging.swift. This file holds what they share: the data, the settings, the figure frame.

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

public enum DeepStudies {
    /// A digit classifier of the study (the mixture per class, the MLP, the linear judge): built from
    /// its settings and fitted on the training digits.
    static func digitClassifier<M: Classifier>(_ type: M.Type, _ settings: [String: SettingValue], on d: DigitsData) throws -> M {
        var model = try M(settings: Settings(model: M.displayName, settings))
        try model.fit(d.train, d.trainLabels, classCount: 10)
        return model
    }

    /// Model settings with the study's seed unless they name their own.
    static func seeded(_ s: [String: SettingValue], _ seed: UInt64) -> [String: SettingValue] {
        var out = s
        if out["seed"] == nil { out["seed"] = .integer(Int(truncatingIfNeeded: seed & 0x7FFF_FFFF_FFFF_FFFF)) }
        return out
    }

    static func normalRows(_ n: Int, _ d: Int, _ rng: inout SeededRandom) -> Matrix {
        Matrix(rows: n, cols: d, data: (0..<(n * d)).map { _ in rng.normal() })
    }

    static func clipDisplay(_ m: Matrix) -> Matrix {
        var out = m
        for k in out.data.indices { out.data[k] = min(max(out.data[k], 0), 1) }
        return out
    }

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

// The figures' shared frame.
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

    static func bytes(_ m: Matrix) -> String {
        Data(m.data.map { UInt8(min(max(($0 * 255).rounded(), 0), 255)) }).base64EncodedString()
    }
}
