import Foundation
import Models
import Numerics
import Plotting

// Figures, the summary table, generated sentences and the metrics.json entry of the
// learning-curve study. Every number shown comes from a LearningCurveArtifact.

/// The summary table: plain strings, one row per (dataset, model pair).
public struct LearningCurveTable: Sendable, Codable, Equatable {
    public let header: [String]
    public let rows: [[String]]
}

extension LearningCurves {
    // MARK: names

    /// A short name for figure notes and sentences.
    static func shortName(_ l: LearnerInfo) -> String {
        switch l.kind {
        case .gaussianNB: return "Gaussian NB"
        case .pooledGaussianNB: return "pooled-variance Gaussian NB"
        case .bernoulliNB: return "Bernoulli NB"
        case .multinomialNB: return "multinomial NB"
        case .logistic:
            let on = l.representation == .binarised ? " on binarised pixels" : ""
            return "logistic regression (C = \(formatC(l.c!)))\(on)"
        }
    }

    static func legendName(_ l: LearnerInfo) -> String {
        switch l.kind {
        case .gaussianNB: return "Gaussian NB"
        case .pooledGaussianNB: return "Gaussian NB, pooled var."
        case .bernoulliNB: return "Bernoulli NB"
        case .multinomialNB: return "multinomial NB"
        case .logistic: return "LR\(l.representation == .binarised ? " binarised" : ""), C = \(formatC(l.c!))"
        }
    }

    /// A very short name for the legend of crossover marks.
    static func markName(_ l: LearnerInfo) -> String {
        switch l.kind {
        case .gaussianNB: return "Gaussian NB"
        case .pooledGaussianNB: return "pooled NB"
        case .bernoulliNB: return "Bernoulli NB"
        case .multinomialNB: return "multin. NB"
        case .logistic: return "\(l.representation == .binarised ? "bin. " : "")C=\(formatC(l.c!))"
        }
    }

    static func formatC(_ c: Double) -> String {
        if c >= 1000, c == c.rounded(), let e = Int(exactly: log10(c).rounded()), pow(10, Double(e)) == c { return "1e\(e)" }
        return NumberFormat.shortest(c)
    }

    /// The title up to its first parenthesis ("Spam (six features…)" → "Spam").
    static func shortTitle(_ a: LearningCurveArtifact) -> String {
        a.spec.title.components(separatedBy: " (").first ?? a.spec.title
    }

    static func percent(_ v: Double) -> String { NumberFormat.percent(v) }

    static func list(_ ms: [Int]) -> String {
        switch ms.count {
        case 0: return ""
        case 1: return "\(ms[0])"
        default: return ms.dropLast().map(String.init).joined(separator: ", ") + " and \(ms.last!)"
        }
    }

    static func style(_ l: LearnerInfo) -> (Color, [Double]) {
        switch (l.kind, l.representation) {
        case (.gaussianNB, _): return (Color(hex: 0xD55E00), [])
        case (.pooledGaussianNB, _): return (Color(hex: 0xE69F00), [7, 4])
        case (.bernoulliNB, _): return (Color(hex: 0x009E73), [])
        case (.multinomialNB, _): return (Color(hex: 0xD55E00), [])
        case (.logistic, .binarised): return (Color(hex: 0xCC79A7), l.id.hasSuffix("_weak") ? [7, 4] : [])
        case (.logistic, _): return (Color(hex: 0x0072B2), l.id.hasSuffix("_weak") ? [7, 4] : [])
        }
    }

    // MARK: figures

    /// One learning-curve figure per dataset (the Gaussian naive Bayes variants against both C),
    /// and for count data a second one (Bernoulli NB on binarised pixels, multinomial NB on counts).
    public static func render(_ a: LearningCurveArtifact, figures: FigureSettings) throws -> [FigureArtifact] {
        try figureLayouts(a.spec).indices.map { try render(a, figure: $0, figures: figures) }
    }

