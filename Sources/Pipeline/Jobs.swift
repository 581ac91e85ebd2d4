import Crypto
import Foundation
import Plotting
import Numerics

/// The inputs that fully determine a job's output. Two jobs with equal keys
/// produce equal bytes; the key of a job folds in the keys of the jobs it
/// depends on, so a change upstream changes every key downstream.
public struct JobKey: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    /// `inputs` are named values (dataset bytes' hash, model kind and settings,
    /// seed, figure settings, …); `upstream` the keys of the dependencies.
    public init(kind: String, inputs: [String: String], upstream: [JobKey]) {
        var text = "lenses-job/1\nkind=\(kind)\ncode=\(BuildInfo.fingerprint)\n"
        for k in inputs.keys.sorted() { text += "\(k)=\(inputs[k]!)\n" }
        for u in upstream.map(\.hex).sorted() { text += "upstream=\(u)\n" }
        hex = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public var description: String { String(hex.prefix(12)) }

    public static func hash(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

public enum BuildInfo {
    public static let codeVersion = "0.1.0"

    /// What the tool is, for cache keys: the SHA-256 of the running executable
    /// (so any change to lenses or a statically linked library invalidates the
    /// cache) and the versions of the shared libraries that shape outputs.
    /// Unlike an MD5 of the example file, this also catches a changed import or a
    /// library upgrade.
    public static let fingerprint: String = {
        var parts = ["lenses \(codeVersion)", Plotting.libraryVersions, "OpenBLAS \(BLAS.libraryVersion)"]
        if let exe = executableHash() { parts.append("exe=\(exe)") }
        return JobKey.hash(Data(parts.joined(separator: "\n").utf8))
    }()

    /// A folder where the executable's hash may be remembered (the project's `.lenses/`): set
    /// before the first job key is made, it saves hashing the ~35 MB executable on every build.
    public static func remember(in folder: URL) {
        memoLock.lock(); if memoFolder == nil { memoFolder = folder }; memoLock.unlock()
    }
    private static let memoLock = NSLock()
    nonisolated(unsafe) private static var memoFolder: URL?   // guarded by memoLock

    /// SHA-256 of the running executable. When a memo folder is set, the hash is kept there with
    /// the file's identity (device, inode, size, modification and change times to the nanosecond):
    /// any rewrite, copy or replacement of the executable changes one of them, and the hash is
    /// computed again.
    static func executableHash() -> String? {
        let path = FileManager.default.fileExists(atPath: "/proc/self/exe") ? "/proc/self/exe" : Bundle.main.executablePath
        guard let path else { return nil }
        var st = stat()
        let identity: String? = stat(path, &st) == 0
            ? "\(st.st_dev) \(st.st_ino) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec)"
            : nil
        memoLock.lock(); let folder = memoFolder; memoLock.unlock()
        let memo = folder?.appendingPathComponent("executable-sha256")
        if let memo, let identity, let text = try? String(contentsOf: memo, encoding: .utf8) {
            let lines = text.split(separator: "\n").map(String.init)
            if lines.count == 2, lines[0] == identity, lines[1].count == 64 { return lines[1] }
        }
        guard let exe = FileManager.default.contents(atPath: path) else { return nil }
        let hash = JobKey.hash(exe)
        if let memo, let identity {
            try? FileManager.default.createDirectory(at: memo.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data("\(identity)\n\(hash)\n".utf8).write(to: memo, options: .atomic)
        }
        return hash
    }
}

/// One node of the build graph.
public struct Job: Sendable {
    public enum Stage: String, Sendable, CaseIterable, Codable {
        case data, train, render, page
    }
    public let id: String
    public let stage: Stage
    public let key: JobKey
    public let dependencies: [String]
    /// Its artifact goes into the site itself (a figure, a page, or a study's entry in
    /// metrics.json): every build must have it, from the cache or by running the job,
    /// so a warm build writes the same files as a cold one.
    public let published: Bool
    /// Expected cost, roughly in seconds of one core: among jobs that are ready, the runner starts
    /// the costliest first (then by id), so the longest studies do not start last and run alone.
    /// It only orders the work; no output depends on it.
    public let priority: Double
    public let run: @Sendable ([String: Artifact]) throws -> Artifact

    /// Figures and pages are always published; `publishes` marks other jobs (studies) whose
    /// artifacts metrics.json reads.
    public init(id: String, stage: Stage, key: JobKey, dependencies: [String], publishes: Bool = false, priority: Double = 0,
                run: @escaping @Sendable ([String: Artifact]) throws -> Artifact) {
        self.id = id; self.stage = stage; self.key = key; self.dependencies = dependencies; self.run = run
        self.published = publishes || stage == .render || stage == .page
        self.priority = priority
    }
}

/// A failure inside one job, named by the job.
public struct JobError: Error, CustomStringConvertible {
    public let job: String
    public let underlying: Error
    public var description: String { "\(underlying)" }
}

/// Runs a job graph with at most `parallelism` jobs at a time. Ready jobs start
/// costliest first (`Job.priority`), then in id order, as their dependencies finish; each
/// job sees only its dependencies' artifacts, so the results never depend on the order or
/// the parallelism.
public enum JobRunner {
    /// Where job bodies run; how many at once is bounded by the runner's parallelism.
    static let workQueue = DispatchQueue(label: "lenses.jobs", qos: .userInitiated, attributes: .concurrent)

    public struct Finished: Sendable {
        public let id: String
        public let stage: Job.Stage
        public let seconds: Double
    }

    /// `preloaded` holds artifacts of dependencies that do not need to run (from the cache).
    /// The result holds every artifact that ran except trained models and learning-curve parts
    /// whose readers all ran (they are released early to bound memory).
    /// With `shedFigureFiles`, a figure that ran keeps only its description (no file bytes) once
    /// every job that reads it has run: its files are already written elsewhere (the site's staging folder).
    /// With `slimFits`, a trained model whose remaining readers are all pages keeps no grids (pages read
    /// its scores, never its grids): the largest artifacts of a build do not wait for the gallery pages.
    public static func run(_ jobs: [Job], parallelism: Int, preloaded: [String: Artifact] = [:], shedFigureFiles: Bool = false,
                           slimFits: Bool = false,
                           onFinish: @escaping @Sendable (Finished, Int, Int) -> Void) async throws -> [String: Artifact] {
        let byID = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0) })
        for job in jobs {
            for d in job.dependencies where byID[d] == nil && preloaded[d] == nil {
                preconditionFailure("job \(job.id) depends on unknown job \(d)")
            }
        }
        var results = preloaded
        var waiting = Set(jobs.map(\.id))
        // How many jobs still need each artifact: a trained model (the largest artifacts: P(y|x)
        // and densities on the grid) is let go as soon as the last job that reads it has finished.
        var readers = [String: Int]()
        for job in jobs { for d in job.dependencies { readers[d, default: 0] += 1 } }
        // How many of them are not pages (figures, twins): when none is left, pages alone read the artifact.
        var heavyReaders = [String: Int]()
        for job in jobs where job.stage != .page { for d in job.dependencies { heavyReaders[d, default: 0] += 1 } }
        var running = 0
        let limit = max(1, parallelism)
        var done = 0

        return try await withThrowingTaskGroup(of: (String, Artifact, Double).self) { group in
            func startReady() {
                let ready = waiting.filter { id in byID[id]!.dependencies.allSatisfy { results[$0] != nil } }
                    .sorted { (-byID[$0]!.priority, $0) < (-byID[$1]!.priority, $1) }
                for id in ready where running < limit {
                    let job = byID[id]!
                    let inputs = Dictionary(uniqueKeysWithValues: job.dependencies.map { ($0, results[$0]!) })
                    waiting.remove(id)
                    running += 1
                    group.addTask {
                        // The work runs on a dispatch queue, not on Swift's cooperative pool: jobs are
                        // long and CPU-bound, and the pool must stay free (e.g. for `lenses serve`
                        // answering requests while it rebuilds).
                        try await withCheckedThrowingContinuation { continuation in
                            workQueue.async {
                                let start = DispatchTime.now().uptimeNanoseconds
                                do {
                                    let artifact = try job.run(inputs)
                                    continuation.resume(returning: (id, artifact, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
                                } catch {
                                    continuation.resume(throwing: JobError(job: id, underlying: error))
                                }
                            }
                        }
                    }
                }
            }
            startReady()
            while let (id, artifact, seconds) = try await group.next() {
                running -= 1
                results[id] = artifact
                if shedFigureFiles, readers[id, default: 0] == 0, case .figure(let f) = artifact { results[id] = .figure(f.withoutFiles) }
                if slimFits, heavyReaders[id, default: 0] == 0, readers[id, default: 0] > 0, case .fit(let f) = artifact {
                    results[id] = .fit(f.withoutGrids)
                }
                for d in byID[id]!.dependencies {
                    readers[d]! -= 1
                    if slimFits, byID[id]!.stage != .page {
                        heavyReaders[d]! -= 1
                        if heavyReaders[d] == 0, readers[d]! > 0, case .fit(let f)? = results[d] { results[d] = .fit(f.withoutGrids) }
                    }
                    guard readers[d] == 0 else { continue }
                    switch results[d] {
                    case .fit?, .curvePart?: results[d] = nil
                    case .figure(let f)? where shedFigureFiles && preloaded[d] == nil: results[d] = .figure(f.withoutFiles)
                    default: break
                    }
                }
                done += 1
                onFinish(Finished(id: id, stage: byID[id]!.stage, seconds: seconds), done, jobs.count)
                startReady()
            }
            if !waiting.isEmpty { preconditionFailure("job graph has a cycle among \(waiting.sorted())") }
            return results.filter { preloaded[$0.key] == nil }
        }
    }
}
