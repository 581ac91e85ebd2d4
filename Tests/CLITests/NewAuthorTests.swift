import Foundation
import Testing

/// What a new author does, step by step, with the real binary: init, build, own CSV with two
/// models of one kind on a new page, rebuild, override a template, check, publish.
@Suite("A new author's first project")
struct NewAuthorTests {
    let cli = CLITests()

    func redone(_ root: URL) throws -> [String] {
        let data = try Data(contentsOf: root.appendingPathComponent(".lenses/last-build.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(json["redone"] as? [String])
    }

    func write(_ text: String, _ path: String, in root: URL) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("init → build → own CSV and page → rebuild redoes only the new work → own template → check → publish")
    func firstProject() throws {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("lenses-author-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: base) }
        let root = base.appendingPathComponent("my-site")

        let version = try cli.lenses(["--version"], in: fm.temporaryDirectory)
        #expect(version.status == 0 && version.stdout.hasPrefix("lenses 0.") && version.stdout.contains("commit"), "\(version)")

        // 1. init into a new folder; a second init into it is refused.
        try fm.createDirectory(at: base, withIntermediateDirectories: true)
        let initRun = try cli.lenses(["init", "my-site"], in: base)
        #expect(initRun.status == 0, "\(initRun.stderr)")
        #expect(initRun.stdout.contains("Created a minimal TwoLenses project"))
        #expect(initRun.stdout.contains("cd my-site && lenses build") && initRun.stdout.contains("lenses serve")
                && initRun.stdout.contains("lenses publish --to"), "\(initRun.stdout)")
        #expect(fm.fileExists(atPath: root.appendingPathComponent("lenses.yml").path))
        #expect(!fm.fileExists(atPath: root.appendingPathComponent("templates").path), "templates come from the built-in theme")
        let again = try cli.lenses(["init", "my-site"], in: base)
        #expect(again.status == 1 && again.stderr.contains("is not empty") && again.stderr.contains("--force"), "\(again)")
        #expect(try cli.lenses(["init", "my-site", "--template", "huge"], in: base).status != 0)

        // Debug builds are slow: the tests draw small figures (the starter's are bigger).
        let yml = root.appendingPathComponent("lenses.yml")
        var config = try String(contentsOf: yml, encoding: .utf8)
        let figures = try #require(config.split(separator: "\n").first { $0.hasPrefix("figures:") })
        config = config.replacingOccurrences(of: String(figures),
            with: "figures: {width: 320, height: 240, pair_width: 320, pair_height: 240, grid: 20, samples: 20, contour_draws: 200}")
        config = config.replacingOccurrences(of: "n: 300", with: "n: 60")
        try config.write(to: yml, atomically: true, encoding: .utf8)

        // 2. build: no warning, no note.
        let first = try cli.lenses(["build", "--jobs", "2"], in: root)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("Wrote") && !first.stderr.contains("warning") && !first.stderr.contains("note:"), "\(first.stderr)")
        #expect(fm.fileExists(atPath: root.appendingPathComponent("site/figures/moons--logistic_regression--map--pair.png").path))
        #expect(fm.fileExists(atPath: root.appendingPathComponent("site/assets/style.css").path))

        // 3. Own CSV (two rows with a missing value) with a misspelt label: the error names lenses.yml's line and the CSV.
        var csv = "x1,x2,kind\n"
        for i in 0..<40 {
            let a = Double(i % 10) / 3, b = Double((i * 7) % 11) / 4
            csv += i == 3 ? "NA,1.0,\(i % 2 == 0 ? "red" : "blue")\n" : i == 8 ? "2.0,,red\n" : String(format: "%.3f,%.3f,%@\n", a + (i % 2 == 0 ? 2 : 0), b, i % 2 == 0 ? "red" : "blue")
        }
        try write(csv, "data/mine.csv", in: root)
        let siteBefore = try Data(contentsOf: root.appendingPathComponent("site/index.html"))
        var own = config.replacingOccurrences(of: "  - {name: moons", with: "  - {name: mine, title: My data, file: data/mine.csv, label: species}\n  - {name: moons")
        own = own.replacingOccurrences(of: "models:\n", with: "models:\n  strong: {kind: logistic_regression, C: 0.01}\n  weak: {kind: logistic_regression, C: 100}\n")
        own = own.replacingOccurrences(of: "pages:\n  - {slug: index, file: content/index.md}\n",
                                       with: "pages:\n  - {slug: index, file: content/index.md}\n  - {slug: mine, file: content/mine.md}\n")
        try own.write(to: yml, atomically: true, encoding: .utf8)
        try write("---\ntitle: My data\n---\nTwo penalties, one model:\n\n@pair mine strong weak\n\n@table mine\n", "content/mine.md", in: root)
        let missing = try cli.lenses(["build"], in: root)
        let labelLine = own.components(separatedBy: "\n").firstIndex { $0.contains("label: species") }! + 1
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("error: lenses.yml:\(labelLine): datasets[0].label: no label column named 'species' in data/mine.csv; the header has 'x1', 'x2', 'kind'"), "\(missing.stderr)")
        #expect(try Data(contentsOf: root.appendingPathComponent("site/index.html")) == siteBefore, "a failed build leaves the site alone")

        // 4. Fixed: the rebuild redoes only the new dataset's work and the pages (the nav changed).
        own = own.replacingOccurrences(of: "label: species", with: "label: kind")
        try own.write(to: yml, atomically: true, encoding: .utf8)
        let second = try cli.lenses(["build", "--jobs", "2"], in: root)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("note: dataset 'mine' (data/mine.csv): 2 rows with missing values (NA or empty) were dropped; 38 remain"), "\(second.stderr)")
        let newWork = try redone(root)
        #expect(Set(newWork) == ["data/mine", "train/mine/strong", "train/mine/weak", "render/mine/strong/map/pair",
                                "render/mine/weak/map/pair", "page/index", "page/mine"], "\(newWork)")
        let page = try String(contentsOf: root.appendingPathComponent("site/mine.html"), encoding: .utf8)
        #expect(page.contains("Logistic regression “strong” (C=0.01)") && page.contains("Logistic regression “weak” (C=100)"))
        #expect(fm.fileExists(atPath: root.appendingPathComponent("site/figures/mine--weak--map--pair.png").path))

        // 5. Own template: a copy of the built-in table with a line of its own replaces it; only pages are redone.
        let builtinTable = try String(contentsOf: CLITests.repoRoot.appendingPathComponent("templates/table.mustache"), encoding: .utf8)
        try write(builtinTable + "<p class=\"mine\">Scores from my own table template.</p>\n", "templates/table.mustache", in: root)
        let third = try cli.lenses(["build", "--jobs", "2"], in: root)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(Set(try redone(root)) == ["page/index", "page/mine"])
        #expect(try String(contentsOf: root.appendingPathComponent("site/mine.html"), encoding: .utf8).contains("Scores from my own table template."))

        // 6. A template using a variable lenses does not give it: check names the file and line.
        try write(builtinTable + "<p>{{accuracy_mean}}</p>\n", "templates/table.mustache", in: root)
        let check = try cli.lenses(["check"], in: root)
        let badLine = builtinTable.components(separatedBy: "\n").count
        #expect(check.status == 1)
        #expect(check.stderr.contains("error: templates/table.mustache:\(badLine): unknown variable 'accuracy_mean'; lenses gives table.mustache only:"), "\(check.stderr)")
        try write(builtinTable + "<p class=\"mine\">Scores from my own table template.</p>\n", "templates/table.mustache", in: root)
        let fine = try cli.lenses(["check"], in: root)
        #expect(fine.status == 0 && fine.stdout.contains("with the project's own table.mustache"), "\(fine)")

        // 7. publish to a folder: the same bytes as site/.
        let published = base.appendingPathComponent("public")
        let pub = try cli.lenses(["publish", "--to", published.path], in: root)
        #expect(pub.status == 0, "\(pub.stderr)")
        #expect(pub.stdout.contains("Published to \(published.path)"))
        #expect(try Data(contentsOf: published.appendingPathComponent("mine.html")) == Data(contentsOf: root.appendingPathComponent("site/mine.html")))
    }

    @Test("init --template full writes this site's content, data and lenses.yml (no templates) and it checks clean; --force keeps other files")
    func fullTemplate() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("lenses-full-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: root.appendingPathComponent("notes.txt"))
        try Data("*.tmp\nsite/".utf8).write(to: root.appendingPathComponent(".gitignore"))
        let refused = try cli.lenses(["init", ".", "--template", "full"], in: root)
        #expect(refused.status == 1 && refused.stderr.contains("notes.txt"), "\(refused)")
        let made = try cli.lenses(["init", ".", "--template", "full", "--force"], in: root)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("\n  lenses build"), "no cd for the current folder: \(made.stdout)")
        for file in ["lenses.yml", "content/index.md", "data/iris.csv", "data/SOURCES.md"] {
            #expect(try Data(contentsOf: root.appendingPathComponent(file)) == Data(contentsOf: CLITests.repoRoot.appendingPathComponent(file)), "\(file)")
        }
        #expect(!fm.fileExists(atPath: root.appendingPathComponent("templates").path))
        #expect(try String(contentsOf: root.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine\n")
        #expect(try String(contentsOf: root.appendingPathComponent(".gitignore"), encoding: .utf8) == "*.tmp\nsite/\n.lenses/\n")
        let check = try cli.lenses(["check"], in: root)
        #expect(check.status == 0 && check.stdout.contains("No problems found.") && check.stdout.contains("(the built-in theme)"), "\(check)")
    }
}