    /// The `index`-th figure of `render(_:figures:)` alone (one render job each).
    public static func render(_ a: LearningCurveArtifact, figure index: Int, figures: FigureSettings) throws -> FigureArtifact {
        let f = figureLayouts(a.spec)[index]
        return try figure(a, learners: f.learners, suffix: f.suffix, heading: f.heading, figures: figures)
    }

    static func figureLayouts(_ spec: LearningCurveSpec) -> [(learners: [String], suffix: String, heading: String)] {
        var out = [(["gaussian_nb", "pooled_gaussian_nb", "logistic_c_strong", "logistic_c_weak"],
                    "", "Learning curves: Gaussian naive Bayes vs logistic regression")]
        if spec.counts {
            out.append((["bernoulli_nb", "logistic_binarised_c_strong", "logistic_binarised_c_weak",
                         "multinomial_nb", "logistic_c_strong", "logistic_c_weak"],
                        "--discrete", "Learning curves: Bernoulli and multinomial NB vs logistic regression"))
        }
        return out
    }

    static func figure(_ a: LearningCurveArtifact, learners ids: [String], suffix: String, heading: String,
                       figures: FigureSettings) throws -> FigureArtifact {
        let shown = ids.compactMap { a.learner($0) }
        var series = [Series]()
        for l in shown {
            guard let curve = a.curve(l.id) else { continue }
            let (color, dash) = style(l)
            series.append(Series(label: legendName(l), x: curve.points.map { Double($0.m) }, y: curve.points.map(\.mean),
                                 color: color, dash: dash, markers: true,
                                 lower: curve.points.map(\.lower), upper: curve.points.map(\.upper)))
        }
        var chart = LineChart(title: heading,
                              subtitle: "\(a.spec.title) · mean over \(a.settings.splits) random stratified training sets per size · test parts of \(a.testSize) rows",
                              xLabel: "training-set size m (log scale)", yLabel: "test error", series: series)
        chart.logX = true
        chart.width = figures.width
        chart.height = figures.height
        chart.marksLegendTitle = "LR better from m on"
        let comparisons = a.comparisons.filter { ids.contains($0.pair.generative) && ids.contains($0.pair.discriminative) }
        // One mark per distinct crossover m; the legend says which pairs cross there.
        var crossings = [String]()
        var byM = [Int: [String]]()
        for cmp in comparisons {
            guard let m = cmp.reason.crossover, let nb = a.learner(cmp.pair.generative), let lr = a.learner(cmp.pair.discriminative) else { continue }
            byM[m, default: []].append("\(markName(lr)) vs \(markName(nb))")
            crossings.append("\(shortName(lr)) beats \(shortName(nb)) from m = \(m)")
        }
        let lo = log10(Double(a.sizes.first!)), span = max(log10(Double(a.sizes.last!)) - lo, 1e-9)
        var rowEnds = [Double]()   // per text row, the x fraction where its last note ends
        for m in byM.keys.sorted() {
            let f = (log10(Double(m)) - lo) / span
            let onLeft = f > 0.85
            let (start, end) = onLeft ? (f - 0.16, f) : (f, f + 0.16)
            let row = rowEnds.firstIndex { $0 < start } ?? rowEnds.count
            if row == rowEnds.count { rowEnds.append(end) } else { rowEnds[row] = end }
            chart.marks.append(VerticalMark(x: Double(m), note: "m = \(m)", color: Palette.muted, row: row, noteOnLeft: onLeft,
                                            legend: byM[m]!))
        }
        let png = try chart.render(formats: figures.formats)
        let alt = "Learning curves on \(a.spec.title): mean test error against training-set size m from \(a.sizes.first!) to \(a.sizes.last!) (log scale) for "
            + shown.map(shortName).joined(separator: ", ")
            + ", each with a 95 % confidence band. "
            + (crossings.isEmpty ? "No crossover: logistic regression is not significantly better through the largest m in any pair shown."
                                 : "Crossovers (95 % intervals disjoint from there on): " + crossings.joined(separator: "; ") + ".")
        let caption = "Each point is the mean test error of \(a.settings.splits) fits on random stratified training sets of that size, each tested on its split's held-out \(NumberFormat.wholePercent(a.settings.testFraction)); the bands are 95 % confidence intervals of the mean. A dashed vertical line marks the smallest m from which logistic regression's interval lies below naive Bayes' at every larger size."
        return FigureArtifact(path: "figures/learning-curves--\(a.spec.name)\(suffix).png", rendered: png,
                              width: figures.width, height: figures.height, title: chart.title, alt: alt, caption: caption,
                              provenance: provenance(a, learners: shown), metrics: nil,
                              numbers: "\"learning_curves\", the entry for dataset \(a.spec.name)")
    }

