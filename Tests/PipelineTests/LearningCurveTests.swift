import Datasets
import Foundation
import Models
import Numerics
import Testing
@testable import Pipeline

@Suite("Learning curves (Ng & Jordan experiment)")
struct LearningCurveTests {
    static func iris() throws -> Dataset {
        try LearningCurves.loadDataset(LearningCurveSpec.standard.first { $0.name == "iris" }!, root: TempProject.repoRoot)
    }

    static func settings(splits: Int, sizes: Int) -> LearningCurveSettings {
        var s = LearningCurveSettings()
        s.splits = splits
        s.sizes = sizes
        return s
    }

    /// Two Gaussian classes with identity covariance, means (±1, 0): both naive Bayes
    /// models and logistic regression are consistent here, and the Bayes error is Φ(−Δ/2), Δ = 2.
    static func twoGaussians(perClass: Int, seed: UInt64) -> Dataset {
        var rng = SeededRandom(seed: seed, stream: "two-gaussians")
        var x = [Double](), y = [Int]()
        for i in 0..<(2 * perClass) {
            let k = i % 2
            x += [(k == 0 ? -1 : 1) + rng.normal(), rng.normal()]
            y.append(k)
        }
        return Dataset(name: "gauss", title: "Two Gaussians", featureNames: ["a", "b"], classNames: ["0", "1"],
                       x: Matrix(rows: y.count, cols: 2, data: x), y: y)
    }

    /// Small non-negative counts, three classes with different mean counts per feature.
    static func counts(seed: UInt64) -> Dataset {
        var rng = SeededRandom(seed: seed, stream: "counts")
        var x = [Double](), y = [Int]()
        for i in 0..<90 {
            let k = i % 3
            for j in 0..<6 { x.append(Double(rng.index(below: j % 3 == k ? 6 : 3))) }
            y.append(k)
        }
        return Dataset(name: "counts", title: "Counts", featureNames: (0..<6).map { "f\($0)" }, classNames: ["a", "b", "c"],
                       x: Matrix(rows: 90, cols: 6, data: x), y: y)
    }

    static let countsSpec = LearningCurveSpec(name: "counts", title: "Counts", file: "none", label: "k",
                                              standardizeForLogistic: false, counts: true)

