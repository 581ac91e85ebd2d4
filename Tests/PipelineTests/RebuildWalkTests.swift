import Foundation
import Testing
@testable import Pipeline

/// The state of a small project: every file of it is written from these few values,
/// so a step of the walk is "change one value" and a revert is "go back to an earlier state".
struct WalkState: Equatable, CustomStringConvertible {
    var c = 0                // logistic regression's C: [1, 0.25, 4]
    var smoothing = 0        // gaussian_nb var_smoothing: [1e-9, 1e-3]
    var prose = 0            // a sentence of the index page
    var template = 0         // a comment in layout.mustache
    var dataRow = 0          // one value of data/own.csv
    var extraPage = false    // a third page with a pair on the CSV dataset
    var secondDataset = false // a second synthetic dataset (a gallery page appears for it)
    var regression = false   // a regression study, shown on page two
    var mixture = false      // a mixture study, shown on page two
    var caseStudy = false    // a case study, shown on page two
    var curves = false       // a token learning-curve experiment, shown on page two
    var seed = 0             // the project seed: [7, 8]

    var description: String {
        "C#\(c) smoothing#\(smoothing) prose#\(prose) template#\(template) row#\(dataRow) page3=\(extraPage) "
            + "dataset2=\(secondDataset) regression=\(regression) mixture=\(mixture) case=\(caseStudy) curves=\(curves) seed#\(seed)"
    }

    static let cs = ["1", "0.25", "4"]
    static let smoothings = ["1.0e-9", "1.0e-3"]

    /// Writes lenses.yml, the pages, the CSV and the layout template's edit.
    func write(to root: URL, layout: String) throws {
        var yml = """
        site: {title: Walk}
        seed: \([7, 8][seed])
        test_fraction: 0.3
        figures: {width: 320, height: 240, pair_width: 320, pair_height: 240, grid: 20, samples: 20}
        datasets:
          - {name: moons, title: Moons, generate: two_moons, n: 60, noise: 0.25}
          - {name: own, title: Own data, file: data/own.csv, label: y}

        """
        if secondDataset { yml += "  - {name: blobs, title: Blobs, generate: blobs, n: 60, noise: 1.0}\n" }
        yml += """
        models:
          logistic_regression: {C: \(Self.cs[c])}
          gaussian_nb: {var_smoothing: \(Self.smoothings[smoothing])}
        gallery:
          pairs: [[logistic_regression, gaussian_nb]]

        """
        if regression { yml += "regressions:\n  - {name: reg, title: Reg, file: data/own.csv, x: [a], y: b, ridge_alpha: 2}\n" }
        if mixture { yml += "mixtures:\n  - {name: mix, title: Mix, file: data/own.csv, features: [a, b], k: [1, 2], n_init: 1}\n" }
        if caseStudy {
            yml += "case_studies:\n  - {name: cs, title: Case, file: data/own.csv, label: y, positive: p, features: [a, b, c], samples: 2}\n"
        }
        if curves {
            yml += "learning_curves:\n  splits: 2\n  sizes: 2\n  datasets:\n    - {name: owncurve, file: data/own.csv, label: y}\n"
        }
        yml += "pages:\n  - {slug: index, file: content/index.md}\n  - {slug: two, file: content/two.md}\n"
        if extraPage { yml += "  - {slug: three, file: content/three.md}\n" }
        yml += "  - gallery\n"
        try yml.write(to: root.appendingPathComponent("lenses.yml"), atomically: true, encoding: .utf8)

        let content = root.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        try """
        ---
        title: Walk
        ---
        # Walk

        \(["The first version.", "A second version of this sentence.", "A third, with *emphasis*."][prose])

        @pair moons logistic_regression gaussian_nb

        @table moons
        """.write(to: content.appendingPathComponent("index.md"), atomically: true, encoding: .utf8)
        var two = "---\ntitle: Two\n---\n# Two\n\n@figure own gaussian_nb density\n"
        if regression { two += "\n@regression reg\n" }
        if mixture { two += "\n@mixture mix\n" }
        if caseStudy { two += "\n@case-study cs\n" }
        if curves { two += "\n@learning-curves owncurve\n" }
        try two.write(to: content.appendingPathComponent("two.md"), atomically: true, encoding: .utf8)
        try "---\ntitle: Three\n---\n# Three\n\n@pair own logistic_regression gaussian_nb\n"
            .write(to: content.appendingPathComponent("three.md"), atomically: true, encoding: .utf8)
        try "---\ntitle: Gallery\n---\n@gallery\n".write(to: content.appendingPathComponent("gallery.md"), atomically: true, encoding: .utf8)

        // 48 rows of three features and a two-class label, one value depending on the state.
        var csv = "a,b,c,y\n"
        var s: UInt64 = 0x5eed
        for i in 0..<48 {
            func next() -> Double { s = s &* 6364136223846793005 &+ 1442695040888963407; return Double(s >> 11) / Double(1 << 53) }
            let label = i % 2 == 0 ? "p" : "q"
            let shift = label == "p" ? 1.0 : -1.0
            var a = shift + next() * 2 - 1
            if i == 5 { a += [0, 0.5, -0.75][dataRow] }
            csv += String(format: "%.4f,%.4f,%.4f,%@\n", a, 0.5 * a + next() * 1.5, next() * 3, label)
        }
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try csv.write(to: data.appendingPathComponent("own.csv"), atomically: true, encoding: .utf8)

        let marker = ["", "<!-- walk: template edit one -->\n", "<!-- walk: template edit two -->\n"][template]
        try (layout + marker).write(to: root.appendingPathComponent("templates/layout.mustache"), atomically: true, encoding: .utf8)
    }
}