    static func provenance(_ a: LearningCurveArtifact, learners: [LearnerInfo]) -> [ProvenanceItem] {
        let s = a.settings
        let transform = a.spec.transform == .log1p ? ", log(1+x)" : ""
        var p: [ProvenanceItem] = [
            .init(name: "Data", value: "\(a.spec.file): \(a.rows) rows, \(a.features.count) features\(transform), label '\(a.spec.label)' (\(a.classNames.count) classes)"),
            .init(name: "Splits", value: "\(s.splits) per size; each split holds out a stratified \(NumberFormat.wholePercent(s.testFraction)) (\(a.testSize) rows) and draws training sets from the other \(a.poolSize)"),
            .init(name: "Sizes", value: a.sizes.map(String.init).joined(separator: ", ")),
            .init(name: "Logistic regression", value: "L-BFGS keeping \(s.lbfgsMemory) correction pairs at C = \(formatC(s.strongC)) and 10 at C = \(formatC(s.weakC)), tol \(NumberFormat.shortest(a.spec.tolerance(s))), at most \(s.maxIterations) iterations; features \(a.spec.standardizeForLogistic ? "standardised on each training set" : a.spec.logisticDivisor != 1 ? "divided by \(NumberFormat.shortest(a.spec.logisticDivisor))" : "as they are")"),
            .init(name: "Significance", value: "95 % intervals of the mean disjoint; paired t-test p < \(NumberFormat.shortest(s.significance)) reported alongside"),
            .init(name: "Seed", value: "\(a.seed)"),
            .init(name: "Fits", value: "\(a.fits)"),
        ]
        let unconverged = learners.compactMap { l -> String? in
            let n = a.curve(l.id)?.points.reduce(0) { $0 + $1.nonConverged } ?? 0
            return n > 0 ? "\(shortName(l)): \(n)" : nil
        }
        if !unconverged.isEmpty {
            p.append(.init(name: "Not converged", value: unconverged.joined(separator: "; ") + " of \(a.sizes.count * s.splits) fits each"))
        }
        let failed = learners.compactMap { l -> String? in
            let n = a.curve(l.id)?.points.reduce(0) { $0 + $1.failed } ?? 0
            return n > 0 ? "\(shortName(l)): \(n)" : nil
        }
        if !failed.isEmpty { p.append(.init(name: "Failed fits", value: failed.joined(separator: "; ") + " (scored as the majority class)")) }
        if a.droppedRows > 0 { p.append(.init(name: "Rows dropped", value: "\(a.droppedRows) with missing values")) }
        return p
    }

    // MARK: table and sentences

    public static func summaryTable(_ artifacts: [LearningCurveArtifact]) -> LearningCurveTable {
        let header = ["Dataset", "Naive Bayes vs logistic regression", "Smallest m: NB / LR error", "Largest m: NB / LR error",
                      "Crossover m (95 % CIs / paired t)", "Verdict"]
        var rows = [[String]]()
        for a in artifacts {
            for c in a.comparisons {
                guard let nb = a.learner(c.pair.generative), let lr = a.learner(c.pair.discriminative) else { continue }
                let r = c.reason
                rows.append([shortTitle(a), "\(markName(nb)) vs LR C\u{A0}=\u{A0}\(formatC(lr.c!))\(lr.representation == .binarised ? " (binarised)" : "")",
                             "\(percent(r.nbErrorAtSmallest)) / \(percent(r.lrErrorAtSmallest)) (m\u{A0}=\u{A0}\(r.smallestM))",
                             "\(percent(r.nbErrorAtLargest)) / \(percent(r.lrErrorAtLargest)) (m\u{A0}=\u{A0}\(r.largestM))",
                             "\(r.crossover.map(String.init) ?? "none") / \(c.pairedReason.crossover.map(String.init) ?? "none")",
                             c.verdict.rawValue])
            }
        }
        return LearningCurveTable(header: header, rows: rows)
    }

