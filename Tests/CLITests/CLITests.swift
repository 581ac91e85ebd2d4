import Foundation
import Testing

/// Runs the real `lenses` binary, as a user or CI would.
@Suite("The lenses command")
struct CLITests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = beside.deletingLastPathComponent()
        // The test binary may sit inside a .xctest bundle folder.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("lenses")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return repoRoot.appendingPathComponent(".build/debug/lenses")
    }

    struct Run { let status: Int32; let stdout: String; let stderr: String }

    func lenses(_ args: [String], in dir: URL, environment: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func tempProject() throws -> URL {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("lenses-cli-\(UUID().uuidString)")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        for item in ["templates", "content", "data", "lenses.yml"] {
            try fm.copyItem(at: Self.repoRoot.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
        // The learning-curve experiment takes about a minute in release, far longer in a debug
        // build: these tests build the rest of the site with a token experiment (2 splits, 2 sizes,
        // iris; the experiment has its own tests) and without the page that shows every dataset.
        let yml = root.appendingPathComponent("lenses.yml")
        var text = try String(contentsOf: yml, encoding: .utf8)
        // The language study, likewise, has its own build test (LanguageBuildTests).
        for (old, new) in [("  - {slug: how-much-data, file: content/how-much-data.md}\n", ""),
                           ("  - {slug: language, file: content/language.md}\n", ""),
                           ("  splits: 200", "  splits: 2"), ("  sizes: 16", "  sizes: 2"),
                           ("datasets: [spam7, breast_cancer, pima, wine, iris, digits]", "datasets: [iris]")] {
            #expect(text.contains(old), "fixture text must be in lenses.yml: \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(to: yml, atomically: true, encoding: .utf8)
        return root
    }

    @Test("--help explains the build command")
    func help() throws {
        let r = try lenses(["--help"], in: Self.repoRoot)
        #expect(r.status == 0)
        #expect(r.stdout.contains("build"))
        let b = try lenses(["build", "--help"], in: Self.repoRoot)
        #expect(b.stdout.contains("--jobs") && b.stdout.contains("--out"))
    }

    @Test("build exits 0 and writes the site; a corrupt CSV exits non-zero with file and line and keeps the old site")
    func buildAndFail() throws {
        let root = try tempProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let ok = try lenses(["build", "--jobs", "2"], in: root)
        #expect(ok.status == 0, "stderr: \(ok.stderr)")
        #expect(ok.stderr.contains("Wrote"))
        let index = root.appendingPathComponent("site/index.html")
        let before = try Data(contentsOf: index)

        let csv = root.appendingPathComponent("data/iris.csv")
        let broken = try String(contentsOf: csv, encoding: .utf8) + "1.0,2.0,3.0\n"
        try broken.write(to: csv, atomically: true, encoding: .utf8)
        let bad = try lenses(["build"], in: root)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("error: data/iris.csv:152:4: row has 3 fields, expected 5"))
        #expect(!bad.stderr.contains("Fatal error"))
        #expect(try Data(contentsOf: index) == before)
    }

    @Test("Without Pagefind the build says so and succeeds, without a search index")
    func noPagefind() throws {
        let root = try tempProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let yml = root.appendingPathComponent("lenses.yml")
        let text = try String(contentsOf: yml, encoding: .utf8)
        let pages = try #require(text.range(of: "\npages:\n"))
        try (String(text[..<pages.upperBound]) + "  - {slug: index, file: content/index.md}\n  - {slug: search, file: content/search.md}\n")
            .write(to: yml, atomically: true, encoding: .utf8)
        let r = try lenses(["build", "--jobs", "2"], in: root, environment: ["LENSES_PAGEFIND": "none"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("Pagefind is not installed"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/search.html").path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("site/pagefind").path))
    }

    @Test("figure writes one figure as PDF, SVG or a 2× dark PNG, by job id or file name; --list names them")
    func figureCommand() throws {
        let root = try tempProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let yml = root.appendingPathComponent("lenses.yml")
        let text = try String(contentsOf: yml, encoding: .utf8)
        let pages = try #require(text.range(of: "\npages:\n"))
        try (String(text[..<pages.upperBound]) + "  - {slug: index, file: content/index.md}\n").write(to: yml, atomically: true, encoding: .utf8)
        let list = try lenses(["figure", "--list"], in: root)
        #expect(list.status == 0 && list.stdout.contains("render/two_moons/logistic_regression/map/pair\tfigures/two_moons--logistic_regression--map--pair.png"))
        let pdf = try lenses(["figure", "render/two_moons/logistic_regression/map/pair", "--out", "f.pdf"], in: root)
        #expect(pdf.status == 0, "stderr: \(pdf.stderr)")
        #expect(try Data(contentsOf: root.appendingPathComponent("f.pdf")).starts(with: Data("%PDF-".utf8)))
        let png = try lenses(["figure", "two_moons--logistic_regression--map--pair.png", "--dark", "--scale", "2", "--out", "f.png"], in: root)
        #expect(png.status == 0 && png.stdout.contains("map--pair-dark@2x.png"), "stderr: \(png.stderr)")
        let bad = try lenses(["figure", "nope", "--out", "f.svg"], in: root)
        #expect(bad.status != 0 && bad.stderr.contains("no figure named 'nope'"))
    }

    @Test("A bad --jobs value is refused with a message")
    func badJobs() throws {
        let r = try lenses(["build", "--jobs", "0"], in: Self.repoRoot)
        #expect(r.status != 0)
        #expect(r.stderr.contains("--jobs must be between 1 and 256"))
    }

    @Test("Running outside a project says what to do")
    func notAProject() throws {
        let r = try lenses(["build"], in: FileManager.default.temporaryDirectory)
        #expect(r.status != 0)
        #expect(r.stderr.contains("has no lenses.yml"))
    }
}

@Suite("lenses check")
struct CheckCommandTests {
    @Test("check reports every problem at once, each with its file and line")
    func manyProblems() throws {
        let t = CLITests()
        let root = try t.tempProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let good = try t.lenses(["check"], in: root)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("No problems found."))
        // Two independent problems: a broken CSV row and an unknown dataset on a page.
        let csv = root.appendingPathComponent("data/iris.csv")
        try (try String(contentsOf: csv, encoding: .utf8) + "1.0,2.0\n").write(to: csv, atomically: true, encoding: .utf8)
        let md = root.appendingPathComponent("content/two-lenses.md")
        try (try String(contentsOf: md, encoding: .utf8).replacingOccurrences(of: "@table iris", with: "@table irises"))
            .write(to: md, atomically: true, encoding: .utf8)
        let bad = try t.lenses(["check"], in: root)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("data/iris.csv:152:3: row has 2 fields, expected 5"))
        #expect(bad.stderr.contains("content/two-lenses.md:"))
        #expect(bad.stderr.contains("2 problems found."))
    }
}
