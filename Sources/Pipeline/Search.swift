import Foundation

/// Full-text search with Pagefind (PyPI `pagefind-bin`): the built pages are
/// indexed in a scratch folder and the index joins the site under `pagefind/`.
/// The index is cached by the hash of every page, so an unchanged site is not
/// re-indexed. Without Pagefind the build says so and the site has no search.
enum SearchIndex {
    /// How to run Pagefind here: `LENSES_PAGEFIND`, `pagefind` on PATH, or `python3 -m pagefind_bin`.
    static func command() -> [String]? {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["LENSES_PAGEFIND"], !explicit.isEmpty { return [explicit] }
        for dir in (env["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/pagefind"
            if FileManager.default.isExecutableFile(atPath: candidate) { return [candidate] }
        }
        if run(["python3", "-c", "import pagefind_bin"], in: nil) == 0 { return ["python3", "-m", "pagefind_bin"] }
        return nil
    }

    /// The `pagefind/…` files for these pages, from the cache or a fresh run.
    static func build(pages: [String: Data], cache: BuildCache?) throws -> [String: Data] {
        guard let cmd = command() else { return [:] }
        var text = "pagefind-index/1\n\(cmd.joined(separator: " "))\n"
        for p in pages.keys.sorted() { text += "\(p)=\(JobKey.hash(pages[p]!))\n" }
        let key = JobKey(kind: "search-index", inputs: ["pages": JobKey.hash(Data(text.utf8))], upstream: [])
        if let cache, case .page(let stored)? = cache.load(key),
           let files = try? PropertyListDecoder().decode([String: Data].self, from: stored.html) {
            return files
        }
        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent("lenses-search-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: scratch) }
        for (path, data) in pages {
            let url = scratch.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        guard run(cmd + ["--site", scratch.path, "--quiet"], in: scratch) == 0 else {
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
        if let cache {
            let encoder = PropertyListEncoder()
            encoder.outputFormat = .binary
            try? cache.store(key, .page(PageArtifact(path: "pagefind", html: try encoder.encode(files))))
        }
        return files
    }

    @discardableResult
    static func run(_ args: [String], in dir: URL?) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let dir { p.currentDirectoryURL = dir }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
