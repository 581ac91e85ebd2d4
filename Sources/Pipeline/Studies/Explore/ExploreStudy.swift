import Foundation
import Models
import Site

/// An interactive figure a page asks for with a directive (`@probe`, …): what it shows and the
/// render job that draws it and computes its data.
struct ExploreRef: Hashable, Comparable, Sendable {
    let kind: Explorable.Kind
    let dataset: String
    /// Model instance names, the one drawn first.
    let models: [String]

    var slug: String { kind.rawValue.replacingOccurrences(of: "_", with: "-") }
    var jobID: JobID<FigureArtifact> { JobID(.render, "render", "explore", kind.rawValue, dataset, models.joined(separator: "+")) }
    /// The training-size slider's right-hand figure.
    var rightJobID: JobID<FigureArtifact> { jobID.child("right") }
    /// The widget's id in the page and its data file's name (`explore/ID.js`).
    var id: String { "\(slug)-\(dataset)-\(models.joined(separator: "-"))" }
    /// The still figure's 1× PNG.
    var path: String { "figures/\(dataset)--\(models.joined(separator: "--"))--\(slug).png" }
    /// The training-size slider's right-hand still figure.
    var rightPath: String { "figures/\(dataset)--\(models.joined(separator: "--"))--\(slug)-right.png" }
    /// Its render jobs: the figure carrying the widget, and for a training-size slider the right-hand figure.
    var jobIDs: [JobID<FigureArtifact>] { kind == .trainingSize ? [jobID, rightJobID] : [jobID] }
    /// The fits the figure reads (and, for widgets that refit, the ones whose data and settings they start from).
    var fits: [ModelFit] { models.map { ModelFit(dataset: dataset, model: $0) } }
    static func < (a: ExploreRef, b: ExploreRef) -> Bool { a.jobID < b.jobID }
}

extension ExploreRef: Request, ShowsModels {
    var shownModels: [ModelFit] { fits }
}

/// Figures that answer back, on the gallery's data and models: the probe, the regulariser slider and
/// the training-size slider. Each is one render job that draws the still figure and computes the
/// widget's data (`Explorables.swift`); the training-size slider has a second, right-hand figure.
enum ExploreStudy: Study {
    static let section: String? = "explore"

    static let directives = [
        Directive(name: "probe", usage: "@probe DATASET MODEL OTHER_MODEL [THIRD_MODEL]") { args, c in
            guard (2...3).contains(args.count) else {
                throw c.fail("@probe takes DATASET MODEL OTHER_MODEL [THIRD_MODEL]: the first model's map, and every model's P(y|x) where the reader points")
            }
            let ds = try c.dataset(args[0])
            let models = try args[1...].map { try c.model($0) }
            guard Set(models).count == models.count else { throw c.fail("@probe: a model is named twice") }
            return [block(ExploreRef(kind: .probe, dataset: ds, models: models))]
        },
        Directive(name: "regulariser", usage: "@regulariser DATASET MODEL") { args, c in
            guard args.count == 2 else {
                throw c.fail("@regulariser takes DATASET MODEL: a slider over the setting listed for MODEL under explore: regulariser: in lenses.yml")
            }
            let ds = try c.dataset(args[0]), m = try c.model(args[1])
            guard c.spec.explore.regulariser[m] != nil else {
                let listed = c.spec.explore.regulariser.keys.sorted()
                throw c.fail("@regulariser: model '\(m)' has no values under explore: regulariser: in lenses.yml (e.g. \(m): {SETTING: [0.01, 1, 100]})"
                    + (listed.isEmpty ? "" : "; listed: \(listed.joined(separator: ", "))"))
            }
            return [block(ExploreRef(kind: .regulariser, dataset: ds, models: [m]))]
        },
        Directive(name: "training-size", usage: "@training-size DATASET MODEL OTHER_MODEL") { args, c in
            guard args.count == 2 || args.count == 3 else {
                throw c.fail("@training-size takes DATASET MODEL OTHER_MODEL: both retrained on training sets of growing size, side by side")
            }
            let ds = try c.dataset(args[0])
            let models = try args[1...].map { try c.model($0) }
            guard models.count == 2 else { throw c.fail("@training-size takes DATASET MODEL OTHER_MODEL: name two models") }
            guard models[0] != models[1] else { throw c.fail("@training-size: a model is named twice") }
            return [block(ExploreRef(kind: .trainingSize, dataset: ds, models: models))]
        },
    ]

