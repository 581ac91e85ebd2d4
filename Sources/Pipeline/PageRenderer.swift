import Foundation
import Models
import Site

/// Renders one content page: Markdown blocks through Ink, resolved directives
/// through the `figure`, `pair`, `table` and `bayes` templates, inside `layout`.
enum PageRenderer {
    struct Context: Sendable {
        let siteTitle: String
        let slug: String
        let title: String
        let metadata: [String: String]
        let blocks: [ResolvedBlock]
        let nav: [(slug: String, title: String)]
        let index: Int
        let datasetTitles: [String: String]
    }

    static func render(_ ctx: Context, templates: TemplateSet, artifacts: [String: Artifact]) throws -> PageArtifact {
        var body = ""
        for block in ctx.blocks {
            switch block {
            case .markdown(let md):
                body += MarkdownRenderer.html(md) + "\n"
            case .figures(let ids):
                let figs = ids.map { artifacts[$0]!.figure }
                if figs.count == 1 {
                    body += try templates.render("figure", figureContext(figs[0])) + "\n"
                } else {
                    body += try templates.render("pair", ["figures": figs.map(figureContext)]) + "\n"
                }
            case .table(let dataset, let fits):
                let rows: [[String: Any]] = fits.map { id in
                    let f = artifacts[id]!.fit
                    return ["model": f.displayName, "lens": f.lens.rawValue,
                            "accuracy": Stages.format(f.testAccuracy, 3), "log_loss": Stages.format(f.testLogLoss, 3),
                            "n_train": "\(f.nTrain)", "n_test": "\(f.nTest)"]
                }
                body += try templates.render("table", ["dataset": ctx.datasetTitles[dataset] ?? dataset, "rows": rows]) + "\n"
            case .bayesTable(let id):
                body += try templates.render("bayes", bayesContext(artifacts[id]!.fit)) + "\n"
            case .regressionTable(let id):
                body += try templates.render("regression", regressionContext(artifacts[id]!.regression)) + "\n"
            case .mixtureTable(let id):
                body += try templates.render("mixture", mixtureContext(artifacts[id]!.mixture)) + "\n"
            }
        }
        var layout: [String: Any] = [
            "site_title": ctx.siteTitle,
            "title": ctx.title,
            "description": ctx.metadata["description"] ?? ctx.title,
            "body": body,
            "nav": ctx.nav.map { ["href": "\($0.slug).html", "title": $0.title, "current": $0.slug == ctx.slug] },
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
        return PageArtifact(path: "\(ctx.slug).html", html: Data(html.utf8))
    }

    static func figureContext(_ f: FigureArtifact) -> [String: Any] {
        [
            "src": f.path, "width": f.width, "height": f.height, "alt": f.alt, "caption": f.caption,
            "title": f.title,
            "anchor": f.path.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".png", with: ""),
            "provenance": f.provenance.map { ["name": $0.name, "value": $0.value] },
        ]
    }

    static func regressionContext(_ r: RegressionArtifact) -> [String: Any] {
        func f(_ v: Double) -> String { String(format: "%.4f", v) }
        return [
            "title": r.spec.title, "target": r.spec.target,
            "rows": r.coefficients.map { c in
                ["term": c.term, "ols": f(c.ols), "se": c.olsStandardError.map { "± " + f($0) } ?? "", "ridge": f(c.ridge),
                 "joint": f(c.joint), "gap": String(format: "%.1e", abs(c.ols - c.joint))]
            },
            "ridge_alpha": SettingValue.format(r.spec.ridgeAlpha),
            "rmse_ols": f(r.rmse["ols"]!), "rmse_ridge": f(r.rmse["ridge"]!), "rmse_joint": f(r.rmse["joint_gaussian"]!),
            "sigma": r.residualStandardError.map(f) ?? "n/a", "conditional_sd": f(r.conditionalStandardDeviation),
            "gap": String(format: "%.1e", r.largestGap), "n_train": r.nTrain, "n_test": r.nTest,
        ]
    }

    static func mixtureContext(_ m: MixtureArtifact) -> [String: Any] {
        let bestAIC = m.criteria.min { $0.aic < $1.aic }!.k
        return [
            "title": m.spec.title, "chosen": m.chosenK, "aic_choice": bestAIC, "agree": bestAIC == m.chosenK,
            "rows": m.criteria.map { c in
                ["k": c.k, "bic": String(format: "%.1f", c.bic), "aic": String(format: "%.1f", c.aic),
                 "ll": String(format: "%.4f", c.meanLogLikelihood), "iterations": c.iterations,
                 "converged": c.converged ? "yes" : "no", "chosen": c.k == m.chosenK]
            },
        ]
    }

    /// Bayes' rule at the probe points, computed here in linear space from the
    /// model's class densities and priors, beside the model's own P(y|x).
    static func bayesContext(_ f: FitArtifact) -> [String: Any] {
        guard let g = f.generative else { return [:] }
        let K = g.logPriors.count
        var worst = 0.0
        let rows: [[String: Any]] = g.probes.map { p in
            let joint = (0..<K).map { exp(p.classLogDensity[$0] + g.logPriors[$0]) }
            let total = joint.reduce(0, +)
            let flipped = joint.map { $0 / total }
            for k in 0..<K { worst = max(worst, abs(flipped[k] - p.proba[k])) }
            return [
                "x": p.x.map { String(format: "%.2f", $0) }.joined(separator: ", "),
                "joint": joint.map { String(format: "%.4g", $0) }.joined(separator: " · "),
                "sum": String(format: "%.4g", total),
                "flipped": flipped.map { String(format: "%.4f", $0) }.joined(separator: " · "),
                "model": p.proba.map { String(format: "%.4f", $0) }.joined(separator: " · "),
            ]
        }
        return ["model": f.displayName, "rows": rows, "worst": String(format: "%.1e", worst),
                "priors": g.logPriors.map { String(format: "%.3f", exp($0)) }.joined(separator: " · ")]
    }
}
