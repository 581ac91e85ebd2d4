import Datasets
import Foundation
import Models
import Numerics
import Plotting

/// One fitted mixture of the sweep over k.
public struct MixtureCriterion: Sendable, Codable {
    public let k: Int
    public let bic: Double
    public let aic: Double
    public let meanLogLikelihood: Double
    public let iterations: Int
    public let converged: Bool
}

public struct MixtureArtifact: Sendable, Codable {
    public let spec: MixtureSpec
    public let rows: Int
    public let droppedRows: Int
    public let criteria: [MixtureCriterion]
    public let chosenK: Int
    public let points: [PlotPoint]
    public let grid: Grid
    @Packed public var logDensity: [Double]
    public let regions: [Region]
    public let samples: [PlotPoint]
    public let seed: UInt64
    /// The chosen fit's parameters after each EM step of its kept run (step 0: the k-means start).
    public var emSteps: [GaussianMixture.Step] = []
}

extension Studies {
    // MARK: mixtures

    static func mixture(_ spec: MixtureSpec, bytes: Data, seed: UInt64, figures: FigureSettings) throws -> MixtureArtifact {
        let (x, _, dropped) = try DatasetLoader.loadColumns(csv: bytes, file: spec.file, columns: spec.features)
        var criteria = [MixtureCriterion](), fitted = [Int: GaussianMixture](), steps = [Int: [GaussianMixture.Step]]()
        for k in spec.components {
            guard k <= x.rows else { throw PipelineError("mixture '\(spec.name)': k = \(k) is more than the \(x.rows) rows") }
            var gmm = GaussianMixture(components: k, covarianceType: GaussianMixture.CovarianceType(rawValue: spec.covarianceType)!,
                                      restarts: spec.restarts, seed: seed)
            // The steps are recorded on the way (read only): the fit is the one gmm.fit(x) makes.
            steps[k] = try gmm.fitRecordingSteps(x)
            criteria.append(MixtureCriterion(k: k, bic: gmm.bic(x), aic: gmm.aic(x), meanLogLikelihood: gmm.meanLogLikelihood(x),
                                             iterations: gmm.iterations, converged: gmm.converged))
            fitted[k] = gmm
        }
        let best = criteria.min { $0.bic < $1.bic || ($0.bic == $1.bic && $0.k < $1.k) }!
        let chosen = fitted[best.k]!
        let (x0, x1) = Statistics.paddedRange(x.column(0)), (y0, y1) = Statistics.paddedRange(x.column(1))
        let grid = Grid(nx: figures.grid, ny: figures.grid, xMin: x0, xMax: x1, yMin: y0, yMax: y1)
        let logp = chosen.logDensity(Matrix(rows: grid.nx * grid.ny, cols: 2, data: grid.points))
        var r = SeededRandom(seed: seed, stream: "mixture-regions/\(spec.name)")
        let regions = quantileRegions(chosen.logDensity(chosen.sample(figures.contourDraws, using: &r)))
        var s = SeededRandom(seed: seed, stream: "mixture-samples/\(spec.name)")
        let drawn = chosen.sample(figures.samples, using: &s)
        var out = MixtureArtifact(
            spec: spec, rows: x.rows, droppedRows: dropped, criteria: criteria, chosenK: best.k,
            points: (0..<x.rows).map { PlotPoint(x: x[$0, 0], y: x[$0, 1], label: -1) }, grid: grid, logDensity: logp,
            regions: regions, samples: (0..<drawn.rows).map { PlotPoint(x: drawn[$0, 0], y: drawn[$0, 1], label: -1) }, seed: seed)
        out.emSteps = steps[best.k] ?? []
        return out
    }

