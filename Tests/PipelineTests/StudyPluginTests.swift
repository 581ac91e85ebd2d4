import Foundation
import Testing
@testable import Pipeline
import Site

/// A study small enough to read in one screen, declared the way every study of the site is: it
/// counts the words of a project text file. Registering it (one line: the studies list) is all a
/// build needs to plan its job, render its directive and report it in metrics.json.
struct WordCount: Artifact, Equatable {
    let file: String
    let words: Int
}

enum WordCountStudy: Study {
    struct Wanted: Request { let file: String }

    static func job(_ file: String) -> JobID<WordCount> { JobID(.train, "study", "word-count", file) }

    static let templates: [String: Set<String>] = [:]

    static let directives = [
        Directive(name: "word-count", usage: "@word-count FILE") { args, c in
            guard args.count == 1 else { throw c.fail("@word-count takes FILE, a text file of the project") }
            return [CountBlock(file: args[0])]
        },
    ]

    struct CountBlock: PageBlock {
        let file: String
        var requests: [any Request] { [Wanted(file: file)] }
        var reads: [AnyJobID] { [WordCountStudy.job(file).erased] }
        func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String {
            let count = artifacts[WordCountStudy.job(file)]
            return "<p class=\"word-count\">\(count.words) words in \(escapeHTML(count.file))</p>\n"
        }
    }

    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws {
        for wanted in demand.all(Wanted.self) {
            let bytes = try context.bytes(wanted.file, for: "@word-count")
            graph.add(Job(job(wanted.file), key: JobKey(kind: "word-count", inputs: ["bytes": JobKey.hash(bytes)], upstream: []),
                          dependencies: [], publishes: true) { _ in
                WordCount(file: wanted.file, words: String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace).count)
            })
        }
    }

    static func metrics(_ artifacts: ArtifactStore) -> [String: any Encodable] {
        ["word_counts": artifacts.all(WordCount.self).map(\.value)]
    }
}

@Suite("Studies are plug-ins")
struct StudyPluginTests {
    /// A project with one page using the study's directive next to Markdown.
    static func project() throws -> (TempProject, ProjectSpec) {
        let project = try TempProject()
        try "Five words in this file.\n".write(to: project.root.appendingPathComponent("data/notes.txt"), atomically: true, encoding: .utf8)
        try "---\ntitle: Counting\n---\nSome prose.\n\n@word-count data/notes.txt\n"
            .write(to: project.root.appendingPathComponent("content/count.md"), atomically: true, encoding: .utf8)
        var spec = project.spec
        spec.pages = [PageSpec(slug: "index", file: "content/count.md")]
        return (project, spec)
    }

    @Test("A registered study plans its job, renders its directive and reports its metrics; unregistered, its directive is an error with file and line")
    func registeredStudyBuilds() async throws {
        let (project, spec) = try Self.project()
        defer { project.remove() }
        let studies = StudyRegistry.all + [WordCountStudy.self]

        let plan = try Planner.plan(spec, studies: studies)
        #expect(plan.jobs.map(\.id.description).sorted() == ["page/index", "study/word-count/data/notes.txt"])

        let out = project.root.appendingPathComponent("site")
        _ = try await SiteBuilder.build(spec, options: BuildOptions(output: out, parallelism: 2), studies: studies)
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("<p class=\"word-count\">5 words in data/notes.txt</p>"))
        #expect(html.contains("Some prose."))
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as! [String: Any]
        let counts = try #require(metrics["word_counts"] as? [[String: Any]])
        #expect(counts.count == 1 && counts[0]["words"] as? Int == 5)
        // Every registered study still reports its (empty) entry.
        #expect(metrics["regressions"] != nil && metrics["figures"] != nil)

        // Without the study, the directive is unknown, and the error names the page's file and line.
        #expect {
            _ = try Planner.plan(spec)
        } throws: { error in
            "\(error)".hasPrefix("content/count.md:6: unknown directive @word-count; known: ")
        }
        // A bad argument is the study's own error, at the directive's line.
        try "@word-count\n".write(to: project.root.appendingPathComponent("content/count.md"), atomically: true, encoding: .utf8)
        #expect {
            _ = try Planner.plan(spec, studies: studies)
        } throws: { error in
            "\(error)" == "content/count.md:1: @word-count takes FILE, a text file of the project"
        }
    }

    @Test("Every directive name is claimed by exactly one registered study, and every study's templates exist in the theme")
    func registryIsConsistent() throws {
        var owners = [String: [String]]()
        for study in StudyRegistry.all { for d in study.directives { owners[d.name, default: []].append("\(study)") } }
        #expect(owners.filter { $0.value.count > 1 }.isEmpty)
        #expect(owners.count >= 25, "\(owners.keys.sorted())")
        let theme = try Theme.load(root: TempProject.repoRoot)
        for name in StudyRegistry.vocabulary(StudyRegistry.all).keys {
            #expect(theme.templates.names.contains(name), "template \(name).mustache")
        }
    }

    @Test("A directive is checked and turned into blocks without building anything")
    func directiveAlone() throws {
        let spec = try ConfigLoader.load(root: TempProject.repoRoot)
        let page = PageSpec(slug: "p", file: "content/p.md")
        let doc = try ContentDocument.parse("@regression nope\n", file: "content/p.md")
        #expect {
            _ = try Planner.resolve(page, doc, contentHash: "", spec: spec)
        } throws: { error in
            "\(error)".hasPrefix("content/p.md:1: @regression takes the name of a study under regressions: in lenses.yml; known: ")
        }
        let ok = try Planner.resolve(page, try ContentDocument.parse("@pair two_moons logistic_regression gaussian_nb\n@table two_moons\n", file: "content/p.md"),
                                     contentHash: "", spec: spec)
        // The table lists the models the page's figures show, in order; the page reads their fits and figures.
        #expect(ok.dependencies.map(\.description) == [
            "render/two_moons/logistic_regression/map/pair", "render/two_moons/gaussian_nb/map/pair",
            "train/two_moons/logistic_regression", "train/two_moons/gaussian_nb",
        ])
    }
}
