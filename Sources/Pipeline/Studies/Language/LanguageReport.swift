import Foundation
import Models
import Numerics
import Plotting

// The figure, tables, generated sentences and metrics.json entry of the language study.
// Every number shown comes from a LanguageArtifact.

extension LanguageStudy {
    static let taskNames: [String: String] = [
        "tell_discriminative": "tell apart: log. regression",
        "tell_generative": "tell apart: n-gram Bayes",
        "write_bits": "write: bits per letter",
        "write_judged": "writing: judged as written language",
        "write_real": "writing: real unseen words",
        "write_copy": "writing: copies of training words",
    ]

    static func percent(_ v: Double) -> String { NumberFormat.percent(v) }
    static func bits(_ v: Double) -> String { NumberFormat.fixed(v, 2) }

    /// 12,345 (comma thousands, as the rest of the site).
    static func count(_ n: Int) -> String { NumberFormat.grouped(n) }

    /// A reach m, rounded to two significant digits (it is interpolated between sizes).
    static func aboutM(_ m: Double) -> String {
        guard m.isFinite, m > 0 else { return "n/a" }
        let digits = max(0, Int(floor(log10(m))) - 1)
        let step = pow(10, Double(digits))
        return count(Int((m / step).rounded() * step))
    }

    static func reachText(_ c: LanguageCurve) -> String {
        "m ≈ \(aboutM(c.reachM)) (95 % interval \(aboutM(c.reachLower))–\(aboutM(c.reachUpper)))"
    }

    static func language(_ a: LanguageArtifact, _ l: Int) -> String { a.languages[l].prefix(1).uppercased() + a.languages[l].dropFirst() }

    // MARK: figure

    public static func render(_ a: LanguageArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let styles: [(String, UInt32, [Double])] = [
            ("tell_discriminative", 0x0072B2, []), ("tell_generative", 0xD55E00, []),
            ("write_bits", 0x009E73, [7, 4]),
        ]
        let xs = a.sizes.map(Double.init)
        var series = [Series]()
        for (task, hex, dash) in styles {
            guard let c = a.curve(task) else { continue }
            let name = taskNames[task]!
            series.append(Series(label: name, x: xs, y: c.progress, color: Color(hex: hex), dash: dash, markers: true,
                                 lower: c.progressLower, upper: c.progressUpper))
        }
        series.append(Series(label: "\(NumberFormat.wholePercent(a.settings.reach)) of the way", x: [xs.first!, xs.last!],
                             y: [a.settings.reach, a.settings.reach], color: Palette.muted, dash: [3, 3], markers: false))
        var chart = LineChart(
            title: "Telling \(language(a, a.written)) from \(language(a, 1 - a.written)), or writing \(language(a, a.written)): how many words?",
            subtitle: "character \(a.order)-grams · each task scaled: 0 at m = \(a.sizes.first!), 1 at m = \(count(a.sizes.last!)) · \(a.settings.draws) draws, 95 % bands",
            xLabel: "training words per language m (log scale)", yLabel: "share of the way to the largest-m value", series: series)
        chart.logX = true
        chart.width = figures.width
        chart.height = figures.height
        chart.marksLegendTitle = "Reached \(NumberFormat.wholePercent(a.settings.reach)) for good"
        let (tell, write) = verdictCurves(a)
        let lo = log10(Double(a.sizes.first!)), span = max(log10(Double(a.sizes.last!)) - lo, 1e-9)
        var row = 0
        for (c, what) in [(tell, tell.task == "tell_discriminative" ? "tell apart (log. regr.)" : "tell apart (n-gram Bayes)"), (write, "write (bits per letter)")] {
            let f = (log10(c.reachM) - lo) / span
            chart.marks.append(VerticalMark(x: c.reachM, note: "m ≈ \(aboutM(c.reachM))", color: Palette.muted, row: row,
                                            noteOnLeft: f > 0.8, legend: [what]))
            row += 1
        }
        let rendered = try chart.render(formats: figures.formats)
        let alt = "Learning curves of telling \(language(a, a.written)) from \(language(a, 1 - a.written)) and of writing \(language(a, a.written)), each scaled from 0 at m = \(a.sizes.first!) to 1 at m = \(a.sizes.last!) words per language. "
            + "Telling apart reaches \(NumberFormat.wholePercent(a.settings.reach)) of the way at \(reachText(tell)); writing, by bits per letter, at \(reachText(write)); by words judged \(language(a, a.written)), at \(reachText(a.curve("write_judged")!))."
        let caption = "Each line is one task, scaled to its own best: 0 is its mean value with \(a.sizes.first!) training words per language, 1 its value with all \(count(a.sizes.last!)); test errors and bits per letter fall, and are drawn rising. The share of written words the judge takes for \(language(a, a.written)) is left out: it barely moves (see the text). Dashed vertical lines mark where telling apart (the faster classifier) and writing (the bits per letter of the \(language(a, a.written)) model on \(language(a, a.written)) test words) reach \(NumberFormat.wholePercent(a.settings.reach)) of the way and stay there."
        return FigureArtifact(path: "figures/language--tell-vs-write.png", rendered: rendered, width: figures.width, height: figures.height,
                              title: chart.title, alt: alt, caption: caption, provenance: provenance(a), metrics: nil,
                              numbers: "\"language\"")
    }

