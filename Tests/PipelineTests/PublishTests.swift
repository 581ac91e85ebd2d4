import Foundation
import Testing
@testable import Pipeline

@Suite("lenses publish")
struct PublishTests {
    func git(_ args: [String], in dir: URL) throws -> String { try Publisher.git(args, in: dir) }

    @Test("--to writes the same bytes as the build")
    func toFolder() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let site = try await project.build()
        let dest = project.root.appendingPathComponent("published")
        try Publisher.toFolder(site: site, destination: dest)
        var built = try snapshot(site)
        built[".lenses-site"] = nil
        var published = try snapshot(dest)
        published[".lenses-site"] = nil
        #expect(built == published)
        #expect(try Publisher.absoluteLinks(in: site).isEmpty, "every link is relative, so any sub-path works")
        try Publisher.checkBaseURL("/my-repo/", site: site)
        #expect(throws: Publisher.Failure.self) { try Publisher.checkBaseURL("my-repo", site: site) }
    }

    @Test("--branch commits the site to gh-pages with .nojekyll and leaves main and the working tree untouched")
    func toBranch() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let repo = project.root
        _ = try git(["init", "--quiet", "-b", "main"], in: repo)
        _ = try git(["-c", "user.name=t", "-c", "user.email=t@t", "add", "lenses.yml", "content"], in: repo)
        _ = try git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "author's work"], in: repo)
        let mainBefore = try git(["rev-parse", "main"], in: repo)
        let site = try await project.build()
        try Data("draft".utf8).write(to: repo.appendingPathComponent("uncommitted.txt"))
        let statusBefore = try git(["status", "--porcelain"], in: repo)

        let commit = try #require(try Publisher.toBranch(site: site, branch: "gh-pages", repository: repo))
        #expect(try git(["rev-parse", "gh-pages"], in: repo).hasPrefix(commit))
        let tree = try git(["ls-tree", "-r", "--name-only", "gh-pages"], in: repo).split(separator: "\n").map(String.init)
        #expect(tree.contains(".nojekyll") && tree.contains("index.html") && tree.contains("metrics.json"))
        #expect(!tree.contains("lenses.yml"), "only the site is on the branch")
        let published = try git(["show", "gh-pages:index.html"], in: repo)
        #expect(published == String(decoding: try Data(contentsOf: site.appendingPathComponent("index.html")), as: UTF8.self))
        #expect(try git(["rev-parse", "main"], in: repo) == mainBefore)
        #expect(try git(["symbolic-ref", "--short", "HEAD"], in: repo) == "main\n")
        #expect(try git(["status", "--porcelain"], in: repo) == statusBefore)
        // Publishing the same site again commits nothing.
        #expect(try Publisher.toBranch(site: site, branch: "gh-pages", repository: repo) == nil)
        #expect(try git(["worktree", "list"], in: repo).split(separator: "\n").count == 1, "the temporary worktree is gone")
    }
}