    /// One sentence per model pair, generated from its verdict and reason (95 % intervals),
    /// with the paired test's answer added where it differs.
    public static func sentence(_ c: Comparison, in a: LearningCurveArtifact) -> String {
        let nb = shortName(a.learner(c.pair.generative)!), lr = shortName(a.learner(c.pair.discriminative)!)
        let r = c.reason
        let end = "at the largest m = \(r.largestM) the errors are \(percent(r.nbErrorAtLargest)) (NB) and \(percent(r.lrErrorAtLargest)) (LR)"
        var s: String
        switch c.verdict {
        case .ngJordan:
            s = "\(nb) is significantly better than \(lr) at m = \(list(r.nbBetterSizes)), and \(lr) is significantly better from m = \(r.crossover!) on (\(end)): the Ng–Jordan pattern."
        case .lrNeverWorse:
            s = "\(lr) is never significantly worse than \(nb)"
            if let m = r.crossover { s += " and is significantly better from m = \(m) on (\(end))" }
            else { s += "; it is significantly better at m = \(list(r.lrBetterSizes)), but not at the largest m (\(end))" }
            s += ": LR never worse."
        case .noLRAdvantage:
            if r.lrBetterSizes.isEmpty {
                s = "\(lr) is not significantly better than \(nb) at any m"
                if !r.nbBetterSizes.isEmpty { s += "; \(nb) is significantly better at m = \(list(r.nbBetterSizes))" }
            } else {
                s = "\(lr) is significantly better than \(nb) at m = \(list(r.lrBetterSizes)) but not through the largest m, and \(nb) is significantly better at m = \(list(r.nbBetterSizes))"
            }
            s += " (\(end)): no LR advantage."
        }
        if c.pairedVerdict != c.verdict || c.pairedReason.crossover != r.crossover {
            let pc = c.pairedReason.crossover.map { "crossover m = \($0)" } ?? "no crossover"
            s += " With the paired t-test instead of the intervals: \(c.pairedVerdict.rawValue), \(pc)."
        }
        return s.prefix(1).uppercased() + s.dropFirst()
    }

    /// The page's generated prose: one paragraph per dataset, then where the claim this site starts from and
    /// Ng & Jordan's hold, and how the answer depends on C and on the naive Bayes variant.
    public static func prose(_ artifacts: [LearningCurveArtifact]) -> [String] {
        artifacts.map(paragraph) + synthesis(artifacts)
    }

    /// What one dataset's curves show: a sentence per model pair.
    public static func paragraph(_ a: LearningCurveArtifact) -> String {
        "\(a.spec.title) (\(a.sizes.first!) ≤ m ≤ \(a.sizes.last!), \(a.settings.splits) splits per size): "
            + a.comparisons.map { sentence($0, in: a) }.joined(separator: " ")
    }

