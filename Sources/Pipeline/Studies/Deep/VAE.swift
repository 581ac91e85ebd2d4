import Datasets
import Foundation
import Models
import Numerics
import Plotting

// The VAE parts (`vae`, and `vae-plane` with a 2-D latent): training, and every VAE figure.

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

extension DeepStudies {
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

    static func provenance(_ v: VAEArtifact) -> [ProvenanceItem] {
        [.init(name: "Data", value: "digits.csv, 8 × 8 grey levels scaled to [0, 1]; \(v.nTrain) train / \(v.nTest) test digits, stratified split"),
         .init(name: "Model", value: "VAE: Gaussian encoder, Bernoulli decoder, ELBO by the reparameterisation trick, Adam"),
         .init(name: "Settings", value: settingsText(v.settings)),
         .init(name: "Test ELBO", value: "\(f(v.finalTestELBO)) nats/image (\(v.elboDraws) draws); IWAE bound \(f(v.testImportanceBound)) (k = \(v.boundSamples))"),
         .init(name: "Seed", value: "\(v.seed)")]
    }

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
}
