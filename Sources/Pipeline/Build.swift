import Datasets
import Foundation
import Models
import Numerics
import Plotting
import Site
import CSystem

/// Progress, for the command line to show.
public enum BuildEvent: Sendable {
    /// `perStage` counts the jobs that will run; `reused` those served from the cache.
    case planned(jobs: Int, perStage: [Job.Stage: Int], reused: [Job.Stage: Int])
    case finished(JobRunner.Finished, done: Int, total: Int)
    case written(folder: String, files: Int)
}

public struct BuildOptions: Sendable {
    public var output: URL
    public var parallelism: Int
    /// Use the cache (`.lenses/cache/`). With `force`, nothing is read from it, but results are still stored.
    public var useCache: Bool
    public var force: Bool
    /// The cache is pruned to this size after each build (entries the build used are kept).
    public var cacheBudget = 512 << 20
    /// A false {{check}} claim on a page that is not a draft fails the build (`lenses claims` only lists them).
    public var failOnFalseClaims = true
    /// Write the site (`lenses claims` computes everything and writes nothing).
    public var writeSite = true
    public var report: @Sendable (BuildEvent) -> Void

    public init(output: URL, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
                useCache: Bool = true, force: Bool = false,
                report: @escaping @Sendable (BuildEvent) -> Void = { _ in }) {
        self.output = output; self.parallelism = parallelism; self.useCache = useCache; self.force = force
        self.report = report
    }
}

/// Timings and counts of one build; written to `.lenses/last-build.json`, never into the site.
public struct BuildReport: Sendable, Codable {
    public var output: String
    public var files: Int
    public var jobs: Int
    public var parallelism: Int
    public var wallSeconds: Double
    /// Summed job time per stage (data, train, render, page).
    public var stageSeconds: [String: Double]
    public var slowestJobs: [String: Double]
    /// Job ids served from the cache, and those that ran.
    public var reused: [String]
    public var redone: [String]
    /// Cache entries that failed their checksum and were recomputed.
    public var corruptCacheEntries: [String]
    /// Things the author should know, such as rows dropped for missing values.
    public var notes: [String]
    /// Every {{check}} claim of the pages, evaluated on this build.
    public var claims: [ClaimResult] = []
    /// Jobs redone and reused, per stage (data, train, render, page).
    public var redonePerStage: [String: Int] = [:]
    public var reusedPerStage: [String: Int] = [:]
    /// Models the redone jobs trained: every gallery fit, every fit of the learning curves,
    /// each network of the deep study, the models of each study.
    public var modelsTrained = 0
}

/// One problem found while planning, named by file and line.
public struct PipelineError: Error, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}

/// Builds the whole site: plans the job graph from the project spec and its
/// content, runs it, and writes the site atomically.
public enum SiteBuilder {
    public static func build(_ spec: ProjectSpec, options: BuildOptions) async throws -> BuildReport {
        try await BuildManifest.build(spec, options: options) { try await planAndBuild(spec, options: options) }
    }

