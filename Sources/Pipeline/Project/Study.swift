import Foundation
import Models
import Site

/// A study: everything one kind of computation brings to the site, declared in one place. The
/// planner knows studies only through this protocol and the registry (`Studies.all`); adding a
/// study is a folder under `Sources/Pipeline/Studies/` and one line there.
protocol Study {
    /// Its key in lenses.yml, where it has one.
    static var section: String? { get }
    /// Reads its section of lenses.yml into the spec (after the site's datasets and models are read);
    /// every value is checked here, once, with errors naming the file, line and fix.
    static func configure(_ field: Field, into spec: inout ProjectSpec) throws
    /// The `@directives` it offers pages.
    static var directives: [Directive] { get }
    /// Its templates (in `templates/`) and the names each one's data holds, checked against the
    /// project's templates before any work.
    static var templates: [String: Set<String>] { get }
    /// Adds the jobs that make what the pages asked of it (`Demand`), and nothing more.
    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws
    /// Its entries in metrics.json (top-level key → value), from the build's artifacts.
    static func metrics(_ artifacts: ArtifactStore) -> [String: any Encodable]
    /// What prose may quote of it (`{{value NAMESPACE.…}}`), if anything.
    static var quotes: Quotes? { get }
}

extension Study {
    static var section: String? { nil }
    static func configure(_ field: Field, into spec: inout ProjectSpec) throws {}
    static var templates: [String: Set<String>] { [:] }
    static func metrics(_ artifacts: ArtifactStore) -> [String: any Encodable] { [:] }
    static var quotes: Quotes? { nil }
}

/// The values a study offers `{{value}}` and `{{check}}`: paths `NAMESPACE.…`, each tied to the jobs
/// whose artifacts hold it, and those values flattened from its metrics.json entry.
struct Quotes: Sendable {
    let namespace: String
    /// The path's jobs and key, checked against lenses.yml.
    let path: @Sendable (QuotedPath) throws -> ReferencePath
    /// Every value the path's artifacts offer, by dotted key.
    let values: @Sendable (ReferencePath, ArtifactStore) -> [String: References.MetricValue]

    /// The values of one artifact type, from its job (the path's first).
    static func of<T: Artifact>(_ type: T.Type, _ entry: @escaping @Sendable (T) -> any Encodable) -> @Sendable (ReferencePath, ArtifactStore) -> [String: References.MetricValue] {
        { path, artifacts in
            guard let id = path.jobs.first, let a = artifacts[erased: id] as? T else { return [:] }
            return References.flatten(entry(a))
        }
    }
}

/// A `{{value}}` path being checked: its dotted parts, and errors that name the page and line.
struct QuotedPath {
    let parts: [String]
    let text: String
    let spec: ProjectSpec
    let fail: (String) -> ContentError

    /// At least `n` parts, none empty; else "write USAGE".
    func need(_ n: Int, _ usage: String) throws {
        guard parts.count >= n, !parts.contains(where: \.isEmpty) else { throw fail("'\(text)': write \(usage)") }
    }
    /// The parts from `from` on, joined again: the key below the job's entry.
    func rest(_ from: Int) -> String { parts[from...].joined(separator: ".") }

    /// `NAMESPACE.NAME.KEY`, NAME one of `known` (the names of a lenses.yml list), read from `job(NAME)`.
    func named(_ known: [String], _ job: (String) -> AnyJobID) throws -> ReferencePath {
        try need(3, "\(parts[0]).NAME.KEY")
        guard known.contains(parts[1]) else {
            throw fail("'\(text)': no \(parts[0]) study named '\(parts[1])' in lenses.yml; known: \(known.joined(separator: ", "))")
        }
        return ReferencePath(source: .study(section: parts[0], name: parts[1]), jobs: [job(parts[1])], key: rest(2), text: text)
    }
}

/// One `@name ARGUMENTS` line of a page: its usage (shown in errors and `lenses check`), and how
/// its arguments become blocks of the page. Errors come from `context.fail`, which names the
/// content file and line.
struct Directive: Sendable {
    let name: String
    let usage: String
    let resolve: @Sendable (_ arguments: [String], _ context: DirectiveContext) throws -> [any PageBlock]
}

/// What a study is asked for: typed values a directive (or a `{{value}}` reference) puts on its
/// page, each study planning the ones of its own types.
protocol Request: Hashable, Sendable {}

/// A part of a page made by a directive.
protocol PageBlock: Sendable {
    /// What the studies must plan for it.
    var requests: [any Request] { get }
    /// The jobs whose artifacts its HTML reads (the page job depends on them).
    var reads: [AnyJobID] { get }
    /// Completes the block once the page's other blocks are known (a scores table lists the models
    /// whose figures the page shows). Errors name the page's file and the directive's line.
    func completed(on page: [any PageBlock]) throws -> any PageBlock
    func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String
}

