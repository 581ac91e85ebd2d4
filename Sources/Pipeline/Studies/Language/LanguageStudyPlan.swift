import Foundation

/// The language study shown on a page, with (`figure`) or without its figure.
struct LanguageRequest: Request { let figure: Bool }

/// The seed's own language example (`language:` in lenses.yml): character n-gram models of two
/// languages, the generative lens against a discriminative one as the word list grows. One study
/// job (it may use several threads) and one figure.
enum LanguageStudyPlan: Study {
    static let section: String? = "language"

    static func directive(_ name: String, _ part: LanguageBlock) -> Directive {
        Directive(name: name, usage: "@\(name)") { args, c in
            guard args.isEmpty else { throw c.fail("@\(name) takes no arguments") }
            guard c.spec.language != nil else { throw c.fail("@\(name) needs a language: section in lenses.yml (language: {file: data/words.csv})") }
            let text = PartBlock(part: part)
            return part == .text ? [FiguresBlock([.languageFigure], requests: [LanguageRequest(figure: true)]), text] : [text]
        }
    }

    static let directives = [
        directive("language", .text), directive("language-words", .words),
        directive("language-disagreements", .disagreements), directive("language-orders", .orders),
    ]

    /// Its generated sentences, or one of its tables.
    struct PartBlock: PageBlock {
        let part: LanguageBlock
        var requests: [any Request] { [LanguageRequest(figure: false)] }
        var reads: [AnyJobID] { [JobID.language.erased] }
        func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String {
            let a = artifacts[JobID.language]
            switch part {
            case .text:
                return try page.templates.render("curves", ["has_table": false, "paragraphs": LanguageStudy.paragraphs(a)]) + "\n"
            case .words, .disagreements, .orders:
                let (table, caption, sentence): (LearningCurveTable, String, String) = switch part {
                case .words: (LanguageStudy.wordsTable(a), "Words the \(LanguageStudy.language(a, a.written)) \(a.order)-gram model wrote after training on m words per language (the first of draw 1 at each size), and the shares of all \(a.settings.samples) written words per draw (mean of \(a.settings.draws) draws)", "")
                case .disagreements: (LanguageStudy.disagreementTable(a), "Test words the two classifiers disagree on, trained on all \(LanguageStudy.count(a.poolSize)) words per language", LanguageStudy.disagreementSentence(a))
                default: (LanguageStudy.ordersTable(a), "The n-gram order, every model trained on all \(LanguageStudy.count(a.poolSize)) words per language", LanguageStudy.ordersSentence(a))
                }
                return try page.templates.render("curves", ["has_table": true, "header": table.header, "rows": table.rows.map { ["cells": $0] },
                                                            "caption": caption, "paragraphs": sentence.isEmpty ? [] : [sentence]]) + "\n"
            }
        }
    }

    static let quotes: Quotes? = Quotes(namespace: "language", path: { p in
        try p.need(2, "language.KEY")
        guard p.spec.language != nil else { throw p.fail("'\(p.text)': lenses.yml has no language: section") }
        return ReferencePath(source: .study(section: "language", name: nil), jobs: [JobID.language.erased], key: p.rest(1), text: p.text)
    }, values: Quotes.of(LanguageArtifact.self, LanguageStudy.metrics))

    static func configure(_ field: Field, into spec: inout ProjectSpec) throws {
        spec.language = try ConfigLoader.language(field, root: spec.root)
    }

    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws {
        let requests = demand.all(LanguageRequest.self)
        let referenced = demand.all(StudyReference.self).contains { $0.section == "language" }
        guard !requests.isEmpty || referenced, let settings = context.spec.language else { return }
        let seed = context.seed, figures = context.figures
        let bytes = try context.bytes(settings.file, for: "the language study")
        _ = try LanguageStudy.words(settings, bytes: bytes)   // bad rows are reported before any work
        let inputs = ["settings": try context.encoded(settings), "bytes": JobKey.hash(bytes), "seed": "\(seed)"]
        let threads = max(1, context.parallelism)
        let study = JobID.language
        graph.add(Job(study, key: JobKey(kind: "language", inputs: inputs, upstream: []), dependencies: [], publishes: true, priority: 6) { _ in
            try LanguageStudy.run(settings, bytes: bytes, seed: seed, parallelism: threads)
        })
        guard requests.contains(where: \.figure) else { return }
        graph.add(Job(JobID.languageFigure, key: JobKey(kind: "render-language", inputs: context.figureInputs, upstream: [graph.key(study)]),
                      dependencies: [study.erased], file: "figures/language.png") { deps in
            try LanguageStudy.render(deps[study], figures: figures)
        })
    }

    static func metrics(_ artifacts: ArtifactStore) -> [String: any Encodable] {
        guard let l = artifacts.all(LanguageArtifact.self).first?.value else { return [:] }
        return ["language": LanguageStudy.metrics(l)]
    }
}

extension JobID where Output == LanguageArtifact {
    static var language: Self { Self(.train, "study", "language") }
}

extension JobID where Output == FigureArtifact {
    static var languageFigure: Self { Self(.render, "render", "language") }
}

extension LanguageArtifact: Artifact {
    // Per size and draw, both classifiers; the judge; one French model per order for the choice.
    public var modelsTrained: Int { sizes.count * settings.draws * 2 + 1 + orders.count }
}

/// What a language directive shows.
enum LanguageBlock: String, Sendable {
    case text, words, disagreements, orders
}
