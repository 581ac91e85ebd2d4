import Datasets
import Foundation
import Models
import Site

/// A content block after its directive has been checked and tied to jobs.
enum ResolvedBlock: Sendable {
    case markdown(String)
    /// Figures by render-job id, shown side by side when there are two.
    case figures([String])
    /// Test scores of the given training jobs on one dataset.
    case table(dataset: String, fits: [String])
    /// Bayes' rule at a few points, from one generative training job.
    case bayesTable(fit: String)
    /// Coefficients and errors of a regression study.
    case regressionTable(study: String)
    /// Information criteria of a mixture sweep.
    case mixtureTable(study: String)
    /// The search box (Pagefind).
    case search
    /// What two models learned in a case study.
    case caseStudy(study: String)
    /// Best model of each lens per gallery dataset.
    case scoreboard(fits: [String])
    /// The judging table of the deep study.
    case judgingTable(study: String)
    /// What the learning curves of one dataset show, in generated sentences.
    case learningCurveText(study: String)
    /// The summary table of every learning-curve study, and the sentences drawn from all of them.
    case learningCurveSummary(studies: [String], table: Bool)
    /// A part of the language study: its generated sentences, or one of its tables.
    case language(LanguageBlock)
}

/// What a language directive shows.
enum LanguageBlock: String, Sendable {
    case text, words, disagreements, orders
}

/// Turns the project spec and its content into a job graph. Everything that can
/// be checked before training (templates, content, names, files) is checked here,
/// and problems are reported with the file and line that caused them.
enum Planner {
    struct Plan {
        var jobs: [Job]
        /// Files copied as they are (stylesheets, KaTeX).
        var staticFiles: [String: Data]
        /// Things the author should know (a missing optional tool).
        var notes: [String] = []
        /// A page has a search box: index the site with Pagefind.
        var wantsSearch = false
    }

    struct FigureRef: Hashable, Comparable {
        let dataset: String
        let model: String
        let view: Stages.View
        /// Shown beside another figure: rendered at the pair size.
        var pair = false
        var jobID: String { "render/\(dataset)/\(model)/\(view.rawValue)\(pair ? "/pair" : "")" }
        var fitID: String { "train/\(dataset)/\(model)" }
        static func < (a: FigureRef, b: FigureRef) -> Bool { a.jobID < b.jobID }
    }

    struct ResolvedPage {
        let spec: PageSpec
        let document: ContentDocument
        let contentHash: String
        let title: String
        let blocks: [ResolvedBlock]
        let figures: [FigureRef]
        var fits: [String]
        /// Regression and mixture studies shown (names).
        let regressions: [String]
        let mixtures: [String]
        let caseStudies: [String]
        /// Deep-study figures shown (names from DeepJobs.figures).
        let deepFigures: [String]
        /// Learning-curve studies used (names under learning_curves.datasets).
        let curves: [String]
        /// Render jobs of the learning-curve figures shown.
        let curveFigureIDs: [String]
        /// The page's {{value}} and {{check}} references, and the study names they read
        /// (by namespace: regression, mixture, case_study, learning_curves, deep).
        var references: [ParsedReference] = []
        var referencedStudies: [String: [String]] = [:]
        /// The language study is shown (its job, and its figure when `languageFigure`).
        let language: Bool
        let languageFigure: Bool
        /// Interactive figures (`@probe`, …), in page order.
        var explore: [ExploreRef] = []
        /// Mixture studies whose EM steps the page scrubs through (@em-steps).
        var mixtureSteps: [String] = []

        /// Every job this page's HTML depends on.
        var dependencies: [String] {
            let interactive: [String] = explore.flatMap(\.jobIDs)
            return Planner.unique(figures.map(\.jobID) + fits
                + regressions.flatMap { ["render/regression/\($0)", "study/regression/\($0)"] }
                + mixtures.flatMap { ["render/mixture/\($0)/criteria", "render/mixture/\($0)/density", "study/mixture/\($0)"] }
                + mixtureSteps.flatMap { ["render/mixture/\($0)/em", "study/mixture/\($0)"] }
                + caseStudies.map { "study/case/\($0)" }
                + curves.map { "study/curves/\($0)" } + curveFigureIDs
                + (language ? ["study/language"] : []) + (languageFigure ? ["render/language"] : [])
                + deepFigures.map { "render/deep/\($0)" } + (deepFigures.isEmpty ? [] : ["study/deep/judging", "study/deep/mlp", "study/deep/vae", "study/deep/gan", "study/deep/gmm"])
                + references.flatMap { $0.paths.flatMap(\.jobs) } + interactive)
        }
    }

