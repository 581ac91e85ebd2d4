import Foundation
import Numerics

/// The deep study shown or quoted on a page: all of it is planned (its figures share its parts).
struct DeepRequest: Request {}

/// Deep generative models on the digits (`deep:` in lenses.yml): a VAE (and one with a 2-D latent
/// plane), a GAN (and one on a ring of Gaussians), a Gaussian mixture and an MLP, judged against
/// each other. One study job per part (`DeepJobs.models`, then `judging`), and one render job per
/// figure (`DeepJobs.figures`).
enum DeepStudy: Study {
    static let section: String? = "deep"
    static let templates: [String: Set<String>] = [
        "judging": ["header", "rows", "cells", "caveats", "measure", "misses", "accuracy", "linear_accuracy"],
    ]

    /// The parts every deep figure's page reads (for its references as well as its figures).
    static let pageReads = ["judging", "mlp", "vae", "gan", "gmm"].map { JobID.deep($0).erased }

    static let directives = DeepJobs.directives.keys.sorted().map { name in
        Directive(name: name, usage: "@\(name)") { args, c in
            guard args.isEmpty else { throw c.fail("@\(name) takes no arguments") }
            guard c.spec.deep != nil else { throw c.fail("@\(name) needs a deep: section in lenses.yml (deep: {file: data/digits.csv})") }
            var blocks: [any PageBlock] = DeepJobs.directives[name]!.map {
                FiguresBlock($0.map { .deepFigure($0) }, requests: [DeepRequest()], alsoReads: pageReads)
            }
            if name == "deep-judging" { blocks.append(JudgingBlock()) }
            return blocks
        }
    }

    /// The judging table: how each model's samples fare against the real digits.
    struct JudgingBlock: PageBlock {
        var reads: [AnyJobID] { [JobID.deep("judging").erased] }
        func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String {
            guard case .judging(let j) = artifacts[JobID.deep("judging")] else { return "" }
            let table = DeepStudies.judgingTable(j)
            return try page.templates.render("judging", [
                "header": table.header, "rows": table.rows.map { ["cells": $0] },
                "caveats": DeepStudies.measureCaveats.keys.sorted().map { ["measure": $0, "misses": DeepStudies.measureCaveats[$0]!] },
                "accuracy": NumberFormat.fixedOrNA(j.classifierAccuracy, 3), "linear_accuracy": NumberFormat.fixedOrNA(j.linearJudgeAccuracy, 3),
            ]) + "\n"
        }
    }

    /// `deep.MODEL.(training|evaluation).KEY`: read from every part (the entries need them all).
    static let quotes: Quotes? = Quotes(namespace: "deep", path: { p in
        try p.need(3, "deep.MODEL.(training|evaluation).KEY")
        guard p.spec.deep != nil else { throw p.fail("'\(p.text)': lenses.yml has no deep: section") }
        return ReferencePath(source: .study(section: "deep", name: nil), jobs: (DeepJobs.models + ["judging"]).map { JobID.deep($0).erased },
                             key: p.rest(1), text: p.text)
    }, values: { _, artifacts in References.flatten(MetricsEntries.deep(artifacts)) })

    /// `deep:` — {file, preset, latent_walk, ring_scrub_every, vae_scrub_every}.
    static func configure(_ field: Field, into spec: inout ProjectSpec) throws {
        let root = spec.root
        do {
            let m = try field.mapping(allowed: ["file", "preset", "latent_walk", "ring_scrub_every", "vae_scrub_every"], required: ["file"])
            let file = try m["file"]!.relativePath(root: root)
            try ConfigLoader.checkColumns(file: file, field: m["file"]!, columns: [(m["file"]!, ["digit", "px_0_0", "px_7_7"])], root: root)
            let preset = try m["preset"]?.choice(["site", "quick"]) ?? "site"
            var settings: DeepStudySettings = preset == "quick" ? .quick : .site
            if let w = m["latent_walk"] { settings.latentWalkSide = try w.integer(in: 2...40) }
            if let e = m["ring_scrub_every"] { settings.ring.scrubEvery = try e.integer(in: 1...1000) }
            if let e = m["vae_scrub_every"] { settings.vaeScrubEvery = try e.integer(in: 1...1000) }
            spec.deep = DeepSpec(file: file, settings: settings)
        }
    }

    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws {
        let referenced = demand.all(StudyReference.self).contains { $0.section == "deep" }
        guard let deep = context.spec.deep, !demand.all(DeepRequest.self).isEmpty || referenced else { return }
        let bytes = try context.bytes(deep.file, for: "the deep study")
        let testFraction = context.spec.testFraction, seed = context.seed, figures = context.figures
        var base = ["settings": try context.encoded(deep), "bytes": JobKey.hash(bytes), "seed": "\(seed)", "test_fraction": "\(testFraction)"]
        for part in DeepJobs.models + ["judging"] {
            let deps = part == "judging" ? ["vae", "gan", "gmm", "mlp"].map { JobID.deep($0).erased } : []
            base["part"] = part
            graph.add(Job(JobID.deep(part), key: JobKey(kind: "deep", inputs: base, upstream: deps.map { graph.key($0) }),
                          dependencies: deps, publishes: true, priority: DeepJobs.expectedCost[part] ?? 0) { artifacts in
                try DeepJobs.compute(part, spec: deep, bytes: bytes, seed: seed, testFraction: testFraction, deps: artifacts)
            })
        }
        for figure in DeepJobs.figures {
            let deps = figure.inputs.map { JobID.deep($0) }
            let render = figure.render
            graph.add(Job(JobID.deepFigure(figure.name),
                          key: JobKey(kind: "render-deep", inputs: context.renderInputs.merging(["figure": figure.name]) { a, _ in a }, upstream: deps.map { graph.key($0) }),
                          dependencies: deps.map(\.erased), file: "figures/deep--\(figure.name).png") { artifacts in
                try render(deps.map { artifacts[$0] }, figures)
            })
        }
    }

    static func metrics(_ artifacts: ArtifactStore) -> [String: any Encodable] {
        ["deep": MetricsEntries.deep(artifacts)]
    }
}

extension JobID where Output == DeepPart {
    /// One part of the deep study (`DeepJobs.models` and `judging`).
    static func deep(_ part: String) -> Self { Self(.train, "study", "deep", part) }
}

extension JobID where Output == FigureArtifact {
    static func deepFigure(_ name: String) -> Self { Self(.render, "render", "deep", name) }
}

extension DeepPart: Artifact {
    public var modelsTrained: Int {
        if case .ring = self { return 2 }                // two GAN runs
        return 1                                         // one network, or the judging part's linear judge
    }
}

extension MetricsEntries {
    /// The deep study's entries, once every part it reports is among the artifacts (else none).
    static func deep(_ artifacts: ArtifactStore) -> [DeepMetricsEntry] {
        func part(_ name: String) -> DeepPart? { artifacts.get(.deep(name)) }
        guard let v2 = part("vae-plane"), let v = part("vae"), let g = part("gan"), let m = part("gmm"), let mlp = part("mlp") else { return [] }
        return DeepStudies.metricsEntries(vaes: [v2.vae, v.vae], gan: g.gan, gmm: m.gmm, mlp: mlp.mlp, judging: part("judging")?.judging)
    }
}