    /// The sentences drawn from every dataset together: the claim this site starts from at the smallest m, the
    /// Ng–Jordan pattern, and how the answer depends on C and on the naive Bayes variant.
    public static func synthesis(_ artifacts: [LearningCurveArtifact]) -> [String] {
        var paragraphs = [String]()
        struct Item { let a: LearningCurveArtifact; let c: Comparison }
        let all = artifacts.flatMap { a in a.comparisons.map { Item(a: a, c: $0) } }
        guard !all.isEmpty else { return paragraphs }
        func pairLabel(_ i: Item) -> String {
            let lr = i.a.learner(i.c.pair.discriminative)!
            return "\(shortName(i.a.learner(i.c.pair.generative)!)) vs LR C = \(formatC(lr.c!))\(lr.representation == .binarised ? " on binarised pixels" : "")"
        }
        /// "Spam (a, b); Iris (c)": the items grouped by dataset, in the artifacts' order.
        func grouped(_ items: [Item], detail: (Item) -> String = pairLabel) -> String {
            artifacts.compactMap { a -> String? in
                let mine = items.filter { $0.a.spec.name == a.spec.name }
                return mine.isEmpty ? nil : "\(shortTitle(a)) (\(mine.map(detail).joined(separator: ", ")))"
            }.joined(separator: "; ")
        }
        let total = all.count
        // The seed: with little data, a discriminative model may be more practical.
        let lrFirst = all.filter { $0.c.reason.lrBetterSizes.first == $0.c.reason.smallestM }
        let nbFirst = all.filter { $0.c.reason.nbBetterSizes.first == $0.c.reason.smallestM }
        var seed = "At the smallest training sets (\(artifacts[0].settings.minPerClass) rows per class), logistic regression is significantly better in \(lrFirst.count) of \(total) comparisons"
        seed += lrFirst.isEmpty ? "" : ": \(grouped(lrFirst))"
        seed += "; naive Bayes in \(nbFirst.count)"
        seed += nbFirst.isEmpty ? "" : ": \(grouped(nbFirst))"
        seed += "; neither in \(total - lrFirst.count - nbFirst.count). "
        seed += lrFirst.isEmpty ? "The claim this site starts from, that a discriminative model is the practical choice with little data, is not borne out here at the smallest m."
                                : "Where logistic regression wins at the smallest m, the claim this site starts from (a discriminative model is the practical choice with little data) holds on this data."
        paragraphs.append(seed)

        let ng = all.filter { $0.c.verdict == .ngJordan }
        var ngText = "The Ng–Jordan pattern (naive Bayes better with few examples, logistic regression better from a crossover on) appears in \(ng.count) of \(total) comparisons (crossover m in each)"
        ngText += ng.isEmpty ? "." : ": " + grouped(ng) { "\(pairLabel($0)): m = \($0.c.reason.crossover!)" } + "."
        let never = all.filter { $0.c.verdict == .lrNeverWorse }.count, none = all.filter { $0.c.verdict == .noLRAdvantage }.count
        ngText += " Logistic regression is never significantly worse in \(never), and shows no advantage through the largest m in \(none)."
        paragraphs.append(ngText)

        // Regularisation: the same naive Bayes against the two C.
        var cText = [String]()
        var same = 0
        for a in artifacts {
            for nb in Set(a.comparisons.map(\.pair.generative)).sorted() {
                let pair = a.comparisons.filter { $0.pair.generative == nb }
                let strong = pair.first { $0.pair.discriminative.hasSuffix("_c_strong") }
                let weak = pair.first { $0.pair.discriminative.hasSuffix("_c_weak") }
                guard let strong, let weak else { continue }
                if strong.verdict == weak.verdict && strong.reason.crossover == weak.reason.crossover { same += 1; continue }
                func d(_ c: Comparison) -> String { c.verdict.rawValue + (c.reason.crossover.map { ", crossover m = \($0)" } ?? "") }
                cText.append("\(shortTitle(a)), \(shortName(a.learner(nb)!)): C = \(formatC(a.settings.strongC)) gives \(d(strong)), C = \(formatC(a.settings.weakC)) gives \(d(weak))")
            }
        }
        paragraphs.append(cText.isEmpty
            ? "The regularisation of logistic regression (C = \(formatC(artifacts[0].settings.strongC)) or \(formatC(artifacts[0].settings.weakC))) changes neither verdict nor crossover in any of the \(same) cases."
            : "The regularisation of logistic regression matters in \(cText.count) of \(cText.count + same) cases: " + cText.joined(separator: "; ") + ". In the other \(same) the verdict and crossover are the same for both C.")

        // The naive Bayes variant: per-class against pooled variances, against the same LR.
        var vText = [String]()
        var sameV = 0
        for a in artifacts {
            for lr in ["logistic_c_strong", "logistic_c_weak"] {
                guard let g = a.comparisons.first(where: { $0.pair == LearnerPair(generative: "gaussian_nb", discriminative: lr) }),
                      let p = a.comparisons.first(where: { $0.pair == LearnerPair(generative: "pooled_gaussian_nb", discriminative: lr) }) else { continue }
                if g.verdict == p.verdict && g.reason.crossover == p.reason.crossover { sameV += 1; continue }
                func d(_ c: Comparison) -> String { c.verdict.rawValue + (c.reason.crossover.map { ", crossover m = \($0)" } ?? "") }
                vText.append("\(shortTitle(a)) against \(shortName(a.learner(lr)!)): per-class variances give \(d(g)), pooled variances \(d(p))")
            }
        }
        var lower = [String]()
        for a in artifacts {
            guard let g = a.curve("gaussian_nb")?.points.last, let p = a.curve("pooled_gaussian_nb")?.points.last else { continue }
            if p.upper < g.lower { lower.append("\(shortTitle(a)) (\(percent(p.mean)) vs \(percent(g.mean)))") }
        }
        var variant = vText.isEmpty
            ? "Pooling the naive Bayes variances changes neither verdict nor crossover in any of the \(sameV) cases."
            : "The naive Bayes variant matters in \(vText.count) of \(vText.count + sameV) cases: " + vText.joined(separator: "; ") + "."
        variant += lower.isEmpty ? " At the largest m, pooled variances never give a significantly lower error than per-class variances."
                                 : " At the largest m, pooled variances give a significantly lower error than per-class ones on " + lower.joined(separator: ", ") + "."
        paragraphs.append(variant)
        return paragraphs
    }

