import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A rebuild with nothing changed, without planning: `.lenses/build-manifest.json` holds, for the
/// last build that wrote the site,
/// - a digest of every input a build reads: the running code (`BuildInfo.fingerprint`: the
///   executable's hash and the Cairo and OpenBLAS versions), the project spec as loaded (every
///   field, so a spec changed in code counts as much as an edited `lenses.yml`), the bytes of
///   `lenses.yml` and of every file under `content/`, `data/` and `templates/`, of the built-in
///   theme's `templates/`, and of any other file the spec names; the identity of the KaTeX files
///   (size, times and inode); the environment variables the build reads; the output folder and
///   the flags that change what is written;
/// - a digest of the site as that build left it and of the cache's entries: every path with its
///   type, size, modification and change times (to the nanosecond) and inode. Any write, removal,
///   rename or `touch` changes a change time, which no user can set back;
/// - whether the build ran Pagefind, and then the identity of the Pagefind it ran;
/// - that build's report.
/// Every build that writes the site records it (`--force` and `--no-cache` builds too: their site is
/// what any build of those inputs writes); only a build through the cache may be skipped.
///
/// When the inputs, the site and the cache all match, the build reports "nothing changed" and
/// returns: the site on disk is what a full build would write (a build is a function of those
/// inputs). Anything else — one changed input byte, a new or removed input file, any new, removed,
/// rewritten or touched file of the site or the cache, another output folder, `--force`,
/// `--no-cache`, `lenses clean` — falls through to a normal build (`lenses claims`, which writes no
/// site, neither reads nor writes the manifest), and the manifest is removed before it starts and
/// written again after it succeeds. The inputs are digested before the build runs, so a file
/// edited during a build is seen as changed by the next one.
enum BuildManifest {
    static let version = 1

    struct Stored: Codable {
        var version: Int
        var inputs: String
        /// Pagefind's identity when the build involved search (found or not); nil when it did not.
        var search: String?
        var site: String
        var report: BuildReport
    }

    static func file(_ root: URL) -> URL { root.appendingPathComponent(".lenses/build-manifest.json") }

    /// `build()` unless nothing changed since the build the manifest describes; then that build's
    /// report, marked as such, and the site is left as it is.
    static func build(_ spec: ProjectSpec, options: BuildOptions,
                      _ build: () async throws -> BuildReport) async throws -> BuildReport {
        guard options.writeSite else { return try await build() }
        let clock = DispatchTime.now().uptimeNanoseconds
        // As the build does: the executable's hash is remembered in .lenses/ (set before the first use of
        // `BuildInfo.fingerprint`, which the digest below is).
        if options.useCache { BuildInfo.remember(in: spec.root.appendingPathComponent(".lenses")) }
        let url = file(spec.root)
        let inputs = inputDigest(spec, options: options)
        if options.useCache && !options.force, let stored = try? JSONDecoder().decode(Stored.self, from: Data(contentsOf: url)),
           stored.version == version, stored.inputs == inputs,
           stored.search == nil || stored.search == searchIdentity(spec.root),
           let site = outputDigest(spec.root, output: options.output), site == stored.site {
            var report = stored.report
            report.wallSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
            report.stageSeconds = [:]; report.slowestJobs = [:]
            report.reused = []; report.redone = []; report.reusedPerStage = [:]; report.redonePerStage = [:]
            report.corruptCacheEntries = []; report.modelsTrained = 0
            report.notes = ["nothing changed since the last build (.lenses/build-manifest.json): the site was left as it is, nothing planned or loaded"]
                + stored.report.notes
            options.report(.planned(jobs: 0, perStage: [:], reused: [:]))
            options.report(.written(folder: options.output.path, files: report.files))
            SiteBuilder.writeReport(report, root: spec.root)
            return report
        }
        try? FileManager.default.removeItem(at: url)
        let report = try await build()
        let usedSearch = report.notes.contains { $0.contains("Pagefind") }
            || FileManager.default.fileExists(atPath: options.output.appendingPathComponent("pagefind").path)
        if let site = outputDigest(spec.root, output: options.output) {
            let stored = Stored(version: version, inputs: inputs, search: usedSearch ? searchIdentity(spec.root) : nil,
                                site: site, report: report)
            if let data = try? JSONEncoder().encode(stored) {
                try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? data.write(to: url, options: .atomic)
            }
        }
        return report
    }

    // MARK: digests

