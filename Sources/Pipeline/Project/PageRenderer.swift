import Foundation
import Models
import Plotting
import Site

/// One page as it is rendered: the templates, the page's context, and what its figures have
/// used so far (anchors, interactive figures).
final class PageBuilder {
    let templates: TemplateSet
    let context: PageRenderer.Context
    /// The interactive figures shown, once each, in page order.
    private(set) var explorables = [ExplorableEntry]()
    /// A figure shown twice on a page (a model in two gallery pairs) gets a second, distinct anchor.
    private var anchors = [String: Int]()

    init(templates: TemplateSet, context: PageRenderer.Context) { self.templates = templates; self.context = context }

    /// A figure's template data, noting its widget and giving it an anchor of its own.
    func figureContext(_ f: FigureArtifact) -> [String: Any] {
        var c = PageRenderer.figureContext(f)
        if let e = f.explorable, !explorables.contains(where: { $0.id == e.id }) {
            explorables.append(ExplorableEntry(page: "\(context.slug).html", figure: f, explorable: e))
        }
        let base = c["anchor"] as! String
        anchors[base, default: 0] += 1
        if anchors[base]! > 1 { c["anchor"] = "\(base)-\(anchors[base]!)" }
        return c
    }
}

/// Renders one content page: Markdown blocks through cmark-gfm, each directive's blocks through
/// its study's templates, inside `layout`.
enum PageRenderer {
    struct Context: Sendable {
        let siteTitle: String
        let slug: String
        let title: String
        let metadata: [String: String]
        let blocks: [ResolvedBlock]
        let nav: [(slug: String, title: String)]
        /// The section of every page in `nav` ("" for none), from front matter `section:`.
        let sections: [String]
        let index: Int
        let datasetTitles: [String: String]
        /// Model instance name → how tables name it (`ModelSpec.label`).
        var modelLabels: [String: String] = [:]
        let searchAvailable: Bool
        let searchHref: String?
        /// The content file, whether it is a draft, and its {{value}}/{{check}} references.
        var file = ""
        var draft = false
        var references: [ParsedReference] = []
        var config: [String: Double] = [:]

        /// How a table names a model instance.
        func label(_ ref: ModelFit, _ fit: FitArtifact) -> String {
            modelLabels[ref.model] ?? fit.displayName
        }
        /// `site.base_url`, for canonical and absolute Open Graph URLs.
        var baseURL: String? = nil
    }

    static let tagline = "two lenses on machine learning: the boundary and the data"

