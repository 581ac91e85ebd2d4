import Foundation

/// A learning-curve dataset (`learning_curves.datasets` in lenses.yml), with (`figures`) or without its figures.
struct CurvesRequest: Request { let name: String; let figures: Bool }

/// Ng & Jordan's experiment: both lenses' learners on training sets of growing size, many splits
/// each. Per dataset, part jobs (ranges of splits, spread over the cores), one job summarising
/// them, and render jobs for its figures (two for count data).
enum LearningCurveStudy: Study {
    static let section: String? = "learning_curves"
    static let templates: [String: Set<String>] = ["curves": ["header", "rows", "cells", "caption", "has_table", "paragraphs"]]

    static let directives = [
        Directive(name: "learning-curves", usage: "@learning-curves DATASET") { args, c in
            let known = c.spec.learningCurves.datasets.map(\.name).joined(separator: ", ")
            guard args.count == 1, let spec = c.spec.learningCurves.dataset(args[0]) else {
                throw c.fail("@learning-curves takes the name of a dataset of the learning-curve study (learning_curves.datasets in lenses.yml); known: \(known)")
            }
            let study = JobID.curves(spec.name)
            let request = CurvesRequest(name: spec.name, figures: true)
            return Planner.curveFigureIDs(spec).map { FiguresBlock([$0], requests: [request], alsoReads: [study.erased]) }
                + [TemplateBlock(template: "curves", study: study, requests: [request]) { a, _ in
                    ["has_table": false, "paragraphs": [LearningCurves.paragraph(a)]]
                }]
        },
        Directive(name: "learning-curves-summary", usage: "@learning-curves-summary [brief]") { args, c in
            guard args.isEmpty || args == ["brief"] else {
                throw c.fail("@learning-curves-summary summarises every dataset under learning_curves.datasets; its one optional argument is 'brief' (the sentences without the table)")
            }
            return [SummaryBlock(names: c.spec.learningCurves.datasets.map(\.name), table: args.isEmpty)]
        },
    ]

    /// The summary table of every learning-curve study, and the sentences drawn from all of them.
    struct SummaryBlock: PageBlock {
        let names: [String]
        let table: Bool
        var studies: [JobID<LearningCurveArtifact>] { names.map { .curves($0) } }
        var requests: [any Request] { names.map { CurvesRequest(name: $0, figures: false) } }
        var reads: [AnyJobID] { studies.map(\.erased) }
        func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String {
            let all = studies.map { artifacts[$0] }
            let summary = LearningCurves.summaryTable(all)
            return try page.templates.render("curves", [
                "has_table": table, "header": summary.header, "rows": summary.rows.map { ["cells": $0] },
                "caption": "Every model pair of the learning-curve study, from this build: errors at the smallest and largest training sets, where logistic regression becomes significantly better for good, and the verdict",
                // Brief: the claim this site starts from and the Ng–Jordan pattern, without regularisation and variants.
                "paragraphs": table ? LearningCurves.synthesis(all) : Array(LearningCurves.synthesis(all).prefix(2)),
            ]) + "\n"
        }
    }

    static let quotes: Quotes? = Quotes(namespace: "learning_curves", path: { p in
        try p.named(p.spec.learningCurves.datasets.map(\.name)) { JobID.curves($0).erased }
    }, values: Quotes.of(LearningCurveArtifact.self, LearningCurves.metrics))