    static func provenance(_ a: LanguageArtifact) -> [ProvenanceItem] {
        let s = a.settings
        return [
            .init(name: "Data", value: "\(s.file): \(a.wordsPerLanguage.enumerated().map { "\(count($1)) \(language(a, $0))" }.joined(separator: ", ")) words, \(a.alphabetSize) letters"),
            .init(name: "Parts per language", value: "\(count(s.test)) test, \(count(s.validation)) validation, \(count(s.dictionary)) dictionary, \(count(a.poolSize)) training"),
            .init(name: "Sizes", value: a.sizes.map(count).joined(separator: ", ") + " words per language, \(s.draws) draws each"),
            .init(name: "Generative", value: "character \(a.order)-gram model per language, interpolated Witten–Bell; Bayes' rule with the training priors"),
            .init(name: "Discriminative", value: "logistic regression on counts of 1…\(a.order)-grams, C = \(NumberFormat.shortest(s.c)), L-BFGS tol \(NumberFormat.shortest(s.tolerance)), at most \(s.maxIterations) iterations"),
            .init(name: "Written words", value: "\(count(s.samples)) per size and draw; judged by logistic regression on all training words, P ≥ \(NumberFormat.shortest(s.judgeThreshold))"),
            .init(name: "Seed", value: "\(a.seed)"),
            .init(name: "Fits", value: "\(a.fits)" + (a.nonConverged > 0 ? " (\(a.nonConverged) logistic fits stopped at the iteration limit)" : "")),
        ]
    }

    // MARK: sentences

    /// Telling apart: the faster of the two classifiers; writing: the generative model's cross-entropy
    /// (how well it knows the language), with the judged share as a second view.
    static func verdictCurves(_ a: LanguageArtifact) -> (tell: LanguageCurve, write: LanguageCurve) {
        let d = a.curve("tell_discriminative")!, g = a.curve("tell_generative")!
        return (d.reachM <= g.reachM ? d : g, a.curve("write_bits")!)
    }

    /// One comparison of a writing task with telling apart, from the reach intervals:
    /// 1 writing needs more (intervals disjoint), −1 fewer (disjoint), 0 the intervals overlap.
    static func compare(_ write: LanguageCurve, _ tell: LanguageCurve) -> (String, Int) {
        let ratio = write.reachM / tell.reachM
        if write.reachLower > tell.reachUpper {
            return ("needs about \(NumberFormat.fixed(ratio, ratio >= 10 ? 0 : 1)) times as many words per language as telling apart, and the 95 % intervals do not overlap", 1)
        } else if write.reachUpper < tell.reachLower {
            return ("does not need more words than telling apart: it gets there first, and the 95 % intervals do not overlap", -1)
        } else {
            return ("cannot be separated from telling apart: the 95 % intervals overlap (writing's estimate is \(NumberFormat.fixed(ratio, 1)) times telling apart's)", 0)
        }
    }