    static func planAndBuild(_ spec: ProjectSpec, options: BuildOptions) async throws -> BuildReport {
        let clock = DispatchTime.now().uptimeNanoseconds
        BLAS.useSingleThread()
        BuildMemory.tune()
        if options.useCache { BuildInfo.remember(in: spec.root.appendingPathComponent(".lenses")) }
        let plan = try Planner.plan(spec, parallelism: options.parallelism)
        let cache = options.useCache ? BuildCache(root: spec.root) : nil
        cache?.sweepTemporaryFiles()
        let (toRun, loaded) = resolveWithCache(plan.jobs, cache: options.force ? nil : cache)
        var perStage = [Job.Stage: Int](), reusedPerStage = [Job.Stage: Int]()
        for j in toRun { perStage[j.stage, default: 0] += 1 }
        let stageOf = Dictionary(uniqueKeysWithValues: plan.jobs.map { ($0.id, $0.stage) })
        for id in loaded.keys { reusedPerStage[stageOf[id]!, default: 0] += 1 }
        options.report(.planned(jobs: toRun.count, perStage: perStage, reused: reusedPerStage))

        let timings = Timings()
        let modelsTrained = Counter()
        // When figures are drawn, their files go into the site's temporary folder as each render job
        // finishes and leave memory once the pages that show them have run (peak memory no longer
        // grows with the site's files). A build that draws nothing compares in memory, as before.
        let staging = options.writeSite && toRun.contains { $0.stage == .render } ? try SiteStaging(target: options.output) : nil
        do {
        let storing = Self.storing(toRun, in: cache, staging: staging) { modelsTrained.add($0.modelsTrained) }
        var results = try await JobRunner.run(storing, parallelism: options.parallelism, preloaded: loaded,
                                              shedFigureFiles: staging != nil, slimFits: true) { finished, done, total in
            timings.add(finished)
            options.report(.finished(finished, done: done, total: total))
        }
        results.merge(loaded) { ran, _ in ran }

        var files = plan.staticFiles
        var figures = [FigureArtifact]()
        for (id, artifact) in results {
            switch artifact {
            case .figure(let f):
                // A figure that ran is already in the staging folder (its files were let go).
                if staging == nil || loaded[id] != nil { files.merge(f.allFiles) { a, _ in a } }
                figures.append(f)
            case .page(let p): files[p.path] = p.html; files.merge(p.files) { a, _ in a }
            default: _ = id
            }
        }
        let claims = Self.claims(results)
        let falseClaims = claims.filter { !$0.holds && !$0.draft }
        if options.failOnFalseClaims && !falseClaims.isEmpty {
            throw PipelineError(falseClaims.map { c in
                "\(c.file):\(c.line): this claim is false on this build: \(c.condition) ("
                    + c.values.keys.sorted().map { "\($0) = \(References.plain(c.values[$0]!))" }.joined(separator: ", ")
                    + "); reword the sentence, generate it from the numbers, or mark the page `draft: true` in its front matter"
            }.joined(separator: "\n"))
        }
        files["metrics.json"] = try metricsJSON(figures, results: results)
        var notes = plan.notes
        for c in claims where !c.holds && c.draft { notes.append("\(c.file):\(c.line): claim false on this build (draft page): \(c.condition)") }
        if plan.wantsSearch && options.writeSite {
            let html = files.filter { $0.key.hasSuffix(".html") }
            let index = try SearchIndex.build(pages: html, cache: cache, root: spec.root)
            if index.isEmpty { notes.append("Pagefind is not installed (pip install pagefind-bin): the site is built without search") }
            files.merge(index) { a, _ in a }
        }
        var fileCount = files.count
        if let staging {
            fileCount = staging.paths.union(files.keys).count
            try staging.commit(files)
            options.report(.written(folder: options.output.path, files: fileCount))
        } else if options.writeSite {
            try SiteWriter.write(files: files, to: options.output)
            options.report(.written(folder: options.output.path, files: files.count))
        }
        cache?.prune(keep: Set(plan.jobs.map(\.key)), maxBytes: options.cacheBudget)

        var report = BuildReport(
            output: options.output.path, files: fileCount, jobs: plan.jobs.count,
            parallelism: options.parallelism,
            wallSeconds: Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9,
            stageSeconds: timings.perStage(), slowestJobs: timings.slowest(5),
            reused: loaded.keys.sorted(), redone: toRun.map(\.id).sorted(),
            corruptCacheEntries: cache?.corruptEntries ?? [],
            notes: notes + droppedRowNotes(results, files: Dictionary(uniqueKeysWithValues: spec.datasets.compactMap { ds in
                if case .csv(let file, _, _, _) = ds.source { return (ds.name, file) }
                return nil
            })))
        report.claims = claims
        for j in toRun { report.redonePerStage[j.stage.rawValue, default: 0] += 1 }
        for (stage, n) in reusedPerStage { report.reusedPerStage[stage.rawValue] = n }
        report.modelsTrained = modelsTrained.total
        writeReport(report, root: spec.root)
        return report
        } catch {
            staging?.discard()
            throw error
        }
    }