    static func render(_ ctx: Context, templates: TemplateSet, artifacts: ArtifactStore) throws -> PageArtifact {
        var body = ""
        var hasMath = false
        let page = PageBuilder(templates: templates, context: ctx)
        let evaluation = try References.evaluate(ctx.references, file: ctx.file, draft: ctx.draft, config: ctx.config,
                                                 artifacts: artifacts)
        for block in ctx.blocks {
            switch block {
            case .markdown(var md):
                md = evaluation.apply(to: md)
                let rendered = MarkdownRenderer.render(md)
                hasMath = hasMath || rendered.hasMath
                body += rendered.html + "\n"
            case .block(let b):
                body += try b.html(page, artifacts)
            }
        }
        let explorables = page.explorables
        var layout: [String: Any] = [
            "site_title": ctx.siteTitle,
            "title": ctx.title,
            "description": ctx.metadata["description"] ?? ctx.title,
            "body": body,
            "has_math": hasMath,
            "sections": navSections(ctx),
            "section": ctx.sections[ctx.index],
            "is_home": ctx.slug == "index",
            "page_number": ctx.index + 1, "page_count": ctx.nav.count,
        ]
        // The shared script, then one per kind the page shows (plain JavaScript, deferred: the page is whole without it).
        let kinds = Explorable.Kind.allCases.filter { k in explorables.contains { $0.kind == k.rawValue } }
        if !kinds.isEmpty {
            layout["explore_scripts"] = (["assets/explore.js"] + kinds.map { k in
                "assets/explore-\(k.rawValue.replacingOccurrences(of: "_", with: "-")).js" }).map { ["src": $0] }
        }
        if let href = ctx.searchHref, ctx.searchAvailable, href != "\(ctx.slug).html" { layout["search_href"] = href }
        if ctx.index > 0 {
            let p = ctx.nav[ctx.index - 1]
            layout["prev"] = ["href": "\(p.slug).html", "title": p.title]
        }
        if ctx.index + 1 < ctx.nav.count {
            let n = ctx.nav[ctx.index + 1]
            layout["next"] = ["href": "\(n.slug).html", "title": n.title]
        }
        // Sharing: the social card (the page's first figure, at 2× where there is one) and its URLs.
        let firstFigure = ctx.blocks.lazy.compactMap { block -> FigureArtifact? in
            if case .block(let b as FiguresBlock) = block, let id = b.figures.first { return artifacts.get(id) }
            return nil
        }.first
        let cardPath = "cards/\(ctx.slug).png"
        var card = SocialCard(siteTitle: ctx.siteTitle, tagline: tagline, title: ctx.title,
                              figure: firstFigure.map { $0.variants[RenderedFigure.path($0.path, "@2x.png")] ?? $0.png })
        card.description = ctx.metadata["description"] ?? ""
        card.footer = "Every figure and number comes from the models this build trained."
        let cardPNG = try card.renderPNG()
        layout["og_image"] = (ctx.baseURL ?? "") + cardPath
        layout["og_image_alt"] = firstFigure.map { "\(ctx.siteTitle): \(ctx.title). \($0.alt)" } ?? "\(ctx.siteTitle): \(ctx.title)"
        layout["card_width"] = card.width
        layout["card_height"] = card.height
        if let base = ctx.baseURL {
            let url = ctx.slug == "index" ? base : base + "\(ctx.slug).html"
            layout["canonical"] = url
            layout["og_url"] = url
        }
        let html = try templates.render("layout", layout)
        return PageArtifact(path: "\(ctx.slug).html", html: Data(html.utf8), claims: evaluation.claims, files: [cardPath: cardPNG],
                            explorables: explorables)
    }

    /// The navigation grouped by section, in reading order (a section's pages stay together).
    static func navSections(_ ctx: Context) -> [[String: Any]] {
        var order = [String](), pages = [String: [[String: Any]]]()
        for (i, item) in ctx.nav.enumerated() {
            let section = ctx.sections[i]
            if pages[section] == nil { order.append(section) }
            pages[section, default: []].append(["href": "\(item.slug).html", "title": item.title, "current": item.slug == ctx.slug])
        }
        return order.map { ["name": $0, "named": !$0.isEmpty, "pages": pages[$0]!] }
    }

    /// The files a figure's provenance links to, with their labels, in a fixed order.
    static let fileLabels: [(suffix: String, label: String)] = [
        (".png", "PNG"), ("@2x.png", "PNG 2×"), ("-dark.png", "dark PNG"), ("-dark@2x.png", "dark PNG 2×"), (".svg", "SVG"), (".pdf", "PDF"),
    ]

    static func figureContext(_ f: FigureArtifact) -> [String: Any] {
        let files = fileLabels.compactMap { item in f.file(item.suffix).map { (href: $0, label: item.label) } }
        var c: [String: Any] = [
            "files": files.enumerated().map { i, item in ["href": item.href, "label": item.label, "last": i == files.count - 1] as [String: Any] },
            "src": f.path, "width": f.width, "height": f.height, "alt": f.alt, "caption": f.caption,
            "title": f.title,
            "anchor": f.path.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".png", with: ""),
            "provenance": f.provenance.map { ["name": $0.name, "value": $0.value] },
            "numbers": f.numbers ?? "\"figures\", the entry with file \(f.path)",
        ]
        if let p = f.file("@2x.png") { c["src_2x"] = p }
        if let e = f.explorable {
            c["explore_kind"] = e.kind.rawValue; c["explore_id"] = e.id; c["explore_src"] = e.dataPath; c["explore_count"] = e.count
        }
        if let p = f.file("-dark.png") {
            c["src_dark"] = p
            if let p2 = f.file("-dark@2x.png") { c["src_dark_2x"] = p2 }
        }
        return c
    }
}
