import ArgumentParser
import Foundation
import Pipeline

@main
struct Lenses: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lenses",
        abstract: "Build the TwoLenses site: discriminative vs generative models, proved with figures from models it trains.",
        discussion: """
        Run from the project folder (the one with lenses.yml, content/, templates/ and data/).
        `lenses build` trains every model the pages show, renders each figure with
        Cairo, fills the templates and writes a static site that works offline.
        The same inputs always give the same bytes, whatever --jobs is.
        """,
        version: BuildInfo.codeVersion,
        subcommands: [Build.self, Check.self, Clean.self, ExportSplits.self],
        defaultSubcommand: nil)
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
