import Foundation
import Numerics
import Models
import Site

extension Planner.FigureRef: Request, ShowsModels {
    var shownModels: [ModelFit] { [fit] }
}
extension ModelFit: Request {}

/// A request whose figure shows these models (a scores table on the same page lists them).
protocol ShowsModels { var shownModels: [ModelFit] { get } }

/// The gallery: every model instance of lenses.yml on every 2-D dataset, as P(y|x) maps, densities
/// and Bayes' flip, with scores tables. Its jobs: one data job per dataset shown, one training job
/// per (dataset, model instance) shown or quoted, and one render job per figure.
enum GalleryStudy: Study {
    static let templates: [String: Set<String>] = [
        "table": ["dataset", "rows", "model", "lens", "accuracy", "log_loss", "n_train", "n_test"],
        "bayes": ["model", "rows", "x", "joint", "sum", "flipped", "worst", "priors"],
        "scoreboard": ["rows", "dataset", "d_model", "d_acc", "g_model", "g_acc", "winner", "n_train", "d_count", "g_count",
                       "tie_count", "d_list", "g_list", "tie_list", "total"],
    ]

    static func figure(_ ds: String, _ m: String, _ view: Stages.View, pair: Bool = false) -> (JobID<FigureArtifact>, any Request) {
        let ref = Planner.FigureRef(dataset: ds, model: m, view: view, pair: pair)
        return (ref.jobID, ref)
    }

    static func figures(_ refs: [(JobID<FigureArtifact>, any Request)]) -> FiguresBlock {
        FiguresBlock(refs.map(\.0), requests: refs.map(\.1))
    }

    static let directives = [
        Directive(name: "pair", usage: "@pair DATASET LEFT_MODEL RIGHT_MODEL") { args, c in
            guard args.count == 3 else { throw c.fail("@pair takes DATASET LEFT_MODEL RIGHT_MODEL") }
            let ds = try c.dataset(args[0])
            return [figures(try args[1...].map { figure(ds, try c.model($0), .map, pair: true) })]
        },
        Directive(name: "figure", usage: "@figure DATASET MODEL VIEW") { args, c in
            guard args.count == 3, let view = Stages.View(rawValue: args[2]) else {
                throw c.fail("@figure takes DATASET MODEL VIEW, with VIEW one of: map, density, joint-0, joint-1, …")
            }
            let ds = try c.dataset(args[0])
            let m = try c.model(args[1], generative: view.needsGenerative)
            return [figures([figure(ds, m, view)])]
        },
        Directive(name: "table", usage: "@table [DATASET]") { args, c in
            guard args.count <= 1 else { throw c.fail("@table takes DATASET (or none on a dataset's own page)") }
            return [TableBlock(dataset: try c.datasetArgument(args, usage: "@table"), file: c.page.file, line: c.line)]
        },
        Directive(name: "gallery", usage: "@gallery [DATASET]") { args, c in
            guard args.count <= 1 else { throw c.fail("@gallery takes DATASET (or none on a dataset's own page)") }
            let ds = try c.datasetArgument(args, usage: "@gallery")
            var blocks = [any PageBlock]()
            var generative = [String]()
            for (left, right) in c.spec.galleryPairs {
                blocks.append(figures([figure(ds, try c.model(left), .map, pair: true), figure(ds, try c.model(right), .map, pair: true)]))
                for m in [left, right] where c.spec.model(m).flatMap({ ModelCatalogue.entry($0.kind) })?.lens == .generative && !generative.contains(m) {
                    generative.append(m)
                }
            }
            for chunk in stride(from: 0, to: generative.count, by: 2) {
                let row = generative[chunk..<min(chunk + 2, generative.count)]
                blocks.append(figures(row.map { figure(ds, $0, .density, pair: row.count == 2) }))
            }
            blocks.append(TableBlock(dataset: ds, file: c.page.file, line: c.line))
            return blocks
        },
        Directive(name: "bayes-flip", usage: "@bayes-flip DATASET [GENERATIVE_MODEL]") { args, c in
            guard (1...2).contains(args.count) else { throw c.fail("@bayes-flip takes DATASET GENERATIVE_MODEL") }
            let ds = try c.dataset(args[0])
            let m = try c.model(args.count == 2 ? args[1] : GaussianNaiveBayes.kind, generative: true)
            return [figures([figure(ds, m, .joint(0), pair: true), figure(ds, m, .joint(1), pair: true)]),
                    figures([figure(ds, m, .map)]),
                    BayesTableBlock(fit: ModelFit(dataset: ds, model: m))]
        },
        Directive(name: "scoreboard", usage: "@scoreboard") { args, c in
            guard args.isEmpty else { throw c.fail("@scoreboard takes no arguments: it compares the gallery's models on every gallery dataset") }
            let galleryDatasets = Planner.unique(c.spec.pages.compactMap(\.dataset))
            let models = Planner.unique(c.spec.galleryPairs.flatMap { [$0.0, $0.1] })
            return [ScoreboardBlock(fits: galleryDatasets.flatMap { ds in models.map { ModelFit(dataset: ds, model: $0) } })]
        },
    ]