    public static func verdict(_ a: LanguageArtifact) -> String {
        let (tell, write) = verdictCurves(a)
        let judged = a.curve("write_judged")!
        let who = tell.task == "tell_discriminative" ? "logistic regression" : "the n-gram Bayes classifier"
        let W = language(a, a.written), O = language(a, 1 - a.written)
        let r = Int((a.settings.reach * 100).rounded())
        let (bitsText, bitsSign) = compare(write, tell), (judgedText, _) = compare(judged, tell)
        var s = "Verdict of this build: telling \(W) from \(O) (\(who), the faster of the two) gets \(r) % of the way at \(reachText(tell)); learning to write \(W), measured by the \(W) model's bits per letter on \(W) test words, at \(reachText(write)). "
        s += "By that measure writing \(bitsText)"
        switch bitsSign {
        case 1: s += ": the claim that writing a language takes more text than telling it apart holds here."
        case -1: s += ": the claim that writing takes more text is not borne out here."
        default: s += ": this build cannot say that writing takes more text."
        }
        s += " Measured instead by the words the judge takes for \(W), which get there at \(reachText(judged)), writing \(judgedText)."
        return s
    }

    public static func paragraphs(_ a: LanguageArtifact) -> [String] {
        let s = a.settings, W = language(a, a.written), O = language(a, 1 - a.written)
        let first = a.sizes.first!, last = a.sizes.last!
        func at(_ task: String, _ i: Int) -> Double { a.curve(task)!.mean[i] }
        let L = a.sizes.count - 1
        let r = Int((s.reach * 100).rounded())
        var out = [String]()
        var setup = "\(s.file) holds \(a.wordsPerLanguage.enumerated().map { "\(count($1)) \(language(a, $0))" }.joined(separator: " and ")) words over \(a.alphabetSize) letters; \(a.sharedWords) are listed in both languages"
        if a.sharedInTest == 0 {
            setup += ", none of them with both rows in the test part, so they set no floor on the test error."
        } else {
            setup += ", \(a.sharedInTest) of them with both rows in the test part: no classifier can do better than \(percent(Double(a.sharedInTest) / Double(a.testSize))) test error."
        }
        setup += " Each language keeps \(count(s.test)) test words, \(count(s.validation)) validation words and a dictionary of \(count(s.dictionary)) words; training sets of m = \(a.sizes.map(count).joined(separator: ", ")) words per language are drawn from the other \(count(a.poolSize)), \(s.draws) draws per size."
        out.append(setup)
        let best = a.orders.first { $0.order == a.order }!
        let others = a.orders.filter { $0.order != a.order }.map { "\(bits($0.validationBits)) for n = \($0.order)" }
        out.append("On the \(W) validation words, the \(W) \(a.order)-gram model has the lowest cross-entropy, \(bits(best.validationBits)) bits per letter" + (others.isEmpty ? "" : " (against \(others.joined(separator: ", ")))") + "; every number below is for n = \(a.order).")
        out.append("Telling \(W) from \(O): with m = \(first) words per language, logistic regression misclassifies \(percent(at("tell_discriminative", 0))) of the \(count(a.testSize)) test words and the n-gram Bayes classifier \(percent(at("tell_generative", 0))); with m = \(count(last)), \(percent(at("tell_discriminative", L))) and \(percent(at("tell_generative", L))). Logistic regression gets \(r) % of that improvement for good at \(reachText(a.curve("tell_discriminative")!)), the Bayes classifier at \(reachText(a.curve("tell_generative")!)).")
        var writing = "Writing \(W): the \(W) model's cross-entropy on \(W) test words falls from \(bits(at("write_bits", 0))) to \(bits(at("write_bits", L))) bits per letter and gets \(r) % of the way at \(reachText(a.curve("write_bits")!)). Of \(count(s.samples)) words the \(W) model writes, the judge — logistic regression trained on all \(count(a.poolSize)) training words per language, \(percent(a.judgeTestError)) test error — gives P(\(W)) ≥ \(NumberFormat.shortest(s.judgeThreshold)) to \(percent(at("write_judged", 0))) at m = \(first) and \(percent(at("write_judged", L))) at m = \(count(last)); that share gets \(r) % of the way at \(reachText(a.curve("write_judged")!))."
        if at("write_judged", 0) >= 0.5 {
            writing += " The judge is easy to please: already at m = \(first) it takes most written words for \(W), because letter sequences typical of \(W), such as verb endings, are enough for it — it judges the look of a word, not whether it is \(W)."
        }
        writing += " \(percent(at("write_real", L))) of the words written at m = \(count(last)) are real \(W) words from the \(count(s.dictionary))-word dictionary no model saw (\(percent(at("write_real", 0))) at m = \(first)); that is a lower bound, since the dictionary holds a small part of the language. \(percent(at("write_copy", L))) copy a training word (\(percent(at("write_copy", 0))) at m = \(first))."
        out.append(writing)
        out.append(verdict(a))
        return out
    }

