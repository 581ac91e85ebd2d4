import Foundation

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
                PageRenderer.caseStudyContext(a)
            }]
        },
    ]

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
