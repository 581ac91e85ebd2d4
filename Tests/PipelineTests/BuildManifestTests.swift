import Foundation
import Testing
@testable import Pipeline

@Suite("A rebuild with nothing changed skips planning (the build manifest)")
struct BuildManifestTests {
    static func build(_ project: TempProject, out: String = "site") async throws -> BuildReport {
        try await SiteBuilder.build(project.spec, options: BuildOptions(output: project.root.appendingPathComponent(out), parallelism: 2))
    }

    static func skipped(_ r: BuildReport) -> Bool { r.notes.first?.hasPrefix("nothing changed since the last build") ?? false }

    @Test("Nothing changed: the build plans nothing, leaves the site byte for byte as it was, and says so")
    func noOp() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let first = try await Self.build(project)
        #expect(!Self.skipped(first))
        let site = project.root.appendingPathComponent("site")
        let before = try snapshot(site)
        let second = try await Self.build(project)
        #expect(Self.skipped(second))
        #expect(second.redone.isEmpty && second.modelsTrained == 0)
        #expect(second.files == first.files && second.claims.count == first.claims.count)
        #expect(try snapshot(site) == before)
        // And a third time, from the manifest the skipped build left as it was.
        #expect(Self.skipped(try await Self.build(project)))
        #expect(try snapshot(site) == before)
    }

    @Test("A changed content file, data file or template, a deleted site file, another output folder or a cleaned cache each force a real build")
    func changes() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let site = project.root.appendingPathComponent("site")
        _ = try await Self.build(project)
        #expect(Self.skipped(try await Self.build(project)))

        func edit(_ path: String, _ change: (String) -> String) throws {
            let url = project.root.appendingPathComponent(path)
            try change(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
        }

        // Content: one sentence more.
        try edit("content/bayes-flip.md") { $0 + "\nOne more sentence.\n" }
        var r = try await Self.build(project)
        #expect(!Self.skipped(r) && r.redone == ["page/bayes-flip"])
        #expect(Self.skipped(try await Self.build(project)))

        // Data: one byte of a CSV.
        try edit("data/iris.csv") { $0.replacingOccurrences(of: "5.1,3.5,1.4,0.2,setosa", with: "5.1,3.5,1.5,0.2,setosa") }
        r = try await Self.build(project)
        #expect(!Self.skipped(r) && r.redone.contains("data/iris"))
        #expect(Self.skipped(try await Self.build(project)))

        // A template: a comment in the layout.
        try edit("templates/layout.mustache") { $0 + "{{! one more comment }}\n" }
        r = try await Self.build(project)
        #expect(!Self.skipped(r) && r.redone.contains("page/index"))
        #expect(Self.skipped(try await Self.build(project)))

        // A file of the site removed: the real build (all from the cache) puts it back.
        let snapshotBefore = try snapshot(site)
        let figure = try #require(snapshotBefore.keys.sorted().first { $0.hasPrefix("figures/") && $0.hasSuffix(".png") })
        try FileManager.default.removeItem(at: site.appendingPathComponent(figure))
        r = try await Self.build(project)
        #expect(!Self.skipped(r))
        #expect(try snapshot(site) == snapshotBefore)
        #expect(Self.skipped(try await Self.build(project)))

        // A file of the site rewritten with other bytes.
        try Data("tampered".utf8).write(to: site.appendingPathComponent("index.html"))
        r = try await Self.build(project)
        #expect(!Self.skipped(r))
        #expect(try snapshot(site) == snapshotBefore)

        // Another output folder, then the first one again.
        #expect(!Self.skipped(try await Self.build(project, out: "elsewhere")))
        #expect(!Self.skipped(try await Self.build(project)))
        #expect(Self.skipped(try await Self.build(project)))

        // `lenses clean`: the cache is gone, so the next build redoes everything (as before the manifest).
        try FileManager.default.removeItem(at: project.root.appendingPathComponent(".lenses/cache"))
        r = try await Self.build(project)
        #expect(!Self.skipped(r) && r.modelsTrained > 0)
        #expect(try snapshot(site) == snapshotBefore)

    }

    @Test("The spec's text is canonical: dictionaries in any order give the same digest, any changed setting another")
    func canonicalSpec() throws {
        let project = try TempProject()
        defer { project.remove() }
        var strings = Set<String>()
        let spec = project.spec
        let a = BuildManifest.canonical(spec, strings: &strings)
        #expect(a == BuildManifest.canonical(project.spec, strings: &strings))
        #expect(strings.contains("data/iris.csv"))
        var changed = spec
        let i = changed.models.firstIndex { $0.kind == "logistic_regression" }!
        changed.models[i].settings["C"] = .number(0.25)
        #expect(BuildManifest.canonical(changed, strings: &strings) != a)
    }
}