    /// The widget's figures, asking for the widget and the fits it starts from.
    static func block(_ ref: ExploreRef) -> FiguresBlock {
        FiguresBlock(ref.jobIDs, requests: [ref] + ref.fits)
    }

    static func configure(_ field: Field, into spec: inout ProjectSpec) throws {
        spec.explore = try ConfigLoader.explore(field, models: spec.models)
    }

    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws {
        for ref in demand.all(ExploreRef.self).sorted() {
            for job in try jobs(ref, spec: context.spec, pages: demand.pages(ref), graph: graph, formats: context.formats) { graph.add(job) }
        }
    }

    /// The render job of one widget: it reads the data job and the fits of `ref.fitIDs`.
    static func jobs(_ ref: ExploreRef, spec: ProjectSpec, pages: [String], graph: JobGraph, formats: String) throws -> [Job] {
        let keys = graph.keys
        let figures = spec.figures, seed = spec.seed
        let dataID = JobID.data(ref.dataset), fitIDs = ref.fits.map(\.id)
        let dataKey = keys[dataID.erased]!
        let models = ref.models.map { spec.model($0)! }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var inputs = ["kind": ref.kind.rawValue, "width": "\(figures.width)", "height": "\(figures.height)", "formats": formats,
                      "pages": pages.joined(separator: ","), "seed": "\(seed)",
                      "instances": models.map { "\($0.name)=\($0.label)" }.joined(separator: "|")]
        switch ref.kind {
        case .probe:
            inputs["settings"] = String(decoding: try encoder.encode(spec.explore.probe), as: UTF8.self)
            let settings = spec.explore.probe
            return [Job(ref.jobID, key: JobKey(kind: "render-explore", inputs: inputs, upstream: [dataKey] + fitIDs.map { keys[$0.erased]! }),
                        dependencies: [dataID.erased] + fitIDs.map(\.erased), file: ref.path) { deps in
                try ProbeExplorable.render(ref, data: deps[dataID], fits: fitIDs.map { deps[$0] }, models: models,
                                           figures: figures, settings: settings, pages: pages)
            }]
        case .regulariser:
            let sweep = spec.explore.regulariser[ref.models[0]]!
            inputs["settings"] = String(decoding: try encoder.encode(sweep), as: UTF8.self)
            inputs["model"] = "\(models[0].kind):\(Planner.canonical(models[0].settings))"
            inputs["figure"] = "samples=\(figures.samples);contour_draws=\(figures.contourDraws)"
            return [Job(ref.jobID, key: JobKey(kind: "render-explore", inputs: inputs, upstream: [dataKey]),
                        dependencies: [dataID.erased], file: ref.path) { deps in
                try RegulariserExplorable.render(ref, data: deps[dataID], model: models[0], sweep: sweep, seed: seed,
                                                 figures: figures, pages: pages)
            }]
        case .trainingSize:
            let settings = spec.explore.trainingSize
            inputs["settings"] = String(decoding: try encoder.encode(settings), as: UTF8.self)
            inputs["models"] = models.map { "\($0.kind):\(Planner.canonical($0.settings))" }.joined(separator: "|")
            inputs["figure"] = "pair=\(figures.pairWidth)x\(figures.pairHeight);samples=\(figures.samples);contour_draws=\(figures.contourDraws)"
            let rightFit = fitIDs[1]
            var rightInputs = inputs
            rightInputs["part"] = "right"
            return [
                Job(ref.jobID, key: JobKey(kind: "render-explore", inputs: inputs, upstream: [dataKey]),
                    dependencies: [dataID.erased], file: ref.path) { deps in
                    try TrainingSizeExplorable.render(ref, data: deps[dataID], models: models, settings: settings, seed: seed,
                                                      figures: figures, pages: pages)
                },
                Job(ref.rightJobID, key: JobKey(kind: "render-explore", inputs: rightInputs, upstream: [dataKey, keys[rightFit.erased]!]),
                    dependencies: [dataID.erased, rightFit.erased], file: ref.rightPath) { deps in
                    try TrainingSizeExplorable.renderRight(ref, data: deps[dataID], fit: deps[rightFit], model: models[1],
                                                           figures: figures, pages: pages)
                },
            ]
        case .training, .latent:
            preconditionFailure("\(ref.kind) is not planned here")
        }
    }
}
