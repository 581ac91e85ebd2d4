import Foundation
import Models
import Numerics
import Testing
@testable import Pipeline

@Suite("Deep generative models study")
struct DeepStudyTests {
    // Read on use, not kept in a global: LeakSanitizer cannot follow a global `Data`'s
    // storage pointer (enum tag bits) and reports it as a leak.
    static var bytes: Data { FileManager.default.contents(atPath: TempProject.repoRoot.appendingPathComponent("data/digits.csv").path)! }

    @Test("Digits load scaled to [0, 1] with a stratified 70/30 split of all 1797 images")
    func digits() throws {
        let d = try DigitsData.load(bytes: Self.bytes, seed: 42)
        #expect(d.train.rows + d.test.rows == 1797 && d.train.cols == 64)
        #expect(abs(Double(d.test.rows) / 1797 - 0.3) < 0.01)
        #expect((d.train.data + d.test.data).allSatisfy { $0 >= 0 && $0 <= 1 } && d.train.data.max() == 1)
        for c in 0..<10 {
            let tr = d.trainLabels.filter { $0 == c }.count, te = d.testLabels.filter { $0 == c }.count
            #expect(abs(Double(te) / Double(tr + te) - 0.3) < 0.02)
        }
        let bad = Data("px_0_0,digit\n3,1\n".utf8)
        #expect(throws: (any Error).self) { try DigitsData.load(bytes: bad, seed: 1) }
    }

    /// A third of the digits (every third training and test row), to keep the debug build quick.
    static let third: DigitsData = {
        let d = try! DigitsData.load(bytes: bytes, seed: 42)
        let tr = Array(stride(from: 0, to: d.train.rows, by: 3)), te = Array(stride(from: 0, to: d.test.rows, by: 3))
        return DigitsData(train: d.train.rows(tr), trainLabels: tr.map { d.trainLabels[$0] },
                          test: d.test.rows(te), testLabels: te.map { d.testLabels[$0] })
    }()

    /// The whole study at the quick settings on a third of the digits, rendered.
    static func run(seed: UInt64) throws -> (pngs: [String: Data], judging: JudgingArtifact, metrics: [DeepMetricsEntry]) {
        let d = third
        let s = DeepStudySettings.quick, f = FigureSettings()
        let plane = try DeepStudies.computeVAE(d, settings: s, plane: true, seed: seed)
        let vae = try DeepStudies.computeVAE(d, settings: s, plane: false, seed: seed)
        let gan = try DeepStudies.computeGAN(d, settings: s, seed: seed)
        let ring = try DeepStudies.computeRing(settings: s, seed: seed)
        let gmm = try DeepStudies.computeGMM(d, settings: s, seed: seed)
        let mlp = try DeepStudies.computeMLP(d, settings: s, seed: seed)
        let j = try DeepStudies.computeJudging(d, vae: vae, gan: gan, gmm: gmm, mlp: mlp, settings: s, seed: seed)
        let figures = [
            try DeepStudies.renderVAESamples(vae, figures: f), try DeepStudies.renderVAELatent(plane, figures: f),
            try DeepStudies.renderVAEManifold(plane, figures: f), try DeepStudies.renderVAEInterpolations(vae, figures: f),
            try DeepStudies.renderELBO([plane, vae], figures: f), try DeepStudies.renderGANSamples(gan, figures: f),
            try DeepStudies.renderGANEpochs(gan, figures: f), try DeepStudies.renderGANLosses(gan, figures: f),
            try DeepStudies.renderRing(ring, figures: f), try DeepStudies.renderGMMSamples(gmm, figures: f),
            try DeepStudies.renderMLP(mlp, figures: f), try DeepStudies.renderNearest(j, figures: f),
            try DeepStudies.renderDistances(j, figures: f), try DeepStudies.renderPredictedClasses(j, figures: f),
        ]
        #expect(throws: PipelineError.self) { try DeepStudies.renderVAELatent(vae, figures: f) }   // latent 4, not 2
        return (Dictionary(uniqueKeysWithValues: figures.map { ($0.path, $0.png) }), j,
                DeepStudies.metricsEntries(vaes: [plane, vae], gan: gan, gmm: gmm, mlp: mlp, judging: j))
    }

    @Test("Quick study: 14 distinct figures; same seed → byte-identical PNGs; judging and metrics rows complete")
    func determinism() throws {
        let a = try Self.run(seed: 42), b = try Self.run(seed: 42)
        #expect(a.pngs.count == 14 && a.pngs.keys.allSatisfy { $0.hasPrefix("figures/deep--") && $0.hasSuffix(".png") })
        #expect(a.pngs == b.pngs)
        #expect(Set(a.pngs.values).count == 14)
        let names = a.judging.sets.map(\.kind)
        #expect(names == ["vae", "gan", "gmm", "data", "data"])
        let copies = a.judging.sets[4]
        #expect(copies.medianNearest == 0 && copies.nearCopyShare == 1)
        let test = a.judging.sets[3]
        #expect(abs(test.nearCopyShare - 0.05) < 0.015)   // the threshold is the test set's own 5 % quantile
        #expect(a.judging.sets.allSatisfy { abs($0.classShares.reduce(0, +) - 1) < 1e-12 && $0.classEvenness <= 1 + 1e-12 })
        #expect(a.metrics.map(\.kind) == ["vae", "vae", "gan", "gmm", "mlp"])
        let json = try JSONEncoder().encode(a.metrics)
        #expect(String(decoding: json, as: UTF8.self).contains("\"n_train\""))
        let table = DeepStudies.judgingTable(a.judging)
        #expect(table.rows.count == 5 && table.rows.allSatisfy { $0.count == table.header.count })
        #expect(table.header.dropFirst().allSatisfy { h in DeepStudies.measureCaveats.keys.contains { h.hasPrefix($0) } })
    }

    @Test("The site's MLP reaches test accuracy ≥ 0.95 on the stratified 70/30 digits split")
    func mlpAccuracy() throws {
        let d = try DigitsData.load(bytes: Self.bytes, seed: 42)
        let m = try DeepStudies.computeMLP(d, settings: .site, seed: 42)
        #expect(m.testAccuracy >= 0.95, "accuracy \(m.testAccuracy)")
        #expect(m.confusion.flatMap { $0 }.reduce(0, +) == d.test.rows)
        #expect(m.confident.count == 10 && m.confident.allSatisfy { $0.predicted == $0.trueLabel })
        #expect(m.confused.allSatisfy { $0.predicted != $0.trueLabel })
    }
}
