import Foundation
import Pipeline

/// Build progress on standard error: one updating line per stage on a terminal,
/// one plain line per job otherwise (CI logs, pipes).
final class Progress: @unchecked Sendable {
    private let interactive: Bool
    private let quiet: Bool
    private let lock = NSLock()
    private var perStage = [Job.Stage: Int]()
    private var donePerStage = [Job.Stage: Int]()
    private var secondsPerStage = [Job.Stage: Double]()
    private var lineOpen = false

    init(interactive: Bool, quiet: Bool = false) { self.interactive = interactive; self.quiet = quiet }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
    private func progressLine(_ s: String) { if !quiet { write(s) } }

    var handle: @Sendable (BuildEvent) -> Void { { [self] event in self.on(event) } }

    private func on(_ event: BuildEvent) {
        lock.lock(); defer { lock.unlock() }
        switch event {
        case .planned(let jobs, let stages, let reused):
            perStage = stages
            let parts = Job.Stage.allCases.compactMap { s in stages[s].map { "\($0) \(s.rawValue)" } }
            let reusedCount = reused.values.reduce(0, +)
            let cached = reusedCount > 0 ? "; \(reusedCount) served from the cache" : ""
            write(jobs == 0 ? "Nothing to redo: every figure and page is in the cache.\n"
                            : "Planned \(jobs) jobs to run: \(parts.joined(separator: ", "))\(cached)\n")
        case .finished(let f, let done, let total):
            donePerStage[f.stage, default: 0] += 1
            secondsPerStage[f.stage, default: 0] += f.seconds
            let n = donePerStage[f.stage]!, of = perStage[f.stage] ?? 0
            let ms = String(format: "%6.0f ms", f.seconds * 1000)
            if interactive {
                progressLine("\r\u{1B}[K\(pad(f.stage.rawValue)) \(n)/\(of)  \(f.id)")
                lineOpen = true
                if n == of {
                    progressLine("\r\u{1B}[K\(pad(f.stage.rawValue)) \(of)/\(of) done, \(String(format: "%.2f", secondsPerStage[f.stage]!)) s of job time\n")
                    lineOpen = false
                }
            } else {
                let width = String(total).count
                let counter = String(repeating: " ", count: width - String(done).count) + "\(done)/\(total)"
                progressLine("[\(counter)] \(pad(f.stage.rawValue)) \(ms)  \(f.id)\n")
            }
        case .written(let folder, let files):
            if lineOpen { write("\n"); lineOpen = false }
            write("Wrote \(files) files to \(folder)\n")
        }
    }

    private func pad(_ s: String) -> String { s.padding(toLength: 6, withPad: " ", startingAt: 0) }

    func summary(_ r: BuildReport, root: URL) {
        let render = Job.Stage.render.rawValue
        let figuresRedone = r.redonePerStage[render] ?? 0
        var line = "\(r.reusedPerStage[render] ?? 0) figures reused, \(figuresRedone) redone"
        if figuresRedone > 0 { line += " (the list is in .lenses/last-build.json)" }
        line += "; \(r.modelsTrained) models trained, \(r.redonePerStage[Job.Stage.page.rawValue] ?? 0) pages rendered."
        write(line + "\n")
        for note in r.notes { write("note: \(note)\n") }
        if !r.corruptCacheEntries.isEmpty {
            write("warning: \(r.corruptCacheEntries.count) damaged cache entries were found, discarded and recomputed.\n")
        }
        let stages = Job.Stage.allCases.compactMap { s in
            r.stageSeconds[s.rawValue].map { "\(s.rawValue) \(String(format: "%.2f", $0)) s" }
        }
        write("Done in \(String(format: "%.2f", r.wallSeconds)) s with \(r.parallelism) parallel jobs (job time: \(stages.joined(separator: ", "))).\n")
        write("Timings: \(root.appendingPathComponent(".lenses/last-build.json").path)\n")
    }

    func fail(_ error: Error) {
        lock.lock(); defer { lock.unlock() }
        if lineOpen { write("\n"); lineOpen = false }
        if let e = error as? JobError {
            write("error: \(e.underlying)\n  (in job \(e.job); the previous site, if any, is unchanged)\n")
        } else {
            write("error: \(error)\n  (nothing was written; the previous site, if any, is unchanged)\n")
        }
    }
}
