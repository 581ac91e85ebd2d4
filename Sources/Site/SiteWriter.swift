import CSystem
import Foundation

/// Writes a whole site at once: every file goes into a temporary folder beside
/// the target, which then replaces the target in one step. A build that fails
/// before the swap leaves the previous site untouched, byte for byte.
public enum SiteWriter {
    /// A file in the target folder that marks it as built by `lenses`; a folder
    /// without it (and not empty) is never replaced, so a mistyped `--out` cannot
    /// wipe someone's documents.
    public static let marker = ".lenses-site"

    public static func write(files: [String: Data], to target: URL) throws {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        try checkReplaceable(target)
        removeLeftovers(in: parent, siteName: name)
        var all = files
        all[marker] = Data("Built by lenses. This folder is replaced as a whole on every build.\n".utf8)
        // Nothing changed: leave the folder alone (no rewrite, and a preview need not reload).
        if holdsExactly(all, target) { return }

        let temp = parent.appendingPathComponent(".\(name).tmp-\(getpid())")
        try? fm.removeItem(at: temp)
        try fm.createDirectory(at: temp, withIntermediateDirectories: false)
        do {
            for path in all.keys.sorted() {
                guard isSafeRelativePath(path) else { throw ContentError(file: path, line: nil, "refusing to write outside the site folder") }
                let url = temp.appendingPathComponent(path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try all[path]!.write(to: url)
            }
            try swapIn(temp, target)
        } catch {
            try? fm.removeItem(at: temp)
            throw error
        }
    }

    /// Two folders hold the same files, byte for byte, and nothing else.
    static func sameFiles(_ a: URL, _ b: URL) -> Bool {
        let fm = FileManager.default
        func files(_ folder: URL) -> [String: Int]? {
            guard let found = fm.enumerator(atPath: folder.path) else { return nil }
            var out = [String: Int]()
            for case let path as String in found {
                guard let attributes = try? fm.attributesOfItem(atPath: folder.appendingPathComponent(path).path) else { return nil }
                if (attributes[.type] as? FileAttributeType) == .typeDirectory { continue }
                out[path] = (attributes[.size] as? Int) ?? -1
            }
            return out
        }
        guard let left = files(a), let right = files(b), left == right else { return false }
        for path in left.keys {
            guard let x = fm.contents(atPath: a.appendingPathComponent(path).path),
                  let y = fm.contents(atPath: b.appendingPathComponent(path).path), x == y else { return false }
        }
        return true
    }

    /// The folder holds these files, byte for byte, and nothing else.
    static func holdsExactly(_ files: [String: Data], _ folder: URL) -> Bool {
        let fm = FileManager.default
        guard let found = fm.enumerator(atPath: folder.path) else { return false }
        var count = 0
        for case let path as String in found {
            let url = folder.appendingPathComponent(path)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else { return false }
            if isDir.boolValue { continue }
            count += 1
            guard let expected = files[path], let size = (try? fm.attributesOfItem(atPath: url.path))?[.size] as? Int,
                  size == expected.count, let data = fm.contents(atPath: url.path), data == expected else { return false }
        }
        return count == files.count
    }

    static func swapIn(_ temp: URL, _ target: URL) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) {
            if lenses_exchange_paths(temp.path, target.path) == 0 {
                try fm.removeItem(at: temp)  // now the old site
                return
            }
            // No atomic exchange on this system: two renames, with a short window.
            let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())")
            try fm.moveItem(at: target, to: old)
            try fm.moveItem(at: temp, to: target)
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: temp, to: target)
        }
    }

    static func checkReplaceable(_ target: URL) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: target.path, isDirectory: &isDir) else { return }
        guard isDir.boolValue else {
            throw ContentError(file: target.path, line: nil, "is a file, not a folder; choose another --out")
        }
        let contents = (try? fm.contentsOfDirectory(atPath: target.path)) ?? []
        if !contents.isEmpty && !contents.contains(marker) {
            throw ContentError(file: target.path, line: nil,
                               "is a folder lenses did not build (no \(marker) inside); refusing to replace it. Choose an empty or new --out folder")
        }
    }

    /// Removes temporary folders that a killed build left behind. A folder whose process is still
    /// running is left alone: another build writes its site there (a build stages its figures for its
    /// whole length, so two builds into one folder must not remove each other's).
    static func removeLeftovers(in parent: URL, siteName: String) {
        let fm = FileManager.default
        guard let items = try? fm.contentsOfDirectory(atPath: parent.path) else { return }
        for prefix in [".\(siteName).tmp-", ".\(siteName).old-"] {
            for item in items where item.hasPrefix(prefix) {
                if let pid = Int32(item.dropFirst(prefix.count).prefix { $0.isNumber }), pid != getpid(), kill(pid, 0) == 0 { continue }
                try? fm.removeItem(at: parent.appendingPathComponent(item))
            }
        }
    }

    static func isSafeRelativePath(_ p: String) -> Bool {
        !p.isEmpty && !p.hasPrefix("/") && !p.split(separator: "/").contains { $0 == ".." || $0 == "." || $0.isEmpty }
    }
}

/// A site written as its files become ready (a figure's files as soon as its job finishes), so
/// they need not all be held in memory until the end. The files go into a temporary folder beside
/// the target; `commit` writes the rest and swaps the folder in (or, when the target already holds
/// exactly these files, leaves it untouched); `discard` (or a failed build) removes the temporary
/// folder, so the previous site stays byte for byte as it was, as with `SiteWriter.write`.
public final class SiteStaging: @unchecked Sendable {
    public let target: URL
    let temp: URL
    private let lock = NSLock()
    private var done = false
    private var written = Set<String>()

    /// The paths written so far.
    public var paths: Set<String> { lock.lock(); defer { lock.unlock() }; return written }

    public init(target: URL) throws {
        let fm = FileManager.default
        self.target = target
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        try SiteWriter.checkReplaceable(target)
        SiteWriter.removeLeftovers(in: parent, siteName: name)
        temp = parent.appendingPathComponent(".\(name).tmp-\(getpid())")
        try? fm.removeItem(at: temp)
        try fm.createDirectory(at: temp, withIntermediateDirectories: false)
    }

    /// Writes files into the temporary folder (safe to call from several threads).
    public func add(_ files: [String: Data]) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: temp.path) else {
            throw ContentError(file: temp.path, line: nil, "the site's temporary folder was removed during the build; build again")
        }
        for path in files.keys.sorted() {
            guard SiteWriter.isSafeRelativePath(path) else { throw ContentError(file: path, line: nil, "refusing to write outside the site folder") }
            let url = temp.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try files[path]!.write(to: url)
        }
        lock.lock(); written.formUnion(files.keys); lock.unlock()
    }

    /// Writes the remaining files (they replace staged files of the same path) and the marker,
    /// then swaps the folder in unless the target already holds exactly the same files.
    public func commit(_ rest: [String: Data]) throws {
        do {
            var all = rest
            all[SiteWriter.marker] = Data("Built by lenses. This folder is replaced as a whole on every build.\n".utf8)
            try add(all)
            try SiteWriter.checkReplaceable(target)
            if SiteWriter.sameFiles(temp, target) {
                discard()
                return
            }
            try SiteWriter.swapIn(temp, target)
            lock.lock(); done = true; lock.unlock()
        } catch {
            discard()
            throw error
        }
    }

    /// Removes the temporary folder (the target is left as it was).
    public func discard() {
        lock.lock(); defer { lock.unlock() }
        guard !done else { return }
        done = true
        try? FileManager.default.removeItem(at: temp)
    }

    deinit { if !done { try? FileManager.default.removeItem(at: temp) } }
}