    /// One note per dataset or study that dropped rows with missing values, whether its job ran or
    /// came from the cache. A dataset's own job is not loaded when all its figures are cached: its
    /// figures then tell (their provenance has the count), so a warm build prints what a cold one does.
    static func droppedRowNotes(_ results: [String: Artifact], files: [String: String]) -> [String] {
        var notes = [String: String]()
        func note(_ subject: String, _ file: String?, _ dropped: Int, _ remain: Int) {
            guard dropped > 0 else { return }
            notes[subject] = "\(subject)\(file.map { " (\($0))" } ?? ""): \(dropped) \(dropped == 1 ? "row with a missing value (NA or empty) was" : "rows with missing values (NA or empty) were") dropped; \(remain) remain"
        }
        for id in results.keys.sorted() {
            switch results[id]! {
            case .data(let d):
                note("dataset '\(d.spec.name)'", files[d.spec.name], d.dataset.droppedRows, d.dataset.count)
            case .figure(let f):
                guard let m = f.metrics, notes["dataset '\(m.dataset)'"] == nil,
                      let item = f.provenance.first(where: { $0.name == "Rows dropped" }),
                      let n = Int(item.value.prefix { $0.isNumber }) else { continue }
                note("dataset '\(m.dataset)'", files[m.dataset], n, m.nTrain + m.nTest)
            case .regression(let r): note("regression '\(r.spec.name)'", r.spec.file, r.droppedRows, r.nTrain + r.nTest)
            case .mixture(let m): note("mixture '\(m.spec.name)'", m.spec.file, m.droppedRows, m.rows)
            case .caseStudy(let c): note("case study '\(c.spec.name)'", c.spec.file, c.droppedRows, c.nTrain + c.nTest)
            case .learningCurves(let l): note("learning curves '\(l.spec.name)'", l.spec.file, l.droppedRows, l.rows)
            default: break
            }
        }
        return notes.keys.sorted().map { notes[$0]! }
    }

    /// The site's figures: render job ids and the file each writes (`figures/….png`), in id order.
    /// File names are those of the classifier figures and the studies' fixed names.
    public static func figureNames(_ spec: ProjectSpec) throws -> [(id: String, file: String)] {
        try Planner.plan(spec).jobs.filter { $0.stage == .render }.map { ($0.id, Self.figureFile($0.id)) }
    }

    /// The file a render job writes, from its id (the same rule the render functions follow).
    static func figureFile(_ id: String) -> String {
        let p = id.split(separator: "/").map(String.init).dropFirst()
        switch p.first {
        case "regression": return "figures/regression--\(p.dropFirst().joined(separator: "--")).png"
        case "mixture": return "figures/mixture--\(p.dropFirst().joined(separator: "--")).png"
        case "curves": return "figures/learning-curves--\(p.dropFirst().joined(separator: "--")).png"
        case "deep": return "figures/deep--\(p.dropFirst().joined(separator: "--")).png"
        case "explore":
            let parts = Array(p)
            if parts.count >= 4, let kind = Explorable.Kind(rawValue: parts[1]) {
                let ref = ExploreRef(kind: kind, dataset: parts[2], models: parts[3].split(separator: "+").map(String.init))
                return parts.count > 4 ? ref.rightPath : ref.path
            }
            return "figures/\(p.joined(separator: "--")).png"
        default: return "figures/\(p.joined(separator: "--")).png"
        }
    }

    /// One figure, by render job id or file name, with every file format: only that
    /// render job and what it depends on run, through the cache as in a build.
    public static func figure(_ spec: ProjectSpec, named name: String, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) async throws -> FigureArtifact {
        BLAS.useSingleThread()
        var spec = spec
        spec.figures.formats = FigureFormat.allCases
        BuildInfo.remember(in: spec.root.appendingPathComponent(".lenses"))
        let plan = try Planner.plan(spec, parallelism: parallelism)
        let byID = Dictionary(uniqueKeysWithValues: plan.jobs.map { ($0.id, $0) })
        let file = name.hasPrefix("figures/") ? name : "figures/\(name)"
        guard let target = plan.jobs.first(where: { $0.stage == .render && ($0.id == name || figureFile($0.id) == file) }) else {
            throw PipelineError("no figure named '\(name)' on this site; `lenses figure --list` shows them")
        }
        var needed = Set<String>()
        func visit(_ id: String) { if needed.insert(id).inserted { byID[id]!.dependencies.forEach(visit) } }
        visit(target.id)
        let cache = BuildCache(root: spec.root)
        let (toRun, loaded) = resolveWithCache(plan.jobs.filter { needed.contains($0.id) }, cache: cache)
        let results = try await JobRunner.run(storing(toRun, in: cache), parallelism: parallelism, preloaded: loaded) { _, _, _ in }
        guard case .figure(let f)? = results[target.id] ?? loaded[target.id] else { throw PipelineError("figure job '\(target.id)' made no figure") }
        return f
    }