    /// Test scores of the models a page shows on one dataset.
    struct TableBlock: PageBlock {
        let dataset: String
        var fits: [ModelFit] = []
        let file: String
        let line: Int

        var requests: [any Request] { fits }
        var reads: [AnyJobID] { fits.map(\.id.erased) }

        func completed(on page: [any PageBlock]) throws -> any PageBlock {
            let shown = page.flatMap(\.requests).compactMap { $0 as? ShowsModels }.flatMap(\.shownModels).filter { $0.dataset == dataset }
            guard !shown.isEmpty else {
                throw ContentError(file: file, line: line, "@table \(dataset) needs at least one figure of '\(dataset)' on the same page")
            }
            var done = self
            done.fits = Planner.unique(shown)
            return done
        }

        func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String {
            let rows: [[String: Any]] = fits.map { ref in
                let f = artifacts[ref.id]
                return ["model": page.context.label(ref, f), "lens": f.lens.rawValue,
                        "accuracy": NumberFormat.fixedOrNA(f.testAccuracy, 3), "log_loss": NumberFormat.fixedOrNA(f.testLogLoss, 3),
                        "n_train": "\(f.nTrain)", "n_test": "\(f.nTest)"]
            }
            return try page.templates.render("table", ["dataset": page.context.datasetTitles[dataset] ?? dataset, "rows": rows]) + "\n"
        }
    }

    /// Bayes' rule at a few points, from one generative model's fit.
    struct BayesTableBlock: PageBlock {
        let fit: ModelFit
        var requests: [any Request] { [fit] }
        var reads: [AnyJobID] { [fit.id.erased] }
        func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String {
            let f = artifacts[fit.id]
            return try page.templates.render("bayes", GalleryStudy.bayesContext(f, label: page.context.label(fit, f))) + "\n"
        }
    }

    /// The best model of each lens on every gallery dataset.
    struct ScoreboardBlock: PageBlock {
        let fits: [ModelFit]
        var requests: [any Request] { fits }
        var reads: [AnyJobID] { fits.map(\.id.erased) }
        func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String {
            try page.templates.render("scoreboard", GalleryStudy.scoreboardContext(fits.map { artifacts[$0.id] }, page.context.datasetTitles,
                                                                                  labels: fits.map { page.context.label($0, artifacts[$0.id]) })) + "\n"
        }
    }

