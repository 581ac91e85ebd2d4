import Foundation
import Site
import Testing
@testable import Pipeline

@Suite("Numbers in prose and checked claims")
struct InlineReferenceTests {
    /// The small project of the rebuild walk, with its index page replaced.
    static func project(index: String) throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("lenses-refs-\(UUID().uuidString)")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        try fm.copyItem(at: TempProject.repoRoot.appendingPathComponent("templates"), to: root.appendingPathComponent("templates"))
        let layout = try String(contentsOf: root.appendingPathComponent("templates/layout.mustache"), encoding: .utf8)
        var state = WalkState()
        state.mixture = true
        try state.write(to: root, layout: layout)
        try index.write(to: root.appendingPathComponent("content/index.md"), atomically: true, encoding: .utf8)
        return root
    }

    static func build(_ root: URL, fail: Bool = true) async throws -> BuildReport {
        var options = BuildOptions(output: root.appendingPathComponent("site"), parallelism: 2)
        options.failOnFalseClaims = fail
        return try await SiteBuilder.build(try ConfigLoader.load(root: root), options: options)
    }

    @Test("{{…}} references are found with their lines, outside code; an unclosed one is a file:line error")
    func parsing() throws {
        let doc = try ContentDocument.parse("---\ntitle: T\n---\nA {{value config.seed}} and {{check 1 < 2}}.\n\n```\n{{not a reference}}\n```\n",
                                            file: "content/a.md")
        #expect(doc.references.map(\.expression) == ["value config.seed", "check 1 < 2"])
        #expect(doc.references.map(\.line) == [4, 4])
        #expect(throws: ContentError.self) { try ContentDocument.parse("Open {{value config.seed\n", file: "content/a.md") }
        do {
            _ = try ContentDocument.parse("line one\nOpen {{value config.seed\n", file: "content/a.md")
        } catch let e as ContentError {
            #expect(e.description.hasPrefix("content/a.md:2:"))
        }
    }

    @Test("Bad references name the file, the line and what is known")
    func badReferences() throws {
        let root = try Self.project(index: "# I\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = try ConfigLoader.load(root: root)
        func message(_ text: String) -> String {
            do {
                _ = try References.parse(InlineReference(expression: text, source: "{{\(text)}}", line: 7), file: "content/x.md", spec: spec)
                return ""
            } catch { return "\(error)" }
        }
        #expect(message("value fit.nowhere.gaussian_nb.accuracy").contains("content/x.md:7: 'fit.nowhere.gaussian_nb.accuracy': unknown dataset 'nowhere'; known: moons, own"))
        #expect(message("value fit.moons.svm_rbf.accuracy").contains("unknown model 'svm_rbf'"))
        #expect(message("value mixture.other.rows").contains("no mixture study named 'other'"))
        #expect(message("shout fit.moons.gaussian_nb.accuracy").contains("unknown reference {{shout …}}"))
        #expect(message("check fit.moons.gaussian_nb.accuracy").contains("compares two values"))
        #expect(message("value 1 +").contains("an expression is values joined by"))
        #expect(message("value config.colour").contains("config values are"))
        #expect(message("value fit.moons.gaussian_nb.accuracy pct").isEmpty)
    }

    @Test("Formats: integers grouped, percentages, fixed decimals")
    func formats() {
        #expect(References.format(4601, nil) == "4,601")
        #expect(References.format(1797, "int") == "1,797")
        #expect(References.format(-1234567, nil) == "-1,234,567")
        #expect(References.format(0.3, "pct") == "30")
        #expect(References.format(0.1234, "pct1") == "12.3")
        #expect(References.format(0.93333, ".3") == "0.933")
        #expect(References.format(0.93333, nil) == "0.933")
        #expect(References.markdownEscaped("a*b<c>") == "a\\*b&lt;c&gt;")
    }

    @Test("A build puts its own numbers into the prose, lists its claims in metrics.json, and fails on a false one")
    func build() async throws {
        let page = """
        ---
        title: Refs
        ---
        # Refs

        Trained on {{value fit.moons.gaussian_nb.n_train}} points; accuracy {{value fit.moons.gaussian_nb.accuracy pct1}} %.
        The mixture study read {{value mixture.mix.rows}} rows, {{value mixture.mix.criteria.count}} values of k.
        Naive Bayes beats chance
        {{check fit.moons.gaussian_nb.accuracy > 0.5}}.

        @pair moons logistic_regression gaussian_nb
        """
        let root = try Self.project(index: page)
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try await Self.build(root)
        let site = try snapshot(root.appendingPathComponent("site"))
        // Progress counts models, not jobs: the mixture study's one job trained a mixture per k (2).
        let trainJobs = try #require(report.redonePerStage["train"])
        #expect(report.modelsTrained == trainJobs - 1 + 2)
        #expect(report.redonePerStage["page"] == 4 && report.reusedPerStage.isEmpty)
        let html = String(decoding: try #require(site["index.html"]), as: UTF8.self)

        struct Doc: Decodable {
            struct Figure: Decodable { let file: String }
            let claims: [ClaimResult]
        }
        let doc = try JSONDecoder().decode(Doc.self, from: try #require(site["metrics.json"]))
        #expect(doc.claims.count == 1 && doc.claims[0].holds && doc.claims[0].line == 9 && doc.claims[0].file == "content/index.md")
        let accuracy = try #require(doc.claims[0].values["fit.moons.gaussian_nb.accuracy"])
        #expect(report.claims == doc.claims)
        // The numbers are this build's: n_train from the split, accuracy as a percentage, the rows of the CSV.
        let spec = try ConfigLoader.load(root: root)
        let data = try ProjectData.load("moons", spec: spec)
        #expect(html.contains("Trained on \(data.split.train.count) points; accuracy \(String(format: "%.1f", accuracy * 100)) %."))
        #expect(html.contains("The mixture study read 48 rows, 2 values of k."))
        #expect(!html.contains("{{"), "no reference is left unreplaced")
        #expect(html.contains("Naive Bayes beats chance."), "a claim vanishes with the space before it")

        // A false claim fails the build by file and line, with its values, and leaves the site as it was.
        let falsePage = page.replacingOccurrences(of: "accuracy > 0.5}}", with: "accuracy > 1}}")
        try falsePage.write(to: root.appendingPathComponent("content/index.md"), atomically: true, encoding: .utf8)
        await #expect(throws: PipelineError.self) { _ = try await Self.build(root) }
        do { _ = try await Self.build(root) } catch {
            #expect("\(error)".contains("content/index.md:9: this claim is false on this build: fit.moons.gaussian_nb.accuracy > 1"))
            #expect("\(error)".contains("draft: true"))
        }
        #expect(try snapshot(root.appendingPathComponent("site")) == site)
        // `lenses claims` lists it without failing; a draft page builds and reports it.
        let listed = try await Self.build(root, fail: false)
        #expect(listed.claims.count == 1 && !listed.claims[0].holds && !listed.claims[0].draft)
        try falsePage.replacingOccurrences(of: "title: Refs", with: "title: Refs\ndraft: true")
            .write(to: root.appendingPathComponent("content/index.md"), atomically: true, encoding: .utf8)
        let draft = try await Self.build(root)
        #expect(draft.claims.count == 1 && !draft.claims[0].holds && draft.claims[0].draft && draft.claims[0].line == 10)
        #expect(draft.notes.contains { $0.contains("content/index.md:10: claim false on this build (draft page)") })

        // A value the build does not have is a file:line error that shows the keys near it.
        try page.replacingOccurrences(of: "mixture.mix.rows", with: "mixture.mix.rowz")
            .write(to: root.appendingPathComponent("content/index.md"), atomically: true, encoding: .utf8)
        do {
            _ = try await Self.build(root)
            Issue.record("a missing value must fail the build")
        } catch {
            #expect("\(error)".contains("content/index.md:7: 'mixture.mix.rowz': this build has no such value"))
            #expect("\(error)".contains("rows"))
        }
    }
}