    /// The jobs to run, each storing its result in the cache (when there is one) as it finishes,
    /// and handing it to `then`.
    /// With `staging`, a figure's files are also written into the site's temporary folder.
    static func storing(_ jobs: [Job], in cache: BuildCache?, staging: SiteStaging? = nil,
                        then: @escaping @Sendable (Artifact) -> Void = { _ in }) -> [Job] {
        jobs.map { job in
            Job(id: job.id, stage: job.stage, key: job.key, dependencies: job.dependencies, publishes: job.published,
                priority: job.priority) { deps in
                let artifact = try job.run(deps)
                then(artifact)
                if let staging, case .figure(let f) = artifact { try staging.add(f.allFiles) }
                try cache?.store(job.key, artifact)
                return artifact
            }
        }
    }

    /// Decides what must run. Starting from the jobs whose artifacts go into the
    /// site (figures, pages, and the studies metrics.json reports), a job is served from the cache when its entry
    /// is there and intact; otherwise it runs, and so must be able to get every
    /// one of its dependencies — from the cache or by running them too. Jobs that
    /// nothing needs (a fit whose figures are all cached) are not even loaded.
    static func resolveWithCache(_ jobs: [Job], cache: BuildCache?) -> (run: [Job], loaded: [String: Artifact]) {
        let byID = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0) })
        var loaded = [String: Artifact]()
        var run = Set<String>()
        func resolve(_ id: String) {
            if loaded[id] != nil || run.contains(id) { return }
            let job = byID[id]!
            if let cache, let artifact = cache.load(job.key) {
                loaded[id] = artifact
                return
            }
            run.insert(id)
            for d in job.dependencies { resolve(d) }
        }
        for job in jobs where job.published { resolve(job.id) }
        return (jobs.filter { run.contains($0.id) }, loaded)
    }

    static func metricsJSON(_ figures: [FigureArtifact], results: [String: Artifact]) throws -> Data {
        struct Doc: Encodable {
            let figures: [MetricsEntry]; let regressions: [MetricsEntries.Regression]; let mixtures: [MetricsEntries.Mixture]
            let case_studies: [CaseStudyArtifact]; let deep: [DeepMetricsEntry]; let learning_curves: [LearningCurveMetrics]
            let claims: [ClaimResult]
            let language: LanguageMetrics?
            let explorables: [ExplorableEntry]
        }
        var regressions = [MetricsEntries.Regression](), mixtures = [MetricsEntries.Mixture](), cases = [CaseStudyArtifact]()
        var curves = [LearningCurveMetrics]()
        var language: LanguageMetrics?
        for id in results.keys.sorted() {
            switch results[id]! {
            case .regression(let r): regressions.append(MetricsEntries.regression(r))
            case .caseStudy(let c): cases.append(c)
            case .learningCurves(let l): curves.append(LearningCurves.metrics(l))
            case .mixture(let m): mixtures.append(MetricsEntries.mixture(m))
            case .language(let l): language = LanguageStudy.metrics(l)
            default: break
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Doc(figures: figures.compactMap(\.metrics).sorted { $0.file < $1.file },
                                          regressions: regressions, mixtures: mixtures, case_studies: cases, deep: MetricsEntries.deep(results),
                                          learning_curves: curves, claims: claims(results),
                                          language: language, explorables: explorables(results)))
        data.append(0x0A)
        return data
    }

    /// Every interactive figure of every page, in page order.
    static func explorables(_ results: [String: Artifact]) -> [ExplorableEntry] {
        results.keys.sorted().flatMap { id -> [ExplorableEntry] in
            if case .page(let p) = results[id]! { return p.explorables }
            return []
        }
    }

    /// Every checked claim of the build's pages, in file and line order; claims of one file and
    /// line (a template page such as the gallery's) keep the order of their page jobs' ids.
    static func claims(_ results: [String: Artifact]) -> [ClaimResult] {
        let inPageOrder = results.keys.sorted().flatMap { id -> [ClaimResult] in
            if case .page(let p) = results[id]! { return p.claims }
            return []
        }
        return inPageOrder.enumerated().sorted { ($0.element.file, $0.element.line, $0.offset) < ($1.element.file, $1.element.line, $1.offset) }
            .map(\.element)
    }

    static func writeReport(_ report: BuildReport, root: URL) {
        let folder = root.appendingPathComponent(".lenses")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let data = try? encoder.encode(report) {
            try? data.write(to: folder.appendingPathComponent("last-build.json"), options: .atomic)
        }
    }
}