    /// The render jobs of one learning-curve study: the Gaussian figure, and for count data the discrete one.
    static func curveFigureIDs(_ c: LearningCurveSpec) -> [String] {
        ["render/curves/\(c.name)"] + (c.counts ? ["render/curves/\(c.name)/discrete"] : [])
    }

    /// `parallelism`: threads a single long job (the language study) may use; results do not depend on it.
    static func plan(_ spec: ProjectSpec, parallelism: Int = 1) throws -> Plan {
        let fm = FileManager.default
        // The built-in theme with the project's templates/ over it, file by file.
        let theme = try Theme.load(root: spec.root)
        let templates = theme.templates
        try templates.checkVariables(PageRenderer.vocabulary)
        let templateDigest = theme.digest

        var pages = [ResolvedPage]()
        for page in spec.pages {
            let url = spec.root.appendingPathComponent(page.file)
            guard let data = fm.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw PipelineError("\(page.file): content file not found or not UTF-8 text")
            }
            let doc = try ContentDocument.parse(text, file: page.file)
            pages.append(try resolve(page, doc, contentHash: JobKey.hash(data), spec: spec))
        }
        var figurePages = [FigureRef: [String]]()
        for p in pages {
            for r in p.figures where !(figurePages[r]?.contains(p.spec.slug) ?? false) { figurePages[r, default: []].append(p.spec.slug) }
        }

        var jobs = [Job]()
        var keys = [String: JobKey]()
        func add(_ job: Job) { jobs.append(job); keys[job.id] = job.key }
        let seed = spec.seed, figures = spec.figures

