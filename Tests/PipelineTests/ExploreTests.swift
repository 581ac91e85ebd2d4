import Foundation
import Testing
@testable import Pipeline
import Site

/// Interactive figures (probe, regulariser, training size): directives, data files, samples, determinism.
@Suite("Explorables: probe, regulariser, training size")
struct ExploreTests {
    /// A tiny project (built-in theme) with one index page.
    static func project(page: String, explore: String = "", models: String = "  logistic_regression: {C: 1}\n  gaussian_nb: {}") throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("lenses-explore-\(UUID().uuidString)")
        try fm.createDirectory(at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        try """
        site: {title: Explore}
        seed: 3
        figures: {width: 360, height: 270, pair_width: 320, pair_height: 240, grid: 40, samples: 20}
        datasets:
          - {name: moons, title: Moons, generate: two_moons, n: 80, noise: 0.25}
        models:
        \(models)
        \(explore)
        pages:
          - {slug: index, file: content/index.md}

        """.write(to: root.appendingPathComponent("lenses.yml"), atomically: true, encoding: .utf8)
        try "---\ntitle: Explore\n---\nSome text.\n\n\(page)\n".write(to: root.appendingPathComponent("content/index.md"), atomically: true, encoding: .utf8)
        return root
    }

    static func build(_ root: URL, out: String = "site", jobs: Int = 2, cache: Bool = true) async throws -> URL {
        let url = root.appendingPathComponent(out)
        _ = try await SiteBuilder.build(try ConfigLoader.load(root: root), options: BuildOptions(output: url, parallelism: jobs, useCache: cache))
        return url
    }