extension PageBlock {
    var requests: [any Request] { [] }
    func completed(on page: [any PageBlock]) throws -> any PageBlock { self }
}

/// What a directive may ask while it checks its arguments.
struct DirectiveContext {
    let spec: ProjectSpec
    let page: PageSpec
    let line: Int

    func fail(_ message: String) -> ContentError { ContentError(file: page.file, line: line, message) }

    /// A dataset of lenses.yml by name.
    func dataset(_ name: String) throws -> String {
        guard spec.dataset(name) != nil else {
            throw fail("unknown dataset '\(name)'; known: \(spec.datasets.map(\.name).joined(separator: ", "))")
        }
        return name
    }

    /// The dataset named by the first argument, or the page's own.
    func datasetArgument(_ args: [String], usage: String) throws -> String {
        if let first = args.first { return try dataset(first) }
        guard let ds = page.dataset else { throw fail("\(usage): name the dataset (this page has none of its own)") }
        return try dataset(ds)
    }

    /// A model instance of lenses.yml by name; `generative` when the figure needs p(x|y).
    func model(_ name: String, generative: Bool = false) throws -> String {
        guard let m = spec.model(name), let entry = ModelCatalogue.entry(m.kind) else {
            throw fail("unknown model '\(name)'; known: \(spec.models.map(\.name).joined(separator: ", ")) (the names under models: in lenses.yml)")
        }
        if generative && entry.lens != .generative {
            let what = m.isPlain ? "'\(name)'" : "'\(name)' (\(m.kind))"
            throw fail("\(what) is a discriminative model: it has no p(x|y), so it cannot be drawn this way; use a generative model")
        }
        return name
    }

    /// The one argument naming an entry of a lenses.yml section (a regression, a mixture, …);
    /// `usage` starts the error, which lists the known names.
    func entry<T>(_ arguments: [String], in items: [T], name: KeyPath<T, String>, usage: String) throws -> T {
        guard arguments.count == 1, let item = items.first(where: { $0[keyPath: name] == arguments[0] }) else {
            throw fail("\(usage); known: \(items.map { $0[keyPath: name] }.joined(separator: ", "))")
        }
        return item
    }
}

/// Everything the pages ask for, with the pages (slugs, in page order) that ask for each.
struct Demand {
    private var order = [any Request]()
    private var pagesOf = [AnyHashable: [String]]()

    mutating func add(_ request: any Request, page: String) {
        let key = AnyHashable(request)
        if pagesOf[key] == nil { order.append(request); pagesOf[key] = [] }
        if !pagesOf[key]!.contains(page) { pagesOf[key]!.append(page) }
    }

    /// The requests of one type, in the order pages first asked for them.
    func all<T: Request>(_ type: T.Type) -> [T] { order.compactMap { $0 as? T } }

    /// The pages that asked for a request.
    func pages<T: Request>(_ request: T) -> [String] { pagesOf[AnyHashable(request)] ?? [] }
}

/// What every study's planning shares: the project, and how figures and data are keyed.
struct PlanContext {
    let spec: ProjectSpec
    /// Threads one long job may use (the language study); results do not depend on it.
    let parallelism: Int
    var seed: UInt64 { spec.seed }
    var figures: FigureSettings { spec.figures }
    /// The figure file formats, as a key input.
    var formats: String { spec.figures.formats.map(\.rawValue).joined(separator: ",") }
    /// Figure settings that shape a study's numbers.
    var figureInputs: [String: String] {
        ["width": "\(figures.width)", "height": "\(figures.height)", "grid": "\(figures.grid)",
         "samples": "\(figures.samples)", "contour_draws": "\(figures.contourDraws)"]
    }
    /// Render jobs also depend on the file formats; the studies they draw from do not.
    var renderInputs: [String: String] { figureInputs.merging(["formats": formats]) { a, _ in a } }

    /// A study's settings as a key input (JSON with sorted keys).
    func encoded<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The bytes of a project data file, or an error naming it.
    func bytes(_ file: String, for what: String) throws -> Data {
        guard let d = FileManager.default.contents(atPath: spec.root.appendingPathComponent(file).path) else {
            throw PipelineError("\(file): data file for \(what) not found (or not a readable file)")
        }
        return d
    }
}

/// The job graph as studies add to it: every job with its key, so a later job can fold in the
/// keys of the jobs it reads.
struct JobGraph {
    private(set) var jobs = [Job]()
    private(set) var keys = [AnyJobID: JobKey]()

    mutating func add(_ job: Job) {
        precondition(keys[job.id] == nil, "job \(job.id) planned twice")
        jobs.append(job); keys[job.id] = job.key
    }

    func key<T: Artifact>(_ id: JobID<T>) -> JobKey { keys[id.erased]! }
    func key(_ id: AnyJobID) -> JobKey { keys[id]! }
}
