import ArgumentParser
import Foundation
import Pipeline
import Preview

@main
struct Lenses: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lenses",
        abstract: "Build the TwoLenses site: discriminative vs generative models, proved with figures from models it trains.",
        discussion: """
        Start a project with `lenses init DIR`, then run the other commands from its folder
        (the one with lenses.yml, content/ and data/; templates/ only for your own templates).
        `lenses build` trains every model the pages show, renders each figure with
        Cairo, fills the templates and writes a static site that works offline.
        The same inputs always give the same bytes, whatever --jobs is.
        """,
        version: versionText,
        subcommands: [Init.self, Build.self, Serve.self, Publish.self, Check.self, Claims.self, Clean.self, Figure.self, ExportSplits.self],
        defaultSubcommand: nil)
}

/// `lenses --version`: the version and the commit it was built from.
let versionText = "lenses \(BuildInfo.codeVersion) (commit \(buildCommit ?? "unknown: not built by scripts/install"))"

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a new project: a lenses.yml, a page and (for --template full) this site's data.",
        discussion: """
        minimal: one generated dataset, two models (one per lens) and one page that shows
        them side by side; its first build takes seconds.
        full: the TwoLenses site itself — its pages, datasets and lenses.yml.
        Templates are not copied: the built-in theme is used, and a file you put in
        templates/ (e.g. templates/layout.mustache or templates/assets/style.css)
        replaces the built-in one of that name.
        """)

    @Argument(help: ArgumentHelp("The folder to create the project in (default: the current folder).", valueName: "dir"))
    var directory: String = "."

    @Option(name: .long, help: ArgumentHelp("minimal or full.", valueName: "name"))
    var template: String = "minimal"

    @Flag(name: .long, help: "Write into a folder that is not empty (the starter's own files are overwritten, others left alone).")
    var force = false

    func validate() throws {
        guard Starter.Template(rawValue: template) != nil else {
            throw ValidationError("--template must be one of: \(Starter.Template.allCases.map(\.rawValue).joined(separator: ", ")), got '\(template)'")
        }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        let kind = Starter.Template(rawValue: template)!
        let files: [String]
        do { files = try Starter.create(kind, in: folder, force: force) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print("Created a \(kind.rawValue) TwoLenses project in \(folder.path) (\(files.count) files).")
        let here = folder.path == FileManager.default.currentDirectoryPath
        let cd = here ? "" : "cd \(shellQuoted(directory)) && "
        let next = [("\(cd)lenses build", "train the models, draw the figures, write site/"),
                    ("lenses serve", "preview on http://127.0.0.1:8000/, rebuilt on every change"),
                    ("lenses publish --to ../public", "copy the finished site to a folder (or --branch gh-pages)")]
        let width = next.map(\.0.count).max()! + 2
        print("Next:")
        for (command, what) in next { print("  " + command.padding(toLength: width, withPad: " ", startingAt: 0) + "# " + what) }
    }

    private func shellQuoted(_ s: String) -> String {
        s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./~".contains($0) }) ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

struct ProjectOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project folder (holds lenses.yml, content/, templates/, data/).", valueName: "dir"))
    var project: String = "."

    func root() throws -> URL {
        let url = URL(fileURLWithPath: project, isDirectory: true).standardizedFileURL
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent(ConfigLoader.fileName).path) else {
            throw ValidationError("\(url.path) has no \(ConfigLoader.fileName): run lenses from the project folder or pass --project DIR")
        }
        return url
    }
}