    static func renderMixtureCriteria(_ m: MixtureArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let ks = m.criteria.map { Double($0.k) }
        var chart = LineChart(title: "How many clusters? BIC and AIC against k",
                              subtitle: "\(m.spec.title) · Gaussian mixtures (\(m.spec.covarianceType) covariance, best of \(m.spec.restarts) starts) · lower is better",
                              xLabel: "number of components k", yLabel: "information criterion",
                              series: [Series(label: "BIC", x: ks, y: m.criteria.map(\.bic), color: Color(hex: 0x0072B2)),
                                       Series(label: "AIC", x: ks, y: m.criteria.map(\.aic), color: Color(hex: 0xD55E00), dash: [6, 4])])
        chart.integerX = true
        chart.marks = [VerticalMark(x: Double(m.chosenK), note: "BIC picks k = \(m.chosenK)")]
        chart.width = figures.width
        chart.height = figures.height
        let png = try chart.render(formats: figures.formats)
        let aicBest = m.criteria.min { $0.aic < $1.aic }!.k
        let alt = "BIC and AIC of Gaussian mixtures on \(m.spec.title) for k = \(m.criteria.map { String($0.k) }.joined(separator: ", ")): BIC is lowest at k = \(m.chosenK), AIC at k = \(aicBest)"
        let caption = "Each point is a mixture fitted by EM. More components always fit the data better, so both criteria add a penalty per parameter; BIC's penalty grows with the number of rows and is the stricter of the two."
        return FigureArtifact(path: "figures/mixture--\(m.spec.name)--criteria.png", rendered: png, width: figures.width, height: figures.height,
                              title: chart.title, alt: alt, caption: caption, provenance: provenance(m), metrics: nil,
                              numbers: "\"mixtures\", the entry named \(m.spec.name)")
    }

    static func renderMixtureDensity(_ m: MixtureArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let g = m.grid
        var fig = ScatterFigure(title: "Gaussian mixture, k = \(m.chosenK): p(x) and samples",
                                subtitle: "\(m.spec.title) · contours enclose 50 / 80 / 95 % of p(x) · × = \(m.samples.count) samples",
                                xLabel: m.spec.features[0], yLabel: m.spec.features[1], classNames: [],
                                xRange: g.xMin...g.xMax, yRange: g.yMin...g.yMax)
        fig.width = figures.width
        fig.height = figures.height
        fig.train = m.points
        fig.fadeData = true
        fig.dataLabel = "observations"
        fig.contours = [ContourLayer(label: -1, grid: g, logDensity: m.logDensity, levels: m.regions.map { ($0.mass, $0.threshold) })]
        fig.samples = m.samples
        fig.samplesLabel = "samples from the mixture"
        let png = try fig.render(formats: figures.formats)
        let alt = "\(m.spec.title): the \(m.chosenK)-component Gaussian mixture chosen by BIC, drawn as 50, 80 and 95 % density contours over the \(m.rows) observations, with \(m.samples.count) new points sampled from it"
        let caption = "There are no labels here: the mixture models p(x) alone. Its contours follow the data's clusters, and the crosses are new observations it generated — a generative model with nothing to classify."
        return FigureArtifact(path: "figures/mixture--\(m.spec.name)--density.png", rendered: png, width: figures.width, height: figures.height,
                              title: fig.title, alt: alt, caption: caption, provenance: provenance(m), metrics: nil,
                              numbers: "\"mixtures\", the entry named \(m.spec.name)")
    }

    // MARK: the EM scrubber

    /// The steps the scrubber shows: all of them, or the first `limit − 1` and the last.
    static func shownSteps(_ count: Int, limit: Int) -> [Int] {
        count <= limit ? Array(0..<count) : Array(0..<(limit - 1)) + [count - 1]
    }

    /// The 2σ ellipse of a 2-D Gaussian as a closed polyline in data coordinates.
    static func ellipse(mean: [Double], covariance s: Matrix, radius: Double = 2, points: Int = 72) -> [(Double, Double)] {
        // Σ = L Lᵀ (2 × 2 Cholesky); the ellipse is μ + r L (cos t, sin t).
        let l11 = s[0, 0].squareRoot(), l21 = s[1, 0] / l11, l22 = max(s[1, 1] - l21 * l21, 0).squareRoot()
        return (0...points).map { i in
            let t = 2 * Double.pi * Double(i) / Double(points), c = cos(t), sn = sin(t)
            return (mean[0] + radius * l11 * c, mean[1] + radius * (l21 * c + l22 * sn))
        }
    }

