import Datasets
import Foundation
import Models
import Numerics
import Plotting

// The per-class Gaussian mixture part: exact likelihoods and samples.

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

extension DeepStudies {
    /// Fits a Gaussian mixture per digit class: samples, accuracy and exact log-likelihood.
    public static func computeGMM(_ d: DigitsData, settings s: DeepStudySettings, seed: UInt64) throws -> GMMArtifact {
        let gmm = try digitClassifier(GaussianMixtureClassifier.self, seeded(s.gmm, seed), on: d)
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
}
