import Datasets
import Foundation
import Models
import Site

/// Turns the project spec and its content into a job graph. Everything that can
/// be checked before training (templates, content, names, files) is checked here,
/// and problems are reported with the file and line that caused them.
enum Planner {
    struct Plan {
        var jobs: [Job]
        /// Files copied as they are (stylesheets).
        var staticFiles: [String: Data]
    }

    struct FigureRef: Hashable, Comparable {
        let dataset: String
        let model: String
        let view: Stages.View
        var jobID: String { "render/\(dataset)/\(model)/\(view.rawValue)" }
        static func < (a: FigureRef, b: FigureRef) -> Bool { a.jobID < b.jobID }
    }

    static func plan(_ spec: ProjectSpec) throws -> Plan {
        let fm = FileManager.default
        let templates = try TemplateSet.load(folder: spec.root.appendingPathComponent("templates"))
        for needed in ["layout", "figure", "pair", "table"] where !templates.names.contains(needed) {
            throw PipelineError("templates/\(needed).mustache is missing; the site needs it")
        }
        let templateDigest = try digestOfFolder(spec.root.appendingPathComponent("templates"))

        // Content pages and the figures they ask for.
        var documents = [(PageSpec, ContentDocument, String)]()
        var figurePages = [FigureRef: [String]]()
        var pageFigures = [String: [FigureRef]]()
        var pageTables = [String: [(dataset: String, models: [String])]]()
        for page in spec.pages {
            let url = spec.root.appendingPathComponent(page.file)
            guard let data = fm.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw PipelineError("\(page.file): content file not found or not UTF-8 text")
            }
            let doc = try ContentDocument.parse(text, file: page.file)
            documents.append((page, doc, JobKey.hash(data)))
            var refs = [FigureRef]()
            var modelsByDataset = [String: [String]]()
            var tables = [String]()
            for case .directive(let d) in doc.blocks {
                func fail(_ m: String) -> ContentError { ContentError(file: page.file, line: d.line, m) }
                func dataset(_ name: String) throws -> String {
                    guard spec.dataset(name) != nil else {
                        throw fail("unknown dataset '\(name)'; known: \(spec.datasets.map(\.name).joined(separator: ", "))")
                    }
                    return name
                }
                func model(_ kind: String) throws -> String {
                    guard spec.model(kind) != nil else {
                        throw fail("unknown model '\(kind)'; known: \(spec.models.map(\.kind).joined(separator: ", "))")
                    }
                    return kind
                }
                switch d.name {
                case "pair":
                    guard d.arguments.count == 3 else { throw fail("@pair takes DATASET LEFT_MODEL RIGHT_MODEL") }
                    let ds = try dataset(d.arguments[0])
                    for m in d.arguments[1...] {
                        refs.append(FigureRef(dataset: ds, model: try model(m), view: .map))
                        modelsByDataset[ds, default: []].append(m)
                    }
                case "figure":
                    guard d.arguments.count == 3, let view = Stages.View(rawValue: d.arguments[2]) else {
                        throw fail("@figure takes DATASET MODEL VIEW, with VIEW one of: map, density")
                    }
                    let ds = try dataset(d.arguments[0]), m = try model(d.arguments[1])
                    if view == .density, ModelCatalogue.entry(m)?.lens != .generative {
                        throw fail("'\(m)' is a discriminative model: it has no p(x|y), so there is no density view; use 'map'")
                    }
                    refs.append(FigureRef(dataset: ds, model: m, view: view))
                    modelsByDataset[ds, default: []].append(m)
                case "table":
                    guard d.arguments.count == 1 else { throw fail("@table takes DATASET") }
                    tables.append(try dataset(d.arguments[0]))
                default:
                    throw fail("unknown directive @\(d.name)")
                }
            }
            for ds in tables where modelsByDataset[ds] == nil {
                throw ContentError(file: page.file, line: nil,
                                   "@table \(ds) needs at least one @pair or @figure of '\(ds)' on the same page")
            }
            pageTables[page.slug] = tables.map { ds in (ds, unique(modelsByDataset[ds]!)) }
            pageFigures[page.slug] = refs
            for r in refs where !(figurePages[r]?.contains(page.slug) ?? false) { figurePages[r, default: []].append(page.slug) }
        }

        var jobs = [Job]()
        var keys = [String: JobKey]()
        func add(_ job: Job) { jobs.append(job); keys[job.id] = job.key }
        let seed = spec.seed, figures = spec.figures