struct Build: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the models, render the figures and write the site.",
        discussion: """
        Only what changed is redone: every job (load a dataset, train a model, draw a
        figure, render a page) has a key — a SHA-256 of its inputs: data bytes, model
        kind and settings, seed, figure settings, content and templates, and the
        lenses binary itself — and its result is kept in .lenses/cache/. A rebuild
        with nothing changed trains and draws nothing.

        The site is built in a temporary folder beside --out and swapped in only
        when complete: a failed build leaves the previous site exactly as it was.
        Timings go to .lenses/last-build.json in the project, never into the site.
        """)

    @OptionGroup var project: ProjectOptions

    @Option(name: .long, help: ArgumentHelp("Where to write the site (default: site/ in the project).", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("How many jobs to run at once (default: the number of cores). The output does not depend on it.", valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: "Ignore the cache: retrain and redraw everything (results are still stored in the cache).")
    var force = false

    @Flag(name: .long, help: "Neither read nor write the cache in .lenses/cache/.")
    var noCache = false

    func validate() throws {
        guard jobs >= 1 && jobs <= 256 else { throw ValidationError("--jobs must be between 1 and 256, got \(jobs)") }
    }

    func run() async throws {
        let root = try project.root()
        let output = out.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? root.appendingPathComponent("site")
        let progress = Progress(interactive: isatty(STDERR_FILENO) == 1)
        do {
            let report = try await SiteBuilder.build(try ConfigLoader.load(root: root),
                                                     options: BuildOptions(output: output, parallelism: jobs, useCache: !noCache,
                                                                                   force: force, report: progress.handle))
            progress.summary(report, root: root)
        } catch {
            progress.fail(error)
            throw ExitCode(1)
        }
    }
}

struct Claims: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every claim the pages check against this build, true or false.",
        discussion: """
        A sentence whose truth depends on the results carries its condition beside
        it in the Markdown, {{check fit.circles.qda.accuracy >= fit.circles.random_forest.accuracy}};
        numbers come from the build with {{value PATH [FORMAT]}}. `lenses build` fails
        on a false claim unless its page says `draft: true`. This command builds
        through the cache (writing no site) and prints each claim — file:line, true or
        FALSE, the condition and the values it read — and exits non-zero if one is false.
        """)

    @OptionGroup var project: ProjectOptions

    @Option(name: .long, help: ArgumentHelp("How many jobs to run at once (default: the number of cores).", valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        let root = try project.root()
        let progress = Progress(interactive: false, quiet: true)
        var options = BuildOptions(output: root.appendingPathComponent("site"), parallelism: jobs, report: progress.handle)
        options.failOnFalseClaims = false
        options.writeSite = false
        let report: BuildReport
        do {
            report = try await SiteBuilder.build(try ConfigLoader.load(root: root), options: options)
        } catch {
            progress.fail(error)
            throw ExitCode(1)
        }
        for c in report.claims { print(c.description + (c.draft && !c.holds ? "   (draft page)" : "")) }
        let falseCount = report.claims.filter { !$0.holds }.count
        print("\(report.claims.count) claim\(report.claims.count == 1 ? "" : "s") checked, \(falseCount) false")
        if falseCount > 0 { throw ExitCode(1) }
    }
}

struct ExportSplits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-splits",
        abstract: "Write every dataset's train/test rows as JSON (for reference fixtures).",
        discussion: "A developer tool: tools/make_fixtures.py runs it so scikit-learn sees exactly the rows lenses trains and tests on.")

    @OptionGroup var project: ProjectOptions

    @Option(name: .long, help: ArgumentHelp("Folder to write <dataset>.json files into.", valueName: "dir"))
    var out: String

    func run() throws {
        let root = try project.root()
        for path in try ProjectData.exportSplits(spec: try ConfigLoader.load(root: root), to: URL(fileURLWithPath: out)) {
            print(path)
        }
    }
}

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove the build cache (.lenses/cache/); the next build redoes everything.")

    @OptionGroup var project: ProjectOptions

    func run() throws {
        let root = try project.root()
        let removed = try BuildCache(root: root).clear()
        print("Removed \(removed) cache entries from \(root.appendingPathComponent(".lenses/cache").path)")
    }
}

