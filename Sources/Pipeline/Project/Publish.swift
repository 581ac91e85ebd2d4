import Foundation

/// `lenses publish`: copies a built site to a folder, or commits it to a branch
/// of the current git repository through a temporary worktree — the author's
/// working tree and other branches are never touched.
public enum Publisher {
    public struct Failure: Error, CustomStringConvertible { public let description: String }

    /// Every link in the built site must be relative, so the site works under any
    /// sub-path (`/repo/` on GitHub Pages). Returns the pages that break that rule.
    public static func absoluteLinks(in site: URL) throws -> [String] {
        var bad = [String]()
        let fm = FileManager.default
        for case let path as String in fm.enumerator(atPath: site.path)?.allObjects ?? [] where path.hasSuffix(".html") {
            let html = try String(contentsOf: site.appendingPathComponent(path), encoding: .utf8)
            for m in html.matches(of: /(?:href|src)="(\/[^"]*)"/) { bad.append("\(path): \(m.1)") }
        }
        return bad.sorted()
    }

    public static func checkBaseURL(_ base: String, site: URL) throws {
        guard base.hasPrefix("/") && base.hasSuffix("/") else {
            throw Failure(description: "--base-url must start and end with '/', such as /my-repo/; got '\(base)'")
        }
        let bad = try absoluteLinks(in: site)
        guard bad.isEmpty else {
            throw Failure(description: "these links start with '/' and would break under \(base): \(bad.prefix(5).joined(separator: "; "))")
        }
    }

    /// Copies the site to `destination` (replacing a folder lenses built before).
    public static func toFolder(site: URL, destination: URL) throws {
        var files = [String: Data]()
        let fm = FileManager.default
        for case let path as String in fm.enumerator(atPath: site.path)?.allObjects ?? [] {
            var isDir: ObjCBool = false
            let full = site.appendingPathComponent(path)
            if fm.fileExists(atPath: full.path, isDirectory: &isDir), !isDir.boolValue, path != ".lenses-site" {
                files[path] = try Data(contentsOf: full)
            }
        }
        try SiteWriterBridge.write(files: files, to: destination)
    }

    /// Commits the site to `branch` (created as an orphan branch if new) with a
    /// `.nojekyll` file. Returns the new commit id, or nil when nothing changed.
    @discardableResult
    public static func toBranch(site: URL, branch: String, repository: URL, message: String = "Publish the site (lenses publish)") throws -> String? {
        guard branch.range(of: #"^[A-Za-z0-9._/-]+$"#, options: .regularExpression) != nil, !branch.hasPrefix("-"), !branch.contains("..") else {
            throw Failure(description: "'\(branch)' is not a usable branch name")
        }
        let top = try git(["rev-parse", "--show-toplevel"], in: repository).trimmingCharacters(in: .whitespacesAndNewlines)
        let repo = URL(fileURLWithPath: top)
        let current = try? git(["symbolic-ref", "--short", "HEAD"], in: repo).trimmingCharacters(in: .whitespacesAndNewlines)
        if current == branch {
            throw Failure(description: "'\(branch)' is the branch checked out here; publish to another branch (e.g. gh-pages)")
        }
        let worktree = FileManager.default.temporaryDirectory.appendingPathComponent("lenses-publish-\(UUID().uuidString)")
        let exists = (try? git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)"], in: repo)) != nil
        if exists {
            _ = try git(["worktree", "add", "--quiet", worktree.path, branch], in: repo)
        } else {
            _ = try git(["worktree", "add", "--quiet", "--detach", worktree.path], in: repo)
            _ = try git(["checkout", "--quiet", "--orphan", branch], in: worktree)
            _ = try? git(["rm", "-r", "--quiet", "--cached", "."], in: worktree)
        }
        defer {
            _ = try? git(["worktree", "remove", "--force", worktree.path], in: repo)
            try? FileManager.default.removeItem(at: worktree)
        }
        let fm = FileManager.default
        for item in try fm.contentsOfDirectory(atPath: worktree.path) where item != ".git" {
            try fm.removeItem(at: worktree.appendingPathComponent(item))
        }
        for item in try fm.contentsOfDirectory(atPath: site.path) where item != ".lenses-site" {
            try fm.copyItem(at: site.appendingPathComponent(item), to: worktree.appendingPathComponent(item))
        }
        try Data().write(to: worktree.appendingPathComponent(".nojekyll"))
        _ = try git(["add", "--all", "."], in: worktree)
        if (try? git(["diff", "--cached", "--quiet"], in: worktree)) != nil, exists { return nil }
        var identity = [String]()
        if ((try? git(["config", "user.name"], in: worktree)) ?? "").isEmpty { identity += ["-c", "user.name=lenses"] }
        if ((try? git(["config", "user.email"], in: worktree)) ?? "").isEmpty { identity += ["-c", "user.email=lenses@localhost"] }
        _ = try git(identity + ["commit", "--quiet", "--allow-empty", "-m", message], in: worktree)
        return try git(["rev-parse", "HEAD"], in: worktree).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    static func git(_ args: [String], in dir: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git"] + args
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(description: "git \(args.joined(separator: " ")) failed: \(String(decoding: e, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return String(decoding: o, as: UTF8.self)
    }
}