        // Data jobs.
        let neededDatasets = Set(figurePages.keys.map(\.dataset))
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

        // Training jobs: one per (dataset, model) shown anywhere.
        let fitPairs = Set(figurePages.keys.map { "\($0.dataset)/\($0.model)" })
        for pair in fitPairs.sorted() {
            let parts = pair.split(separator: "/").map(String.init)
            let (ds, kind) = (parts[0], parts[1])
            let model = spec.model(kind)!
            _ = try ModelCatalogue.make(kind: kind, settings: model.settings)  // settings checked before any work
            let inputs = ["model": kind, "settings": canonical(model.settings), "seed": "\(seed)",
                          "samples": "\(figures.samples)", "contour_draws": "\(figures.contourDraws)"]
            let dataID = "data/\(ds)"
            add(Job(id: "train/\(pair)", stage: .train,
                    key: JobKey(kind: "train", inputs: inputs, upstream: [keys[dataID]!]),
                    dependencies: [dataID]) { deps in
                .fit(try Stages.fit(deps[dataID]!.data, model: model, seed: seed, figures: figures))
            })
        }

        // Render jobs.
        for ref in figurePages.keys.sorted() {
            let pages = figurePages[ref]!
            let dataID = "data/\(ref.dataset)", fitID = "train/\(ref.dataset)/\(ref.model)"
            let inputs = ["view": ref.view.rawValue, "width": "\(figures.width)", "height": "\(figures.height)",
                          "pages": pages.joined(separator: ",")]
            add(Job(id: ref.jobID, stage: .render,
                    key: JobKey(kind: "render", inputs: inputs, upstream: [keys[dataID]!, keys[fitID]!]),
                    dependencies: [dataID, fitID]) { deps in
                .figure(try Stages.render(deps[dataID]!.data, deps[fitID]!.fit, view: ref.view,
                                          figures: figures, pages: pages))
            })
        }

        // Page jobs.
        let nav = documents.map { (slug: $0.0.slug, title: $0.1.metadata["nav"] ?? $0.1.title ?? $0.0.slug) }
        for (index, (page, doc, contentHash)) in documents.enumerated() {
            let figureIDs = unique(pageFigures[page.slug]!.map(\.jobID))
            let tableFitIDs = unique(pageTables[page.slug]!.flatMap { t in t.models.map { "train/\(t.dataset)/\($0)" } })
            let deps = unique(figureIDs + tableFitIDs)
            let inputs = ["content": contentHash, "templates": templateDigest, "slug": page.slug,
                          "nav": nav.map { "\($0.slug)=\($0.title)" }.joined(separator: "|"),
                          "site_title": spec.siteTitle]
            let context = PageRenderer.Context(
                siteTitle: spec.siteTitle, page: page, document: doc, nav: nav, index: index,
                tables: pageTables[page.slug]!, datasetTitles: Dictionary(uniqueKeysWithValues: spec.datasets.map { ($0.name, $0.title) }))
            add(Job(id: "page/\(page.slug)", stage: .page,
                    key: JobKey(kind: "page", inputs: inputs, upstream: deps.map { keys[$0]! }),
                    dependencies: deps) { artifacts in
                .page(try PageRenderer.render(context, templates: templates, artifacts: artifacts))
            })
        }

        // Static assets under templates/assets/ are copied as they are.
        var staticFiles = [String: Data]()
        let assets = spec.root.appendingPathComponent("templates/assets")
        for name in ((try? fm.contentsOfDirectory(atPath: assets.path)) ?? []).sorted() where !name.hasPrefix(".") {
            if let d = fm.contents(atPath: assets.appendingPathComponent(name).path) { staticFiles["assets/\(name)"] = d }
        }
        return Plan(jobs: jobs, staticFiles: staticFiles)
    }

    static func canonical(_ settings: [String: SettingValue]) -> String {
        settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: ";")
    }

    static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }

    static func digestOfFolder(_ url: URL) throws -> String {
        let fm = FileManager.default
        var text = ""
        let paths = (fm.enumerator(atPath: url.path)?.compactMap { $0 as? String } ?? []).sorted()
        for p in paths {
            var isDir: ObjCBool = false
            let full = url.appendingPathComponent(p).path
            if fm.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue, let d = fm.contents(atPath: full) {
                text += "\(p)=\(JobKey.hash(d))\n"
            }
        }
        return JobKey.hash(Data(text.utf8))
    }
}
