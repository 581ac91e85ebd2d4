import Foundation
import Numerics
import Models

/// A regression study (`regressions:` in lenses.yml) shown on a page, with (`figure`) or without its figure.
struct RegressionRequest: Request { let name: String; let figure: Bool }

/// A study quoted by a `{{value}}` or `{{check}}` reference: planned even where no figure shows it.
struct StudyReference: Request { let section: String; let name: String }

/// Regression through both lenses: least squares and ridge against the conditional mean of a joint
/// Gaussian, on one CSV file. One study job computes it; one render job draws it.
enum RegressionStudy: Study {
    static let section: String? = "regressions"
    static let templates: [String: Set<String>] = [
        "regression": ["title", "target", "rows", "term", "ols", "se", "ridge", "joint", "gap", "ridge_alpha", "rmse_ols",
                       "rmse_ridge", "rmse_joint", "sigma", "conditional_sd", "n_train", "n_test"],
    ]

    static let directives = [
        Directive(name: "regression", usage: "@regression NAME") { args, c in
            let r = try c.entry(args, in: c.spec.regressions, name: \.name,
                                usage: "@regression takes the name of a study under regressions: in lenses.yml")
            let study = JobID.regression(r.name)
            return [FiguresBlock([.regressionFigure(r.name)], requests: [RegressionRequest(name: r.name, figure: true)], alsoReads: [study.erased]),
                    TemplateBlock(template: "regression", study: study) { a, _ in RegressionStudy.regressionContext(a) }]
        },
    ]

    static let quotes: Quotes? = Quotes(namespace: "regression", path: { p in
        try p.named(p.spec.regressions.map(\.name)) { JobID.regression($0).erased }
    }, values: Quotes.of(RegressionArtifact.self, MetricsEntries.regression))

    /// `regressions:` — a list of {name, title, file, x, y, ridge_alpha}.
    static func configure(_ field: Field, into spec: inout ProjectSpec) throws {
        let root = spec.root
        for (name, file, m) in try field.namedEntries(allowed: ["name", "title", "file", "x", "y", "ridge_alpha"], required: ["name", "file", "x", "y"], what: "regression", root: root) {
            let inputs = try m["x"]!.stringList()
            guard (1...2).contains(inputs.count) else { throw m["x"]!.error("list one or two input columns, got \(inputs.count)") }
            let target = try m["y"]!.string()
            try ConfigLoader.checkColumns(file: file, field: m["file"]!, columns: [(m["x"]!, inputs), (m["y"]!, [target])], root: root)
            spec.regressions.append(RegressionSpec(name: name, title: try m["title"]?.string() ?? name, file: file, inputs: inputs,
                                                   target: target, ridgeAlpha: try m["ridge_alpha"]?.number(in: 0...1e9) ?? 1))
        }
    }

    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws {
        let spec = context.spec, seed = context.seed, figures = context.figures
        let shown = Set(demand.all(RegressionRequest.self).filter(\.figure).map(\.name))
        let names = Set(demand.all(RegressionRequest.self).map(\.name)
                        + demand.all(StudyReference.self).filter { $0.section == "regression" }.map(\.name))
        for name in names.sorted() {
            let r = spec.regressions.first { $0.name == name }!
            let bytes = try context.bytes(r.file, for: "regression '\(name)'")
            let testFraction = spec.testFraction
            var inputs = context.figureInputs
            inputs["spec"] = try context.encoded(r)
            inputs["bytes"] = JobKey.hash(bytes); inputs["seed"] = "\(seed)"; inputs["test_fraction"] = "\(testFraction)"
            let study = JobID.regression(name)
            graph.add(Job(study, key: JobKey(kind: "regression", inputs: inputs, upstream: []), dependencies: [], publishes: true) { _ in
                try Studies.regression(r, bytes: bytes, seed: seed, testFraction: testFraction, figures: figures)
            })
            guard shown.contains(name) else { continue }
            graph.add(Job(JobID.regressionFigure(name), key: JobKey(kind: "render-regression", inputs: context.renderInputs, upstream: [graph.key(study)]),
                          dependencies: [study.erased], file: "figures/regression--\(name).png") { deps in
                try Studies.renderRegression(deps[study], figures: figures)
            })
        }
    }

    static func metrics(_ artifacts: ArtifactStore) -> [String: any Encodable] {
        ["regressions": artifacts.all(RegressionArtifact.self).map { MetricsEntries.regression($0.value) }]
    }
}

extension JobID where Output == RegressionArtifact {
    static func regression(_ name: String) -> Self { Self(.train, "study", "regression", name) }
}

extension JobID where Output == FigureArtifact {
    static func regressionFigure(_ name: String) -> Self { Self(.render, "render", "regression", name) }
}

extension RegressionArtifact: Artifact {
    public var modelsTrained: Int { 3 }                  // OLS, ridge, the joint Gaussian
}

/// The regression table's data.
extension RegressionStudy {
    static func regressionContext(_ r: RegressionArtifact) -> [String: Any] {
        func f(_ v: Double) -> String { NumberFormat.fixed(v, 4) }
        return [
            "title": r.spec.title, "target": r.spec.target,
            "rows": r.coefficients.map { c in
                ["term": c.term, "ols": f(c.ols), "se": c.olsStandardError.map { "± " + f($0) } ?? "", "ridge": f(c.ridge),
                 "joint": f(c.joint), "gap": NumberFormat.scientific(abs(c.ols - c.joint))]
            },
            "ridge_alpha": NumberFormat.shortest(r.spec.ridgeAlpha),
            "rmse_ols": f(r.rmse["ols"]!), "rmse_ridge": f(r.rmse["ridge"]!), "rmse_joint": f(r.rmse["joint_gaussian"]!),
            "sigma": r.residualStandardError.map(f) ?? "n/a", "conditional_sd": f(r.conditionalStandardDeviation),
            "gap": NumberFormat.scientific(r.largestGap), "n_train": r.nTrain, "n_test": r.nTest,
        ]
    }
}

/// The regression study's metrics.json entry (and the values prose may quote).
extension MetricsEntries {
    struct Regression: Encodable {
        let name: String, title: String, inputs: [String], target: String, n_train: Int, n_test: Int
        let coefficients: [CoefficientRow], test_rmse: [String: Double], largest_ols_vs_joint_gap: Double
    }

    static func regression(_ r: RegressionArtifact) -> Regression {
        Regression(name: r.spec.name, title: r.spec.title, inputs: r.spec.inputs, target: r.spec.target,
                   n_train: r.nTrain, n_test: r.nTest, coefficients: r.coefficients, test_rmse: r.rmse,
                   largest_ols_vs_joint_gap: r.largestGap)
    }
}

extension RegressionArtifact: DropsRows {
    var droppedRowCount: (subject: String, file: String?, dropped: Int, remain: Int) { ("regression '\(spec.name)'", spec.file, droppedRows, nTrain + nTest) }
}
