import Foundation
import Models
import Numerics
import Plotting
import Site

/// Renders one content page: Markdown blocks through Ink, resolved directives
/// through the `figure`, `pair`, `table` and `bayes` templates, inside `layout`.
enum PageRenderer {
    /// Every name each template's data holds (checked at plan time, so a misspelt
    /// variable is an error with its line, not an empty spot on the page).
    static let vocabulary: [String: Set<String>] = {
        let figure: Set<String> = ["src", "src_2x", "src_dark", "src_dark_2x", "files", "href", "label", "last",
                                   "width", "height", "alt", "caption", "title", "anchor", "provenance", "name", "value", "numbers",
                                   "explore_kind", "explore_id", "explore_src", "explore_count"]
        return [
            "layout": ["site_title", "title", "description", "has_math", "canonical", "og_url", "og_image", "og_image_alt", "card_width", "card_height", "body", "sections", "name", "named", "pages", "href",
                       "current", "section", "is_home", "page_number", "page_count", "search_href", "prev", "next",
                       "explore_scripts", "src"],
            "figure": figure,
            "pair": figure.union(["figures"]),
            "table": ["dataset", "rows", "model", "lens", "accuracy", "log_loss", "n_train", "n_test"],
            "bayes": ["model", "rows", "x", "joint", "sum", "flipped", "worst", "priors"],
            "regression": ["title", "target", "rows", "term", "ols", "se", "ridge", "joint", "gap", "ridge_alpha", "rmse_ols",
                           "rmse_ridge", "rmse_joint", "sigma", "conditional_sd", "n_train", "n_test"],
            "mixture": ["title", "chosen", "aic_choice", "agree", "rows", "k", "bic", "aic", "ll", "iterations", "converged"],
            "search": ["available"],
            "casestudy": ["title", "positive", "negative", "scale", "n_train", "n_test", "prior_negative", "prior_positive",
                          "features", "name", "weight", "odds", "mean_negative", "mean_positive", "sd_negative", "sd_positive",
                          "typical_negative", "typical_positive", "strongest", "strongest_odds", "intercept", "scores", "model",
                          "accuracy", "log_loss", "tn", "fp", "fn", "tp", "columns", "feature_count", "samples", "values", "real",
                          "sample_count", "converged", "sd", "odds_sd"],
            "curves": ["header", "rows", "cells", "caption", "has_table", "paragraphs"],
            "judging": ["header", "rows", "cells", "caveats", "measure", "misses", "accuracy", "linear_accuracy"],
            "scoreboard": ["rows", "dataset", "d_model", "d_acc", "g_model", "g_acc", "winner", "n_train", "d_count", "g_count",
                           "tie_count", "d_list", "g_list", "tie_list", "total"],
        ]
    }()

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

