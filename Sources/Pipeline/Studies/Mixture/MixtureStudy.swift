import Foundation
import Numerics

/// A mixture study (`mixtures:` in lenses.yml) shown on a page: its criteria and density figures,
/// or (`steps`) its EM-steps scrubber.
struct MixtureRequest: Request { let name: String; let steps: Bool }

/// Gaussian mixtures for k = 1…K on one CSV file, the number of components chosen by BIC, and EM
/// step by step. One study job; render jobs for the criteria, the density and the EM scrubber.
enum MixtureStudy: Study {
    static let section: String? = "mixtures"
    static let templates: [String: Set<String>] = [
        "mixture": ["title", "chosen", "aic_choice", "agree", "rows", "k", "bic", "aic", "ll", "iterations", "converged"],
    ]

    static let directives = [
        Directive(name: "mixture", usage: "@mixture NAME") { args, c in
            let m = try c.entry(args, in: c.spec.mixtures, name: \.name, usage: "@mixture takes the name of a study under mixtures: in lenses.yml")
            let request = MixtureRequest(name: m.name, steps: false), study = JobID.mixture(m.name)
            return [FiguresBlock([.mixtureFigure(m.name, "criteria")], requests: [request], alsoReads: [study.erased]),
                    TemplateBlock(template: "mixture", study: study) { a, _ in MixtureStudy.mixtureContext(a) },
                    FiguresBlock([.mixtureFigure(m.name, "density")])]
        },
        Directive(name: "em-steps", usage: "@em-steps NAME") { args, c in
            let m = try c.entry(args, in: c.spec.mixtures, name: \.name, usage: "@em-steps takes the name of a study under mixtures: in lenses.yml")
            return [FiguresBlock([.mixtureFigure(m.name, "em")], requests: [MixtureRequest(name: m.name, steps: true)],
                                 alsoReads: [JobID.mixture(m.name).erased])]
        },
    ]

    static let quotes: Quotes? = Quotes(namespace: "mixture", path: { p in
        try p.named(p.spec.mixtures.map(\.name)) { JobID.mixture($0).erased }
    }, values: Quotes.of(MixtureArtifact.self, MetricsEntries.mixture))

    /// `mixtures:` — a list of {name, title, file, features, k, covariance_type, n_init, em_steps}.
    static func configure(_ field: Field, into spec: inout ProjectSpec) throws {
        let root = spec.root
        for (name, file, m) in try field.namedEntries(allowed: ["name", "title", "file", "features", "k", "covariance_type", "n_init", "em_steps"], required: ["name", "file", "features"], what: "mixture", root: root) {
            let features = try m["features"]!.stringList()
            guard features.count == 2 else { throw m["features"]!.error("list exactly two columns (the figures are 2-D), got \(features.count)") }
            try ConfigLoader.checkColumns(file: file, field: m["file"]!, columns: [(m["features"]!, features)], root: root)
            var ks = [1, 2, 3, 4, 5]
            if let k = m["k"] {
                ks = try k.sequence(nonEmpty: true).map { try $0.integer(in: 1...20) }
                guard Set(ks).count == ks.count else { throw k.error("each k once") }
                ks.sort()
            }
            spec.mixtures.append(MixtureSpec(
                name: name, title: try m["title"]?.string() ?? name, file: file, features: features, components: ks,
                covarianceType: try m["covariance_type"]?.choice(["full", "diag", "spherical"]) ?? "full",
                restarts: try m["n_init"]?.integer(in: 1...100) ?? 10, emSteps: try m["em_steps"]?.integer(in: 2...200) ?? 30))
        }
    }

    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws {
        let spec = context.spec, seed = context.seed, figures = context.figures
        let requests = demand.all(MixtureRequest.self)
        let shown = Set(requests.filter { !$0.steps }.map(\.name)), shownSteps = Set(requests.filter(\.steps).map(\.name))
        let names = Set(requests.map(\.name) + demand.all(StudyReference.self).filter { $0.section == "mixture" }.map(\.name))
        for name in names.sorted() {
            let m = spec.mixtures.first { $0.name == name }!
            let bytes = try context.bytes(m.file, for: "mixture '\(name)'")
            var inputs = context.figureInputs
            inputs["spec"] = try context.encoded(m)
            inputs["bytes"] = JobKey.hash(bytes); inputs["seed"] = "\(seed)"
            let study = JobID.mixture(name)
            graph.add(Job(study, key: JobKey(kind: "mixture", inputs: inputs, upstream: []), dependencies: [], publishes: true) { _ in
                try Studies.mixture(m, bytes: bytes, seed: seed, figures: figures)
            })
            let studyKey = graph.key(study)
            func figure(_ which: String, _ kind: String, _ draw: @escaping @Sendable (MixtureArtifact, FigureSettings) throws -> FigureArtifact) -> Job {
                Job(JobID.mixtureFigure(name, which), key: JobKey(kind: kind, inputs: context.renderInputs, upstream: [studyKey]),
                    dependencies: [study.erased], file: "figures/mixture--\(name)--\(which).png") { deps in try draw(deps[study], figures) }
            }
            if shownSteps.contains(name) { graph.add(figure("em", "render-mixture-em", Studies.renderMixtureEM)) }
            guard shown.contains(name) else { continue }
            graph.add(figure("criteria", "render-criteria", Studies.renderMixtureCriteria))
            graph.add(figure("density", "render-mixture", Studies.renderMixtureDensity))
        }
    }

