import Foundation
import Testing
@testable import Pipeline

@Suite("lenses build, end to end")
struct BuildTests {
    @Test("The site has index.html, every <img src> resolves, and metrics.json parses with every field")
    func siteShape() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let site = try await project.build()
        let files = try snapshot(site)
        #expect(files["index.html"] != nil)
        #expect(files["two-lenses.html"] != nil)
        #expect(files["assets/style.css"] != nil)
        for page in files.keys where page.hasSuffix(".html") {
            let html = String(decoding: files[page]!, as: UTF8.self)
            let srcs = html.matches(of: /<img src="([^"]+)"/).map { String($0.1) }
            #expect(!srcs.isEmpty || page == "index.html")
            for src in srcs { #expect(files[src] != nil, "\(page) links \(src)") }
            #expect(!html.contains("http://") && !html.contains("https://"), "\(page) must not load anything remote")
        }
        let doc = try JSONSerialization.jsonObject(with: files["metrics.json"]!) as! [String: Any]
        let figures = doc["figures"] as! [[String: Any]]
        #expect(figures.count == files.keys.filter { $0.hasPrefix("figures/") }.count)
        // 4 maps and 2 Bayes-flip panels at pair size, 2 densities, and two moons' Gaussian NB map alone (Bayes' flip)
        #expect(figures.count == 9)
        for f in figures {
            for key in ["file", "page", "dataset", "model", "lens", "test_accuracy", "test_log_loss", "n_train", "n_test", "seed", "settings"] {
                #expect(f[key] != nil, "metrics entry lacks \(key)")
            }
            #expect(files[f["file"] as! String] != nil)
            let acc = f["test_accuracy"] as! Double
            #expect(acc > 0.8 && acc <= 1, "both models do well on two moons and iris")
        }
        // The scores on the page are the ones in metrics.json.
        let page = String(decoding: files["two-lenses.html"]!, as: UTF8.self)
        let lrMoons = figures.first { ($0["file"] as! String) == "figures/two_moons--logistic_regression--map--pair.png" }!
        #expect(page.contains(String(format: "%.3f", lrMoons["test_accuracy"] as! Double)))
    }

    @Test("Two builds are byte-identical, and --jobs 1 equals --jobs 2")
    func deterministic() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let a = try snapshot(try await project.build(to: "a", jobs: 2))
        let b = try snapshot(try await project.build(to: "b", jobs: 2))
        let c = try snapshot(try await project.build(to: "c", jobs: 1))
        #expect(a.keys.sorted() == b.keys.sorted())
        #expect(a == b)
        #expect(a == c)
    }

    @Test("A corrupt CSV fails the build with file and line, and leaves the previous site byte-identical")
    func failedBuildKeepsSite() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let site = try await project.build()
        let before = try snapshot(site)
        let csv = project.root.appendingPathComponent("data/iris.csv")
        var text = try String(contentsOf: csv, encoding: .utf8)
        text = text.replacingOccurrences(of: "5.1,3.5,1.4,0.2,setosa", with: "5.1,3.5,oops,0.2,setosa")
        try text.write(to: csv, atomically: true, encoding: .utf8)
        await #expect {
            try await project.build()
        } throws: { error in
            let message = "\(error)"
            return message.contains("data/iris.csv:2:3") && message.contains("expected a number, found 'oops'")
        }
        #expect(try snapshot(site) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.root.path).filter { $0.hasPrefix(".site.") }
        #expect(leftovers.isEmpty)
    }

    @Test("Problems in content are reported with file and line before any training")
    func contentErrors() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let page = project.root.appendingPathComponent("content/two-lenses.md")
        var text = try String(contentsOf: page, encoding: .utf8)
        text = text.replacingOccurrences(of: "@table iris", with: "@table irises")
        try text.write(to: page, atomically: true, encoding: .utf8)
        await #expect {
            try await project.build()
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("content/two-lenses.md:") && message.contains("unknown dataset 'irises'")
        }
    }

    @Test("A folder lenses did not build is never replaced")
    func refusesForeignFolder() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let precious = project.root.appendingPathComponent("precious")
        try FileManager.default.createDirectory(at: precious, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: precious.appendingPathComponent("notes.txt"))
        await #expect(throws: (any Error).self) { try await project.build(to: "precious") }
        #expect(try snapshot(precious) == ["notes.txt": Data("keep me".utf8)])
    }

    @Test("Job keys change with settings and data, and only downstream of the change")
    func keys() throws {
        let project = try TempProject()
        defer { project.remove() }
        let base = try Planner.plan(project.spec).jobs
        var spec = project.spec
        spec.models[0].settings["C"] = .number(0.5)
        let changed = try Planner.plan(spec).jobs
        let before = Dictionary(uniqueKeysWithValues: base.map { ($0.id, $0.key) })
        let differing = Set(changed.filter { before[$0.id] != $0.key }.map(\.id))
        #expect(differing == [
            "train/iris/logistic_regression", "train/two_moons/logistic_regression",
            "render/iris/logistic_regression/map/pair", "render/two_moons/logistic_regression/map/pair",
            "page/index", "page/two-lenses",
        ])
        // The Bayes' flip page shows only naive Bayes: untouched.
        #expect(!differing.contains("page/bayes-flip"))
    }
}
