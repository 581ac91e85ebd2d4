import Datasets
import Foundation
import Models
import Numerics
import Plotting
import Site


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
    /// Seconds of every job that ran (not of those reused from the cache).
    public var jobSeconds: [String: Double] = [:]
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
        try await BuildManifest.build(spec, options: options) { try await build(spec, options: options, studies: StudyRegistry.all) }
    }

    /// A build with these studies (the registry's, or more in tests), planned and run (no manifest check).
    static func build(_ spec: ProjectSpec, options: BuildOptions, studies: [any Study.Type]) async throws -> BuildReport {
        let clock = DispatchTime.now().uptimeNanoseconds
        BLAS.useSingleThread()
        BuildMemory.tune()
        if options.useCache { BuildInfo.remember(in: spec.root.appendingPathComponent(".lenses")) }
        let plan = try Planner.plan(spec, parallelism: options.parallelism, studies: studies)
        let cache = options.useCache ? BuildCache(root: spec.root) : nil
        cache?.sweepTemporaryFiles()
        let (toRun, loaded) = Execution.resolve(plan.jobs, cache: options.force ? nil : cache)
        var perStage = [Job.Stage: Int](), reusedPerStage = [Job.Stage: Int]()
        for j in toRun { perStage[j.stage, default: 0] += 1 }
        for id in loaded.ids { reusedPerStage[id.stage, default: 0] += 1 }
        options.report(.planned(jobs: toRun.count, perStage: perStage, reused: reusedPerStage))

        let timings = Timings()
        let modelsTrained = Counter()
        // When figures are drawn, their files go into the site's temporary folder as each render job
        // finishes and leave memory once the pages that show them have run (peak memory no longer
        // grows with the site's files). A build that draws nothing compares in memory, as before.
        let staging = options.writeSite && toRun.contains { $0.stage == .render } ? try SiteStaging(target: options.output) : nil
        do {
        let storing = Execution.storing(toRun, in: cache, sink: staging) { modelsTrained.add($0.modelsTrained) }
        var results = try await JobRunner.run(storing, parallelism: options.parallelism, preloaded: loaded,
                                              shedFiles: staging != nil, slim: true) { finished, done, total in
            timings.add(finished)
            options.report(.finished(finished, done: done, total: total))
        }
        results.merge(loaded)

        var files = plan.staticFiles
        for id in results.ids {
            let artifact = results[erased: id]!
            // Files streamed as their job ran are already in the staging folder (and were let go).
            if type(of: artifact).streamsFiles && staging != nil && loaded[erased: id] == nil { continue }
            files.merge(artifact.siteFiles) { a, _ in a }
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
        files["metrics.json"] = try metricsJSON(StudyRegistry.metrics(studies, results))
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
            reused: loaded.ids.sorted().map(\.description), redone: toRun.map(\.id).sorted().map(\.description),
            corruptCacheEntries: cache?.corruptEntries ?? [],
            notes: notes + droppedRowNotes(results, files: Dictionary(uniqueKeysWithValues: spec.datasets.compactMap { ds in
                if case .csv(let file, _, _, _) = ds.source { return (ds.name, file) }
                return nil
            })))
        report.claims = claims
        report.jobSeconds = timings.all()
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
    static func droppedRowNotes(_ results: ArtifactStore, files: [String: String]) -> [String] {
        var notes = [String: String]()
        func note(_ subject: String, _ file: String?, _ dropped: Int, _ remain: Int) {
            guard dropped > 0 else { return }
            notes[subject] = "\(subject)\(file.map { " (\($0))" } ?? ""): \(dropped) \(dropped == 1 ? "row with a missing value (NA or empty) was" : "rows with missing values (NA or empty) were") dropped; \(remain) remain"
        }
        for id in results.ids.sorted() {
            switch results[erased: id]! {
            case let d as DataArtifact:
                note("dataset '\(d.spec.name)'", files[d.spec.name], d.dataset.droppedRows, d.dataset.count)
            case let f as FigureArtifact:
                guard let m = f.metrics, notes["dataset '\(m.dataset)'"] == nil,
                      let item = f.provenance.first(where: { $0.name == "Rows dropped" }),
                      let n = Int(item.value.prefix { $0.isNumber }) else { continue }
                note("dataset '\(m.dataset)'", files[m.dataset], n, m.nTrain + m.nTest)
            case let s as DropsRows:
                let d = s.droppedRowCount
                note(d.subject, d.file, d.dropped, d.remain)
            default: break
            }
        }
        return notes.keys.sorted().map { notes[$0]! }
    }

    /// The project's whole job graph, as a build would plan it (for tools that inspect the cache).
    public static func jobs(_ spec: ProjectSpec) throws -> [Job] { try Planner.plan(spec).jobs }

    /// The site's figures: render job ids and the file each writes (`figures/….png`), in id order.
    public static func figureNames(_ spec: ProjectSpec) throws -> [(id: String, file: String)] {
        try Planner.plan(spec).jobs.filter { $0.stage == .render }.map { ($0.id.description, $0.file ?? "") }
    }

    /// One figure, by render job id or file name, with every file format: only that
    /// render job and what it depends on run, through the cache as in a build.
    public static func figure(_ spec: ProjectSpec, named name: String, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) async throws -> FigureArtifact {
        BLAS.useSingleThread()
        var spec = spec
        spec.figures.formats = FigureFormat.allCases
        BuildInfo.remember(in: spec.root.appendingPathComponent(".lenses"))
        let plan = try Planner.plan(spec, parallelism: parallelism)
        let file = name.hasPrefix("figures/") ? name : "figures/\(name)"
        guard let target = plan.jobs.first(where: { $0.stage == .render && ($0.id.description == name || $0.file == file) }) else {
            throw PipelineError("no figure named '\(name)' on this site; `lenses figure --list` shows them")
        }
        let cache = BuildCache(root: spec.root)
        let (toRun, loaded) = Execution.resolve(Execution.closure(of: target.id, in: plan.jobs), cache: cache)
        let results = try await JobRunner.run(Execution.storing(toRun, in: cache), parallelism: parallelism, preloaded: loaded) { _, _, _ in }
        guard let f = (results[erased: target.id] ?? loaded[erased: target.id]) as? FigureArtifact else {
            throw PipelineError("figure job '\(target.id)' made no figure")
        }
        return f
    }

    /// metrics.json: every study's entries under their keys, in key order.
    static func metricsJSON(_ entries: [String: any Encodable]) throws -> Data {
        struct Document: Encodable {
            let entries: [String: any Encodable]
            struct Key: CodingKey {
                let stringValue: String
                init(stringValue: String) { self.stringValue = stringValue }
                var intValue: Int? { nil }
                init?(intValue: Int) { nil }
            }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: Key.self)
                func put<T: Encodable>(_ value: T, _ key: String) throws { try c.encode(value, forKey: Key(stringValue: key)) }
                for (k, v) in entries.sorted(by: { $0.key < $1.key }) { try put(v, k) }
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Document(entries: entries))
        data.append(0x0A)
        return data
    }

    /// Every checked claim of the build's pages, in file and line order; claims of one file and
    /// line (a template page such as the gallery's) keep the order of their page jobs' ids.
    static func claims(_ results: ArtifactStore) -> [ClaimResult] {
        let inPageOrder = results.all(PageArtifact.self).flatMap(\.value.claims)
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

/// A study's artifact that read a CSV file and dropped rows with missing values: the build says so.
protocol DropsRows {
    var droppedRowCount: (subject: String, file: String?, dropped: Int, remain: Int) { get }
}
