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

enum ExploreJobs {
    static let directives = ["probe", "regulariser", "training-size"]

    /// Checks a directive's arguments (errors carry the content file and line through `fail`).
    static func resolve(_ name: String, _ args: [String], spec: ProjectSpec,
                        dataset: (String) throws -> String, model: (String, Bool) throws -> String,
                        fail: (String) -> ContentError) throws -> ExploreRef {
        switch name {
        case "probe":
            guard (2...3).contains(args.count) else {
                throw fail("@probe takes DATASET MODEL OTHER_MODEL [THIRD_MODEL]: the first model's map, and every model's P(y|x) where the reader points")
            }
            let ds = try dataset(args[0])
            let models = try args[1...].map { try model($0, false) }
            guard Set(models).count == models.count else { throw fail("@probe: a model is named twice") }
            return ExploreRef(kind: .probe, dataset: ds, models: models)
        case "regulariser":
            guard args.count == 2 else {
                throw fail("@regulariser takes DATASET MODEL: a slider over the setting listed for MODEL under explore: regulariser: in lenses.yml")
            }
            let ds = try dataset(args[0]), m = try model(args[1], false)
            guard spec.explore.regulariser[m] != nil else {
                let listed = spec.explore.regulariser.keys.sorted()
                throw fail("@regulariser: model '\(m)' has no values under explore: regulariser: in lenses.yml (e.g. \(m): {SETTING: [0.01, 1, 100]})"
                    + (listed.isEmpty ? "" : "; listed: \(listed.joined(separator: ", "))"))
            }
            return ExploreRef(kind: .regulariser, dataset: ds, models: [m])
        case "training-size":
            guard args.count == 2 || args.count == 3 else {
                throw fail("@training-size takes DATASET MODEL OTHER_MODEL: both retrained on training sets of growing size, side by side")
            }
            let ds = try dataset(args[0])
            let models = try args[1...].map { try model($0, false) }
            guard models.count == 2 else { throw fail("@training-size takes DATASET MODEL OTHER_MODEL: name two models") }
            guard models[0] != models[1] else { throw fail("@training-size: a model is named twice") }
            return ExploreRef(kind: .trainingSize, dataset: ds, models: models)
        default:
            preconditionFailure("not an explore directive: \(name)")
        }
    }

    /// The render job of one widget: it reads the data job and the fits of `ref.fitIDs`.
    static func jobs(_ ref: ExploreRef, spec: ProjectSpec, pages: [String], keys: [AnyJobID: JobKey], formats: String) throws -> [Job] {
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