        // Data jobs.
        let neededFits = Set(pages.flatMap(\.fits) + figurePages.keys.map(\.fitID))
        let neededDatasets = Set(neededFits.map { $0.split(separator: "/")[1] }.map(String.init))
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
            add(Job(id: "data/\(ds.name)", stage: .data, key: JobKey(kind: "data", inputs: inputs, upstream: []),
                    dependencies: []) { _ in
                .data(try Stages.loadData(ds, bytes: fixedBytes, seed: seed, testFraction: testFraction,
                                          gridSize: figures.grid))
            })
        }

        // Training jobs: one per (dataset, model instance) shown anywhere. The key holds the kind and
        // settings, never the instance's name: two instances with equal settings have equal keys, so
        // they share one cache entry, and within a build the second one takes the first one's fit.
        var fitByKey = [JobKey: String]()
        for fitID in neededFits.sorted() {
            let parts = fitID.split(separator: "/").map(String.init)
            let (ds, name) = (parts[1], parts[2])
            let model = spec.model(name)!
            let inputs = ["model": model.kind, "settings": canonical(model.settings), "seed": "\(seed)",
                          "samples": "\(figures.samples)", "contour_draws": "\(figures.contourDraws)"]
            let dataID = "data/\(ds)"
            let key = JobKey(kind: "train", inputs: inputs, upstream: [keys[dataID]!])
            if let twin = fitByKey[key] {
                add(Job(id: fitID, stage: .train, key: key, dependencies: [twin]) { deps in deps[twin]! })
                continue
            }
            fitByKey[key] = fitID
            add(Job(id: fitID, stage: .train, key: key, dependencies: [dataID]) { deps in
                .fit(try Stages.fit(deps[dataID]!.data, model: model, seed: seed, figures: figures))
            })
        }

        // Render jobs.
        let formats = figures.formats.map(\.rawValue).joined(separator: ",")
        for ref in figurePages.keys.sorted() {
            let pagesShowing = figurePages[ref]!
            let dataID = "data/\(ref.dataset)", fitID = ref.fitID
            let model = spec.model(ref.model)!
            var inputs = ["view": ref.view.rawValue, "width": "\(ref.pair ? figures.pairWidth : figures.width)",
                          "height": "\(ref.pair ? figures.pairHeight : figures.height)",
                          "pages": pagesShowing.joined(separator: ","), "formats": formats]
            // The fit's key has the kind and settings; a named instance's figure also shows its name.
            if !model.isPlain { inputs["instance"] = model.name }
            let probeCells: Int? = ref.view == .map ? spec.explore.probe.cells : nil
            if let cells = probeCells { inputs["probe_cells"] = "\(cells)" }
            add(Job(id: ref.jobID, stage: .render,
                    key: JobKey(kind: "render", inputs: inputs, upstream: [keys[dataID]!, keys[fitID]!]),
                    dependencies: [dataID, fitID]) { deps in
                .figure(try Stages.render(deps[dataID]!.data, deps[fitID]!.fit, model: model, view: ref.view,
                                          figures: figures, pages: pagesShowing, pair: ref.pair, probeCells: probeCells))
            })
        }

        // Interactive figures: one render job each, drawing the still figure and computing its data.
        var explorePages = [ExploreRef: [String]]()
        for p in pages {
            for r in p.explore where !(explorePages[r]?.contains(p.spec.slug) ?? false) { explorePages[r, default: []].append(p.spec.slug) }
        }
        for ref in explorePages.keys.sorted() {
            for job in try ExploreJobs.jobs(ref, spec: spec, pages: explorePages[ref]!, keys: keys, formats: formats) { add(job) }
        }

        // Regression and mixture studies: one study job each, and its figures.
        func csvBytes(_ file: String, _ what: String) throws -> Data {
            guard let d = fm.contents(atPath: spec.root.appendingPathComponent(file).path) else {
                throw PipelineError("\(file): data file for \(what) not found (or not a readable file)")
            }
            return d
        }
        let figureInputs = ["width": "\(figures.width)", "height": "\(figures.height)", "grid": "\(figures.grid)",
                            "samples": "\(figures.samples)", "contour_draws": "\(figures.contourDraws)"]
        // Render jobs also depend on the file formats; the studies they draw from do not.
        let renderInputs = figureInputs.merging(["formats": formats]) { a, _ in a }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let shownRegressions = Set(pages.flatMap(\.regressions)), shownMixtures = Set(pages.flatMap(\.mixtures))
        func referenced(_ namespace: String) -> [String] { pages.flatMap { $0.referencedStudies[namespace] ?? [] } }
        for name in unique(pages.flatMap(\.regressions) + referenced("regression")).sorted() {
            let r = spec.regressions.first { $0.name == name }!
            let bytes = try csvBytes(r.file, "regression '\(name)'")
            let testFraction = spec.testFraction
            var inputs = figureInputs
            inputs["spec"] = String(decoding: try encoder.encode(r), as: UTF8.self)
            inputs["bytes"] = JobKey.hash(bytes); inputs["seed"] = "\(seed)"; inputs["test_fraction"] = "\(testFraction)"
            let study = "study/regression/\(name)"
            add(Job(id: study, stage: .train, key: JobKey(kind: "regression", inputs: inputs, upstream: []), dependencies: [], publishes: true) { _ in
                .regression(try Studies.regression(r, bytes: bytes, seed: seed, testFraction: testFraction, figures: figures))
            })
            guard shownRegressions.contains(name) else { continue }
            add(Job(id: "render/regression/\(name)", stage: .render, key: JobKey(kind: "render-regression", inputs: renderInputs, upstream: [keys[study]!]),
                    dependencies: [study]) { deps in .figure(try Studies.renderRegression(deps[study]!.regression, figures: figures)) })
        }
        let shownSteps = Set(pages.flatMap(\.mixtureSteps))
        for name in unique(pages.flatMap(\.mixtures) + pages.flatMap(\.mixtureSteps) + referenced("mixture")).sorted() {
            let m = spec.mixtures.first { $0.name == name }!
            let bytes = try csvBytes(m.file, "mixture '\(name)'")
            var inputs = figureInputs
            inputs["spec"] = String(decoding: try encoder.encode(m), as: UTF8.self)
            inputs["bytes"] = JobKey.hash(bytes); inputs["seed"] = "\(seed)"
            let study = "study/mixture/\(name)"
            add(Job(id: study, stage: .train, key: JobKey(kind: "mixture", inputs: inputs, upstream: []), dependencies: [], publishes: true) { _ in
                .mixture(try Studies.mixture(m, bytes: bytes, seed: seed, figures: figures))
            })
            if shownSteps.contains(name) {
                add(Job(id: "render/mixture/\(name)/em", stage: .render, key: JobKey(kind: "render-mixture-em", inputs: renderInputs, upstream: [keys[study]!]),
                        dependencies: [study]) { deps in .figure(try Studies.renderMixtureEM(deps[study]!.mixture, figures: figures)) })
            }
            guard shownMixtures.contains(name) else { continue }
            add(Job(id: "render/mixture/\(name)/criteria", stage: .render, key: JobKey(kind: "render-criteria", inputs: renderInputs, upstream: [keys[study]!]),
                    dependencies: [study]) { deps in .figure(try Studies.renderMixtureCriteria(deps[study]!.mixture, figures: figures)) })
            add(Job(id: "render/mixture/\(name)/density", stage: .render, key: JobKey(kind: "render-mixture", inputs: renderInputs, upstream: [keys[study]!]),
                    dependencies: [study]) { deps in .figure(try Studies.renderMixtureDensity(deps[study]!.mixture, figures: figures)) })
        }

        for name in unique(pages.flatMap(\.caseStudies) + referenced("case_study")).sorted() {
            let c = spec.caseStudies.first { $0.name == name }!
            let bytes = try csvBytes(c.file, "case study '\(name)'")
            let testFraction = spec.testFraction
            let inputs = ["spec": String(decoding: try encoder.encode(c), as: UTF8.self), "bytes": JobKey.hash(bytes),
                          "seed": "\(seed)", "test_fraction": "\(testFraction)"]
            add(Job(id: "study/case/\(name)", stage: .train, key: JobKey(kind: "case-study", inputs: inputs, upstream: []), dependencies: [], publishes: true) { _ in
                .caseStudy(try CaseStudies.compute(c, bytes: bytes, seed: seed, testFraction: testFraction))
            })
        }

        let curveNames = unique(pages.flatMap(\.curves) + referenced("learning_curves")).sorted()
        let shownCurveFigures = Set(pages.flatMap(\.curveFigureIDs))
        for name in curveNames {
            let c = spec.learningCurves.dataset(name)!
            let bytes = try csvBytes(c.file, "learning curves '\(name)'")
            let settings = spec.learningCurves.settings
            let inputs = ["spec": String(decoding: try encoder.encode(c), as: UTF8.self),
                          "settings": String(decoding: try encoder.encode(settings), as: UTF8.self),
                          "bytes": JobKey.hash(bytes), "seed": "\(seed)"]
            let study = "study/curves/\(name)"
            // The study runs as parts (ranges of splits, one thread each) that the runner spreads over
            // the cores, longest first, and one job that summarises them under the study's id.
            // Count data (digits) fit eight learners, four of them multinomial logistic regressions:
            // by far the longest study, so more and costlier parts.
            let partCount = min(settings.splits, c.counts ? 8 : 2)
            let partIDs = (0..<partCount).map { "\(study)/part/\($0)" }
            for (p, id) in partIDs.enumerated() {
                add(Job(id: id, stage: .train, key: JobKey(kind: "learning-curves-part", inputs: inputs.merging(["part": "\(p)/\(partCount)"]) { a, _ in a }, upstream: []),
                        dependencies: [], priority: c.counts ? 10 : 1) { _ in
                    let dataset = try LearningCurves.loadDataset(c, bytes: bytes)
                    return .curvePart(try LearningCurves.runPart(c, dataset: dataset, settings: settings, seed: seed, part: p, of: partCount))
                })
            }
            add(Job(id: study, stage: .train, key: JobKey(kind: "learning-curves", inputs: inputs, upstream: partIDs.map { keys[$0]! }),
                    dependencies: partIDs, publishes: true) { deps in
                let dataset = try LearningCurves.loadDataset(c, bytes: bytes)
                return .learningCurves(try LearningCurves.finish(c, dataset: dataset, settings: settings, seed: seed,
                                                                 parts: partIDs.map { deps[$0]!.curvePart }))
            })
            for (i, id) in curveFigureIDs(c).enumerated() where shownCurveFigures.contains(id) {
                add(Job(id: id, stage: .render,
                        key: JobKey(kind: "render-curves", inputs: renderInputs.merging(["figure": "\(i)"]) { a, _ in a }, upstream: [keys[study]!]),
                        dependencies: [study]) { deps in
                    .figure(try LearningCurves.render(deps[study]!.learningCurves, figure: i, figures: figures))
                })
            }
        }

        if pages.contains(where: { $0.language || $0.referencedStudies["language"] != nil }), let settings = spec.language {
            let bytes = try csvBytes(settings.file, "the language study")
            _ = try LanguageStudy.words(settings, bytes: bytes)   // bad rows are reported before any work
            let inputs = ["settings": String(decoding: try encoder.encode(settings), as: UTF8.self),
                          "bytes": JobKey.hash(bytes), "seed": "\(seed)"]
            let threads = max(1, parallelism)
            add(Job(id: "study/language", stage: .train, key: JobKey(kind: "language", inputs: inputs, upstream: []), dependencies: [], publishes: true,
                    priority: 6) { _ in
                .language(try LanguageStudy.run(settings, bytes: bytes, seed: seed, parallelism: threads))
            })
            if pages.contains(where: \.languageFigure) {
                add(Job(id: "render/language", stage: .render,
                        key: JobKey(kind: "render-language", inputs: figureInputs, upstream: [keys["study/language"]!]),
                        dependencies: ["study/language"]) { deps in
                    .figure(try LanguageStudy.render(deps["study/language"]!.language, figures: figures))
                })
            }
        }

        if let deep = spec.deep, pages.contains(where: { !$0.deepFigures.isEmpty || $0.referencedStudies["deep"] != nil }) {
            let bytes = try csvBytes(deep.file, "the deep study")
            let testFraction = spec.testFraction
            var base = ["settings": String(decoding: try encoder.encode(deep), as: UTF8.self), "bytes": JobKey.hash(bytes),
                        "seed": "\(seed)", "test_fraction": "\(testFraction)"]
            for part in DeepJobs.models + ["judging"] {
                let deps = part == "judging" ? ["vae", "gan", "gmm", "mlp"].map { "study/deep/\($0)" } : []
                base["part"] = part
                add(Job(id: "study/deep/\(part)", stage: .train, key: JobKey(kind: "deep", inputs: base, upstream: deps.map { keys[$0]! }),
                        dependencies: deps, publishes: true, priority: DeepJobs.expectedCost[part] ?? 0) { artifacts in
                    .deep(try DeepJobs.compute(part, spec: deep, bytes: bytes, seed: seed, testFraction: testFraction, deps: artifacts))
                })
            }
            for figure in DeepJobs.figures {
                let deps = figure.inputs.map { "study/deep/\($0)" }
                let render = figure.render
                add(Job(id: "render/deep/\(figure.name)", stage: .render,
                        key: JobKey(kind: "render-deep", inputs: renderInputs.merging(["figure": figure.name]) { a, _ in a }, upstream: deps.map { keys[$0]! }),
                        dependencies: deps) { artifacts in
                    .figure(try render(deps.map { id in if case .deep(let p) = artifacts[id]! { return p }; preconditionFailure() }, figures))
                })
            }
        }

        // Page jobs.
        let nav = pages.map { page -> (slug: String, title: String) in
            // A dataset's own page (the gallery) is listed by the dataset's title, under its section.
            if let ds = page.spec.dataset, let dsTitle = spec.dataset(ds)?.title { return (page.spec.slug, dsTitle) }
            return (page.spec.slug, page.document.metadata["nav"] ?? page.title)
        }
        let datasetTitles = Dictionary(uniqueKeysWithValues: spec.datasets.map { ($0.name, $0.title) })
        let searchAvailable = SearchIndex.command(root: spec.root) != nil
        let sections = pages.map { $0.document.metadata["section"] ?? ($0.spec.dataset != nil ? "Gallery" : "") }
        let searchHref = pages.contains { $0.blocks.contains { if case .search = $0 { return true }; return false } }
            ? pages.first { $0.blocks.contains { if case .search = $0 { return true }; return false } }.map { "\($0.spec.slug).html" } : nil
        // Tables name models by label; a named instance's label is not in its fit's key.
        let modelLabels = Dictionary(uniqueKeysWithValues: spec.models.map { ($0.name, $0.label) })
        let namedInstances = spec.models.filter { !$0.isPlain }.map { "\($0.name)=\($0.label)" }.joined(separator: "|")
        for (index, page) in pages.enumerated() {
            let deps = page.dependencies
            var inputs = ["content": page.contentHash, "templates": templateDigest, "slug": page.spec.slug,
                          "dataset": page.spec.dataset ?? "",
                          "nav": zip(nav, sections).map { "\($1)/\($0.slug)=\($0.title)" }.joined(separator: "|"),
                          "site_title": spec.siteTitle, "search": searchAvailable ? "pagefind" : "none",
                          "config": "seed=\(spec.seed);test_fraction=\(spec.testFraction)",
                          "base_url": spec.baseURL ?? ""]
            let context = PageRenderer.Context(
                siteTitle: spec.siteTitle, slug: page.spec.slug, title: page.title,
                metadata: page.document.metadata, blocks: page.blocks, nav: nav, sections: sections, index: index,
                datasetTitles: datasetTitles, modelLabels: modelLabels, searchAvailable: searchAvailable, searchHref: searchHref,
                file: page.spec.file, draft: page.document.isDraft, references: page.references, config: References.config(spec),
                baseURL: spec.baseURL)
            if !namedInstances.isEmpty { inputs["models"] = namedInstances }
            add(Job(id: "page/\(page.spec.slug)", stage: .page,
                    key: JobKey(kind: "page", inputs: inputs, upstream: deps.map { keys[$0]! }),
                    dependencies: deps) { artifacts in
                .page(try PageRenderer.render(context, templates: templates, artifacts: artifacts))
            })
        }

        // Static assets under templates/assets/ (the theme's, then the project's) are copied as they are.
        var staticFiles = theme.assets
        let (katex, katexNote) = katexAssets()
        staticFiles.merge(katex) { a, _ in a }
        let wantsSearch = pages.contains { $0.blocks.contains { if case .search = $0 { return true }; return false } }
        return Plan(jobs: jobs, staticFiles: staticFiles, notes: katexNote.map { [$0] } ?? [], wantsSearch: wantsSearch)
    }

    /// KaTeX from Debian's libjs-katex (or `LENSES_KATEX_DIR`), copied into the site
    /// with its licence so math renders offline: the script, the stylesheet reduced
    /// to the woff2 fonts, and those fonts.
    static func katexAssets() -> ([String: Data], String?) {
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LENSES_KATEX_DIR"] ?? "/usr/share/javascript/katex")
        guard let js = fm.contents(atPath: dir.appendingPathComponent("katex.min.js").path) ?? fm.contents(atPath: dir.appendingPathComponent("katex.js").path),
              let css = fm.contents(atPath: dir.appendingPathComponent("katex.min.css").path) else {
            return ([:], "KaTeX was not found in \(dir.path) (install Debian's libjs-katex): formulas are shown as TeX source")
        }
        var files = ["assets/katex/katex.js": js]
        var cssText = String(decoding: css, as: UTF8.self)
        cssText = cssText.replacing(/,url\(fonts\/[^)]+\.(?:woff|ttf)\) format\(["'](?:woff|truetype)["']\)/, with: "")
        files["assets/katex/katex.min.css"] = Data(cssText.utf8)
        let fonts = dir.appendingPathComponent("fonts").resolvingSymlinksInPath()
        for name in ((try? fm.contentsOfDirectory(atPath: fonts.path)) ?? []).sorted() where name.hasSuffix(".woff2") {
            if let d = fm.contents(atPath: fonts.appendingPathComponent(name).path) { files["assets/katex/fonts/\(name)"] = d }
        }
        for licence in ["/usr/share/doc/libjs-katex/copyright", dir.appendingPathComponent("LICENSE").path] {
            if let d = fm.contents(atPath: licence) { files["assets/katex/LICENSE.txt"] = d; break }
        }
        return (files, nil)
    }

    /// Checks a page's directives against the spec and ties them to jobs.
    static func resolve(_ page: PageSpec, _ doc: ContentDocument, contentHash: String, spec: ProjectSpec) throws -> ResolvedPage {
        var blocks = [ResolvedBlock]()
        var refs = [FigureRef]()
        var fits = [String]()
        var shownModels = [String: [String]]()  // dataset → models with a figure on this page
        var pendingTables = [(dataset: String, index: Int, line: Int)]()
        var regressions = [String](), mixtures = [String](), caseStudies = [String](), deepFigures = [String]()
        var curves = [String](), curveFigures = [String]()
        var language = false, languageFigure = false
        var explore = [ExploreRef]()
        var mixtureSteps = [String]()

        for block in doc.blocks {
            guard case .directive(let d) = block else {
                if case .markdown(let md) = block { blocks.append(.markdown(md)) }
                continue
            }
            func fail(_ m: String) -> ContentError { ContentError(file: page.file, line: d.line, m) }
            func dataset(_ name: String) throws -> String {
                guard spec.dataset(name) != nil else {
                    throw fail("unknown dataset '\(name)'; known: \(spec.datasets.map(\.name).joined(separator: ", "))")
                }
                return name
            }
            func model(_ name: String, generative: Bool = false) throws -> String {
                guard let m = spec.model(name), let entry = ModelCatalogue.entry(m.kind) else {
                    throw fail("unknown model '\(name)'; known: \(spec.models.map(\.name).joined(separator: ", ")) (the names under models: in lenses.yml)")
                }
                if generative && entry.lens != .generative {
                    let what = m.isPlain ? "'\(name)'" : "'\(name)' (\(m.kind))"
                    throw fail("\(what) is a discriminative model: it has no p(x|y), so it cannot be drawn this way; use a generative model")
                }
                return name
            }
            func figure(_ ds: String, _ m: String, _ view: Stages.View, pair: Bool = false) -> String {
                let ref = FigureRef(dataset: ds, model: m, view: view, pair: pair)
                refs.append(ref)
                shownModels[ds, default: []].append(m)
                return ref.jobID
            }
            func datasetArgument(_ args: ArraySlice<String>, usage: String) throws -> String {
                if let first = args.first { return try dataset(first) }
                guard let ds = page.dataset else { throw fail("\(usage): name the dataset (this page has none of its own)") }
                return try dataset(ds)
            }
            switch d.name {
            case "pair":
                guard d.arguments.count == 3 else { throw fail("@pair takes DATASET LEFT_MODEL RIGHT_MODEL") }
                let ds = try dataset(d.arguments[0])
                blocks.append(.figures(try d.arguments[1...].map { figure(ds, try model($0), .map, pair: true) }))
            case "figure":
                guard d.arguments.count == 3, let view = Stages.View(rawValue: d.arguments[2]) else {
                    throw fail("@figure takes DATASET MODEL VIEW, with VIEW one of: map, density, joint-0, joint-1, …")
                }
                let ds = try dataset(d.arguments[0])
                let m = try model(d.arguments[1], generative: view.needsGenerative)
                blocks.append(.figures([figure(ds, m, view)]))
            case "table":
                guard d.arguments.count <= 1 else { throw fail("@table takes DATASET (or none on a dataset's own page)") }
                let ds = try datasetArgument(d.arguments[...], usage: "@table")
                pendingTables.append((ds, blocks.count, d.line))
                blocks.append(.table(dataset: ds, fits: []))
            case "gallery":
                guard d.arguments.count <= 1 else { throw fail("@gallery takes DATASET (or none on a dataset's own page)") }
                let ds = try datasetArgument(d.arguments[...], usage: "@gallery")
                var generative = [String]()
                for (left, right) in spec.galleryPairs {
                    blocks.append(.figures([figure(ds, try model(left), .map, pair: true), figure(ds, try model(right), .map, pair: true)]))
                    for m in [left, right] where spec.model(m).flatMap({ ModelCatalogue.entry($0.kind) })?.lens == .generative && !generative.contains(m) {
                        generative.append(m)
                    }
                }
                for chunk in stride(from: 0, to: generative.count, by: 2) {
                    let row = generative[chunk..<min(chunk + 2, generative.count)]
                    blocks.append(.figures(row.map { figure(ds, $0, .density, pair: row.count == 2) }))
                }
                pendingTables.append((ds, blocks.count, d.line))
                blocks.append(.table(dataset: ds, fits: []))
            case "bayes-flip":
                guard (1...2).contains(d.arguments.count) else { throw fail("@bayes-flip takes DATASET GENERATIVE_MODEL") }
                let ds = try dataset(d.arguments[0])
                let m = try model(d.arguments.count == 2 ? d.arguments[1] : GaussianNaiveBayes.kind, generative: true)
                blocks.append(.figures([figure(ds, m, .joint(0), pair: true), figure(ds, m, .joint(1), pair: true)]))
                blocks.append(.figures([figure(ds, m, .map)]))
                let fit = "train/\(ds)/\(m)"
                fits.append(fit)
                blocks.append(.bayesTable(fit: fit))
            case "regression":
                guard d.arguments.count == 1, let r = spec.regressions.first(where: { $0.name == d.arguments[0] }) else {
                    throw fail("@regression takes the name of a study under regressions: in lenses.yml; known: \(spec.regressions.map(\.name).joined(separator: ", "))")
                }
                regressions.append(r.name)
                blocks.append(.figures(["render/regression/\(r.name)"]))
                blocks.append(.regressionTable(study: "study/regression/\(r.name)"))
            case "mixture":
                guard d.arguments.count == 1, let m = spec.mixtures.first(where: { $0.name == d.arguments[0] }) else {
                    throw fail("@mixture takes the name of a study under mixtures: in lenses.yml; known: \(spec.mixtures.map(\.name).joined(separator: ", "))")
                }
                mixtures.append(m.name)
                blocks.append(.figures(["render/mixture/\(m.name)/criteria"]))
                blocks.append(.mixtureTable(study: "study/mixture/\(m.name)"))
                blocks.append(.figures(["render/mixture/\(m.name)/density"]))
            case "em-steps":
                guard d.arguments.count == 1, let m = spec.mixtures.first(where: { $0.name == d.arguments[0] }) else {
                    throw fail("@em-steps takes the name of a study under mixtures: in lenses.yml; known: \(spec.mixtures.map(\.name).joined(separator: ", "))")
                }
                mixtureSteps.append(m.name)
                blocks.append(.figures(["render/mixture/\(m.name)/em"]))
            case "search":
                blocks.append(.search)
            case "deep-generate", "deep-training", "deep-judging", "latent-walk", "ring-training", "vae-training":
                guard d.arguments.isEmpty else { throw fail("@\(d.name) takes no arguments") }
                guard spec.deep != nil else { throw fail("@\(d.name) needs a deep: section in lenses.yml (deep: {file: data/digits.csv})") }
                for group in DeepJobs.directives[d.name]! {
                    deepFigures += group
                    blocks.append(.figures(group.map { "render/deep/\($0)" }))
                }
                if d.name == "deep-judging" { blocks.append(.judgingTable(study: "study/deep/judging")) }
            case "scoreboard":
                guard d.arguments.isEmpty else { throw fail("@scoreboard takes no arguments: it compares the gallery's models on every gallery dataset") }
                let galleryDatasets = unique(spec.pages.compactMap(\.dataset))
                let models = unique(spec.galleryPairs.flatMap { [$0.0, $0.1] })
                let ids = galleryDatasets.flatMap { ds in models.map { "train/\(ds)/\($0)" } }
                fits += ids
                blocks.append(.scoreboard(fits: ids))
            case "case-study":
                guard d.arguments.count == 1, let c = spec.caseStudies.first(where: { $0.name == d.arguments[0] }) else {
                    throw fail("@case-study takes the name of a study under case_studies: in lenses.yml; known: \(spec.caseStudies.map(\.name).joined(separator: ", "))")
                }
                caseStudies.append(c.name)
                blocks.append(.caseStudy(study: "study/case/\(c.name)"))
            case "learning-curves":
                let known = spec.learningCurves.datasets.map(\.name).joined(separator: ", ")
                guard d.arguments.count == 1, let c = spec.learningCurves.dataset(d.arguments[0]) else {
                    throw fail("@learning-curves takes the name of a dataset of the learning-curve study (learning_curves.datasets in lenses.yml); known: \(known)")
                }
                curves.append(c.name)
                for id in curveFigureIDs(c) { blocks.append(.figures([id])); curveFigures.append(id) }
                blocks.append(.learningCurveText(study: "study/curves/\(c.name)"))
            case "learning-curves-summary":
                guard d.arguments.isEmpty || d.arguments == ["brief"] else {
                    throw fail("@learning-curves-summary summarises every dataset under learning_curves.datasets; its one optional argument is 'brief' (the sentences without the table)")
                }
                let names = spec.learningCurves.datasets.map(\.name)
                curves += names
                blocks.append(.learningCurveSummary(studies: names.map { "study/curves/\($0)" }, table: d.arguments.isEmpty))
            case "language", "language-words", "language-disagreements", "language-orders":
                guard d.arguments.isEmpty else { throw fail("@\(d.name) takes no arguments") }
                guard spec.language != nil else { throw fail("@\(d.name) needs a language: section in lenses.yml (language: {file: data/words.csv})") }
                language = true
                switch d.name {
                case "language":
                    languageFigure = true
                    blocks.append(.figures(["render/language"]))
                    blocks.append(.language(.text))
                case "language-words": blocks.append(.language(.words))
                case "language-disagreements": blocks.append(.language(.disagreements))
                default: blocks.append(.language(.orders))
                }
            case let name where ExploreJobs.directives.contains(name):
                let ref = try ExploreJobs.resolve(name, d.arguments, spec: spec, dataset: dataset,
                                                  model: { try model($0, generative: $1) }, fail: fail)
                explore.append(ref)
                fits += ref.fitIDs
                shownModels[ref.dataset, default: []] += ref.models
                blocks.append(.figures(ref.jobIDs))
            default:
                throw fail("unknown directive @\(d.name); known: @pair, @figure, @table, @gallery, @bayes-flip, @regression, @mixture, @em-steps, @case-study, @scoreboard, @deep-generate, @deep-training, @deep-judging, @latent-walk, @ring-training, @vae-training, @learning-curves, @learning-curves-summary, @language, @language-words, @language-disagreements, @language-orders, @search, \(ExploreJobs.directives.map { "@" + $0 }.joined(separator: ", "))")
            }
        }
        for t in pendingTables {
            guard let models = shownModels[t.dataset] else {
                throw ContentError(file: page.file, line: t.line,
                                   "@table \(t.dataset) needs at least one figure of '\(t.dataset)' on the same page")
            }
            let ids = unique(models).map { "train/\(t.dataset)/\($0)" }
            blocks[t.index] = .table(dataset: t.dataset, fits: ids)
            fits += ids
        }
        var title = doc.title ?? page.slug
        if let ds = page.dataset, let dsTitle = spec.dataset(ds)?.title { title += ": \(dsTitle)" }
        var resolved = ResolvedPage(spec: page, document: doc, contentHash: contentHash, title: title,
                                    blocks: blocks, figures: refs, fits: unique(fits),
                                    regressions: unique(regressions), mixtures: unique(mixtures), caseStudies: unique(caseStudies),
                                    deepFigures: unique(deepFigures), curves: unique(curves), curveFigureIDs: unique(curveFigures),
                                    language: language, languageFigure: languageFigure)
        resolved.explore = unique(explore)
        resolved.mixtureSteps = unique(mixtureSteps)
        // {{value}} and {{check}}: each path's study is planned (and its fits trained) even where no figure shows it.
        resolved.references = try doc.references.map { try References.parse($0, file: page.file, spec: spec) }
        for path in resolved.references.flatMap(\.paths) {
            switch path.source {
            case .fit: resolved.fits = unique(resolved.fits + path.jobs)
            case .study(let section, let name): resolved.referencedStudies[section, default: []].append(name ?? section)
            case .config: break
            }
        }
        return resolved
    }

    static func canonical(_ settings: [String: SettingValue]) -> String {
        settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: ";")
    }

    static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }
}
