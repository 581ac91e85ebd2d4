import Datasets
import Foundation
import Models
import Numerics
import Plotting

// The ring part: two GANs on a ring of eight Gaussians (one collapses, one covers), and the scrubber.

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

extension DeepStudies {
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
}