        /// How a table names the model of a training job `train/DATASET/NAME`.
        func label(_ fitID: String, _ fit: FitArtifact) -> String {
            modelLabels[String(fitID.split(separator: "/").last ?? "")] ?? fit.displayName
        }
        /// `site.base_url`, for canonical and absolute Open Graph URLs.
        var baseURL: String? = nil
    }

    static let tagline = "two lenses on machine learning: the boundary and the data"

    static func render(_ ctx: Context, templates: TemplateSet, artifacts: [String: Artifact]) throws -> PageArtifact {
        var body = ""
        var hasMath = false
        // A figure shown twice on a page (a model in two gallery pairs) gets a second, distinct anchor.
        var anchors = [String: Int]()
        // The interactive figures shown, once each, in page order.
        var explorables = [ExplorableEntry]()
        func figureContext(_ f: FigureArtifact) -> [String: Any] {
            var c = PageRenderer.figureContext(f)
            if let e = f.explorable, !explorables.contains(where: { $0.id == e.id }) {
                explorables.append(ExplorableEntry(page: "\(ctx.slug).html", figure: f, explorable: e))
            }
            let base = c["anchor"] as! String
            anchors[base, default: 0] += 1
            if anchors[base]! > 1 { c["anchor"] = "\(base)-\(anchors[base]!)" }
            return c
        }
        let evaluation = try References.evaluate(ctx.references, file: ctx.file, draft: ctx.draft, config: ctx.config,
                                                 artifacts: artifacts)
        for block in ctx.blocks {
            switch block {
            case .markdown(var md):
                md = evaluation.apply(to: md)
                let rendered = MarkdownRenderer.render(md)
                hasMath = hasMath || rendered.hasMath
                body += rendered.html + "\n"
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
                    return ["model": ctx.label(id, f), "lens": f.lens.rawValue,
                            "accuracy": NumberFormat.fixedOrNA(f.testAccuracy, 3), "log_loss": NumberFormat.fixedOrNA(f.testLogLoss, 3),
                            "n_train": "\(f.nTrain)", "n_test": "\(f.nTest)"]
                }
                body += try templates.render("table", ["dataset": ctx.datasetTitles[dataset] ?? dataset, "rows": rows]) + "\n"
            case .bayesTable(let id):
                body += try templates.render("bayes", bayesContext(artifacts[id]!.fit, label: ctx.label(id, artifacts[id]!.fit))) + "\n"
            case .regressionTable(let id):
                body += try templates.render("regression", regressionContext(artifacts[id]!.regression)) + "\n"
            case .judgingTable(let id):
                guard case .deep(.judging(let j))? = artifacts[id] else { break }
                let table = DeepStudies.judgingTable(j)
                body += try templates.render("judging", [
                    "header": table.header, "rows": table.rows.map { ["cells": $0] },
                    "caveats": DeepStudies.measureCaveats.keys.sorted().map { ["measure": $0, "misses": DeepStudies.measureCaveats[$0]!] },
                    "accuracy": NumberFormat.fixedOrNA(j.classifierAccuracy, 3), "linear_accuracy": NumberFormat.fixedOrNA(j.linearJudgeAccuracy, 3),
                ]) + "\n"
            case .scoreboard(let fits):
                body += try templates.render("scoreboard", scoreboardContext(fits.map { artifacts[$0]!.fit }, ctx.datasetTitles,
                                                                             labels: fits.map { ctx.label($0, artifacts[$0]!.fit) })) + "\n"
            case .caseStudy(let id):
                body += try templates.render("casestudy", caseStudyContext(artifacts[id]!.caseStudy)) + "\n"
            case .search:
                body += try templates.render("search", ["available": ctx.searchAvailable]) + "\n"
            case .learningCurveText(let id):
                body += try templates.render("curves", ["has_table": false, "paragraphs": [LearningCurves.paragraph(artifacts[id]!.learningCurves)]]) + "\n"
            case .learningCurveSummary(let ids, let showTable):
                let studies = ids.map { artifacts[$0]!.learningCurves }
                let table = LearningCurves.summaryTable(studies)
                body += try templates.render("curves", [
                    "has_table": showTable, "header": table.header, "rows": table.rows.map { ["cells": $0] },
                    "caption": "Every model pair of the learning-curve study, from this build: errors at the smallest and largest training sets, where logistic regression becomes significantly better for good, and the verdict",
                    // Brief: the claim this site starts from and the Ng–Jordan pattern, without regularisation and variants.
                    "paragraphs": showTable ? LearningCurves.synthesis(studies) : Array(LearningCurves.synthesis(studies).prefix(2)),
                ]) + "\n"
            case .language(let part):
                let a = artifacts["study/language"]!.language
                switch part {
                case .text:
                    body += try templates.render("curves", ["has_table": false, "paragraphs": LanguageStudy.paragraphs(a)]) + "\n"
                case .words, .disagreements, .orders:
                    let (table, caption, sentence): (LearningCurveTable, String, String) = switch part {
                    case .words: (LanguageStudy.wordsTable(a), "Words the \(LanguageStudy.language(a, a.written)) \(a.order)-gram model wrote after training on m words per language (the first of draw 1 at each size), and the shares of all \(a.settings.samples) written words per draw (mean of \(a.settings.draws) draws)", "")
                    case .disagreements: (LanguageStudy.disagreementTable(a), "Test words the two classifiers disagree on, trained on all \(LanguageStudy.count(a.poolSize)) words per language", LanguageStudy.disagreementSentence(a))
                    default: (LanguageStudy.ordersTable(a), "The n-gram order, every model trained on all \(LanguageStudy.count(a.poolSize)) words per language", LanguageStudy.ordersSentence(a))
                    }
                    body += try templates.render("curves", ["has_table": true, "header": table.header, "rows": table.rows.map { ["cells": $0] },
                                                            "caption": caption, "paragraphs": sentence.isEmpty ? [] : [sentence]]) + "\n"
                }
            case .mixtureTable(let id):
                body += try templates.render("mixture", mixtureContext(artifacts[id]!.mixture)) + "\n"
            }
        }
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
            if case .figures(let ids) = block, let id = ids.first, case .figure(let f)? = artifacts[id] { return f }
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

    static func regressionContext(_ r: RegressionArtifact) -> [String: Any] {
        func f(_ v: Double) -> String { NumberFormat.fixed(v, 4) }
        return [
            "title": r.spec.title, "target": r.spec.target,
            "rows": r.coefficients.map { c in
                ["term": c.term, "ols": f(c.ols), "se": c.olsStandardError.map { "± " + f($0) } ?? "", "ridge": f(c.ridge),
                 "joint": f(c.joint), "gap": NumberFormat.scientific(abs(c.ols - c.joint))]
            },
            "ridge_alpha": NumberFormat.shortest(r.spec.ridgeAlpha),
            "rmse_ols": f(r.rmse["ols"]!), "rmse_ridge": f(r.rmse["ridge"]!), "rmse_joint": f(r.rmse["joint_gaussian"]!),
            "sigma": r.residualStandardError.map(f) ?? "n/a", "conditional_sd": f(r.conditionalStandardDeviation),
            "gap": NumberFormat.scientific(r.largestGap), "n_train": r.nTrain, "n_test": r.nTest,
        ]
    }

    static func caseStudyContext(_ c: CaseStudyArtifact) -> [String: Any] {
        let neg = c.classNames[1 - c.positiveIndex], pos = c.classNames[c.positiveIndex]
        func f(_ v: Double, _ d: Int = 3) -> String { NumberFormat.fixed(v, d) }
        func raw(_ v: Double) -> String { NumberFormat.fixed(v, v >= 100 ? 0 : 2) }
        // Per unit, weights are not comparable across features whose spreads differ: the odds
        // factor per standard deviation of the training data (the SD from the class means,
        // spreads and priors: Var = Σ_k π_k (σ_k² + (μ_k − μ̄)²)) is.
        func totalSD(_ ft: CaseStudyArtifact.Feature) -> Double {
            let mean = zip(c.priors, ft.means).map { $0 * $1 }.reduce(0, +)
            return zip(c.priors, zip(ft.means, ft.sds)).map { p, ms in p * (ms.1 * ms.1 + (ms.0 - mean) * (ms.0 - mean)) }
                .reduce(0, +).squareRoot()
        }
        let strongest = c.features.max { abs($0.weight * totalSD($0)) < abs($1.weight * totalSD($1)) }!
        let scale = c.spec.transform == .log1p ? "log(1 + x)" : "x"
        func scores(_ name: String, _ s: CaseStudyArtifact.Scores) -> [String: Any] {
            ["model": name, "accuracy": f(s.accuracy), "log_loss": f(s.logLoss),
             "tn": s.confusion[0][0], "fp": s.confusion[0][1], "fn": s.confusion[1][0], "tp": s.confusion[1][1]]
        }
        return [
            "title": c.spec.title, "positive": pos, "negative": neg, "scale": scale,
            "n_train": c.nTrain, "n_test": c.nTest,
            "prior_negative": f(c.priors[0]), "prior_positive": f(c.priors[1]),
            "features": c.features.map { ft in
                ["name": ft.name, "weight": f(ft.weight), "odds": f(ft.oddsFactor, 2), "sd": f(totalSD(ft), 2),
                 "odds_sd": f(exp(ft.weight * totalSD(ft)), 2),
                 "mean_negative": f(ft.means[0]), "mean_positive": f(ft.means[1]),
                 "sd_negative": f(ft.sds[0]), "sd_positive": f(ft.sds[1]),
                 "typical_negative": raw(ft.typical[0]), "typical_positive": raw(ft.typical[1])]
            },
            "strongest": strongest.name, "strongest_odds": f(exp(strongest.weight * totalSD(strongest)), 2),
            "intercept": f(c.intercept),
            "scores": [scores("Logistic regression", c.logistic), scores("Gaussian naive Bayes", c.naiveBayes)],
            "columns": c.spec.features,
            "feature_count": c.features.count,
            "samples": c.samples.map { ["values": $0.map(raw)] },
            "real": c.realExamples.map { ["values": $0.map(raw)] },
            "sample_count": c.samples.count,
            "converged": c.converged,
        ]
    }

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

    static func mixtureContext(_ m: MixtureArtifact) -> [String: Any] {
        let bestAIC = m.criteria.min { $0.aic < $1.aic }!.k
        return [
            "title": m.spec.title, "chosen": m.chosenK, "aic_choice": bestAIC, "agree": bestAIC == m.chosenK,
            "rows": m.criteria.map { c in
                ["k": c.k, "bic": NumberFormat.fixed(c.bic, 1), "aic": NumberFormat.fixed(c.aic, 1),
                 "ll": NumberFormat.fixed(c.meanLogLikelihood, 4), "iterations": c.iterations,
                 "converged": c.converged ? "yes" : "no", "chosen": c.k == m.chosenK]
            },
        ]
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
