import Datasets
import Foundation
import Models
import Numerics
import Site

/// Progress, for the command line to show.
public enum BuildEvent: Sendable {
    case planned(jobs: Int, perStage: [Job.Stage: Int])
    case finished(JobRunner.Finished, done: Int, total: Int)
    case written(folder: String, files: Int)
}

public struct BuildOptions: Sendable {
    public var output: URL
    public var parallelism: Int
    public var report: @Sendable (BuildEvent) -> Void

    public init(output: URL, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
                report: @escaping @Sendable (BuildEvent) -> Void = { _ in }) {
        self.output = output; self.parallelism = parallelism; self.report = report
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
        let clock = DispatchTime.now().uptimeNanoseconds
        BLAS.useSingleThread()
        let plan = try Planner.plan(spec)
        var perStage = [Job.Stage: Int]()
        for j in plan.jobs { perStage[j.stage, default: 0] += 1 }
        options.report(.planned(jobs: plan.jobs.count, perStage: perStage))

        let timings = Timings()
        let results = try await JobRunner.run(plan.jobs, parallelism: options.parallelism) { finished, done, total in
            timings.add(finished)
            options.report(.finished(finished, done: done, total: total))
        }

        var files = plan.staticFiles
        var figures = [FigureArtifact]()
        for (id, artifact) in results {
            switch artifact {
            case .figure(let f): files[f.path] = f.png; figures.append(f)
            case .page(let p): files[p.path] = p.html
            default: _ = id
            }
        }
        files["metrics.json"] = try metricsJSON(figures)
        try SiteWriter.write(files: files, to: options.output)
        options.report(.written(folder: options.output.path, files: files.count))

        let report = BuildReport(
            output: options.output.path, files: files.count, jobs: plan.jobs.count,
            parallelism: options.parallelism,
            wallSeconds: Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9,
            stageSeconds: timings.perStage(), slowestJobs: timings.slowest(5))
        writeReport(report, root: spec.root)
        return report
    }

    static func metricsJSON(_ figures: [FigureArtifact]) throws -> Data {
        struct Doc: Encodable { let figures: [MetricsEntry] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Doc(figures: figures.map(\.metrics).sorted { $0.file < $1.file }))
        data.append(0x0A)
        return data
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
