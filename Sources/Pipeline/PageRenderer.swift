import Foundation
import Site

/// Renders one content page: Markdown blocks through Ink, directives through the
/// `figure`, `pair` and `table` templates, all inside `layout`.
enum PageRenderer {
    struct Context: Sendable {
        let siteTitle: String
        let page: PageSpec
        let document: ContentDocument
        let nav: [(slug: String, title: String)]
        let index: Int
        let tables: [(dataset: String, models: [String])]
        let datasetTitles: [String: String]
    }

    static func render(_ ctx: Context, templates: TemplateSet, artifacts: [String: Artifact]) throws -> PageArtifact {
        var body = ""
        var tableIndex = 0
        for block in ctx.document.blocks {
            switch block {
            case .markdown(let md):
                body += MarkdownRenderer.html(md) + "\n"
            case .directive(let d):
                switch d.name {
                case "pair":
                    let figs = d.arguments[1...].map { artifacts["render/\(d.arguments[0])/\($0)/map"]!.figure }
                    body += try templates.render("pair", [
                        "dataset": ctx.datasetTitles[d.arguments[0]] ?? d.arguments[0],
                        "figures": figs.map(figureContext),
                    ]) + "\n"
                case "figure":
                    let fig = artifacts["render/\(d.arguments[0])/\(d.arguments[1])/\(d.arguments[2])"]!.figure
                    body += try templates.render("figure", figureContext(fig)) + "\n"
                case "table":
                    let table = ctx.tables[tableIndex]
                    tableIndex += 1
                    let rows: [[String: Any]] = table.models.map { m in
                        let f = artifacts["train/\(table.dataset)/\(m)"]!.fit
                        return ["model": f.displayName, "lens": f.lens.rawValue,
                                "accuracy": Stages.format(f.testAccuracy, 3), "log_loss": Stages.format(f.testLogLoss, 3),
                                "n_train": "\(f.nTrain)", "n_test": "\(f.nTest)"]
                    }
                    body += try templates.render("table", [
                        "dataset": ctx.datasetTitles[table.dataset] ?? table.dataset, "rows": rows,
                    ]) + "\n"
                default:
                    break
                }
            }
        }
        let title = ctx.document.title ?? ctx.page.slug
        var layout: [String: Any] = [
            "site_title": ctx.siteTitle,
            "title": title,
            "is_home": ctx.page.slug == "index",
            "description": ctx.document.metadata["description"] ?? title,
            "body": body,
            "nav": ctx.nav.map { ["href": "\($0.slug).html", "title": $0.title, "current": $0.slug == ctx.page.slug] },
        ]
        if ctx.index > 0 {
            let p = ctx.nav[ctx.index - 1]
            layout["prev"] = ["href": "\(p.slug).html", "title": p.title]
        }
        if ctx.index + 1 < ctx.nav.count {
            let n = ctx.nav[ctx.index + 1]
            layout["next"] = ["href": "\(n.slug).html", "title": n.title]
        }
        let html = try templates.render("layout", layout)
        return PageArtifact(path: "\(ctx.page.slug).html", html: Data(html.utf8))
    }

    static func figureContext(_ f: FigureArtifact) -> [String: Any] {
        [
            "src": f.path, "width": f.width, "height": f.height, "alt": f.alt, "caption": f.caption,
            "title": f.title,
            "anchor": f.path.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".png", with: ""),
            "provenance": f.provenance.map { ["name": $0.0, "value": $0.1] },
        ]
    }
}