/// glibc's allocator, set for a build: blocks of 4 MiB and more (the 2× canvases, 7.7 MB) are
/// mapped and unmapped on their own. By default glibc raises that threshold each time such a block
/// is freed, after which the 2× canvases are carved out of the heap and freed ones stay resident;
/// with a fixed threshold they go back to the system when freed. (At 256 KiB the learning curves'
/// matrices were mapped too: ~20 s of page faults per site build.) `MALLOC_MMAP_THRESHOLD_` in the
/// environment, glibc's own setting, takes precedence. And at most two malloc arenas (the jobs'
/// threads share them instead of each keeping its own freed memory; `MALLOC_ARENA_MAX` overrides).
/// Whole site (`--no-cache`): 200.5 MB peak with glibc's defaults, 147.3 MB with these settings
/// (system time 3.5 → 2.4 s). Only memory use changes, never an output.
public enum BuildMemory {
    public static func tune() { _ = once }
    private static let once: Bool = {
        let env = ProcessInfo.processInfo.environment
        if env["MALLOC_MMAP_THRESHOLD_"] == nil { _ = lenses_set_mmap_threshold(4 << 20) }
        // A fixed mmap threshold also freezes the trim threshold at 128 KiB: the heap's top would be
        // returned and faulted back in all build long (10–14 s of system time per site build).
        if env["MALLOC_TRIM_THRESHOLD_"] == nil { _ = lenses_set_trim_threshold(4 << 20) }
        if env["MALLOC_ARENA_MAX"] == nil { _ = lenses_set_arena_max(2) }
        return true
    }()
}

/// A count added to from concurrent jobs.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add(_ n: Int) { lock.lock(); value += n; lock.unlock() }
    var total: Int { lock.lock(); defer { lock.unlock() }; return value }
}

/// Job timings, collected from concurrent callbacks.
final class Timings: @unchecked Sendable {
    private let lock = NSLock()
    private var items = [JobRunner.Finished]()
    func add(_ f: JobRunner.Finished) { lock.lock(); items.append(f); lock.unlock() }
    func perStage() -> [String: Double] {
        lock.lock(); defer { lock.unlock() }
        var out = [String: Double]()
        for i in items { out[i.stage.rawValue, default: 0] += i.seconds }
        return out
    }
    func slowest(_ n: Int) -> [String: Double] {
        lock.lock(); defer { lock.unlock() }
        return Dictionary(uniqueKeysWithValues: items.sorted { $0.seconds > $1.seconds }.prefix(n).map { ($0.id, $0.seconds) })
    }
}

/// Datasets as the build sees them, for tools and reference tests.
public enum ProjectData {
    /// Loads one dataset of the spec with its stratified split (the same rows
    /// every build and every figure uses).
    public static func load(_ name: String, spec: ProjectSpec) throws -> DataArtifact {
        guard let ds = spec.dataset(name) else {
            throw PipelineError("unknown dataset '\(name)'; known: \(spec.datasets.map(\.name).joined(separator: ", "))")
        }
        var bytes: Data? = nil
        if case .csv(let file, _, _, _) = ds.source {
            guard let d = FileManager.default.contents(atPath: spec.root.appendingPathComponent(file).path) else {
                throw PipelineError("\(file): data file for dataset '\(name)' not found")
            }
            bytes = d
        }
        return try Stages.loadData(ds, bytes: bytes, seed: spec.seed, testFraction: spec.testFraction,
                                   gridSize: spec.figures.grid)
    }

    /// Writes every dataset's train and test rows as JSON files
    /// `{name, feature_names, class_names, X_train, y_train, X_test, y_test}`.
    public static func exportSplits(spec: ProjectSpec, to folder: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var written = [String]()
        for ds in spec.datasets {
            let data = try load(ds.name, spec: spec)
            let train = data.train, test = data.test
            func rows(_ d: Dataset) -> [[Double]] { (0..<d.count).map { d.x.row($0) } }
            let doc: [String: Any] = [
                "name": ds.name, "feature_names": data.dataset.featureNames, "class_names": data.dataset.classNames,
                "seed": spec.seed, "X_train": rows(train), "y_train": train.y, "X_test": rows(test), "y_test": test.y,
            ]
            let json = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
            let url = folder.appendingPathComponent("\(ds.name).json")
            try json.write(to: url)
            written.append(url.path)
        }
        return written
    }
}