    /// The JSON inside `explore/ID.js`.
    static func payload<T: Decodable>(_ site: URL, _ id: String, as: T.Type) throws -> T {
        let text = try String(contentsOf: site.appendingPathComponent("explore/\(id).js"), encoding: .utf8)
        let prefix = "LensesExplore.data(\"\(id)\", "
        #expect(text.hasPrefix(prefix) && text.hasSuffix(");\n"))
        let json = text.dropFirst(prefix.count).dropLast(3).replacingOccurrences(of: "<\\/", with: "</")
        return try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    struct Entry: Decodable { let page: String; let kind: String; let id: String; let figure: String; let data_files: [String]
        let cells: Int?; let frames: Int?; let samples: [ExplorableSample] }
    struct Metrics: Decodable { let explorables: [Entry] }

    static func metrics(_ site: URL) throws -> Metrics {
        try JSONDecoder().decode(Metrics.self, from: Data(contentsOf: site.appendingPathComponent("metrics.json")))
    }

    /// Errors in a directive name the content file and line.
    static func contentError(page: String, explore: String = "") throws -> ContentError? {
        let root = try project(page: page, explore: explore)
        defer { try? FileManager.default.removeItem(at: root) }
        do { _ = try Planner.plan(try ConfigLoader.load(root: root)); return nil } catch let e as ContentError { return e }
    }

    static func configError(_ explore: String) throws -> ConfigError? {
        let root = try project(page: "Nothing", explore: explore)
        defer { try? FileManager.default.removeItem(at: root) }
        do { _ = try ConfigLoader.load(root: root); return nil } catch let e as ConfigError { return e }
    }

    // MARK: probe

    @Test("A payload's JSON is made safe for a script element as the chained replacements made it, in one pass")
    func scriptSafe() throws {
        let texts = ["plain", "</script><script>alert(1)</script>", "a\u{2028}b\u{2029}c", "<<//", "é</ü\u{2028}\u{2029}</", "", "<", "\u{E2}"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]   // as the payloads'
        for t in texts {
            let data = try encoder.encode([t])
            let old = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
                .replacingOccurrences(of: "\u{2028}", with: "\\u2028").replacingOccurrences(of: "\u{2029}", with: "\\u2029")
            #expect(Explorable.scriptSafe(data) == old, "\(t)")
            #expect(!Explorable.scriptSafe(data).contains("</") && !Explorable.scriptSafe(data).contains("\u{2028}"))
        }
    }

    @Test("Probe: the data file, metrics.json's samples and the fits' grids agree; the page marks the figure")
    func probe() async throws {
        let root = try Self.project(page: "@probe moons logistic_regression gaussian_nb", explore: "explore: {probe: {cells: 10}}")
        defer { try? FileManager.default.removeItem(at: root) }
        let site = try await Self.build(root)
        let m = try Self.metrics(site)
        #expect(m.explorables.count == 1)
        let e = try #require(m.explorables.first)
        #expect(e.kind == "probe" && e.page == "index.html" && e.cells == 100)
        #expect(e.id == "probe-moons-logistic_regression-gaussian_nb")
        #expect(e.figure == "figures/moons--logistic_regression--gaussian_nb--probe.png")
        #expect(e.data_files == ["explore/\(e.id).js"])
        let p = try Self.payload(site, e.id, as: ProbeExplorable.Payload.self)
        #expect(p.n == 10 && p.classes.count == 2 && p.models.count == 2)
        #expect(p.models[0].joint == nil && p.models[1].joint?.count == 200)
        #expect(p.models.allSatisfy { $0.proba.count == 200 })
        // Every cell's probabilities add up to one (to rounding) and lie in 0…1000.
        for model in p.models {
            for c in 0..<100 { #expect(abs(model.proba[2 * c] + model.proba[2 * c + 1] - 1000) <= 1) }
        }
        // The samples are what the data file gives at their cells.
        #expect(e.samples.count == 4)
        for s in e.samples {
            let i = Int((s.x[0] - p.range[0]) / (p.range[1] - p.range[0]) * Double(p.n))
            let j = Int((s.x[1] - p.range[2]) / (p.range[3] - p.range[2]) * Double(p.n))
            #expect(s.readout == ProbeExplorable.readout(p, i: i, j: j))
            #expect(s.readout.keys.sorted() == ["class-0", "class-1", "evidence-1", "joint-1-0", "joint-1-1", "p-0-0", "p-0-1", "p-1-0", "p-1-1", "point"])
            // Bayes' flip at the point: p(x) is the sum of the two p(x|y)p(y), and P(y|x) their shares (to the shown digits).
            let joint = [Double(s.readout["joint-1-0"]!)!, Double(s.readout["joint-1-1"]!)!], evidence = Double(s.readout["evidence-1"]!)!
            #expect(abs(joint[0] + joint[1] - evidence) <= 0.01 * evidence)
            if evidence > 1e-6 { #expect(abs(joint[1] / evidence - Double(s.readout["p-1-1"]!)!) <= 0.01) }
        }
        // The values are the fit's own grid, rounded: the readout never disagrees with the map.
        let spec = try ConfigLoader.load(root: root)
        let plan = try Planner.plan(spec)
        let results = try await JobRunner.run(plan.jobs.filter { $0.stage == .data || $0.stage == .train }, parallelism: 1) { _, _, _ in }
        let fit = results[JobID.fit("moons", "logistic_regression")], grid = results[JobID.data("moons")].grid
        for (i, j) in [(0, 0), (3, 7), (9, 9)] {
            let cell = ProbeExplorable.gridIndex(j, n: 10, grid: grid.ny) * grid.nx + ProbeExplorable.gridIndex(i, n: 10, grid: grid.nx)
            #expect(p.models[0].proba[(j * 10 + i) * 2 + 1] == Int((fit.gridProba[cell * 2 + 1] * 1000).rounded()))
        }
        let html = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("data-explorable=\"probe\" data-explore-id=\"\(e.id)\" data-src=\"explore/\(e.id).js\" data-count=\"100\""))
        #expect(html.contains("<script defer src=\"assets/explore-probe.js\"></script>"))
        // The caption's sentence about the far corner quotes the data file.
        let far = ProbeExplorable.farSentence(p)
        #expect(far.hasPrefix(" Far from the data, in the ") && far.contains("of Gaussian naive Bayes there are only"), "\(far)")
        #expect(html.contains(far), "\(far)")
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("assets/explore-probe.js").path))
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent(e.figure).path))
    }

    @Test("Every P(y|x) map answers back: a pair is two probes, each with its own model's values, side by side")
    func mapsAndPairs() async throws {
        let root = try Self.project(page: "@pair moons logistic_regression gaussian_nb\n\n@figure moons gaussian_nb density",
                                    explore: "explore: {probe: {cells: 12}}")
        defer { try? FileManager.default.removeItem(at: root) }
        let site = try await Self.build(root)
        let m = try Self.metrics(site)
        #expect(m.explorables.map(\.id) == ["probe-moons--logistic_regression--map--pair", "probe-moons--gaussian_nb--map--pair"])
        #expect(m.explorables.allSatisfy { $0.kind == "probe" && $0.cells == 144 && $0.samples.count == 4 })
        let left = try Self.payload(site, m.explorables[0].id, as: ProbeExplorable.Payload.self)
        let right = try Self.payload(site, m.explorables[1].id, as: ProbeExplorable.Payload.self)
        #expect(left.models.map(\.label) == ["Logistic regression"] && left.models[0].joint == nil)
        #expect(right.models.count == 1 && right.models[0].evidence?.count == 144)
        // Both panels read one grid at one size: a cell is the same point in both.
        #expect(left.range == right.range && left.plot == right.plot && left.xs == right.xs && left.ys == right.ys)
        let html = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        let pair = try #require(html.range(of: "<div class=\"pair\"").map { String(html[$0.lowerBound...]) })
        #expect(pair.components(separatedBy: "data-explorable=\"probe\"").count == 3)
        // The density figure is no map: it stays still.
        #expect(!html.contains("data-explore-id=\"probe-moons--gaussian_nb--density"))
    }

    @Test("Probe: the same bytes with one job or two, cold or from the cache")
    func probeDeterministic() async throws {
        let root = try Self.project(page: "@probe moons gaussian_nb logistic_regression", explore: "explore: {probe: {cells: 8}}")
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try snapshot(try await Self.build(root, out: "a", jobs: 1, cache: false))
        let b = try snapshot(try await Self.build(root, out: "b", jobs: 2, cache: true))
        let c = try snapshot(try await Self.build(root, out: "c", jobs: 2, cache: true))
        #expect(a["explore/probe-moons-gaussian_nb-logistic_regression.js"] != nil)
        #expect(a == b && b == c)
    }

    /// (page, expected message part)
    static let badProbes: [(String, String)] = [
        ("@probe moons", "@probe takes DATASET MODEL OTHER_MODEL"),
        ("@probe moons logistic_regression gaussian_nb gaussian_nb extra", "@probe takes DATASET MODEL OTHER_MODEL"),
        ("@probe mooons logistic_regression gaussian_nb", "unknown dataset 'mooons'"),
        ("@probe moons logistic_regression gausian_nb", "unknown model 'gausian_nb'"),
        ("@probe moons gaussian_nb gaussian_nb", "a model is named twice"),
    ]

    @Test("Probe: bad arguments are errors with the content file and line", arguments: 0..<badProbes.count)
    func probeErrors(index: Int) throws {
        let (page, message) = Self.badProbes[index]
        let e = try #require(try Self.contentError(page: page))
        #expect(e.description.contains("content/index.md:6"), "\(e)")
        #expect(e.description.contains(message), "\(e)")
    }

    @Test("explore: in lenses.yml: bad values name their line")
    func configErrors() throws {
        let e = try #require(try Self.configError("explore:\n  probe: {cells: 1}"))
        #expect(e.description.contains("lenses.yml:10") && e.description.contains("explore.probe.cells"), "\(e)")
        let u = try #require(try Self.configError("explore:\n  prob: {cells: 10}"))
        #expect(u.description.contains("lenses.yml:10") && u.description.contains("unknown key"), "\(u)")
    }

    // MARK: regulariser

    static let sweep = "explore:\n  regulariser:\n    logistic_regression: {C: [0.01, 1, 100]}"

    @Test("Regulariser: one frame per value, the still figure at the model's own value, samples as the data file says")
    func regulariser() async throws {
        let root = try Self.project(page: "@regulariser moons logistic_regression", explore: Self.sweep)
        defer { try? FileManager.default.removeItem(at: root) }
        let site = try await Self.build(root)
        let e = try #require(try Self.metrics(site).explorables.first)
        #expect(e.kind == "regulariser" && e.frames == 3 && e.id == "regulariser-moons-logistic_regression")
        let p = try Self.payload(site, e.id, as: RegulariserExplorable.Payload.self)
        #expect(p.values == ["0.01", "1", "100"] && p.start == 1 && p.setting == "C")
        #expect(p.frames[1].src == e.figure && e.figure == "figures/moons--logistic_regression--regulariser.png")
        // Every frame's files are in the site and listed; the still's are the figure's own.
        for (i, f) in p.frames.enumerated() {
            for path in [f.src, f.src_2x, f.src_dark, f.src_dark_2x] {
                #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent(path).path), "\(path)")
                if i != p.start { #expect(e.data_files.contains(path), "\(path)") }
            }
        }
        #expect(e.samples.map(\.x) == [[0], [1], [2]])
        for (i, s) in e.samples.enumerated() { #expect(s.readout == RegulariserExplorable.readout(p, frame: i)) }
        // A stronger penalty (smaller C) is sure of less of the map.
        let share = p.sure.map { Int($0.dropLast(2))! }
        #expect(share[0] <= share[1] && share[1] <= share[2], "\(p.sure)")
        // The middle frame is the model of models: itself: its accuracy is the plain fit's.
        let html = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("data-explorable=\"regulariser\"") && html.contains("assets/explore-regulariser.js"))
        #expect(html.contains("at C = 0.01 it is at least 90 % sure on \(p.sure[0]) of the plotted window"))
    }

    @Test("Regulariser: bad arguments and bad values name their line")
    func regulariserErrors() throws {
        let a = try #require(try Self.contentError(page: "@regulariser moons gaussian_nb", explore: Self.sweep))
        #expect(a.description.contains("content/index.md:6") && a.description.contains("'gaussian_nb' has no values under explore: regulariser:"), "\(a)")
        let b = try #require(try Self.contentError(page: "@regulariser moons", explore: Self.sweep))
        #expect(b.description.contains("content/index.md:6: @regulariser takes DATASET MODEL"), "\(b)")
        let c = try #require(try Self.configError("explore:\n  regulariser:\n    logistic_regression: {C: [1, -1]}"))
        #expect(c.description.contains("lenses.yml:11"), "\(c)")
        let d = try #require(try Self.configError("explore:\n  regulariser:\n    svm: {C: [1, 2]}"))
        #expect(d.description.contains("lenses.yml:11") && d.description.contains("model 'svm' is not listed"), "\(d)")
        let f = try #require(try Self.configError("explore:\n  regulariser:\n    logistic_regression: {C: [1]}"))
        #expect(f.description.contains("2 to 20 values"), "\(f)")
    }

    // MARK: training size

    @Test("Training size: nested, log-spaced steps up to the whole training part")
    func trainingSizeSteps() {
        var s = TrainingSizeSettings()
        s.sizes = 5; s.smallest = 3
        let steps = TrainingSizeExplorable.steps(classSizes: [40, 20], settings: s)
        #expect(steps.first == [6, 3] && steps.last == [40, 20], "\(steps)")
        for (a, b) in zip(steps, steps.dropFirst()) { #expect(zip(a, b).allSatisfy { $0 < $1 }, "\(steps)") }
    }

    @Test("Training size: both maps per step, the stills at the largest size, samples as the data file says")
    func trainingSize() async throws {
        let root = try Self.project(page: "@training-size moons logistic_regression gaussian_nb",
                                    explore: "explore: {training_size: {sizes: 3, smallest: 3}}")
        defer { try? FileManager.default.removeItem(at: root) }
        let site = try await Self.build(root)
        let e = try #require(try Self.metrics(site).explorables.first)
        #expect(e.kind == "training_size" && e.frames == 3 && e.id == "training-size-moons-logistic_regression-gaussian_nb")
        let p = try Self.payload(site, e.id, as: TrainingSizeExplorable.Payload.self)
        #expect(p.m.count == 3 && p.start == 2 && p.m.last == "56" && p.m.first == "6", "\(p.m)")
        #expect(p.frames[2][0].src == e.figure && p.frames[2][1].src == "figures/moons--logistic_regression--gaussian_nb--training-size-right.png")
        for row in p.frames { for f in row { for path in [f.src, f.src_2x, f.src_dark, f.src_dark_2x] {
            #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent(path).path), "\(path)")
        } } }
        for (i, s) in e.samples.enumerated() { #expect(s.readout == TrainingSizeExplorable.readout(p, step: i)) }
        // `lenses figure` finds both figures by their file names.
        let names = try SiteBuilder.figureNames(try ConfigLoader.load(root: root)).map(\.file)
        #expect(names.contains(e.figure) && names.contains(p.frames[2][1].src), "\(names)")
        // The largest step is the whole training part: its scores are the plain fits' (metrics.json figures).
        let html = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("<div class=\"pair\"") && html.contains("assets/explore-training-size.js"))
        #expect(html.contains("test accuracy \(p.accuracy[2][1])") || html.contains(p.accuracy[2][1]))
    }

    @Test("Training size: the same bytes with one job or two, cold or cached; bad arguments name their line")
    func trainingSizeDeterministic() async throws {
        let root = try Self.project(page: "@training-size moons gaussian_nb logistic_regression",
                                    explore: "explore: {training_size: {sizes: 2, smallest: 5}}")
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try snapshot(try await Self.build(root, out: "a", jobs: 1, cache: false))
        let b = try snapshot(try await Self.build(root, out: "b", jobs: 2, cache: true))
        #expect(!a.isEmpty && a == b)
        let e = try #require(try Self.contentError(page: "@training-size moons gaussian_nb"))
        #expect(e.description.contains("content/index.md:6: @training-size takes DATASET MODEL OTHER_MODEL"), "\(e)")
        let t = try #require(try Self.configError("explore:\n  training_size: {sizes: 1}"))
        #expect(t.description.contains("lenses.yml:10") && t.description.contains("explore.training_size.sizes"), "\(t)")
    }
}
