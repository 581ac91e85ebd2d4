import CSystem
import Foundation

/// A problem the engine itself meets (the cache folder cannot be written, …).
public struct EngineError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

/// Where a build puts site files as jobs make them (the site's staging folder).
public protocol FileSink: Sendable {
    func add(_ files: [String: Data]) throws
}

/// The study-blind half of a build: which jobs run and which come from the cache, storing what
/// runs, and streaming files to the site as they are made.
public enum Execution {
    /// Decides what must run. Starting from the jobs whose artifacts go into the site (figures,
    /// pages, and the studies metrics.json reports), a job is served from the cache when its entry
    /// is there and intact; otherwise it runs, and so must be able to get every one of its
    /// dependencies — from the cache or by running them too. Jobs that nothing needs (a fit whose
    /// figures are all cached) are not even loaded.
    public static func resolve(_ jobs: [Job], cache: BuildCache?) -> (run: [Job], loaded: ArtifactStore) {
        let byID = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0) })
        var loaded = ArtifactStore()
        var run = Set<AnyJobID>()
        func visit(_ id: AnyJobID) {
            if loaded[erased: id] != nil || run.contains(id) { return }
            let job = byID[id]!
            if let cache, let artifact = cache.load(job.key, decode: job.decode) {
                loaded[erased: id] = artifact
                return
            }
            run.insert(id)
            for d in job.dependencies { visit(d) }
        }
        for job in jobs where job.published { visit(job.id) }
        return (jobs.filter { run.contains($0.id) }, loaded)
    }

    /// The jobs to run, each storing its result in the cache (when there is one) as it finishes,
    /// and handing it to `then`. With a `sink`, the files of artifacts that stream them (figures)
    /// are written there as their job ends.
    public static func storing(_ jobs: [Job], in cache: BuildCache?, sink: FileSink? = nil,
                               then: @escaping @Sendable (any Artifact) -> Void = { _ in }) -> [Job] {
        jobs.map { job in
            job.then { artifact in
                then(artifact)
                if let sink, type(of: artifact).streamsFiles { try sink.add(artifact.siteFiles) }
                try cache?.store(job.key, artifact)
            }
        }
    }

    /// The jobs `target` needs, itself included.
    public static func closure(of target: AnyJobID, in jobs: [Job]) -> [Job] {
        let byID = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0) })
        var needed = Set<AnyJobID>()
        func visit(_ id: AnyJobID) { if needed.insert(id).inserted { byID[id]!.dependencies.forEach(visit) } }
        visit(target)
        return jobs.filter { needed.contains($0.id) }
    }
}

/// glibc's allocator, set for a build: blocks of 256 KiB and more (the 2× canvases, PNG buffers,
/// probability grids, the learning curves' larger design matrices) are mapped and unmapped on their
/// own. By default glibc raises that threshold each time such a block is freed, after which large
/// blocks are carved out of the heap and freed ones stay resident; with a fixed threshold they go
/// back to the system when freed. `MALLOC_MMAP_THRESHOLD_` in the environment, glibc's own setting,
/// takes precedence. And at most two malloc arenas (the jobs' threads share them instead of each
/// keeping its own freed memory; `MALLOC_ARENA_MAX` overrides).
/// Whole site (`--no-cache`): 200.5 MB peak with glibc's defaults, 138–158 MB (run to run, as jobs
/// happen to coincide) with a 4 MiB threshold, 140–142 MB in three runs with 256 KiB, for ~3 s more
/// system time (page faults; session 6, bench/PROFILE.md). Only memory use changes, never an output.
public enum BuildMemory {
    public static func tune() { _ = once }
    private static let once: Bool = {
        let env = ProcessInfo.processInfo.environment
        if env["MALLOC_MMAP_THRESHOLD_"] == nil { _ = lenses_set_mmap_threshold(256 << 10) }
        // A fixed mmap threshold also freezes the trim threshold at 128 KiB: the heap's top would be
        // returned and faulted back in all build long (10–14 s of system time per site build).
        if env["MALLOC_TRIM_THRESHOLD_"] == nil { _ = lenses_set_trim_threshold(4 << 20) }
        if env["MALLOC_ARENA_MAX"] == nil { _ = lenses_set_arena_max(2) }
        return true
    }()
}

/// A count added to from concurrent jobs.
public final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    public init() {}
    public func add(_ n: Int) { lock.lock(); value += n; lock.unlock() }
    public var total: Int { lock.lock(); defer { lock.unlock() }; return value }
}

/// Job timings, collected from concurrent callbacks.
public final class Timings: @unchecked Sendable {
    private let lock = NSLock()
    private var items = [JobRunner.Finished]()
    public init() {}
    public func add(_ f: JobRunner.Finished) { lock.lock(); items.append(f); lock.unlock() }
    public func perStage() -> [String: Double] {
        lock.lock(); defer { lock.unlock() }
        var out = [String: Double]()
        for i in items { out[i.stage.rawValue, default: 0] += i.seconds }
        return out
    }
    /// Every job that ran, with its seconds.
    public func all() -> [String: Double] { slowest(.max) }
    public func slowest(_ n: Int) -> [String: Double] {
        lock.lock(); defer { lock.unlock() }
        return Dictionary(uniqueKeysWithValues: items.sorted { $0.seconds > $1.seconds }.prefix(n).map { ($0.id.description, $0.seconds) })
    }
}
