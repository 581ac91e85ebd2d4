import Datasets
import Foundation
import Models
import Site

/// A content block after its directive has been checked and tied to jobs.
enum ResolvedBlock: Sendable {
    case markdown(String)
    case block(any PageBlock)
}

/// The studies the site is built from, in planning order (a study may read the jobs of one before
/// it: the explorables read the gallery's data and fits). A study is a folder under
/// `Sources/Pipeline/Studies/` and one line here.
enum StudyRegistry {
    // Immutable: a list of types (studies keep no state), so reading it from any job is safe.
    nonisolated(unsafe) static let all: [any Study.Type] = [
        PagesStudy.self, GalleryStudy.self, ExploreStudy.self, RegressionStudy.self, MixtureStudy.self,
        CaseStudyStudy.self, LearningCurveStudy.self, LanguageStudyPlan.self, DeepStudy.self,
    ]

    /// Every directive of these studies by name; two studies may not claim one name.
    static func directives(_ studies: [any Study.Type]) -> [String: Directive] {
        var table = [String: Directive]()
        for study in studies {
            for d in study.directives {
                precondition(table[d.name] == nil, "two studies declare the directive @\(d.name)")
                table[d.name] = d
            }
        }
        return table
    }

    /// Every template's variables, from every study.
    static func vocabulary(_ studies: [any Study.Type]) -> [String: Set<String>] {
        studies.reduce(into: [:]) { all, study in all.merge(study.templates) { a, b in a.union(b) } }
    }

    /// metrics.json's entries, from every study.
    static func metrics(_ studies: [any Study.Type], _ artifacts: ArtifactStore) -> [String: any Encodable] {
        studies.reduce(into: [:]) { all, study in all.merge(study.metrics(artifacts)) { a, _ in a } }
    }
}

/// Turns the project spec and its content into a job graph. Everything that can
/// be checked before training (templates, content, names, files) is checked here,
/// and problems are reported with the file and line that caused them. The planner knows no
/// study: each directive is one a registered study declares, and each study plans the jobs for
/// what the pages ask of it.
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

    struct ResolvedPage {
        let spec: PageSpec
        let document: ContentDocument
        let contentHash: String
        let title: String
        let blocks: [ResolvedBlock]
        /// The page's {{value}} and {{check}} references.
        var references: [ParsedReference] = []

        var directiveBlocks: [any PageBlock] { blocks.compactMap { if case .block(let b) = $0 { return b }; return nil } }

        /// What the page asks the studies for: its blocks' requests, and the fits and studies its references quote.
        var requests: [any Request] {
            directiveBlocks.flatMap(\.requests) + references.flatMap(\.paths).compactMap { path -> (any Request)? in
                switch path.source {
                case .fit(let fit): return fit
                case .study(let section, let name): return StudyReference(section: section, name: name ?? section)
                case .config: return nil
                }
            }
        }

        /// Every job this page's HTML depends on.
        var dependencies: [AnyJobID] {
            Planner.unique(directiveBlocks.flatMap(\.reads) + references.flatMap { $0.paths.flatMap(\.jobs) })
        }

        var hasSearch: Bool { directiveBlocks.contains { $0 is PagesStudy.SearchBlock } }
    }


    /// `parallelism`: threads a single long job (the language study) may use; results do not depend on it.
    static func plan(_ spec: ProjectSpec, parallelism: Int = 1, studies: [any Study.Type] = StudyRegistry.all) throws -> Plan {
        let fm = FileManager.default
        // The built-in theme with the project's templates/ over it, file by file.
        let theme = try Theme.load(root: spec.root)
        let templates = theme.templates
        try templates.checkVariables(StudyRegistry.vocabulary(studies))
        let templateDigest = theme.digest
        let directives = StudyRegistry.directives(studies)

        var pages = [ResolvedPage]()
        for page in spec.pages {
            let url = spec.root.appendingPathComponent(page.file)
            guard let data = fm.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw PipelineError("\(page.file): content file not found or not UTF-8 text")
            }
            let doc = try ContentDocument.parse(text, file: page.file)
            pages.append(try resolve(page, doc, contentHash: JobKey.hash(data), spec: spec, directives: directives))
        }

        // Each study plans what the pages ask of it, in the registry's order.
        var demand = Demand()
        for page in pages { for r in page.requests { demand.add(r, page: page.spec.slug) } }
        let context = PlanContext(spec: spec, parallelism: parallelism)
        var graph = JobGraph()
        for study in studies { try study.plan(demand, context, into: &graph) }

        // Page jobs.
        let nav = pages.map { page -> (slug: String, title: String) in
            // A dataset's own page (the gallery) is listed by the dataset's title, under its section.
            if let ds = page.spec.dataset, let dsTitle = spec.dataset(ds)?.title { return (page.spec.slug, dsTitle) }
            return (page.spec.slug, page.document.metadata["nav"] ?? page.title)
        }
        let datasetTitles = Dictionary(uniqueKeysWithValues: spec.datasets.map { ($0.name, $0.title) })
        let searchAvailable = SearchIndex.command(root: spec.root) != nil
        let sections = pages.map { $0.document.metadata["section"] ?? ($0.spec.dataset != nil ? "Gallery" : "") }
        let searchHref = pages.first(where: \.hasSearch).map { "\($0.spec.slug).html" }
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
            graph.add(Job(JobID.page(page.spec.slug), key: JobKey(kind: "page", inputs: inputs, upstream: deps.map { graph.key($0) }),
                          dependencies: deps) { artifacts in
                try PageRenderer.render(context, templates: templates, artifacts: artifacts)
            })
        }

        // Static assets under templates/assets/ (the theme's, then the project's) are copied as they are.
        var staticFiles = theme.assets
        let (katex, katexNote) = katexAssets()
        staticFiles.merge(katex) { a, _ in a }
        return Plan(jobs: graph.jobs, staticFiles: staticFiles, notes: katexNote.map { [$0] } ?? [], wantsSearch: pages.contains(where: \.hasSearch))
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
    static func resolve(_ page: PageSpec, _ doc: ContentDocument, contentHash: String, spec: ProjectSpec,
                        directives: [String: Directive] = StudyRegistry.directives(StudyRegistry.all)) throws -> ResolvedPage {
        var blocks = [ResolvedBlock]()
        for block in doc.blocks {
            guard case .directive(let d) = block else {
                if case .markdown(let md) = block { blocks.append(.markdown(md)) }
                continue
            }
            let context = DirectiveContext(spec: spec, page: page, line: d.line)
            guard let directive = directives[d.name] else {
                throw context.fail("unknown directive @\(d.name); known: \(directives.keys.sorted().map { "@" + $0 }.joined(separator: ", "))")
            }
            blocks += try directive.resolve(d.arguments, context).map { .block($0) }
        }
        // Blocks that depend on the whole page (a scores table lists the models its figures show).
        let all = blocks.compactMap { if case .block(let b) = $0 { return b }; return nil }
        blocks = try blocks.map { if case .block(let b) = $0 { return .block(try b.completed(on: all)) }; return $0 }
        var title = doc.title ?? page.slug
        if let ds = page.dataset, let dsTitle = spec.dataset(ds)?.title { title += ": \(dsTitle)" }
        var resolved = ResolvedPage(spec: page, document: doc, contentHash: contentHash, title: title, blocks: blocks)
        // {{value}} and {{check}}: each path's study is planned (and its fits trained) even where no figure shows it.
        resolved.references = try doc.references.map { try References.parse($0, file: page.file, spec: spec) }
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