    /// `fit.DATASET.MODEL.KEY`: a model instance's test scores on a gallery dataset.
    static let quotes: Quotes? = Quotes(namespace: "fit", path: { p in
        try p.need(4, "fit.DATASET.MODEL.(accuracy|error|log_loss|n_train|n_test)")
        guard p.spec.dataset(p.parts[1]) != nil else {
            throw p.fail("'\(p.text)': unknown dataset '\(p.parts[1])'; known: \(p.spec.datasets.map(\.name).joined(separator: ", "))")
        }
        guard p.spec.model(p.parts[2]) != nil else {
            throw p.fail("'\(p.text)': unknown model '\(p.parts[2])'; known: \(p.spec.models.map(\.name).joined(separator: ", "))")
        }
        let fit = ModelFit(dataset: p.parts[1], model: p.parts[2])
        return ReferencePath(source: .fit(fit), jobs: [fit.id.erased], key: p.rest(3), text: p.text)
    }, values: { path, artifacts in
        guard let id = path.jobs.first, let f = artifacts[erased: id] as? FitArtifact else { return [:] }
        return ["accuracy": .number(f.testAccuracy), "error": .number(1 - f.testAccuracy), "log_loss": .number(f.testLogLoss),
                "n_train": .number(Double(f.nTrain)), "n_test": .number(Double(f.nTest))]
    })

    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws {
        let spec = context.spec, seed = context.seed, figures = context.figures
        let refs = demand.all(Planner.FigureRef.self)
        let neededFits = Set(demand.all(ModelFit.self) + refs.map(\.fit))
        let neededDatasets = Set(neededFits.map(\.dataset))
        let fm = FileManager.default

        // Data jobs.
        for ds in spec.datasets where neededDatasets.contains(ds.name) {
            var bytes: Data? = nil
            var inputs = ["seed": "\(seed)", "test_fraction": "\(spec.testFraction)", "grid": "\(figures.grid)"]
            switch ds.source {
            case .synthetic(let kind, let n, let noise):
                inputs["source"] = "synthetic:\(kind):n=\(n):noise=\(noise)"
            case .csv(let file, let label, let features, let transform):
                let url = spec.root.appendingPathComponent(file)
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue,
                      let data = fm.contents(atPath: url.path) else {
                    throw PipelineError("\(file): data file for dataset '\(ds.name)' not found (or not a readable file)")
                }
                bytes = data
                inputs["source"] = "csv:\(file):label=\(label):features=\(features?.joined(separator: ",") ?? "auto"):transform=\(transform.rawValue)"
                inputs["bytes"] = JobKey.hash(data)
            }
            let fixedBytes = bytes
            let testFraction = spec.testFraction
            graph.add(Job(JobID.data(ds.name), key: JobKey(kind: "data", inputs: inputs, upstream: []), dependencies: []) { _ in
                try Stages.loadData(ds, bytes: fixedBytes, seed: seed, testFraction: testFraction, gridSize: figures.grid)
            })
        }

        // Training jobs: one per (dataset, model instance) shown anywhere. The key holds the kind and
        // settings, never the instance's name: two instances with equal settings have equal keys, so
        // they share one cache entry, and within a build the second one takes the first one's fit.
        var fitByKey = [JobKey: JobID<FitArtifact>]()
        for fit in neededFits.sorted() {
            let fitID = fit.id
            let model = spec.model(fit.model)!
            let inputs = ["model": model.kind, "settings": Planner.canonical(model.settings), "seed": "\(seed)",
                          "samples": "\(figures.samples)", "contour_draws": "\(figures.contourDraws)"]
            let dataID = JobID.data(fit.dataset)
            let key = JobKey(kind: "train", inputs: inputs, upstream: [graph.key(dataID)])
            if let twin = fitByKey[key] {
                graph.add(Job(fitID, key: key, dependencies: [twin.erased]) { deps in deps[twin] })
                continue
            }
            fitByKey[key] = fitID
            graph.add(Job(fitID, key: key, dependencies: [dataID.erased]) { deps in
                try Stages.fit(deps[dataID], model: model, seed: seed, figures: figures)
            })
        }

        // Render jobs.
        for ref in refs.sorted() {
            let pagesShowing = demand.pages(ref)
            let dataID = JobID.data(ref.dataset), fitID = ref.fit.id
            let model = spec.model(ref.model)!
            var inputs = ["view": ref.view.rawValue, "width": "\(ref.pair ? figures.pairWidth : figures.width)",
                          "height": "\(ref.pair ? figures.pairHeight : figures.height)",
                          "pages": pagesShowing.joined(separator: ","), "formats": context.formats]
            // The fit's key has the kind and settings; a named instance's figure also shows its name.
            if !model.isPlain { inputs["instance"] = model.name }
            let probeCells: Int? = ref.view == .map ? spec.explore.probe.cells : nil
            if let cells = probeCells { inputs["probe_cells"] = "\(cells)" }
            graph.add(Job(ref.jobID, key: JobKey(kind: "render", inputs: inputs, upstream: [graph.key(dataID), graph.key(fitID)]),
                          dependencies: [dataID.erased, fitID.erased], file: ref.file) { deps in
                try Stages.render(deps[dataID], deps[fitID], model: model, view: ref.view,
                                  figures: figures, pages: pagesShowing, pair: ref.pair, probeCells: probeCells)
            })
        }
    }
}

extension JobID where Output == DataArtifact {
    /// A gallery dataset with its split and grid.
    static func data(_ dataset: String) -> Self { Self(.data, "data", dataset) }
}

extension JobID where Output == FitArtifact {
    /// One model instance trained on one gallery dataset.
    static func fit(_ dataset: String, _ model: String) -> Self { Self(.train, "train", dataset, model) }
}

extension DataArtifact: Artifact {}

extension FitArtifact: Artifact {
    public var modelsTrained: Int { 1 }
    public static var releasedAfterUse: Bool { true }
    public func forPagesOnly() -> FitArtifact? { withoutGrids }
}

