import Datasets
import Foundation
import Numerics

struct CaseStudyRequest: Request { let name: String }

/// A case study (`case_studies:` in lenses.yml): logistic regression and naive Bayes on one CSV
/// file, and what each learned. One study job; its block is a table.
enum CaseStudyStudy: Study {
    static let section: String? = "case_studies"
    static let templates: [String: Set<String>] = [
        "casestudy": ["title", "positive", "negative", "scale", "n_train", "n_test", "prior_negative", "prior_positive",
                      "features", "name", "weight", "odds", "mean_negative", "mean_positive", "sd_negative", "sd_positive",
                      "typical_negative", "typical_positive", "strongest", "strongest_odds", "intercept", "scores", "model",
                      "accuracy", "log_loss", "tn", "fp", "fn", "tp", "columns", "feature_count", "samples", "values", "real",
                      "sample_count", "converged", "sd", "odds_sd"],
    ]

    static let directives = [
        Directive(name: "case-study", usage: "@case-study NAME") { args, c in
            let s = try c.entry(args, in: c.spec.caseStudies, name: \.name,
                                usage: "@case-study takes the name of a study under case_studies: in lenses.yml")
            return [TemplateBlock(template: "casestudy", study: JobID.caseStudy(s.name), requests: [CaseStudyRequest(name: s.name)]) { a, _ in
                CaseStudyStudy.caseStudyContext(a)
            }]
        },
    ]

    static let quotes: Quotes? = Quotes(namespace: "case_study", path: { p in
        try p.named(p.spec.caseStudies.map(\.name)) { JobID.caseStudy($0).erased }
    }, values: Quotes.of(CaseStudyArtifact.self) { $0 })

    /// `case_studies:` — a list of {name, title, file, label, features, transform, positive, samples}.
    static func configure(_ field: Field, into spec: inout ProjectSpec) throws {
        let root = spec.root
        for (name, file, m) in try field.namedEntries(allowed: ["name", "title", "file", "label", "features", "transform", "positive", "samples"], required: ["name", "file", "label", "features", "positive"], what: "case study", root: root) {
            let label = try m["label"]!.string()
            let features = try m["features"]!.stringList()
            guard !features.isEmpty else { throw m["features"]!.error("list at least one feature column") }
            try ConfigLoader.checkColumns(file: file, field: m["file"]!, columns: [(m["label"]!, [label]), (m["features"]!, features)], root: root)
            spec.caseStudies.append(CaseStudySpec(
                name: name, title: try m["title"]?.string() ?? name, file: file, label: label, features: features,
                transform: try m["transform"].map { FeatureTransform(rawValue: try $0.choice(["none", "log1p"]))! } ?? FeatureTransform.none,
                positive: try m["positive"]!.string(), samples: try m["samples"]?.integer(in: 1...50) ?? 6))
        }
    }

    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws {
        let spec = context.spec, seed = context.seed
        let names = Set(demand.all(CaseStudyRequest.self).map(\.name)
                        + demand.all(StudyReference.self).filter { $0.section == "case_study" }.map(\.name))
        for name in names.sorted() {
            let c = spec.caseStudies.first { $0.name == name }!
            let bytes = try context.bytes(c.file, for: "case study '\(name)'")
            let testFraction = spec.testFraction
            let inputs = ["spec": try context.encoded(c), "bytes": JobKey.hash(bytes), "seed": "\(seed)", "test_fraction": "\(testFraction)"]
            graph.add(Job(JobID.caseStudy(name), key: JobKey(kind: "case-study", inputs: inputs, upstream: []), dependencies: [], publishes: true) { _ in
                try CaseStudies.compute(c, bytes: bytes, seed: seed, testFraction: testFraction)
            })
        }
    }

    static func metrics(_ artifacts: ArtifactStore) -> [String: any Encodable] {
        ["case_studies": artifacts.all(CaseStudyArtifact.self).map(\.value)]
    }
}

extension JobID where Output == CaseStudyArtifact {
    static func caseStudy(_ name: String) -> Self { Self(.train, "study", "case", name) }
}

extension CaseStudyArtifact: Artifact {
    public var modelsTrained: Int { 2 }                  // logistic regression and naive Bayes
}

/// The case-study template's data.
extension CaseStudyStudy {
    static func caseStudyContext(_ c: CaseStudyArtifact) -> [String: Any] {
        let neg = c.classNames[1 - c.positiveIndex], pos = c.classNames[c.positiveIndex]
        func f(_ v: Double, _ d: Int = 3) -> String { NumberFormat.fixed(v, d) }
        func raw(_ v: Double) -> String { NumberFormat.fixed(v, v >= 100 ? 0 : 2) }
        // Per unit, weights are not comparable across features whose spreads differ: the odds
        // factor per standard deviation of the training data (the SD from the class means,
        // spreads and priors: Var = Σ_k π_k (σ_k² + (μ_k − μ̄)²)) is.
        func totalSD(_ ft: CaseStudyArtifact.Feature) -> Double {
            let mean = zip(c.priors, ft.means).map { $0 * $1 }.reduce(0, +)
            return zip(c.priors, zip(ft.means, ft.sds)).map { p, ms in p * (ms.1 * ms.1 + (ms.0 - mean) * (ms.0 - mean)) }
                .reduce(0, +).squareRoot()
        }
        let strongest = c.features.max { abs($0.weight * totalSD($0)) < abs($1.weight * totalSD($1)) }!
        let scale = c.spec.transform == .log1p ? "log(1 + x)" : "x"
        func scores(_ name: String, _ s: CaseStudyArtifact.Scores) -> [String: Any] {
            ["model": name, "accuracy": f(s.accuracy), "log_loss": f(s.logLoss),
             "tn": s.confusion[0][0], "fp": s.confusion[0][1], "fn": s.confusion[1][0], "tp": s.confusion[1][1]]
        }
        return [
            "title": c.spec.title, "positive": pos, "negative": neg, "scale": scale,
            "n_train": c.nTrain, "n_test": c.nTest,
            "prior_negative": f(c.priors[0]), "prior_positive": f(c.priors[1]),
            "features": c.features.map { ft in
                ["name": ft.name, "weight": f(ft.weight), "odds": f(ft.oddsFactor, 2), "sd": f(totalSD(ft), 2),
                 "odds_sd": f(exp(ft.weight * totalSD(ft)), 2),
                 "mean_negative": f(ft.means[0]), "mean_positive": f(ft.means[1]),
                 "sd_negative": f(ft.sds[0]), "sd_positive": f(ft.sds[1]),
                 "typical_negative": raw(ft.typical[0]), "typical_positive": raw(ft.typical[1])]
            },
            "strongest": strongest.name, "strongest_odds": f(exp(strongest.weight * totalSD(strongest)), 2),
            "intercept": f(c.intercept),
            "scores": [scores("Logistic regression", c.logistic), scores("Gaussian naive Bayes", c.naiveBayes)],
            "columns": c.spec.features,
            "feature_count": c.features.count,
            "samples": c.samples.map { ["values": $0.map(raw)] },
            "real": c.realExamples.map { ["values": $0.map(raw)] },
            "sample_count": c.samples.count,
            "converged": c.converged,
        ]
    }
}

extension CaseStudyArtifact: DropsRows {
    var droppedRowCount: (subject: String, file: String?, dropped: Int, remain: Int) { ("case study '\(spec.name)'", spec.file, droppedRows, nTrain + nTest) }
}
