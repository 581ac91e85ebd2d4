import Foundation
import Pipeline

/// `lenses serve`: build, serve on 127.0.0.1, watch the inputs, rebuild what
/// changed (through the cache) and let open pages reload themselves.
public final class PreviewSession: Sendable {
    public let root: URL
    public let output: URL
    public let parallelism: Int
    public let status = BuildStatus()
    let log: @Sendable (String) -> Void

    public init(root: URL, output: URL, parallelism: Int, log: @escaping @Sendable (String) -> Void) {
        self.root = root; self.output = output; self.parallelism = parallelism; self.log = log
    }

    /// Builds once; a failure is shown in the terminal and on the open pages, and the previous site keeps being served.
    public func rebuild() async {
        do {
            let spec = try ConfigLoader.load(root: root)
            let report = try await SiteBuilder.build(spec, options: BuildOptions(output: output, parallelism: parallelism))
            let figures = report.redonePerStage[Job.Stage.render.rawValue] ?? 0
            let pages = report.redonePerStage[Job.Stage.page.rawValue] ?? 0
            log("built in \(String(format: "%.2f", report.wallSeconds)) s: \(report.modelsTrained) models trained, \(figures) figures and \(pages) pages redone, \(report.reused.count) reused")
            await status.succeeded()
        } catch {
            let message = (error as? JobError).map { "\($0.underlying)" } ?? "\(error)"
            log("error: \(message)\n  (still serving the previous site)")
            await status.failed(message)
        }
    }

    /// Runs until the task is cancelled. `onListening` receives the port.
    public func run(port: UInt16, poll: Duration = .milliseconds(400), onListening: @Sendable (UInt16) -> Void = { _ in }) async throws {
        await rebuild()
        let server = try PreviewServer(siteFolder: output, port: port, status: status)
        try await server.start()
        let actual = await server.port() ?? port
        onListening(actual)
        let watcher = Watcher(root: root)
        var signature = watcher.signature()
        defer { Task { await server.stop() } }
        while !Task.isCancelled {
            try await Task.sleep(for: poll)
            let now = watcher.signature()
            let changed = Watcher.changes(signature, now)
            guard !changed.isEmpty else { continue }
            signature = now
            log("changed: \(changed.prefix(5).joined(separator: ", "))\(changed.count > 5 ? ", …" : "")")
            await rebuild()
        }
        await server.stop()
    }
}