/// A tiny seeded generator (SplitMix64) for the walk's choices.
struct WalkRandom {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return Int((z ^ (z >> 31)) % UInt64(n))
    }
}

@Suite("Rebuilds equal cold builds")
struct RebuildWalkTests {
    /// Steps of the walk: LENSES_WALK_STEPS (scripts/rebuild-walk runs a longer one), 30 by default.
    static var steps: Int { ProcessInfo.processInfo.environment["LENSES_WALK_STEPS"].flatMap(Int.init) ?? 30 }
    static var seed: UInt64 { ProcessInfo.processInfo.environment["LENSES_WALK_SEED"].flatMap(UInt64.init) ?? 2026 }

    /// Every file that differs between two site folders, or is in only one of them.
    static func differences(_ a: [String: Data], _ b: [String: Data]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    @Test("A seeded walk over edits: after every step a cached build (--jobs 2) equals a --no-cache build (--jobs 1) byte for byte")
    func walk() async throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("lenses-walk-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        try fm.copyItem(at: TempProject.repoRoot.appendingPathComponent("templates"), to: root.appendingPathComponent("templates"))
        let layout = try String(contentsOf: root.appendingPathComponent("templates/layout.mustache"), encoding: .utf8)

        var random = WalkRandom(state: Self.seed)
        var state = WalkState()
        var history = [state]
        var kindsSeen = Set<String>()
        for step in 0...Self.steps {
            var kind = "start"
            if step > 0 {
                let choices = ["setting", "smoothing", "prose", "template", "data", "page", "dataset",
                               "regression", "mixture", "case", "curves", "seed", "revert", "cache-damage"]
                kind = choices[random.next(choices.count)]
                switch kind {
                case "setting": state.c = (state.c + 1 + random.next(2)) % 3
                case "smoothing": state.smoothing = 1 - state.smoothing
                case "prose": state.prose = (state.prose + 1 + random.next(2)) % 3
                case "template": state.template = (state.template + 1 + random.next(2)) % 3
                case "data": state.dataRow = (state.dataRow + 1 + random.next(2)) % 3
                case "page": state.extraPage.toggle()
                case "dataset": state.secondDataset.toggle()
                case "regression": state.regression.toggle()
                case "mixture": state.mixture.toggle()
                case "case": state.caseStudy.toggle()
                case "curves": state.curves.toggle()
                case "seed": state.seed = 1 - state.seed
                case "revert": state = history[random.next(history.count)]
                default:
                    // An interrupted build leaves some results stored and others not: drop a random
                    // share of the cache entries.
                    let cache = root.appendingPathComponent(".lenses/cache")
                    let entries = (try? fm.subpathsOfDirectory(atPath: cache.path))?.sorted() ?? []
                    for e in entries where random.next(3) == 0 {
                        var isDir: ObjCBool = false
                        let url = cache.appendingPathComponent(e)
                        if fm.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue { try? fm.removeItem(at: url) }
                    }
                }
                history.append(state)
            }
            kindsSeen.insert(kind)
            try state.write(to: root, layout: layout)
            let spec = try ConfigLoader.load(root: root)
            let warm = root.appendingPathComponent("site"), cold = root.appendingPathComponent("cold")
            _ = try await SiteBuilder.build(spec, options: BuildOptions(output: warm, parallelism: 2))
            _ = try await SiteBuilder.build(spec, options: BuildOptions(output: cold, parallelism: 1, useCache: false))
            let a = try snapshot(warm), b = try snapshot(cold)
            let diff = Self.differences(a, b)
            #expect(diff.isEmpty, "step \(step) (\(kind); \(state)): the cached build differs from the cold one in \(diff)")
            #expect(a["metrics.json"] != nil)
            if !diff.isEmpty { return }
        }
        if Self.steps >= 30 { #expect(kindsSeen.count >= 10, "the walk tried only \(kindsSeen.sorted())") }
    }
}
