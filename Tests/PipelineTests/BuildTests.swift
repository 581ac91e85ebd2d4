import Foundation
import Testing
@testable import Pipeline
import Plotting

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
        // Every figure has four PNGs: 1× and 2×, light and dark (SVG and PDF only when asked for).
        let oneX = files.keys.filter { $0.hasPrefix("figures/") && !$0.contains("@2x") && !$0.contains("-dark") }
        #expect(figures.count == oneX.count && oneX.allSatisfy { $0.hasSuffix(".png") })
        #expect(files.keys.filter { $0.hasPrefix("figures/") }.count == 4 * figures.count)
        // 4 maps and 2 Bayes-flip panels at pair size, 2 densities, two moons' Gaussian NB map alone (Bayes' flip),
        // and the training-size slider's two still maps (Side by side)
        #expect(figures.count == 11)
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

    @Test("Pages show every figure at 1× and 2× (srcset) with a dark <source>, carry Open Graph tags and a 1200×630 card; with base_url a canonical link")
    func figureFilesAndSharing() async throws {
        let project = try TempProject()
        defer { project.remove() }
        var spec = project.spec
        spec.pages = spec.pages.filter { $0.slug == "two-lenses" || $0.slug == "index" }
        spec.baseURL = "https://example.org/lenses/"
        spec.figures.formats = [.png, .svg, .pdf]
        let site = project.root.appendingPathComponent("site")
        _ = try await SiteBuilder.build(spec, options: BuildOptions(output: site, parallelism: 2))
        let files = try snapshot(site)
        let html = String(decoding: files["two-lenses.html"]!, as: UTF8.self)
        let imgs = html.matches(of: /<img src="([^"]+)" srcset="([^"]+) 1x, ([^"]+) 2x" width="(\d+)" height="(\d+)"/)
        #expect(imgs.count == 8)   // two pairs, two densities, the training-size slider's two maps
        for m in imgs {
            let one = String(m.1), two = String(m.3)
            #expect(String(m.2) == one && two == one.replacingOccurrences(of: ".png", with: "@2x.png"))
            let (w1, h1) = try PNGEncoder.size(files[one]!), (w2, h2) = try PNGEncoder.size(files[two]!)
            #expect(w1 == Int(m.4)! && h1 == Int(m.5)!, "width/height attributes are the 1× size")
            #expect(w2 == 2 * w1 && h2 == 2 * h1)
            let stem = one.dropLast(4)
            #expect(html.contains("<source media=\"screen and (prefers-color-scheme: dark)\" srcset=\"\(stem)-dark.png 1x, \(stem)-dark@2x.png 2x\">"))
            #expect(files["\(stem)-dark.png"] != nil && files["\(stem)-dark@2x.png"] != nil)
            #expect(files["\(stem).svg"] != nil && files["\(stem).pdf"]?.starts(with: Data("%PDF-".utf8)) == true)
            #expect(html.contains("<a href=\"\(stem).svg\">SVG</a>") && html.contains("<a href=\"\(stem).pdf\">PDF</a>"))
        }
        #expect(html.matches(of: /<picture>/).count == 8)
        for tag in ["<meta property=\"og:title\" content=\"Two lenses on the same data\">",
                    "<meta property=\"og:image\" content=\"https://example.org/lenses/cards/two-lenses.png\">",
                    "<meta name=\"twitter:card\" content=\"summary_large_image\">",
                    "<link rel=\"canonical\" href=\"https://example.org/lenses/two-lenses.html\">",
                    "<meta property=\"og:description\" content=\""] {
            #expect(html.contains(tag), "\(tag)")
        }
        #expect(String(decoding: files["index.html"]!, as: UTF8.self).contains("<link rel=\"canonical\" href=\"https://example.org/lenses/\">"))
        for page in ["index", "two-lenses"] { #expect(try PNGEncoder.size(files["cards/\(page).png"]!) == (1200, 630)) }
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
        let before = Dictionary(uniqueKeysWithValues: base.map { ($0.id.description, $0.key) })
        let differing = Set(changed.filter { before[$0.id.description] != $0.key }.map(\.id.description))
        #expect(differing == [
            "train/iris/logistic_regression", "train/two_moons/logistic_regression",
            "render/iris/logistic_regression/map/pair", "render/two_moons/logistic_regression/map/pair",
            "render/explore/training_size/two_moons/logistic_regression+gaussian_nb",
            "render/explore/training_size/two_moons/logistic_regression+gaussian_nb/right",
            "page/index", "page/two-lenses",
        ])
        // The Bayes' flip page shows only naive Bayes: untouched.
        #expect(!differing.contains("page/bayes-flip"))
    }
}