    // MARK: tables

    public static func wordsTable(_ a: LanguageArtifact) -> LearningCurveTable {
        let w = language(a, a.written)
        return LearningCurveTable(
            header: ["m (words per language)", "Words the \(w) model wrote (draw 1)", "Judged \(w)", "Real unseen", "Copies"],
            rows: a.sizes.indices.map { i in
                [count(a.sizes[i]), a.writtenWords[i].map { $0.isEmpty ? "(no end within 40 letters)" : $0 }.joined(separator: ", "),
                 percent(a.curve("write_judged")!.mean[i]), percent(a.curve("write_real")!.mean[i]), percent(a.curve("write_copy")!.mean[i])]
            })
    }

    public static func disagreementTable(_ a: LanguageArtifact) -> LearningCurveTable {
        let w = language(a, a.written)
        return LearningCurveTable(
            header: ["Test word", "Language", "P(\(w)): n-gram Bayes", "P(\(w)): logistic regression", "Right"],
            rows: a.disagreements.map { d in
                let g = d.generative >= 0.5 ? a.languages[a.written] : a.languages[1 - a.written]
                return [d.word, d.language.prefix(1).uppercased() + d.language.dropFirst(), NumberFormat.fixed(d.generative, 3), NumberFormat.fixed(d.discriminative, 3),
                        g == d.language ? "n-gram Bayes" : "logistic regression"]
            })
    }

    public static func disagreementSentence(_ a: LanguageArtifact) -> String {
        "With all \(count(a.poolSize)) training words per language and n = \(a.order), the two classifiers disagree on \(a.disagreementCount) of the \(count(a.testSize)) test words: the n-gram Bayes classifier is right on \(a.generativeRight) of them, logistic regression on \(a.discriminativeRight). The table shows the \(a.disagreements.count) with the largest gap between their probabilities."
    }

    public static func ordersTable(_ a: LanguageArtifact) -> LearningCurveTable {
        let w = language(a, a.written)
        return LearningCurveTable(
            header: ["n", "Validation bits/letter", "Test bits/letter", "n-gram Bayes error", "Logistic regression error",
                     "Judged \(w)", "Real unseen", "Copies", "LR features"],
            rows: a.orders.map { r in
                [r.order == a.order ? "\(r.order) (used)" : "\(r.order)", bits(r.validationBits), bits(r.testBits),
                 percent(r.generativeError), percent(r.discriminativeError), percent(r.judgedShare), percent(r.realShare),
                 percent(r.copyShare), count(r.features)]
            })
    }

    public static func ordersSentence(_ a: LanguageArtifact) -> String {
        let lowG = a.orders.min { $0.generativeError < $1.generativeError }!, lowD = a.orders.min { $0.discriminativeError < $1.discriminativeError }!
        let maxCopy = a.orders.max { $0.copyShare < $1.copyShare }!
        let lo = a.orders.min { $0.order < $1.order }!, hi = a.orders.max { $0.order < $1.order }!
        let W = language(a, a.written)
        var text = "All models here use the whole training part (\(count(a.poolSize)) words per language); the judge of each row is that row's logistic regression. The lowest test error is n = \(lowG.order) for the n-gram Bayes classifier (\(percent(lowG.generativeError))) and n = \(lowD.order) for logistic regression (\(percent(lowD.discriminativeError)))."
        if lo.order != hi.order {
            text += " The judge takes \(percent(lo.judgedShare)) of the words written with n = \(lo.order) for \(W) and \(percent(hi.judgedShare)) of those written with n = \(hi.order); n = \(maxCopy.order) copies the most training words (\(percent(maxCopy.copyShare)))."
        }
        return text + " The page uses n = \(a.order), whose \(W) model has the lowest cross-entropy on the \(W) validation words."
    }