    @Test("The plan is stratified and seeded: same seed → same rows; test parts round(0.3·n_c) per class; training rows from the pool only")
    func plan() throws {
        let d = try Self.iris()
        let s = Self.settings(splits: 5, sizes: 6)
        let a = try LearningCurvePlan(name: "iris", labels: d.y, classCount: 3, settings: s, seed: 42)
        let b = try LearningCurvePlan(name: "iris", labels: d.y, classCount: 3, settings: s, seed: 42)
        let c = try LearningCurvePlan(name: "iris", labels: d.y, classCount: 3, settings: s, seed: 43)
        #expect(a == b)
        #expect(a.tests != c.tests)
        #expect(a.sizes.first == 6 && a.sizes.last == 105 && a.poolSize == 105)
        #expect(zip(a.sizes, a.sizes.dropFirst()).allSatisfy { $0 < $1 })
        for sp in 0..<a.splits {
            let test = Set(a.tests[sp])
            #expect(a.tests[sp].count == 45)
            for k in 0..<3 { #expect(a.tests[sp].filter { d.y[$0] == k }.count == 15) }
            for (i, m) in a.sizes.enumerated() {
                let train = a.training(size: i, split: sp)
                #expect(train.count == m && Set(train).count == m && train == train.sorted())
                #expect(test.isDisjoint(with: train))
                for k in 0..<3 {
                    let nk = train.filter { d.y[$0] == k }.count
                    #expect(nk == a.allocation[i][k] && nk >= 2 && abs(3 * nk - m) <= 3)
                }
                #expect(train == b.training(size: i, split: sp))
            }
        }
        // Sizes are drawn independently (not nested): the set for (m, split) depends only on
        // (seed, dataset, m, split), so a plan with other sizes gives the same rows for the same m.
        let other = try LearningCurvePlan(name: "iris", labels: d.y, classCount: 3, settings: Self.settings(splits: 5, sizes: 3), seed: 42)
        #expect(other.sizes.first == 6)
        #expect(other.training(size: 0, split: 3) == a.training(size: 0, split: 3))
        #expect(a.training(size: 0, split: 1) != a.training(size: 0, split: 2))
        // (splits < 2 is refused when lenses.yml is read: ConfigTests.)
        var bad = s
        bad.minPerClass = 40   // iris keeps 35 rows per class for training
        #expect(throws: PipelineError.self) { try LearningCurvePlan(name: "iris", labels: d.y, classCount: 3, settings: bad, seed: 42) }
    }

    @Test("Sizes are log-spaced without repeats; allocation is proportional with a floor per class")
    func sizesAndAllocation() {
        let s = LearningCurvePlan.logSpacedSizes(from: 4, to: 3221, count: 16)
        #expect(s.count == 16 && s.first == 4 && s.last == 3221)
        #expect(zip(s, s.dropFirst()).allSatisfy { $0 < $1 })
        let ratios = zip(s, s.dropFirst()).map { Double($1) / Double($0) }
        #expect(ratios.dropFirst(3).allSatisfy { abs($0 - pow(3221.0 / 4, 1.0 / 15)) < 0.05 })
        #expect(LearningCurvePlan.logSpacedSizes(from: 6, to: 10, count: 16) == [6, 7, 8, 9, 10])
        #expect(LearningCurvePlan.allocate(4, counts: [60, 40], minimum: 2) == [2, 2])
        #expect(LearningCurvePlan.allocate(10, counts: [60, 40], minimum: 2) == [6, 4])
        #expect(LearningCurvePlan.allocate(100, counts: [60, 40], minimum: 2) == [60, 40])
        #expect(LearningCurvePlan.allocate(20, counts: [5, 100], minimum: 2) == [2, 18])
        #expect(LearningCurvePlan.allocate(7, counts: [10, 10, 10], minimum: 2) == [3, 2, 2])
    }

    @Test("Verdicts from the sizes where each learner is significantly better")
    func verdicts() {
        func pts(_ d: [Double], _ sig: [Bool]) -> [ComparisonPoint] {
            d.indices.map { ComparisonPoint(m: 10 * ($0 + 1), nbError: 0.2, lrError: 0.2 - d[$0], meanDifference: d[$0],
                                            intervalsDisjoint: sig[$0], pairedT: 0, pairedP: sig[$0] ? 0.001 : 0.5) }
        }
        let ng = LearningCurves.verdict(pts([-0.1, -0.05, 0.01, 0.05, 0.06], [true, true, false, true, true]), criterion: "intervals") { $0.intervalsDisjoint }
        #expect(ng.0 == .ngJordan && ng.1.crossover == 40 && ng.1.nbBetterSizes == [10, 20] && ng.1.lrBetterSizes == [40, 50])
        let never = LearningCurves.verdict(pts([0.01, 0.03, 0.05], [false, true, true]), criterion: "intervals") { $0.intervalsDisjoint }
        #expect(never.0 == .lrNeverWorse && never.1.crossover == 20)
        // LR better in the middle only: never worse, but no crossover.
        let middle = LearningCurves.verdict(pts([0.01, 0.03, 0.0], [false, true, false]), criterion: "intervals") { $0.intervalsDisjoint }
        #expect(middle.0 == .lrNeverWorse && middle.1.crossover == nil)
        let none = LearningCurves.verdict(pts([-0.1, -0.01, 0.01], [true, false, false]), criterion: "intervals") { $0.intervalsDisjoint }
        #expect(none.0 == .noLRAdvantage && none.1.crossover == nil && none.1.nbBetterSizes == [10])
        let tie = LearningCurves.verdict(pts([0, 0], [false, false]), criterion: "paired") { $0.pairedP < 0.05 }
        #expect(tie.0 == .noLRAdvantage && tie.1.criterion == "paired")
    }

    @Test("Two Gaussians with Bayes error Φ(−1): every learner's error falls toward it as m grows (within 0.03 at m = 1400)")
    func bayesError() throws {
        let bayes = 0.5 * erfc(1 / 2.0.squareRoot())     // Φ(−1) = 0.158655…
        #expect(abs(bayes - 0.15865525393145707) < 1e-15)
        let d = Self.twoGaussians(perClass: 1000, seed: 5)
        let spec = LearningCurveSpec(name: "gauss", title: "Two Gaussians", file: "none", label: "y")
        let a = try LearningCurves.run(spec, dataset: d, settings: Self.settings(splits: 8, sizes: 4), seed: 1, parallelism: 2)
        #expect(a.sizes == [4, 28, 199, 1400])
        for curve in a.curves {
            let first = curve.points.first!.mean, last = curve.points.last!.mean
            #expect(abs(last - bayes) < 0.03, "\(curve.learner): \(last) at m = 1400, Bayes error \(bayes)")
            #expect(first - bayes > last - bayes + 0.02, "\(curve.learner): \(first) at m = 4 vs \(last)")
        }
    }

    @Test("The whole experiment gives the same numbers with 1 and 2 threads")
    func determinism() throws {
        let d = Self.counts(seed: 3)
        let s = Self.settings(splits: 4, sizes: 4)
        let plan = try LearningCurvePlan(name: "counts", labels: d.y, classCount: 3, settings: s, seed: 9)
        let one = LearningCurves.measure(Self.countsSpec, dataset: d, plan: plan, settings: s, parallelism: 1)
        let two = LearningCurves.measure(Self.countsSpec, dataset: d, plan: plan, settings: s, parallelism: 2)
        #expect(one == two)
        #expect(one.learners.count == 8 && !one.testError.contains { $0.isNaN })
        let a1 = try LearningCurves.run(Self.countsSpec, dataset: d, settings: s, seed: 9, parallelism: 1)
        let a2 = try LearningCurves.run(Self.countsSpec, dataset: d, settings: s, seed: 9, parallelism: 2)
        #expect(try PropertyListEncoder().encode(a1) == PropertyListEncoder().encode(a2))
    }

    @Test("Run as parts (ranges of splits, as the build's jobs do), the study gives the same measurements and artifact")
    func parts() throws {
        let d = Self.counts(seed: 3)
        let s = Self.settings(splits: 5, sizes: 3)
        let plan = try LearningCurvePlan(name: "counts", labels: d.y, classCount: 3, settings: s, seed: 9)
        let whole = LearningCurves.measure(Self.countsSpec, dataset: d, plan: plan, settings: s, parallelism: 1)
        #expect(LearningCurves.partRanges(splits: 5, count: 3) == [0..<1, 1..<3, 3..<5])
        #expect(LearningCurves.partRanges(splits: 2, count: 8) == [0..<1, 1..<2])
        for count in [1, 2, 3, 5] {
            let parts = try (0..<min(count, 5)).map {
                try LearningCurves.runPart(Self.countsSpec, dataset: d, settings: s, seed: 9, part: $0, of: count)
            }
            #expect(LearningCurves.combine(parts) == whole, "\(count) parts")
            let a = try LearningCurves.finish(Self.countsSpec, dataset: d, settings: s, seed: 9, parts: parts)
            let b = try LearningCurves.run(Self.countsSpec, dataset: d, settings: s, seed: 9, parallelism: 2)
            #expect(try PropertyListEncoder().encode(a) == PropertyListEncoder().encode(b))
        }
    }

    @Test("Figures (two for count data) are identical run to run; table, sentences and metrics come from the artifact")
    func rendering() throws {
        let d = Self.counts(seed: 3)
        let a = try LearningCurves.run(Self.countsSpec, dataset: d, settings: Self.settings(splits: 4, sizes: 4), seed: 9, parallelism: 2)
        #expect(a.comparisons.count == 8)
        var figures = FigureSettings()
        figures.width = 400; figures.height = 300
        let f1 = try LearningCurves.render(a, figures: figures), f2 = try LearningCurves.render(a, figures: figures)
        #expect(f1.map(\.path) == ["figures/learning-curves--counts.png", "figures/learning-curves--counts--discrete.png"])
        #expect(f1.map(\.png) == f2.map(\.png))
        #expect(f1.allSatisfy { $0.png.starts(with: [0x89, 0x50, 0x4E, 0x47]) })
        let table = LearningCurves.summaryTable([a])
        #expect(table.rows.count == 8 && table.rows.allSatisfy { $0.count == table.header.count })
        for (row, c) in zip(table.rows, a.comparisons) {
            #expect(row.last == c.verdict.rawValue)
            #expect(row[4] == "\(c.reason.crossover.map(String.init) ?? "none") / \(c.pairedReason.crossover.map(String.init) ?? "none")")
            let s = LearningCurves.sentence(c, in: a)
            // A crossover is named in the text exactly when the run measured one.
            #expect(s.contains("from m = ") == (c.reason.crossover != nil), "\(s)")
            if let m = c.reason.crossover { #expect(s.contains("from m = \(m) on")) }
        }
        let prose = LearningCurves.prose([a])
        #expect(prose.count == 5)
        let json = try JSONEncoder().encode(LearningCurves.metrics(a))
        let doc = try JSONSerialization.jsonObject(with: json) as! [String: Any]
        #expect(doc["sizes"] as? [Int] == a.sizes)
        #expect((doc["comparisons"] as! [[String: Any]]).count == 8)
    }

    @Test("The exported plan holds what bench/learning_curves/bench.py reads, and the exact rows of every fit")
    func export() throws {
        let spec = LearningCurveSpec.standard.first { $0.name == "iris" }!
        let d = try Self.iris()
        let s = Self.settings(splits: 3, sizes: 4)
        let json = try JSONSerialization.jsonObject(with: LearningCurves.exportPlan(spec, dataset: d, settings: s, seed: 42)) as! [String: Any]
        for key in ["x", "y", "rows", "cols", "classCount", "sizes", "learners", "pairs", "settings", "tests", "train",
                    "standardizeForLogistic", "logisticDivisor", "logisticTolerance", "binarizeThreshold"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let plan = try LearningCurvePlan(name: "iris", labels: d.y, classCount: 3, settings: s, seed: 42)
        let train = json["train"] as! [[[Int]]]
        #expect(train.count == plan.sizes.count && train[2][1] == plan.training(size: 2, split: 1))
        #expect(json["tests"] as! [[Int]] == plan.tests)
        #expect(json["logisticTolerance"] as? Double == 1e-6)
        #expect(LearningCurveSpec.standard.first { $0.name == "digits" }!.tolerance(s) == 1e-4)
    }

    @Test("Datasets load with every numeric column but the label and the excluded ones")
    func loading() throws {
        let pima = try LearningCurves.loadDataset(LearningCurveSpec.standard.first { $0.name == "pima" }!, root: TempProject.repoRoot)
        #expect(pima.featureNames == ["npreg", "glu", "bp", "skin", "bmi", "ped", "age"] && pima.count == 532 && pima.classCount == 2)
        let spam = try LearningCurves.loadDataset(LearningCurveSpec.standard.first { $0.name == "spam7" }!, root: TempProject.repoRoot)
        #expect(spam.x.cols == 6 && spam.featureNames.allSatisfy { $0.hasPrefix("log(1+") })
    }
}

@Suite("Learning curves in the build")
struct LearningCurveBuildTests {
    /// The project with a small experiment (3 splits, 3 sizes, iris and wine) and one page showing it.
    static func project(page: String) throws -> (TempProject, ProjectSpec) {
        let project = try TempProject()
        let yml = project.root.appendingPathComponent("lenses.yml")
        var text = try String(contentsOf: yml, encoding: .utf8)
        for (old, new) in [("  splits: 200", "  splits: 3"), ("  sizes: 16", "  sizes: 3"),
                           ("datasets: [spam7, breast_cancer, pima, wine, iris, digits]", "datasets: [iris, wine]")] {
            #expect(text.contains(old), "fixture text must be in lenses.yml: \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(to: yml, atomically: true, encoding: .utf8)
        try page.write(to: project.root.appendingPathComponent("content/curves.md"), atomically: true, encoding: .utf8)
        var spec = try ConfigLoader.load(root: project.root)
        spec.pages = spec.pages.filter { $0.slug == "index" } + [PageSpec(slug: "curves", file: "content/curves.md")]
        return (project, spec)
    }

    @Test("learning_curves: in lenses.yml, @learning-curves and @learning-curves-summary give figures, generated text and metrics.json entries")
    func page() async throws {
        let (project, spec) = try Self.project(page: "# Data\n\n@learning-curves-summary\n\n@learning-curves iris\n")
        defer { project.remove() }
        #expect(spec.learningCurves.settings.splits == 3 && spec.learningCurves.datasets.map(\.name) == ["iris", "wine"])
        let out = project.root.appendingPathComponent("site")
        let report = try await SiteBuilder.build(spec, options: BuildOptions(output: out, parallelism: 2))
        #expect(report.redone.contains("study/curves/iris") && report.redone.contains("study/curves/wine"))
        let files = try snapshot(out)
        #expect(files["figures/learning-curves--iris.png"]?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
        #expect(files["figures/learning-curves--wine.png"] == nil, "wine is summarised but its figure is not shown")
        let html = String(decoding: try #require(files["curves.html"]), as: UTF8.self)
        #expect(html.contains("Crossover m (95 % CIs / paired t)"))

        struct Doc: Decodable {
            struct Entry: Decodable { let dataset: String; let splits: Int; let sizes: [Int]; let comparisons: [[String: JSONValue]] }
            let learning_curves: [Entry]
        }
        let doc = try JSONDecoder().decode(Doc.self, from: try #require(files["metrics.json"]))
        #expect(doc.learning_curves.map(\.dataset).sorted() == ["iris", "wine"])
        for e in doc.learning_curves {
            #expect(e.splits == 3 && (1...3).contains(e.sizes.count))
            #expect(e.comparisons.count == 4)
            for c in e.comparisons {
                #expect(c.keys.contains("crossover_m") && c.keys.contains("paired_crossover_m"), "no crossover is null, not missing")
                // Every sentence of the shown dataset is on the page, escaped as the page escapes it.
                if e.dataset == "iris", case .string(let s)? = c["sentence"] {
                    let escaped = s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                        .replacingOccurrences(of: ">", with: "&gt;")
                    #expect(html.contains(escaped), "sentence missing from the page: \(s)")
                }
            }
        }

        // A second build reuses the study; a changed setting redoes it.
        let again = try await SiteBuilder.build(spec, options: BuildOptions(output: out, parallelism: 1))
        #expect(again.redone.isEmpty)
        var changed = spec
        changed.learningCurves.settings.weakC = 100
        let third = try await SiteBuilder.build(changed, options: BuildOptions(output: out, parallelism: 2))
        #expect(third.redone.contains("study/curves/iris") && third.redone.contains("page/curves"))
    }

    @Test("Bad learning-curve settings and names are refused with the line and the fix")
    func badInput() throws {
        let (project, _) = try Self.project(page: "# Data\n\n@learning-curves irises\n")
        defer { project.remove() }
        #expect {
            _ = try Planner.plan(try ConfigLoader.load(root: project.root).withPages([PageSpec(slug: "index", file: "content/curves.md")]))
        } throws: { e in
            "\(e)".contains("content/curves.md:3") && "\(e)".contains("known: iris, wine")
        }
        let yml = try String(contentsOf: project.root.appendingPathComponent("lenses.yml"), encoding: .utf8)
        for (old, new, expected) in [
            ("  splits: 3", "  splits: 1", "learning_curves.splits: must be between 2 and 10000, got 1"),
            ("datasets: [iris, wine]", "datasets: [iris, nope]", "'nope' is neither a standard study"),
            ("datasets: [iris, wine]", "datasets: [iris, iris]", "dataset 'iris' is listed twice"),
            ("datasets: [iris, wine]", "datasets: [{name: x, file: data/iris.csv, label: kind}]", "kind"),
            ("  c_weak: 1.0e4", "  c_wek: 1.0e4", "unknown key; allowed here"),
            ("  lbfgs_memory: 60", "  lbfgs_memory: 0", "learning_curves.lbfgs_memory: must be between 1 and 1000, got 0"),
        ] {
            #expect(yml.contains(old))
            #expect {
                _ = try ConfigLoader.parse(yml.replacingOccurrences(of: old, with: new), root: project.root)
            } throws: { e in
                (e as? ConfigError).map { "\($0)".hasPrefix("lenses.yml:") && "\($0)".contains(expected) } ?? false
            }
        }
        // lbfgs_memory sets the C = c_strong fits' correction pairs; the c_weak fits keep scikit-learn's 10.
        let spec = try ConfigLoader.parse(yml.replacingOccurrences(of: "  lbfgs_memory: 60", with: "  lbfgs_memory: 30"), root: project.root)
        let s = spec.learningCurves.settings
        #expect(s.lbfgsMemory == 30 && s.lbfgsMemory(c: s.strongC) == 30 && s.lbfgsMemory(c: s.weakC) == 10)
        #expect(LearningCurveSettings().lbfgsMemory == 60)
    }
}

/// Any JSON value, for reading metrics.json loosely.
enum JSONValue: Decodable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}

extension ProjectSpec {
    func withPages(_ pages: [PageSpec]) -> ProjectSpec { var s = self; s.pages = pages; return s }
}