/// The scoreboard's and Bayes' table's data.
extension GalleryStudy {
    /// Best discriminative against best generative model per dataset, with sentences
    /// generated from the comparison (so no claim can outrun the numbers).
    static func scoreboardContext(_ fits: [FitArtifact], _ titles: [String: String], labels: [String]? = nil) -> [String: Any] {
        let labels = labels ?? fits.map(\.displayName)
        var rows = [[String: Any]]()
        var discriminativeWins = [String](), generativeWins = [String](), ties = [String]()
        var datasets = [String]()
        for f in fits where !datasets.contains(f.dataset) { datasets.append(f.dataset) }
        for ds in datasets {
            let here = fits.indices.filter { fits[$0].dataset == ds }
            func best(_ lens: ModelCatalogue.Lens) -> Int? {
                here.filter { fits[$0].lens == lens }.max { fits[$0].testAccuracy < fits[$1].testAccuracy }
            }
            guard let di = best(.discriminative), let gi = best(.generative) else { continue }
            let d = fits[di], g = fits[gi]
            let title = titles[ds] ?? ds
            // Within one test row counts as a tie.
            let oneRow = 1.0 / Double(max(d.nTest, 1))
            let diff = d.testAccuracy - g.testAccuracy
            let winner: String
            if abs(diff) <= oneRow + 1e-12 { winner = "tie (within one test row)"; ties.append(title) }
            else if diff > 0 { winner = "discriminative"; discriminativeWins.append(title) }
            else { winner = "generative"; generativeWins.append(title) }
            rows.append(["dataset": title, "d_model": labels[di], "d_acc": NumberFormat.fixedOrNA(d.testAccuracy, 3),
                         "g_model": labels[gi], "g_acc": NumberFormat.fixedOrNA(g.testAccuracy, 3), "winner": winner,
                         "n_train": d.nTrain])
        }
        func list(_ xs: [String]) -> String { xs.isEmpty ? "none" : xs.joined(separator: ", ") }
        return ["rows": rows, "d_count": discriminativeWins.count, "g_count": generativeWins.count, "tie_count": ties.count,
                "d_list": list(discriminativeWins), "g_list": list(generativeWins), "tie_list": list(ties),
                "total": rows.count]
    }

    /// Bayes' rule at the probe points, computed here in linear space from the
    /// model's class densities and priors, beside the model's own P(y|x).
    static func bayesContext(_ f: FitArtifact, label: String? = nil) -> [String: Any] {
        guard let g = f.generative else { return [:] }
        let K = g.logPriors.count
        var worst = 0.0
        let rows: [[String: Any]] = g.probes.map { p in
            let joint = (0..<K).map { exp(p.classLogDensity[$0] + g.logPriors[$0]) }
            let total = joint.reduce(0, +)
            let flipped = joint.map { $0 / total }
            for k in 0..<K { worst = max(worst, abs(flipped[k] - p.proba[k])) }
            return [
                "x": p.x.map { NumberFormat.fixed($0, 2) }.joined(separator: ", "),
                "joint": joint.map { NumberFormat.significant($0, 4) }.joined(separator: " · "),
                "sum": NumberFormat.significant(total, 4),
                "flipped": flipped.map { NumberFormat.fixed($0, 4) }.joined(separator: " · "),
                "model": p.proba.map { NumberFormat.fixed($0, 4) }.joined(separator: " · "),
            ]
        }
        return ["model": label ?? f.displayName, "rows": rows, "worst": NumberFormat.scientific(worst),
                "priors": g.logPriors.map { NumberFormat.fixed(exp($0), 3) }.joined(separator: " · ")]
    }
}

/// One model instance on one gallery dataset: its training job, and the name tables show it by.
struct ModelFit: Sendable, Hashable, Comparable {
    let dataset: String
    let model: String
    var id: JobID<FitArtifact> { .fit(dataset, model) }
    static func < (a: ModelFit, b: ModelFit) -> Bool { a.id < b.id }
}

/// One figure of the gallery: a model instance's view of a dataset, alone or in a pair.
extension Planner {
    struct FigureRef: Hashable, Comparable, Sendable {
        let dataset: String
        let model: String
        let view: Stages.View
        /// Shown beside another figure: rendered at the pair size.
        var pair = false
        var jobID: JobID<FigureArtifact> { JobID(.render, ["render", dataset, model, view.rawValue] + (pair ? ["pair"] : [])) }
        var fit: ModelFit { ModelFit(dataset: dataset, model: model) }
        /// The 1× PNG it draws.
        var file: String { "figures/\(([dataset, model, view.rawValue] + (pair ? ["pair"] : [])).joined(separator: "--")).png" }
        static func < (a: FigureRef, b: FigureRef) -> Bool { a.jobID < b.jobID }
    }
}