    // MARK: metrics.json

    /// The `"learning_curves"` entry of metrics.json for one dataset (snake_case keys; non-finite t statistics as null).
    public static func metrics(_ a: LearningCurveArtifact) -> LearningCurveMetrics {
        LearningCurveMetrics(
            dataset: a.spec.name, title: a.spec.title, file: a.spec.file, rows: a.rows, poolSize: a.poolSize, testSize: a.testSize,
            features: a.features, testFraction: a.settings.testFraction, minPerClass: a.settings.minPerClass,
            splits: a.settings.splits, seed: a.seed, sizes: a.sizes, fits: a.fits, level: a.settings.level,
            significance: a.settings.significance,
            curves: a.learners.map { l in
                let points = a.curve(l.id)?.points ?? []
                return .init(learner: l.id, name: l.name, lens: l.lens.rawValue, representation: l.representation.rawValue, settings: l.settings,
                             points: points.map { .init(m: $0.m, meanError: $0.mean, ciLower: $0.lower, ciUpper: $0.upper,
                                                        sd: $0.standardDeviation, nonConverged: $0.nonConverged,
                                                        zeroTrainingError: $0.zeroTrainingError, failed: $0.failed) })
            },
            comparisons: a.comparisons.map { c in
                .init(generative: c.pair.generative, discriminative: c.pair.discriminative, verdict: c.verdict.rawValue,
                      crossoverM: c.reason.crossover, nbBetterSizes: c.reason.nbBetterSizes, lrBetterSizes: c.reason.lrBetterSizes,
                      pairedVerdict: c.pairedVerdict.rawValue, pairedCrossoverM: c.pairedReason.crossover,
                      pairedNbBetterSizes: c.pairedReason.nbBetterSizes, pairedLrBetterSizes: c.pairedReason.lrBetterSizes,
                      sentence: sentence(c, in: a),
                      points: c.points.map { .init(m: $0.m, nbError: $0.nbError, lrError: $0.lrError, meanDifference: $0.meanDifference,
                                                   cisDisjoint: $0.intervalsDisjoint,
                                                   pairedT: $0.pairedT.isFinite ? $0.pairedT : nil, pairedP: $0.pairedP) })
            })
    }
}

