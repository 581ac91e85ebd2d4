import Foundation
import Testing
@testable import Pipeline

@Suite("Only what changed is redone")
struct CacheTests {
    func build(_ project: TempProject, spec: ProjectSpec? = nil, out: String = "site", useCache: Bool = true) async throws -> BuildReport {
        try await SiteBuilder.build(spec ?? project.spec,
                                    options: BuildOptions(output: project.root.appendingPathComponent(out), parallelism: 2, useCache: useCache))
    }

    @Test("A rebuild with nothing changed trains and draws nothing, and writes the same bytes")
    func noOp() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let first = try await build(project)
        #expect(first.reused.isEmpty)
        let before = try snapshot(project.root.appendingPathComponent("site"))
        let second = try await build(project)
        #expect(second.redone.isEmpty)
        #expect(second.reused.allSatisfy { $0.hasPrefix("render/") || $0.hasPrefix("page/") }, "fits are not even loaded")
        #expect(try snapshot(project.root.appendingPathComponent("site")) == before)
    }

    @Test("Changing one model setting redoes exactly that model's fits, figures and the pages showing them")
    func oneSetting() async throws {
        let project = try TempProject()
        defer { project.remove() }
        _ = try await build(project)
        var spec = project.spec
        let i = spec.models.firstIndex { $0.kind == "logistic_regression" }!
        spec.models[i].settings["C"] = .number(0.25)
        let report = try await build(project, spec: spec)
        #expect(Set(report.redone) == [
            "train/iris/logistic_regression", "train/two_moons/logistic_regression",
            "render/iris/logistic_regression/map/pair", "render/two_moons/logistic_regression/map/pair",
            "render/explore/training_size/two_moons/logistic_regression+gaussian_nb",
            "render/explore/training_size/two_moons/logistic_regression+gaussian_nb/right",
            "page/index", "page/two-lenses",
        ])
    }

    @Test("Changing one byte of a CSV redoes that dataset's jobs only")
    func oneByte() async throws {
        let project = try TempProject()
        defer { project.remove() }
        _ = try await build(project)
        let csv = project.root.appendingPathComponent("data/iris.csv")
        var text = try String(contentsOf: csv, encoding: .utf8)
        text = text.replacingOccurrences(of: "5.1,3.5,1.4,0.2,setosa", with: "5.1,3.5,1.5,0.2,setosa")
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let report = try await build(project)
        #expect(!report.redone.isEmpty)
        #expect(report.redone.allSatisfy { $0.contains("iris") || $0 == "page/two-lenses" }, "\(report.redone)")
        #expect(report.redone.contains("data/iris"))
        #expect(!report.redone.contains { $0.contains("two_moons") })
    }

    @Test("Editing Markdown re-renders that page only")
    func markdown() async throws {
        let project = try TempProject()
        defer { project.remove() }
        _ = try await build(project)
        let md = project.root.appendingPathComponent("content/bayes-flip.md")
        try (try String(contentsOf: md, encoding: .utf8) + "\nOne more sentence.\n").write(to: md, atomically: true, encoding: .utf8)
        let report = try await build(project)
        #expect(report.redone == ["page/bayes-flip"])
    }

    @Test("A corrupted or truncated cache entry is detected and recomputed, never served")
    func corruption() async throws {
        let project = try TempProject()
        defer { project.remove() }
        _ = try await build(project)
        let clean = try snapshot(project.root.appendingPathComponent("site"))
        let cache = BuildCache(root: project.root)
        let keys = Dictionary(uniqueKeysWithValues: try Planner.plan(project.spec).jobs.map { ($0.id.description, $0.key) })
        // Flip one byte in the middle of a figure's entry and cut a page's entry short.
        let a = cache.url(keys["render/two_moons/gaussian_nb/density"]!), b = cache.url(keys["page/index"]!)
        var bytes = try Data(contentsOf: a)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: a)
        try Data(try Data(contentsOf: b).prefix(100)).write(to: b)
        let report = try await build(project)
        #expect(report.corruptCacheEntries.count == 2)
        #expect(report.redone.contains("render/two_moons/gaussian_nb/density") && report.redone.contains("page/index"))
        // A fresh build without any cache gives the same bytes.
        _ = try await build(project, out: "uncached", useCache: false)
        #expect(try snapshot(project.root.appendingPathComponent("site")) == clean)
        #expect(try snapshot(project.root.appendingPathComponent("uncached")) == clean)
    }
}

@Suite("Cache size")
struct CachePruneTests {
    @Test("Pruning keeps the entries the build used and removes the least recently used others until under budget")
    func prune() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lenses-prune-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = BuildCache(root: root)
        let keys = (0..<4).map { JobKey(kind: "page", inputs: ["n": "\($0)"], upstream: []) }
        for (i, k) in keys.enumerated() {
            try cache.store(k, PageArtifact(path: "p\(i).html", html: Data(repeating: UInt8(i), count: 1000)))
            // Entry i was last used i hours ago... reversed: entry 0 is the oldest.
            let when = Date(timeIntervalSinceNow: Double(-3600 * (4 - i)))
            try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: cache.url(k).path)
        }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: cache.url(keys[0]).path)[.size] as? Int)
        // Room for two entries; entry 0 (oldest) is in use by this build.
        let removed = cache.prune(keep: [keys[0]], maxBytes: 2 * size)
        #expect(removed == 2)
        let present = keys.map { FileManager.default.fileExists(atPath: cache.url($0).path) }
        #expect(present == [true, false, false, true], "the kept entry and the most recently used other stay")
        #expect(cache.prune(keep: [], maxBytes: 1 << 30) == 0, "under budget: nothing goes")
        // Loading marks an entry used.
        #expect(cache.load(keys[0], as: PageArtifact.self) != nil)
        let touched = try #require(try FileManager.default.attributesOfItem(atPath: cache.url(keys[0]).path)[.modificationDate] as? Date)
        #expect(touched.timeIntervalSinceNow > -60)
    }
}