    /// What the EM scrubber's script reads: the plot area, the background frame (the figure without
    /// its ellipses), the ellipses' colours, and per shown step each component's 2σ ellipse in the
    /// figure's 1× pixels (centre x, y, semi-axes rx, ry, rotation in radians) and the readout text.
    struct EMPayload: Codable, Equatable {
        struct Frame: Codable, Equatable {
            let ellipses: [[Double]]
            /// Each observation's colour at this step, base64 RGB bytes: the components' colours mixed
            /// by its responsibilities (light and dark).
            let dots: [String: String]
            let readout: [String: String]
        }
        let type: String
        /// The slider's label.
        let label: String
        let size: [Int]
        let plot: [Double]
        let background: [String: String]
        let colors: [String: [String]]
        let halo: [String: String]
        let line: Double
        /// The observations in the figure's 1× pixels, x and y interleaved.
        let points: [Double]
        let frames: [Frame]
    }

    /// Each row's responsibilities r_ik = π_k N(x_i; μ_k, Σ_k) / Σ_j π_j N(x_i; μ_j, Σ_j) under a 2-D step's parameters.
    static func responsibilities(_ points: [PlotPoint], _ step: GaussianMixture.Step) -> [[Double]] {
        let K = step.weights.count
        return points.map { p in
            let logs = (0..<K).map { k -> Double in
                let s = step.covariances[k], mu = step.means.row(k)
                let det = s[0, 0] * s[1, 1] - s[0, 1] * s[1, 0]
                let dx = p.x - mu[0], dy = p.y - mu[1]
                let q = (s[1, 1] * dx * dx - (s[0, 1] + s[1, 0]) * dx * dy + s[0, 0] * dy * dy) / det
                return log(step.weights[k]) - 0.5 * log(det) - 0.5 * q
            }
            let top = logs.max() ?? 0
            let e = logs.map { exp($0 - top) }, total = e.reduce(0, +)
            return e.map { $0 / total }
        }
    }

    /// Colours mixed by weights, as base64 RGB bytes (one colour per row of `weights`).
    static func mixedColours(_ weights: [[Double]], _ colours: [Color]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(3 * weights.count)
        for w in weights {
            var r = 0.0, g = 0.0, b = 0.0
            for (k, c) in colours.enumerated() where k < w.count { r += w[k] * c.r; g += w[k] * c.g; b += w[k] * c.b }
            for v in [r, g, b] { bytes.append(UInt8(min(max((v * 255).rounded(), 0), 255))) }
        }
        return Data(bytes).base64EncodedString()
    }

    /// The readout of step `t` of `count − 1` M-steps.
    static func emReadout(_ step: GaussianMixture.Step, t: Int, last: Int) -> [String: String] {
        ["step": t == 0 ? "step 0 of \(last): the start, from k-means" : "step \(t) of \(last): after \(t) M-step\(t == 1 ? "" : "s")",
         "loglik": "mean log-likelihood \(NumberFormat.fixedOrNA(step.meanLogLikelihood, 4)) per observation",
         "weights": "weights π = " + step.weights.map { NumberFormat.fixedOrNA($0, 3) }.joined(separator: ", ")]
    }

