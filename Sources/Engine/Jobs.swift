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
        hex = Self.hexDigits(SHA256.hash(data: Data(text.utf8)))
    }

    public var description: String { String(hex.prefix(12)) }

    public static func hash(_ data: Data) -> String {
        hexDigits(SHA256.hash(data: data))
    }

    /// Lowercase hexadecimal, two digits a byte.
    static func hexDigits<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
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
    public typealias Stage = Engine.Stage
    public let id: AnyJobID
    public var stage: Stage { id.stage }
    public let key: JobKey
    public let dependencies: [AnyJobID]
    /// Its artifact goes into the site itself (a figure, a page, or a study's entry in
    /// metrics.json): every build must have it, from the cache or by running the job,
    /// so a warm build writes the same files as a cold one.
    public let published: Bool
    /// Expected cost, roughly in seconds of one core: among jobs that are ready, the runner starts
    /// the costliest first (then by id), so the longest studies do not start last and run alone.
    /// It only orders the work; no output depends on it.
    public let priority: Double
    /// The site file a render job draws (`figures/x.png`), for `lenses figure`.
    public let file: String?
    public let run: @Sendable (ArtifactStore) throws -> any Artifact
    /// Reads a cached artifact of this job's output type.
    let decode: @Sendable (Data) throws -> any Artifact

    /// Figures and pages are always published; `publishes` marks other jobs (studies) whose
    /// artifacts metrics.json reads.
    public init<Output: Artifact>(_ id: JobID<Output>, key: JobKey, dependencies: [AnyJobID], publishes: Bool = false,
                                  priority: Double = 0, file: String? = nil,
                                  run: @escaping @Sendable (ArtifactStore) throws -> Output) {
        self.id = id.erased; self.key = key; self.dependencies = dependencies
        self.published = publishes || id.stage == .render || id.stage == .page
        self.priority = priority; self.file = file
        self.run = { try run($0) }
        self.decode = { try PropertyListDecoder().decode(Output.self, from: $0) }
    }

    /// Reads a cached artifact of this job (for tools that inspect the cache).
    public func decodeArtifact(_ payload: Data) throws -> any Artifact { try decode(payload) }

    /// The same job doing something more after its work (storing its artifact, writing its files).
    public func then(_ after: @escaping @Sendable (any Artifact) throws -> Void) -> Job {
        Job(id: id, key: key, dependencies: dependencies, published: published, priority: priority, file: file, decode: decode) { store in
            let artifact = try run(store)
            try after(artifact)
            return artifact
        }
    }

    private init(id: AnyJobID, key: JobKey, dependencies: [AnyJobID], published: Bool, priority: Double, file: String?,
                 decode: @escaping @Sendable (Data) throws -> any Artifact, run: @escaping @Sendable (ArtifactStore) throws -> any Artifact) {
        self.id = id; self.key = key; self.dependencies = dependencies; self.published = published
        self.priority = priority; self.file = file; self.decode = decode; self.run = run
    }
}

/// A failure inside one job, named by the job.
public struct JobError: Error, CustomStringConvertible {
    public let job: AnyJobID
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
        public let id: AnyJobID
        public var stage: Stage { id.stage }
        public let seconds: Double
    }

    /// `preloaded` holds artifacts of dependencies that do not need to run (from the cache).
    /// The result holds every artifact that ran, except those released after use
    /// (`Artifact.releasedAfterUse`: trained models, parts of a study) whose readers all ran.
    /// With `shedFiles`, an artifact that can let its files go (`withoutFileBytes`: a figure, whose
    /// files are already in the site's staging folder) does so once every job that reads it has run.
    /// With `slim`, an artifact whose remaining readers are all pages becomes what pages read
    /// (`forPagesOnly`: a trained model without its grids), so the largest artifacts of a build do
    /// not wait for the pages.
    public static func run(_ jobs: [Job], parallelism: Int, preloaded: ArtifactStore = ArtifactStore(), shedFiles: Bool = false,
                           slim: Bool = false,
                           onFinish: @escaping @Sendable (Finished, Int, Int) -> Void) async throws -> ArtifactStore {
        let byID = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0) })
        for job in jobs {
            for d in job.dependencies where byID[d] == nil && preloaded[erased: d] == nil {
                preconditionFailure("job \(job.id) depends on unknown job \(d)")
            }
        }
        var results = preloaded
        var waiting = Set(jobs.map(\.id))
        // How many jobs still need each artifact: a trained model (the largest artifacts: P(y|x)
        // and densities on the grid) is let go as soon as the last job that reads it has finished.
        var readers = [AnyJobID: Int]()
        for job in jobs { for d in job.dependencies { readers[d, default: 0] += 1 } }
        // How many of them are not pages (figures, twins): when none is left, pages alone read the artifact.
        var heavyReaders = [AnyJobID: Int]()
        for job in jobs where job.stage != .page { for d in job.dependencies { heavyReaders[d, default: 0] += 1 } }
        var running = 0
        let limit = max(1, parallelism)
        var done = 0

        func slimmed(_ a: any Artifact) -> any Artifact { a.forPagesOnly() ?? a }
        func shed(_ a: any Artifact) -> any Artifact { a.withoutFileBytes() ?? a }

        return try await withThrowingTaskGroup(of: (AnyJobID, any Artifact, Double).self) { group in
            func startReady() {
                let ready = waiting.filter { id in byID[id]!.dependencies.allSatisfy { results[erased: $0] != nil } }
                    .sorted { (-byID[$0]!.priority, $0.description) < (-byID[$1]!.priority, $1.description) }
                for id in ready where running < limit {
                    let job = byID[id]!
                    let inputs = ArtifactStore(Dictionary(uniqueKeysWithValues: job.dependencies.map { ($0, results[erased: $0]!) }))
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
                results[erased: id] = artifact
                if shedFiles, readers[id, default: 0] == 0, type(of: artifact).streamsFiles { results[erased: id] = shed(artifact) }
                if slim, heavyReaders[id, default: 0] == 0, readers[id, default: 0] > 0 { results[erased: id] = slimmed(artifact) }
                for d in byID[id]!.dependencies {
                    readers[d]! -= 1
                    if slim, byID[id]!.stage != .page {
                        heavyReaders[d]! -= 1
                        if heavyReaders[d] == 0, readers[d]! > 0, let a = results[erased: d] { results[erased: d] = slimmed(a) }
                    }
                    guard readers[d] == 0, let a = results[erased: d] else { continue }
                    if type(of: a).releasedAfterUse { results[erased: d] = nil }
                    else if shedFiles && type(of: a).streamsFiles && preloaded[erased: d] == nil { results[erased: d] = shed(a) }
                }
                done += 1
                onFinish(Finished(id: id, seconds: seconds), done, jobs.count)
                startReady()
            }
            if !waiting.isEmpty { preconditionFailure("job graph has a cycle among \(waiting.sorted())") }
            return ArtifactStore(results.values.filter { preloaded[erased: $0.key] == nil })
        }
    }
}