struct Figure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one figure of the site to a file: PNG (1× or 2×, light or dark), SVG or PDF.",
        discussion: """
        Names a figure by its render job, as `lenses figure --list` prints them
        (e.g. render/two_moons/logistic_regression/map/pair), or by its file name on
        the site (two_moons--logistic_regression--map--pair.png). Only that figure and
        what it needs are trained and drawn; results come from and go to the build
        cache like a build's. The format follows the extension of --out.
        """)

    @OptionGroup var project: ProjectOptions

    @Argument(help: ArgumentHelp("The figure: its render job or its file name.", valueName: "figure"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("The file to write: .png, .svg or .pdf.", valueName: "file"))
    var out: String?

    @Flag(name: .long, help: "The dark theme (PNG only).")
    var dark = false

    @Option(name: .long, help: ArgumentHelp("Pixel density of a PNG: 1 or 2.", valueName: "n"))
    var scale: Int = 1

    @Flag(name: .long, help: "List the figures of the site (render jobs and file names) and exit.")
    var list = false

    func run() async throws {
        let spec = try ConfigLoader.load(root: try project.root())
        if list {
            for (id, file) in try SiteBuilder.figureNames(spec) { print("\(id)\t\(file)") }
            return
        }
        guard let name, let out else { throw ValidationError("name a figure and --out FILE (lenses figure --list shows the figures)") }
        guard scale == 1 || scale == 2 else { throw ValidationError("--scale is 1 or 2") }
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard ["png", "svg", "pdf"].contains(ext) else { throw ValidationError("--out must end in .png, .svg or .pdf, got '\(out)'") }
        guard ext == "png" || (!dark && scale == 1) else { throw ValidationError("--dark and --scale apply to PNG files only") }
        let figure = try await SiteBuilder.figure(spec, named: name)
        let suffix = ext == "png" ? "\(dark ? "-dark" : "")\(scale == 2 ? "@2x" : "").png" : ".\(ext)"
        guard let path = figure.file(suffix), let data = figure.allFiles[path] else {
            throw ValidationError("the figure has no \(suffix) file")
        }
        try data.write(to: URL(fileURLWithPath: out))
        print("Wrote \(out) (\(data.count) bytes) from \(path)")
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check lenses.yml, the data files, the content pages and the templates without building.",
        discussion: "Reports every problem found, each with its file and line, and exits non-zero if there is any.")

    @OptionGroup var project: ProjectOptions

    func run() throws {
        let root = try project.root()
        let result = ProjectCheck.run(root: root)
        for line in result.checked { print("ok  \(line)") }
        if result.problems.isEmpty {
            print("No problems found.")
            return
        }
        for p in result.problems { FileHandle.standardError.write(Data("error: \(p)\n".utf8)) }
        FileHandle.standardError.write(Data("\(result.problems.count) problem\(result.problems.count == 1 ? "" : "s") found.\n".utf8))
        throw ExitCode(1)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build, serve the site on 127.0.0.1, rebuild on every change and reload open pages.",
        discussion: """
        Watches lenses.yml, content/, templates/ and data/. Each change rebuilds
        through the cache, so only what changed is redone; open pages reload by
        themselves (a small script added only while serving, never in the built
        site). A failed build is shown on the page and the previous site stays up.
        Only this machine can connect (127.0.0.1). Stop with Ctrl-C.
        """)

    @OptionGroup var project: ProjectOptions

    @Option(name: .long, help: ArgumentHelp("Port on 127.0.0.1 (0 picks a free one).", valueName: "n"))
    var port: Int = 8000

    @Option(name: .long, help: ArgumentHelp("Parallel jobs per rebuild.", valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard jobs >= 1 && jobs <= 256 else { throw ValidationError("--jobs must be between 1 and 256, got \(jobs)") }
    }

    func run() async throws {
        let root = try project.root()
        let session = PreviewSession(root: root, output: root.appendingPathComponent("site"), parallelism: jobs) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        do {
            try await session.run(port: UInt16(port)) { actual in
                FileHandle.standardError.write(Data("Serving http://127.0.0.1:\(actual)/ (watching lenses.yml, content/, templates/, data/; Ctrl-C stops)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("error: cannot serve on 127.0.0.1:\(port): \(error)\n  (is the port in use? try --port 0)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the site and publish it to a folder or to a git branch (e.g. gh-pages).",
        discussion: """
        --to DIR copies the built site to DIR, byte for byte.
        --branch NAME commits it to that branch of the git repository around the
        project, through a temporary git worktree: your working tree and other
        branches are not touched. A .nojekyll file is added for GitHub Pages.
        Every link in the site is relative, so it works under any sub-path;
        --base-url /repo/ checks that this holds for your templates too.
        """)

    @OptionGroup var project: ProjectOptions

    @Option(name: .long, help: ArgumentHelp("Copy the built site to this folder.", valueName: "dir"))
    var to: String?

    @Option(name: .long, help: ArgumentHelp("Commit the built site to this branch (created if new).", valueName: "name"))
    var branch: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("The sub-path the site will be served under, e.g. /my-repo/.", valueName: "path"))
    var baseURL: String?

    func validate() throws {
        guard (to == nil) != (branch == nil) else { throw ValidationError("give exactly one of --to DIR or --branch NAME") }
    }

    func run() async throws {
        let root = try project.root()
        let site = root.appendingPathComponent("site")
        let progress = Progress(interactive: false, quiet: true)
        do {
            _ = try await SiteBuilder.build(try ConfigLoader.load(root: root),
                                            options: BuildOptions(output: site, report: progress.handle))
            if let baseURL { try Publisher.checkBaseURL(baseURL, site: site) }
            if let to {
                let dest = URL(fileURLWithPath: to).standardizedFileURL
                try Publisher.toFolder(site: site, destination: dest)
                print("Published to \(dest.path)")
            } else if let branch {
                if let commit = try Publisher.toBranch(site: site, branch: branch, repository: root) {
                    print("Published to branch \(branch) (commit \(commit.prefix(12)))")
                } else {
                    print("Branch \(branch) already holds this site; nothing to commit")
                }
            }
        } catch {
            progress.fail(error)
            throw ExitCode(1)
        }
    }
}
