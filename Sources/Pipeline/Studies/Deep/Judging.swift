import Datasets
import Foundation
import Models
import Numerics
import Plotting

// The judging part: every generator's samples judged by the MLP, a linear judge and nearest neighbours.

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

extension DeepStudies {
    /// The judging measures for each generator's samples and two reference sets: the
    /// held-out test digits and copies of training digits (a perfect memoriser).
    public static func computeJudging(_ d: DigitsData, vae: VAEArtifact, gan: GANArtifact, gmm: GMMArtifact,
                                      mlp: MLPArtifact, settings s: DeepStudySettings, seed: UInt64) throws -> JudgingArtifact {
        let linear = try digitClassifier(LogisticRegression.self, s.linearJudge, on: d)
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