    static func metrics(_ artifacts: ArtifactStore) -> [String: any Encodable] {
        ["mixtures": artifacts.all(MixtureArtifact.self).map { MetricsEntries.mixture($0.value) }]
    }
}

extension JobID where Output == MixtureArtifact {
    static func mixture(_ name: String) -> Self { Self(.train, "study", "mixture", name) }
}

extension JobID where Output == FigureArtifact {
    /// `criteria`, `density` or `em` (the EM-steps scrubber).
    static func mixtureFigure(_ name: String, _ figure: String) -> Self { Self(.render, "render", "mixture", name, figure) }
}

extension MixtureArtifact: Artifact {
    public var modelsTrained: Int { criteria.count }     // one mixture per k (best of its restarts)
}

/// The mixture table's data.
extension MixtureStudy {
    static func mixtureContext(_ m: MixtureArtifact) -> [String: Any] {
        let bestAIC = m.criteria.min { $0.aic < $1.aic }!.k
        return [
            "title": m.spec.title, "chosen": m.chosenK, "aic_choice": bestAIC, "agree": bestAIC == m.chosenK,
            "rows": m.criteria.map { c in
                ["k": c.k, "bic": NumberFormat.fixed(c.bic, 1), "aic": NumberFormat.fixed(c.aic, 1),
                 "ll": NumberFormat.fixed(c.meanLogLikelihood, 4), "iterations": c.iterations,
                 "converged": c.converged ? "yes" : "no", "chosen": c.k == m.chosenK]
            },
        ]
    }
}

/// The mixture study's metrics.json entry (and the values prose may quote).
extension MetricsEntries {
    struct Mixture: Encodable {
        let name: String, title: String, covariance_type: String, rows: Int, chosen_k: Int, criteria: [MixtureCriterion]
    }

    static func mixture(_ m: MixtureArtifact) -> Mixture {
        Mixture(name: m.spec.name, title: m.spec.title, covariance_type: m.spec.covarianceType,
                rows: m.rows, chosen_k: m.chosenK, criteria: m.criteria)
    }
}

extension MixtureArtifact: DropsRows {
    var droppedRowCount: (subject: String, file: String?, dropped: Int, remain: Int) { ("mixture '\(spec.name)'", spec.file, droppedRows, rows) }
}
