import Foundation
import Testing
@testable import Pipeline

/// `models:` with named instances: `NAME: {kind: KIND, settings}` beside `KIND: {settings}`.
@Suite("Named model instances")
struct NamedModelTests {
    /// A tiny project (no templates/: the built-in theme) with the given models and index page.
    static func project(models: String, page: String, extraData: String = "") throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("lenses-named-\(UUID().uuidString)")
        try fm.createDirectory(at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        try """
        site: {title: Named}
        seed: 7
        figures: {width: 320, height: 240, pair_width: 320, pair_height: 240, grid: 20, samples: 20}
        datasets:
          - {name: moons, title: Moons, generate: two_moons, n: 60, noise: 0.25}
        \(extraData)
        models:
        \(models)
        pages:
          - {slug: index, file: content/index.md}

        """.write(to: root.appendingPathComponent("lenses.yml"), atomically: true, encoding: .utf8)
        try "---\ntitle: Named\n---\n\(page)\n".write(to: root.appendingPathComponent("content/index.md"), atomically: true, encoding: .utf8)
        return root
    }

    static let namedModels = """
          strong: {kind: logistic_regression, C: 0.01}
          weak: {kind: logistic_regression, C: 100}
          twin: {kind: logistic_regression, C: 0.01}
          gaussian_nb: {}
        """

    @Test("Both forms load; a plain entry is named after its kind")
    func loads() throws {
        let root = try Self.project(models: Self.namedModels, page: "@pair moons strong weak")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = try ConfigLoader.load(root: root)
        #expect(spec.models.map(\.name) == ["strong", "weak", "twin", "gaussian_nb"])
        #expect(spec.models.map(\.kind) == ["logistic_regression", "logistic_regression", "logistic_regression", "gaussian_nb"])
        #expect(spec.model("strong")?.settings["C"] == .number(0.01))
        #expect(spec.model("gaussian_nb")?.isPlain == true)
        #expect(spec.model("strong")?.label == "Logistic regression “strong” (C=0.01)")
    }

    /// (models block, expected message part, text of the line the error must name)
    static let bad: [(String, String, String)] = [
        ("  strong: {kind: logistic_regresion, C: 1}", "unknown model kind 'logistic_regresion'", "logistic_regresion"),
        ("  logistic_regresion: {C: 1}", "unknown model kind 'logistic_regresion'", "logistic_regresion"),
        ("  strong: {kind: lda}\n  strong: {kind: qda}", "key 'strong' appears twice in one mapping (first on line 8)", "strong: {kind: qda}"),
        ("  Strong-One: {kind: lda}", "'Strong-One' must be lower-case letters, digits and _", "Strong-One"),
        ("  qda: {kind: lda}", "'qda' is the name of another model kind", "qda: {kind: lda}"),
        ("  strong: {kind: lda, C: 1}", "unknown setting 'C'", "strong: {kind: lda, C: 1}"),
    ]

    @Test("Errors name the lenses.yml line", arguments: 0..<bad.count)
    func errors(index: Int) throws {
        let (models, message, lineText) = Self.bad[index]
        let root = try Self.project(models: models, page: "Nothing")
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try String(contentsOf: root.appendingPathComponent("lenses.yml"), encoding: .utf8)
        let expected = text.components(separatedBy: "\n").firstIndex { $0.contains(lineText) }! + 1
        do {
            _ = try ConfigLoader.load(root: root)
            Issue.record("\(models) should be refused")
        } catch let e as ConfigError {
            #expect(e.description.contains(message), "\(e)")
            #expect(e.line == expected, "\(e)")
        }
    }

    @Test("A page names an instance: files and jobs use the name, titles the kind and settings; equal settings share one fit")
    func build() async throws {
        let page = "@pair moons strong weak\n\n@figure moons twin map\n\n@table moons\n\n@bayes-flip moons gaussian_nb"
        let root = try Self.project(models: Self.namedModels, page: page)
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = try ConfigLoader.load(root: root)
        let plan = try Planner.plan(spec)
        let keys = Dictionary(uniqueKeysWithValues: plan.jobs.map { ($0.id.description, $0.key) })
        #expect(keys["train/moons/strong"] == keys["train/moons/twin"], "equal kind and settings: one cache entry")
        #expect(keys["train/moons/strong"] != keys["train/moons/weak"])
        #expect(plan.jobs.first { $0.id == JobID.fit("moons", "twin").erased }?.dependencies == [JobID.fit("moons", "strong").erased])

        let out = root.appendingPathComponent("site")
        let report = try await SiteBuilder.build(spec, options: BuildOptions(output: out, parallelism: 2))
        for file in ["moons--strong--map--pair.png", "moons--weak--map--pair.png", "moons--twin--map.png"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("figures/\(file)").path), "\(file)")
        }
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("Logistic regression “strong” (C=0.01)"))
        #expect(html.contains("Logistic regression “weak” (C=100)"))
        #expect(html.contains("<dt>Name in lenses.yml</dt><dd>strong: {kind: logistic_regression, C: 0.01}</dd>"))
        #expect(html.contains("<th scope=\"row\">Logistic regression “twin” (C=0.01)</th>"))
        let metrics = try String(contentsOf: out.appendingPathComponent("metrics.json"), encoding: .utf8)
        #expect(metrics.contains("\"instance\" : \"weak\""))
        #expect(report.redone.contains("train/moons/twin"))

        // Renaming an instance redraws its figures and the page, and trains nothing.
        let yml = root.appendingPathComponent("lenses.yml")
        try (try String(contentsOf: yml, encoding: .utf8)).replacingOccurrences(of: "twin:", with: "copy:")
            .write(to: yml, atomically: true, encoding: .utf8)
        try "---\ntitle: Named\n---\n\(page.replacingOccurrences(of: "twin", with: "copy"))\n"
            .write(to: root.appendingPathComponent("content/index.md"), atomically: true, encoding: .utf8)
        let again = try await SiteBuilder.build(try ConfigLoader.load(root: root), options: BuildOptions(output: out, parallelism: 2))
        #expect(again.redone.filter { $0.hasPrefix("train/") || $0.hasPrefix("data/") }.isEmpty, "\(again.redone)")
        #expect(again.redone.contains("render/moons/copy/map") && again.redone.contains("page/index"), "\(again.redone)")
    }

    @Test("Naming a model after its kind changes no byte of the site")
    func plainEqualsNamedAfterKind() async throws {
        let page = "@pair moons logistic_regression gaussian_nb\n\n@table moons"
        let plain = try Self.project(models: "  logistic_regression: {C: 1}\n  gaussian_nb: {}", page: page)
        let named = try Self.project(models: "  logistic_regression: {kind: logistic_regression, C: 1}\n  gaussian_nb: {kind: gaussian_nb}", page: page)
        defer { for r in [plain, named] { try? FileManager.default.removeItem(at: r) } }
        for r in [plain, named] {
            _ = try await SiteBuilder.build(try ConfigLoader.load(root: r), options: BuildOptions(output: r.appendingPathComponent("site"), parallelism: 2, useCache: false))
        }
        let a = try snapshot(plain.appendingPathComponent("site")), b = try snapshot(named.appendingPathComponent("site"))
        #expect(!a.isEmpty && a == b)
    }
}
