import Crypto
import Foundation

/// A content-addressed store of job artifacts under `.lenses/cache/`, keyed by
/// `JobKey` (SHA-256 of everything that determines the output).
///
/// Each entry is `magic · SHA-256(payload) · payload`, written to a temporary
/// file and renamed into place, so a killed build never leaves a half-written
/// entry under a valid name; an entry whose checksum or decoding fails is
/// reported as corrupt and recomputed, never served.
public final class BuildCache: @unchecked Sendable {
    public let folder: URL
    // Bytes, not `Data`: a global `Data` of 15+ bytes keeps its storage pointer with
    // enum tag bits set, which LeakSanitizer cannot follow (a false leak report).
    private static let magic: [UInt8] = Array("LENSES-CACHE-2\n".utf8)
    private let lock = NSLock()
    private var corrupt = [String]()

    public init(root: URL) {
        folder = root.appendingPathComponent(".lenses/cache")
    }

    /// Deletes temporary files a killed build left in the cache (they were never
    /// renamed into place, so they were never served).
    public func sweepTemporaryFiles() {
        let fm = FileManager.default
        for sub in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let dir = folder.appendingPathComponent(sub)
            for name in (try? fm.contentsOfDirectory(atPath: dir.path)) ?? [] where name.hasSuffix(".tmp") {
                try? fm.removeItem(at: dir.appendingPathComponent(name))
            }
        }
    }

    public func url(_ key: JobKey) -> URL {
        folder.appendingPathComponent(String(key.hex.prefix(2))).appendingPathComponent("\(key.hex).bin")
    }

    /// The cached artifact, or nil when absent or corrupt (a corrupt entry is deleted and recorded).
    func load(_ key: JobKey, decode: (Data) throws -> any Artifact) -> (any Artifact)? {
        let url = url(key)
        guard let data = try? Data(contentsOf: url) else { return nil }
        let header = Self.magic.count, digestSize = 32
        guard data.count > header + digestSize, data.prefix(header).elementsEqual(Self.magic) else { return discard(url) }
        let digest = data.subdata(in: header..<(header + digestSize))
        let payload = data.subdata(in: (header + digestSize)..<data.count)
        guard Data(SHA256.hash(data: payload)) == digest,
              let artifact = try? decode(payload) else { return discard(url) }
        utimes(url.path, nil)  // recently used: pruned last
        return artifact
    }

    /// A cached artifact of a known type (for results kept outside the job graph, such as the search index).
    public func load<T: Artifact>(_ key: JobKey, as type: T.Type) -> T? {
        load(key) { try PropertyListDecoder().decode(T.self, from: $0) } as? T
    }

    public func store(_ key: JobKey, _ artifact: any Artifact) throws {
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        let payload = try encoder.encode(artifact)
        var data = Data(Self.magic)
        data.append(Data(SHA256.hash(data: payload)))
        data.append(payload)
        let url = url(key)
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let temp = dir.appendingPathComponent(".\(key.hex).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp")
        try data.write(to: temp)
        if rename(temp.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temp)
            throw EngineError("cannot write the cache entry \(url.path) (errno \(errno))")
        }
    }

    /// Keeps the cache under `maxBytes`: entries this build did not use go first, least recently
    /// used first (loading or storing an entry marks it used). Returns the number removed.
    @discardableResult
    public func prune(keep: Set<JobKey>, maxBytes: Int) -> Int {
        let fm = FileManager.default
        let kept = Set(keep.map { url($0).lastPathComponent })
        var entries = [(url: URL, size: Int, used: Date)]()
        var total = 0
        for path in (fm.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []) where path.hasSuffix(".bin") {
            let url = folder.appendingPathComponent(path)
            guard let a = try? fm.attributesOfItem(atPath: url.path), let size = a[.size] as? Int else { continue }
            total += size
            if !kept.contains(url.lastPathComponent) { entries.append((url, size, a[.modificationDate] as? Date ?? .distantPast)) }
        }
        var removed = 0
        for e in entries.sorted(by: { ($0.used, $0.url.path) < ($1.used, $1.url.path) }) where total > maxBytes {
            if (try? fm.removeItem(at: e.url)) != nil { total -= e.size; removed += 1 }
        }
        return removed
    }

    /// Paths of entries found corrupt during this build.
    public var corruptEntries: [String] { lock.lock(); defer { lock.unlock() }; return corrupt.sorted() }

    private func discard(_ url: URL) -> (any Artifact)? {
        try? FileManager.default.removeItem(at: url)
        lock.lock(); corrupt.append(url.lastPathComponent); lock.unlock()
        return nil
    }

    /// Removes the whole cache. Returns the number of entries removed.
    @discardableResult
    public func clear() throws -> Int {
        let fm = FileManager.default
        guard fm.fileExists(atPath: folder.path) else { return 0 }
        let count = (fm.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".bin") }.count
        try fm.removeItem(at: folder)
        return count
    }
}