    // MARK: metrics.json

    public static func metrics(_ a: LanguageArtifact) -> LanguageMetrics {
        func c(_ t: String) -> LanguageCurve { a.curve(t)! }
        return LanguageMetrics(
            file: a.settings.file, seed: a.seed, languages: a.languages, written_language: a.languages[a.written],
            words_per_language: a.wordsPerLanguage, alphabet_size: a.alphabetSize, shared_words: a.sharedWords,
            shared_in_test: a.sharedInTest, test_words: a.testSize, training_words_per_language: a.poolSize,
            test_per_language: a.settings.test, validation_per_language: a.settings.validation, dictionary_words: a.settings.dictionary,
            draws: a.settings.draws, samples: a.settings.samples, judge_threshold: a.settings.judgeThreshold, reach: a.settings.reach,
            c: a.settings.c, order: a.order, sizes: a.sizes,
            generative_error: c("tell_generative").mean, discriminative_error: c("tell_discriminative").mean,
            bits_per_character: c("write_bits").mean, judged_share: c("write_judged").mean, real_share: c("write_real").mean,
            copy_share: c("write_copy").mean,
            curves: a.curves.map { .init(task: $0.task, mean: $0.mean, ci_lower: $0.lower, ci_upper: $0.upper, progress: $0.progress,
                                         progress_lower: $0.progressLower, progress_upper: $0.progressUpper, reach_m: $0.reachM,
                                         reach_lower: $0.reachLower, reach_upper: $0.reachUpper, reach_per_draw: $0.reachPerDraw) },
            orders: a.orders.map { .init(order: $0.order, validation_bits: $0.validationBits, test_bits: $0.testBits,
                                         generative_error: $0.generativeError, discriminative_error: $0.discriminativeError,
                                         judged_share: $0.judgedShare, real_share: $0.realShare, copy_share: $0.copyShare,
                                         features: $0.features, converged: $0.converged) },
            written_words: a.writtenWords, disagreements: a.disagreements.map { .init(word: $0.word, language: $0.language,
                                                                                      generative: $0.generative, discriminative: $0.discriminative) },
            disagreement_count: a.disagreementCount, generative_right: a.generativeRight, discriminative_right: a.discriminativeRight,
            judge_test_error: a.judgeTestError, non_converged: a.nonConverged, fits: a.fits,
            paragraphs: paragraphs(a), verdict: verdict(a))
    }
}

/// The `"language"` entry of metrics.json: every number the language page shows.
public struct LanguageMetrics: Sendable, Codable {
    public struct Curve: Sendable, Codable {
        let task: String, mean: [Double], ci_lower: [Double], ci_upper: [Double]
        let progress: [Double], progress_lower: [Double], progress_upper: [Double]
        let reach_m: Double, reach_lower: Double, reach_upper: Double, reach_per_draw: [Double]
    }
    public struct Order: Sendable, Codable {
        let order: Int, validation_bits: Double, test_bits: Double, generative_error: Double, discriminative_error: Double
        let judged_share: Double, real_share: Double, copy_share: Double, features: Int, converged: Bool
    }
    public struct Disagreement: Sendable, Codable {
        let word: String, language: String, generative: Double, discriminative: Double
    }
    let file: String, seed: UInt64, languages: [String], written_language: String, words_per_language: [Int]
    let alphabet_size: Int, shared_words: Int, shared_in_test: Int, test_words: Int, training_words_per_language: Int
    let test_per_language: Int, validation_per_language: Int, dictionary_words: Int
    let draws: Int, samples: Int, judge_threshold: Double, reach: Double, c: Double, order: Int, sizes: [Int]
    let generative_error: [Double], discriminative_error: [Double], bits_per_character: [Double]
    let judged_share: [Double], real_share: [Double], copy_share: [Double]
    let curves: [Curve]
    let orders: [Order]
    let written_words: [[String]]
    let disagreements: [Disagreement]
    let disagreement_count: Int, generative_right: Int, discriminative_right: Int, judge_test_error: Double
    let non_converged: Int, fits: Int
    let paragraphs: [String], verdict: String
}