/// One dataset's entry under `"learning_curves"` in metrics.json.
public struct LearningCurveMetrics: Sendable, Codable {
    public struct Point: Sendable, Codable {
        let m: Int, meanError: Double, ciLower: Double, ciUpper: Double, sd: Double
        let nonConverged: Int, zeroTrainingError: Int, failed: Int
        enum CodingKeys: String, CodingKey {
            case m, sd, failed
            case meanError = "mean_error", ciLower = "ci_lower", ciUpper = "ci_upper"
            case nonConverged = "non_converged", zeroTrainingError = "zero_training_error"
        }
    }
    public struct Curve: Sendable, Codable {
        let learner: String, name: String, lens: String, representation: String
        let settings: [String: SettingValue]
        let points: [Point]
    }
    public struct ComparisonPoint: Sendable, Codable {
        let m: Int, nbError: Double, lrError: Double, meanDifference: Double, cisDisjoint: Bool
        let pairedT: Double?, pairedP: Double
        enum CodingKeys: String, CodingKey {
            case m
            case nbError = "nb_error", lrError = "lr_error", meanDifference = "mean_difference", cisDisjoint = "cis_disjoint"
            case pairedT = "paired_t", pairedP = "paired_p"
        }
        /// A missing t statistic is written as null, not left out.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(m, forKey: .m); try c.encode(nbError, forKey: .nbError); try c.encode(lrError, forKey: .lrError)
            try c.encode(meanDifference, forKey: .meanDifference); try c.encode(cisDisjoint, forKey: .cisDisjoint)
            try c.encode(pairedT, forKey: .pairedT); try c.encode(pairedP, forKey: .pairedP)
        }
    }
    public struct Comparison: Sendable, Codable {
        let generative: String, discriminative: String, verdict: String, crossoverM: Int?
        let nbBetterSizes: [Int], lrBetterSizes: [Int]
        let pairedVerdict: String, pairedCrossoverM: Int?, pairedNbBetterSizes: [Int], pairedLrBetterSizes: [Int]
        let sentence: String
        let points: [ComparisonPoint]
        enum CodingKeys: String, CodingKey {
            case generative, discriminative, verdict, sentence, points
            case crossoverM = "crossover_m", nbBetterSizes = "nb_better_sizes", lrBetterSizes = "lr_better_sizes"
            case pairedVerdict = "paired_verdict", pairedCrossoverM = "paired_crossover_m"
            case pairedNbBetterSizes = "paired_nb_better_sizes", pairedLrBetterSizes = "paired_lr_better_sizes"
        }
        /// No crossover is written as null, so every comparison has the same keys.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(generative, forKey: .generative); try c.encode(discriminative, forKey: .discriminative)
            try c.encode(verdict, forKey: .verdict); try c.encode(crossoverM, forKey: .crossoverM)
            try c.encode(nbBetterSizes, forKey: .nbBetterSizes); try c.encode(lrBetterSizes, forKey: .lrBetterSizes)
            try c.encode(pairedVerdict, forKey: .pairedVerdict); try c.encode(pairedCrossoverM, forKey: .pairedCrossoverM)
            try c.encode(pairedNbBetterSizes, forKey: .pairedNbBetterSizes); try c.encode(pairedLrBetterSizes, forKey: .pairedLrBetterSizes)
            try c.encode(sentence, forKey: .sentence); try c.encode(points, forKey: .points)
        }
    }
    let dataset: String, title: String, file: String, rows: Int, poolSize: Int, testSize: Int
    let features: [String]
    let testFraction: Double, minPerClass: Int
    let splits: Int, seed: UInt64, sizes: [Int], fits: Int, level: Double, significance: Double
    let curves: [Curve]
    let comparisons: [Comparison]
    enum CodingKeys: String, CodingKey {
        case testFraction = "test_fraction", minPerClass = "min_per_class"
        case dataset, title, file, rows, features, splits, seed, sizes, fits, level, significance, curves, comparisons
        case poolSize = "pool_size", testSize = "test_size"
    }
}