    /// The chosen mixture's EM run, step by step: the still shows the fit after the last step; the
    /// script draws each shown step's ellipses over the same figure without them.
    static func renderMixtureEM(_ m: MixtureArtifact, figures: FigureSettings) throws -> FigureArtifact {
        guard let lastStep = m.emSteps.last else { throw PipelineError("mixture '\(m.spec.name)': no EM steps were recorded") }
        let g = m.grid, last = m.emSteps.count - 1
        let colors = (0..<m.chosenK).map { Palette.classes[$0 % Palette.classes.count] }
        func figure(_ step: GaussianMixture.Step?) -> ScatterFigure {
            let subtitle = step == nil
                ? "\(m.spec.title) · ellipses: 2σ of each component · dots coloured by responsibility"
                : "\(m.spec.title) · ellipses: 2σ of each component · after the last of \(last) M-steps, mean log-likelihood \(NumberFormat.fixedOrNA(lastStep.meanLogLikelihood, 4))"
            var fig = ScatterFigure(title: "EM fitting the \(m.chosenK)-component mixture, step by step",
                                    subtitle: subtitle,
                                    xLabel: m.spec.features[0], yLabel: m.spec.features[1], classNames: [],
                                    xRange: g.xMin...g.xMax, yRange: g.yMin...g.yMax)
            fig.width = figures.width
            fig.height = figures.height
            // The background frame (no step) leaves the observations and the ellipses to the script.
            if step != nil { fig.train = m.points }
            fig.dataLabel = "observations"
            fig.curves = colors.enumerated().map { k, color in
                CurveLayer(label: "component \(k + 1) (2σ)",
                           points: step.map { ellipse(mean: $0.means.row(k), covariance: $0.covariances[k]) } ?? [], color: color)
            }
            return fig
        }
        let still = figure(lastStep), background = figure(nil)
        let base = "figures/mixture--\(m.spec.name)--em.png"
        let id = "em-\(m.spec.name)"
        var frames = [String: Data]()
        var bgPaths = [String: String]()
        for (suffix, data) in try background.render(formats: [.png]).files {
            let key = ["@2x.png": "src_2x", "-dark.png": "src_dark", "-dark@2x.png": "src_dark_2x", ".png": "src"][suffix]
            guard let key else { continue }
            let path = "explore/\(id)-background\(suffix)"
            frames[path] = data
            bgPaths[key] = path
        }
        bgPaths["alt"] = "\(m.spec.title) at the chosen EM step: the script draws each observation, coloured by its responsibilities, and each component's 2σ ellipse"
        let area = still.scrubPlotArea
        let sx = area.width / (g.xMax - g.xMin), sy = area.height / (g.yMax - g.yMin)
        func pixels(_ step: GaussianMixture.Step) -> [[Double]] {
            (0..<m.chosenK).map { k in
                let mu = step.means.row(k), s = step.covariances[k]
                // Σ in pixels (y grows down): [[sx²a, −sx sy b], [−sx sy b, sy²c]]; its eigenvectors give the axes.
                let p = sx * sx * s[0, 0], q = -sx * sy * s[0, 1], r = sy * sy * s[1, 1]
                let mid = (p + r) / 2, rad = (((p - r) / 2) * ((p - r) / 2) + q * q).squareRoot()
                let angle = 0.5 * atan2(2 * q, p - r)
                func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
                return [round2(area.x + (mu[0] - g.xMin) * sx), round2(area.y + area.height - (mu[1] - g.yMin) * sy),
                        round2(2 * (mid + rad).squareRoot()), round2(2 * max(mid - rad, 0).squareRoot()), (angle * 10000).rounded() / 10000]
            }
        }
        let shown = shownSteps(m.emSteps.count, limit: m.spec.emSteps)
        // Whether this run's log-likelihood never fell, for the caption (EM guarantees it up to reg_covar's allowance).
        let trace = m.emSteps.map(\.meanLogLikelihood)
        let never = zip(trace, trace.dropFirst()).allSatisfy { $1 >= $0 }
        let lightColours = colors, darkColours = colors.map { Plotting.Theme.dark.adapt($0) }
        let light = lightColours.map(\.cssHex), dark = darkColours.map(\.cssHex)
        func dots(_ step: GaussianMixture.Step) -> [String: String] {
            let r = responsibilities(m.points, step)
            return ["light": mixedColours(r, lightColours), "dark": mixedColours(r, darkColours)]
        }
        var points = [Double]()
        for p in m.points {
            points.append(((area.x + (p.x - g.xMin) * sx) * 10).rounded() / 10)
            points.append(((area.y + area.height - (p.y - g.yMin) * sy) * 10).rounded() / 10)
        }
        let halo = ["light": Plotting.Theme.light.halo.cssHex, "dark": Plotting.Theme.dark.halo.cssHex]
        let lineWidth = CurveLayer(label: "", points: [], color: .black).width
        var emFrames = [EMPayload.Frame]()
        for t in shown { emFrames.append(EMPayload.Frame(ellipses: pixels(m.emSteps[t]), dots: dots(m.emSteps[t]), readout: emReadout(m.emSteps[t], t: t, last: last))) }
        let payload = EMPayload(type: "em", label: "EM step", size: [figures.width, figures.height],
                                plot: [area.x, area.y, area.width, area.height], background: bgPaths,
                                colors: ["light": light, "dark": dark], halo: halo, line: lineWidth, points: points, frames: emFrames)
        var sampleFrames = [0]
        for i in [shown.count / 2, shown.count - 1] where !sampleFrames.contains(i) { sampleFrames.append(i) }
        let samples = sampleFrames.map { i in ExplorableSample(x: [Double(i)], readout: payload.frames[i].readout) }
        var out = FigureArtifact(
            path: base, rendered: try still.render(formats: figures.formats), width: figures.width, height: figures.height, title: still.title,
            alt: "\(m.spec.title) with the 2σ ellipses of the \(m.chosenK)-component Gaussian mixture after the last of \(last) EM steps",
            caption: "EM alternates two steps: weigh each observation by how much each component explains it, then refit each component to its weighted observations. Scrub through the \(shown.count) steps shown (of \(last + 1)) or press play: the ellipses move from the k-means start to the fit, and the mean log-likelihood \(never ? "never falls" : "rises overall (it may dip by the little the covariance floor reg_covar allows)") from \(NumberFormat.fixedOrNA(m.emSteps[0].meanLogLikelihood, 4)) to \(NumberFormat.fixedOrNA(lastStep.meanLogLikelihood, 4)).",
            provenance: provenance(m) + [.init(name: "EM run", value: "the kept start of the k = \(m.chosenK) fit: \(last) M-steps, mean log-likelihood \(NumberFormat.fixedOrNA(m.emSteps[0].meanLogLikelihood, 4)) → \(NumberFormat.fixedOrNA(lastStep.meanLogLikelihood, 4))")],
            metrics: nil, numbers: "\"mixtures\", the entry named \(m.spec.name)")
        out.explorable = try Explorable(kind: .training, id: id, payload: payload, count: shown.count, frames: frames, samples: samples)
        return out
    }

    static func provenance(_ m: MixtureArtifact) -> [ProvenanceItem] {
        var p: [ProvenanceItem] = [
            .init(name: "Data", value: "\(m.spec.file): \(m.spec.features.joined(separator: " × ")), \(m.rows) rows, no labels"),
            .init(name: "Model", value: "Gaussian mixture by EM, \(m.spec.covarianceType) covariance, k-means initialisation, best of \(m.spec.restarts) starts"),
            .init(name: "Seed", value: "\(m.seed)"),
            .init(name: "Chosen", value: "k = \(m.chosenK) (lowest BIC)"),
        ]
        if m.droppedRows > 0 { p.append(.init(name: "Rows dropped", value: "\(m.droppedRows) with missing values")) }
        return p
    }
}

/// A density study on unlabelled data: Gaussian mixtures for several k, chosen by BIC.
public struct MixtureSpec: Sendable, Equatable, Codable {
    public var name: String
    public var title: String
    public var file: String
    public var features: [String]
    public var components: [Int]
    public var covarianceType: String
    public var restarts: Int
    /// The EM scrubber (@em-steps) shows at most this many steps of the chosen fit (`em_steps:`).
    public var emSteps = 30
}