    /// Everything a build reads, as one SHA-256.
    static func inputDigest(_ spec: ProjectSpec, options: BuildOptions) -> String {
        var text = "lenses-build-manifest/\(version)\ncode=\(BuildInfo.fingerprint)\n"
        var named = Set<String>()
        text += "spec=\(canonical(spec, strings: &named))\n"
        let env = ProcessInfo.processInfo.environment
        for k in ["LENSES_KATEX_DIR", "LENSES_SHARE", "LENSES_PAGEFIND"] { text += "env.\(k)=\(env[k].map { String(reflecting: $0) } ?? "-")\n" }
        text += "output=\(options.output.standardizedFileURL.path)\nfail_on_false_claims=\(options.failOnFalseClaims)\n"

        // Project files, by content.
        let root = spec.root.standardizedFileURL
        var files = Set(["lenses.yml"].map { root.appendingPathComponent($0).path })
        for folder in ["content", "data", "templates"] { files.formUnion(regularFiles(under: root.appendingPathComponent(folder).path)) }
        if let builtin = BuiltinFiles.root { files.formUnion(regularFiles(under: builtin.appendingPathComponent("templates").path)) }
        for s in named where !s.isEmpty && s.count < 4096 {
            let path = s.hasPrefix("/") ? s : root.appendingPathComponent(s).path
            var st = stat()
            if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { files.insert(path) }
        }
        for path in files.sorted() {
            let bytes = FileManager.default.contents(atPath: path)
            text += "file \(String(reflecting: path))=\(bytes.map { JobKey.hash($0) } ?? "absent")\n"
        }
        // KaTeX (a system package): by identity.
        let katex = URL(fileURLWithPath: env["LENSES_KATEX_DIR"] ?? "/usr/share/javascript/katex")
        var system = [katex.path, "/usr/share/doc/libjs-katex/copyright", katex.appendingPathComponent("LICENSE").path]
        system += entries(of: katex.path).map { katex.appendingPathComponent($0).path }
        let fonts = katex.appendingPathComponent("fonts").resolvingSymlinksInPath().path
        system += [fonts] + entries(of: fonts).map { "\(fonts)/\($0)" }
        for path in system { text += "system \(String(reflecting: path))=\(identity(path, follow: true))\n" }
        return JobKey.hash(Data(text.utf8))
    }

    /// The output folder and the cache as they are on disk: every entry's path and identity.
    static func outputDigest(_ root: URL, output: URL) -> String? {
        var st = stat()
        guard lstat(output.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return nil }
        var text = "site \(output.standardizedFileURL.path) \(identity(output.path, follow: false))\n"
        walk(output.path, "") { text += "site \(String(reflecting: $0)) \($1)\n" }
        let cache = root.appendingPathComponent(".lenses/cache").path
        text += "cache \(identity(cache, follow: false))\n"
        walk(cache, "") { text += "cache \(String(reflecting: $0)) \($1)\n" }
        return JobKey.hash(Data(text.utf8))
    }

    /// How the build finds Pagefind now, and that binary's identity; nil when it cannot be told
    /// without running it (Python's module), so no build is skipped then.
    static func searchIdentity(_ root: URL) -> String? {
        let env = ProcessInfo.processInfo.environment
        var text = "PATH=\(env["PATH"] ?? "")\n"
        guard let command = SearchIndex.command(root: root) else { return text + "none" }
        guard command.count == 1 else { return nil }
        text += "\(command[0]) \(identity(command[0], follow: true))"
        return text
    }

    // MARK: the file system

    /// `type size mtime ctime inode` of a path (following a final symbolic link when `follow`), or "absent".
    static func identity(_ path: String, follow: Bool) -> String {
        var st = stat()
        guard (follow ? stat(path, &st) : lstat(path, &st)) == 0 else { return "absent" }
        return "\(st.st_mode) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec) \(st.st_dev):\(st.st_ino)"
    }

    /// The names in a folder (not `.` and `..`), sorted; empty when it is not a readable folder.
    static func entries(of folder: String) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var out = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }

    /// Every entry below `folder` (not following symbolic links), depth first in name order:
    /// its path relative to `folder` and its identity.
    static func walk(_ folder: String, _ relative: String, _ visit: (String, String) -> Void) {
        for name in entries(of: folder) {
            let path = "\(folder)/\(name)", rel = relative.isEmpty ? name : "\(relative)/\(name)"
            let id = identity(path, follow: false)
            visit(rel, id)
            var st = stat()
            if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { walk(path, rel, visit) }
        }
    }

    /// Regular files below a folder (following symbolic links, as the build's readers do).
    static func regularFiles(under folder: String) -> [String] {
        var out = [String]()
        func visit(_ dir: String, depth: Int) {
            guard depth < 32 else { return }
            for name in entries(of: dir) {
                let path = "\(dir)/\(name)"
                var st = stat()
                guard stat(path, &st) == 0 else { out.append(path); continue }   // a dangling link: "absent"
                switch st.st_mode & S_IFMT {
                case S_IFDIR: visit(path, depth: depth + 1)
                case S_IFREG: out.append(path)
                default: break
                }
            }
        }
        visit(folder, depth: 0)
        return out
    }

    // MARK: the spec

    /// A complete, canonical text of a value: every stored property, recursively, with dictionary
    /// and set entries sorted (their order is per process); `strings` collects every string met,
    /// so that files the spec names are digested too.
    static func canonical(_ value: Any, strings: inout Set<String>, depth: Int = 0) -> String {
        guard depth < 64 else { return "…" }
        switch value {
        case let s as String: strings.insert(s); return String(reflecting: s)
        case let u as URL: strings.insert(u.path); return "url(\(String(reflecting: u.absoluteString)))"
        case let d as Data: return "data(\(JobKey.hash(d)))"
        default: break
        }
        let mirror = Mirror(reflecting: value)
        if mirror.children.isEmpty { return "\(type(of: value))(\(String(reflecting: value)))" }
        var parts = mirror.children.map { "\($0.label ?? "_")=\(canonical($0.value, strings: &strings, depth: depth + 1))" }
        if mirror.displayStyle == .dictionary || mirror.displayStyle == .set { parts.sort() }
        return "\(type(of: value))[\(parts.joined(separator: ","))]"
    }
}
