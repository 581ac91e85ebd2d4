import Datasets
import Foundation
import Models
import Numerics
import Testing
@testable import Pipeline
@testable import Site

/// The training scrubber (EM steps) and the latent walk: payloads, samples, determinism, errors.
@Suite("Explorables: training snapshots and the latent walk")
struct ExploreTrainingLatentTests {
    /// The JSON inside `explore/ID.js`.
    static func payload<T: Decodable>(_ e: Explorable, as: T.Type) throws -> T {
        let text = String(decoding: e.files[e.dataPath]!, as: UTF8.self)
        let prefix = "LensesExplore.data(\"\(e.id)\", "
        #expect(text.hasPrefix(prefix) && text.hasSuffix(");\n"))
        let json = text.dropFirst(prefix.count).dropLast(3).replacingOccurrences(of: "<\\/", with: "</")
        return try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    static var faithful: Data { FileManager.default.contents(atPath: TempProject.repoRoot.appendingPathComponent("data/faithful.csv").path)! }

    @Test("Recording EM steps changes nothing: same parameters and trace as fit(_:), one step per M-step plus the start")
    func recordingReadsOnly() throws {
        let (x, _, _) = try DatasetLoader.loadColumns(csv: Self.faithful, file: "data/faithful.csv", columns: ["eruptions", "waiting"])
        var plain = GaussianMixture(components: 2, covarianceType: .full, restarts: 3, seed: 7)
        try plain.fit(x)
        var recorded = GaussianMixture(components: 2, covarianceType: .full, restarts: 3, seed: 7)
        let steps = try recorded.fitRecordingSteps(x)
        #expect(recorded.weights == plain.weights && recorded.means == plain.means && recorded.covariances == plain.covariances)
        #expect(recorded.logLikelihoodTrace == plain.logLikelihoodTrace && recorded.iterations == plain.iterations)
        #expect(steps.count == plain.iterations + 1)
        #expect(steps.map(\.meanLogLikelihood) == plain.logLikelihoodTrace)
        #expect(steps.last!.weights == plain.weights && steps.last!.means == plain.means)
    }

    static func emFigure(limit: Int = 30) throws -> (MixtureArtifact, FigureArtifact) {
        var spec = MixtureSpec(name: "faithful", title: "Old Faithful", file: "data/faithful.csv", features: ["eruptions", "waiting"],
                               components: [1, 2], covarianceType: "full", restarts: 2)
        spec.emSteps = limit
        var f = FigureSettings(); f.width = 480; f.height = 360; f.grid = 40; f.contourDraws = 300; f.samples = 20
        let m = try Studies.mixture(spec, bytes: Self.faithful, seed: 42, figures: f)
        return (m, try Studies.renderMixtureEM(m, figures: f))
    }

    @Test("EM scrubber: payload round trip, samples equal the data file's readouts, background frames shipped, same bytes twice, within 300 KB")
    func emScrubber() throws {
        let (m, fig) = try Self.emFigure()
        let e = try #require(fig.explorable)
        #expect(e.kind == .training && e.id == "em-faithful")
        let p = try Self.payload(e, as: Studies.EMPayload.self)
        #expect(p.frames.count == e.count && p.frames.count == min(m.emSteps.count, 30))
        #expect(p.frames.allSatisfy { $0.ellipses.count == m.chosenK })
        for s in e.samples { #expect(p.frames[Int(s.x[0])].readout == s.readout) }
        #expect(e.samples.first?.readout["step"] == "step 0 of \(m.emSteps.count - 1): the start, from k-means")
        let trace = m.emSteps.map(\.meanLogLikelihood)
        #expect(fig.caption.contains(zip(trace, trace.dropFirst()).allSatisfy { $1 >= $0 } ? "never falls" : "rises overall"))
        for path in p.background.filter({ $0.key.hasPrefix("src") }).values { #expect(e.files[path] != nil) }
        #expect(e.files.count == 5)
        #expect(e.files.values.reduce(0) { $0 + $1.count } <= 300_000)
        let again = try Self.emFigure().1
        #expect(again.explorable!.files == e.files && again.png == fig.png)
        // A cap keeps the first steps and the last.
        let capped = try Self.emFigure(limit: 3).1.explorable!
        let cp = try Self.payload(capped, as: Studies.EMPayload.self)
        #expect(cp.frames.count == 3 && cp.frames.last!.readout == p.frames.last!.readout)
        #expect(Studies.shownSteps(10, limit: 4) == [0, 1, 2, 9] && Studies.shownSteps(3, limit: 4) == [0, 1, 2])
    }

    @Test("Latent walk: 8-bit digits decode to the decoder's means, samples equal the data file, the still is the latent figure, same bytes twice")
    func latentWalk() throws {
        var s = DeepStudySettings.quick
        s.latentWalkSide = 4
        let plane = try DeepStudies.computeVAE(DeepStudyTests.third, settings: s, plane: true, seed: 42)
        let walk = try #require(plane.walk)
        #expect(walk.rows == 16 && walk.cols == 64 && plane.walkSide == 4)
        let f = FigureSettings()
        let fig = try DeepStudies.renderVAEWalk(plane, figures: f)
        let e = try #require(fig.explorable)
        #expect(e.kind == .latent && e.count == 16)
        let p = try Self.payload(e, as: DeepStudies.LatentWalkPayload.self)
        let bytes = [UInt8](Data(base64Encoded: p.images)!)
        #expect(bytes.count == 16 * 64)
        for (b, v) in zip(bytes, walk.data) { #expect(abs(Double(b) / 255 - v) <= 0.5 / 255 + 1e-12) }
        #expect(p.nearest.count == 16 && p.z1.count == 4 && p.z2 == p.z1.reversed())
        let area = try DeepStudies.latentScatter(plane, figures: f).plotArea
        #expect(p.plot == [area.x, area.y, area.width, area.height] && p.size == [f.width, f.height])
        #expect(e.samples.count == 4)
        for sample in e.samples {
            let col = Int(((sample.x[0] + p.extent) / (2 * p.extent) * 4).rounded(.down))
            let row = Int(((p.extent - sample.x[1]) / (2 * p.extent) * 4).rounded(.down))
            #expect(sample.readout == DeepStudies.walkReadout(p, col: col, row: row))
            #expect(sample.readout["z"] == "z₁ = \(p.z1[col]), z₂ = \(p.z2[row])")
        }
        // The still is the latent-plane figure itself, pixel for pixel.
        #expect(fig.png == (try DeepStudies.renderVAELatent(plane, figures: f)).png)
        let again = try DeepStudies.renderVAEWalk(try DeepStudies.computeVAE(DeepStudyTests.third, settings: s, plane: true, seed: 42), figures: f)
        #expect(again.explorable!.files == e.files)
    }

    @Test("Ring scrubber: snapshots at epoch 1, every k epochs and the last; the shared epochs equal the figure's checkpoints; samples equal the data file")
    func ringScrubber() throws {
        var s = DeepStudySettings.quick
        s.ring.scrubEvery = 5   // epoch 1 and the last (2)
        let r = try DeepStudies.computeRing(settings: s, seed: 42)
        #expect(r.collapse.scrub.map(\.epoch) == [1, 2] && r.cover.scrub.map(\.epoch) == [1, 2])
        for run in [r.collapse, r.cover] {
            for cp in run.checkpoints {
                let same = run.scrub.first { $0.epoch == cp.epoch }!
                #expect(same.samples == cp.samples && same.coverage.counts == cp.coverage.counts)
            }
        }
        // Snapshots change nothing else: the ring figure is the same without them.
        var none = DeepStudySettings.quick
        none.ring.scrubEvery = 0
        let plain = try DeepStudies.computeRing(settings: none, seed: 42)
        #expect(plain.collapse.scrub.isEmpty)
        #expect(try DeepStudies.renderRing(plain, figures: FigureSettings()).png == DeepStudies.renderRing(r, figures: FigureSettings()).png)
        #expect(plain.collapse.generatorLoss == r.collapse.generatorLoss && plain.cover.discriminatorLoss == r.cover.discriminatorLoss)
        let fig = try DeepStudies.renderRingScrub(r, figures: FigureSettings())
        let e = try #require(fig.explorable)
        let p = try Self.payload(e, as: DeepStudies.RingScrubPayload.self)
        #expect(e.kind == .training && e.count == 2 && p.frames.count == 2 && p.panels.count == 2)
        for sample in e.samples { #expect(p.frames[Int(sample.x[0])].readout == sample.readout) }
        #expect(Data(base64Encoded: p.frames[0].samples[0])!.count == 2 * r.spec.samples)
        #expect(e.files.values.reduce(0) { $0 + $1.count } <= 300_000)
    }

    @Test("VAE scrubber: snapshots change nothing (same ELBOs, samples and figures), payload readouts are the ELBOs of the epoch")
    func vaeScrubber() throws {
        var s = DeepStudySettings.quick
        s.vaeScrubEvery = 2   // epochs 1, 2 and the last (3)
        let v = try DeepStudies.computeVAE(DeepStudyTests.third, settings: s, plane: false, seed: 42)
        #expect(v.epochSamples.map(\.epoch) == [1, 2, 3] && v.epochSamples.allSatisfy { $0.images.rows == 20 })
        var none = DeepStudySettings.quick
        none.vaeScrubEvery = 0
        let plain = try DeepStudies.computeVAE(DeepStudyTests.third, settings: none, plane: false, seed: 42)
        #expect(plain.epochSamples.isEmpty)
        #expect(plain.trainELBO == v.trainELBO && plain.testELBO == v.testELBO && plain.samples == v.samples && plain.finalTestELBO == v.finalTestELBO)
        let f = FigureSettings()
        #expect(try DeepStudies.renderVAESamples(plain, figures: f).png == DeepStudies.renderVAESamples(v, figures: f).png)
        let fig = try DeepStudies.renderVAEEpochs(v, figures: f)
        let e = try #require(fig.explorable)
        let p = try Self.payload(e, as: DeepStudies.VAEEpochsPayload.self)
        #expect(e.count == 3 && p.frames.count == 3)
        for sample in e.samples { #expect(p.frames[Int(sample.x[0])].readout == sample.readout) }
        #expect(p.frames[2].readout["test"] == "test ELBO \(NumberFormat.fixedOrNA(v.testELBO[2], 1)) nats per image")
        #expect(Data(base64Encoded: p.frames[0].images)!.count == 20 * 64)
        // The plane VAE keeps no epoch snapshots.
        #expect(try DeepStudies.computeVAE(DeepStudyTests.third, settings: s, plane: true, seed: 42).epochSamples.isEmpty)
    }

    @Test("Bad widget directives and settings name the file and line")
    func errors() throws {
        let project = try TempProject()
        defer { project.remove() }
        let spec = project.spec
        let page = PageSpec(slug: "x", file: "content/x.md")
        for (text, message) in [("Intro.\n\n@em-steps nowhere\n", "content/x.md:3: @em-steps takes the name of a study under mixtures"),
                                ("Intro.\n\n@em-steps\n", "content/x.md:3: @em-steps takes the name"),
                                ("@latent-walk now\n", "content/x.md:1: @latent-walk takes no arguments")] {
            let doc = try ContentDocument.parse(text, file: page.file)
            do {
                _ = try Planner.resolve(page, doc, contentHash: "", spec: spec)
                Issue.record("no error for \(text)")
            } catch {
                #expect("\(error)".hasPrefix(message), "\(error)")
            }
        }
        var yml = try String(contentsOf: project.root.appendingPathComponent("lenses.yml"), encoding: .utf8)
        yml = yml.replacingOccurrences(of: "  latent_walk: 20", with: "  latent_walk: 1")
        try yml.write(to: project.root.appendingPathComponent("lenses.yml"), atomically: true, encoding: .utf8)
        #expect { _ = try ConfigLoader.load(root: project.root) } throws: { "\($0)".contains("lenses.yml:") && "\($0)".contains("latent_walk") }
    }
}
