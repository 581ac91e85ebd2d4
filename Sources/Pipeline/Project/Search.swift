import Foundation

/// Full-text search with Pagefind (PyPI `pagefind-bin`): the built pages are
/// indexed in a scratch folder and the index joins the site under `pagefind/`.
/// The index is cached by the hash of every page, so an unchanged site is not
/// re-indexed. Without Pagefind the build says so and the site has no search.
enum SearchIndex {
    /// How to run Pagefind here: `LENSES_PAGEFIND` (`none`: build without search), `pagefind` on PATH, or the binary inside the
    /// Python package `pagefind_bin` (found by asking `python3` once, then remembered in
    /// `.lenses/pagefind-path` while PATH stays the same and the binary is still there, because
    /// starting Python can take longer than a whole no-op build).
    static func command(root: URL? = nil) -> [String]? {
        memo.lock.lock(); defer { memo.lock.unlock() }
        if let found = memo.found { return found }
        let c = locate(root: root)
        memo.found = .some(c)
        return c
    }

    private final class Memo: @unchecked Sendable {
        let lock = NSLock()
        var found: [String]?? = nil
        var versions = [[String]: String]()
    }
    private static let memo = Memo()

    private static func locate(root: URL?) -> [String]? {
        let env = ProcessInfo.processInfo.environment
        let fm = FileManager.default
        if let explicit = env["LENSES_PAGEFIND"], !explicit.isEmpty { return explicit == "none" ? nil : [explicit] }
        let path = env["PATH"] ?? ""
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/pagefind"
            if fm.isExecutableFile(atPath: candidate) { return [candidate] }
        }
        let remembered = root?.appendingPathComponent(".lenses/pagefind-path")
        if let remembered, let text = try? String(contentsOf: remembered, encoding: .utf8) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.count >= 2, lines[0] == path, fm.isExecutableFile(atPath: lines[1]) { return [lines[1]] }
        }
        let query = "import os, pagefind_bin; print(os.path.join(os.path.dirname(pagefind_bin.__file__), 'pagefind'))"
        guard let out = output(["python3", "-c", query]) else { return nil }
        let binary = out.trimmingCharacters(in: .whitespacesAndNewlines)
        guard fm.isExecutableFile(atPath: binary) else { return ["python3", "-m", "pagefind_bin"] }
        if let remembered {
            try? fm.createDirectory(at: remembered.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data("\(path)\n\(binary)\n".utf8).write(to: remembered, options: .atomic)
        }
        return [binary]
    }

    /// Standard output of a command (run in `dir`), or nil when it fails.
    static func output(_ args: [String], in dir: URL? = nil) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let dir { p.currentDirectoryURL = dir }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// The `pagefind/…` files for these pages, from the cache or a fresh run.
    static func build(pages: [String: Data], cache: BuildCache?, root: URL? = nil) throws -> [String: Data] {
        guard let cmd = command(root: root) else { return [:] }
        // The key names the Pagefind version, not where it was found: the same index either way.
        var text = "pagefind-index/2\n\(version(cmd))\n"
        for p in pages.keys.sorted() { text += "\(p)=\(JobKey.hash(pages[p]!))\n" }
        let key = JobKey(kind: "search-index", inputs: ["pages": JobKey.hash(Data(text.utf8))], upstream: [])
        if let cache, let stored = cache.load(key, as: SearchIndexFiles.self) { return stored.files }
        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent("lenses-search-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: scratch) }
        for (path, data) in pages {
            let url = scratch.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        guard output(cmd + ["--site", scratch.path, "--quiet"], in: scratch) != nil else {
            throw PipelineError("Pagefind failed to index the site (\(cmd.joined(separator: " ")) --site …); run it by hand to see why, or uninstall it to build without search")
        }
        var files = [String: Data]()
        let index = scratch.appendingPathComponent("pagefind")
        for case let path as String in fm.enumerator(atPath: index.path)?.allObjects ?? [] {
            var isDir: ObjCBool = false
            let full = index.appendingPathComponent(path)
            if fm.fileExists(atPath: full.path, isDirectory: &isDir), !isDir.boolValue {
                files["pagefind/\(path)"] = try Data(contentsOf: full)
            }
        }
        try? cache?.store(key, SearchIndexFiles(files: files))
        return files
    }

    /// Pagefind's output for one set of pages, as the cache keeps it.
    struct SearchIndexFiles: Artifact { let files: [String: Data] }

    /// Pagefind's version as it reports it, remembered beside its path.
    static func version(_ cmd: [String]) -> String {
        memo.lock.lock(); defer { memo.lock.unlock() }
        if let known = memo.versions[cmd] { return known }
        let text = output(cmd + ["--version"])?.trimmingCharacters(in: .whitespacesAndNewlines) ?? cmd.joined(separator: " ")
        memo.versions[cmd] = text
        return text
    }
}