    static func configure(_ field: Field, into spec: inout ProjectSpec) throws {
        spec.learningCurves = try ConfigLoader.learningCurves(field, datasets: spec.datasets, root: spec.root)
    }

    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws {
        let spec = context.spec, seed = context.seed, figures = context.figures
        let requests = demand.all(CurvesRequest.self)
        let names = Set(requests.map(\.name) + demand.all(StudyReference.self).filter { $0.section == "learning_curves" }.map(\.name)).sorted()
        let shown = Set(requests.filter(\.figures).map(\.name))
        for name in names {
            let c = spec.learningCurves.dataset(name)!
            let bytes = try context.bytes(c.file, for: "learning curves '\(name)'")
            let settings = spec.learningCurves.settings
            let inputs = ["spec": try context.encoded(c), "settings": try context.encoded(settings),
                          "bytes": JobKey.hash(bytes), "seed": "\(seed)"]
            let study = JobID.curves(name)
            // The study runs as parts (ranges of splits, one thread each) that the runner spreads over
            // the cores, longest first, and one job that summarises them under the study's id.
            // Count data (digits) fit eight learners, four of them multinomial logistic regressions:
            // by far the longest study, so more and costlier parts.
            let partCount = min(settings.splits, c.counts ? 8 : 2)
            let partIDs = (0..<partCount).map { study.part($0) }
            for (p, id) in partIDs.enumerated() {
                graph.add(Job(id, key: JobKey(kind: "learning-curves-part", inputs: inputs.merging(["part": "\(p)/\(partCount)"]) { a, _ in a }, upstream: []),
                              dependencies: [], priority: c.counts ? 10 : 1) { _ in
                    let dataset = try LearningCurves.loadDataset(c, bytes: bytes)
                    return try LearningCurves.runPart(c, dataset: dataset, settings: settings, seed: seed, part: p, of: partCount)
                })
            }
            graph.add(Job(study, key: JobKey(kind: "learning-curves", inputs: inputs, upstream: partIDs.map { graph.key($0) }),
                          dependencies: partIDs.map(\.erased), publishes: true) { deps in
                let dataset = try LearningCurves.loadDataset(c, bytes: bytes)
                return try LearningCurves.finish(c, dataset: dataset, settings: settings, seed: seed, parts: partIDs.map { deps[$0] })
            })
            guard shown.contains(name) else { continue }
            for (i, id) in Planner.curveFigureIDs(c).enumerated() {
                graph.add(Job(id, key: JobKey(kind: "render-curves", inputs: context.renderInputs.merging(["figure": "\(i)"]) { a, _ in a }, upstream: [graph.key(study)]),
                              dependencies: [study.erased], file: "figures/learning-curves--\(name)\(i == 1 ? "--discrete" : "").png") { deps in
                    try LearningCurves.render(deps[study], figure: i, figures: figures)
                })
            }
        }
    }

    static func metrics(_ artifacts: ArtifactStore) -> [String: any Encodable] {
        ["learning_curves": artifacts.all(LearningCurveArtifact.self).map { LearningCurves.metrics($0.value) }]
    }
}

extension JobID where Output == LearningCurveArtifact {
    static func curves(_ name: String) -> Self { Self(.train, "study", "curves", name) }
    /// One range of the study's splits.
    func part(_ index: Int) -> JobID<LearningCurveMeasurements> { child("part", "\(index)") }
}

extension JobID where Output == FigureArtifact {
    /// The Gaussian learning curves of one dataset, or (`discrete`) those of the count models.
    static func curvesFigure(_ name: String, discrete: Bool = false) -> Self {
        Self(.render, ["render", "curves", name] + (discrete ? ["discrete"] : []))
    }
}

extension LearningCurveArtifact: Artifact {}             // its parts trained the models

/// One part of a learning-curve study: the raw numbers of a range of splits.
extension LearningCurveMeasurements: Artifact {
    public var modelsTrained: Int { learners.count * sizes.count * splits }
    public static var releasedAfterUse: Bool { true }
}

extension LearningCurveArtifact: DropsRows {
    var droppedRowCount: (subject: String, file: String?, dropped: Int, remain: Int) { ("learning curves '\(spec.name)'", spec.file, droppedRows, rows) }
}

extension Planner {
    /// The render jobs of one learning-curve study: the Gaussian figure, and for count data the discrete one.
    static func curveFigureIDs(_ c: LearningCurveSpec) -> [JobID<FigureArtifact>] {
        [.curvesFigure(c.name)] + (c.counts ? [.curvesFigure(c.name, discrete: true)] : [])
    }
}
