import Foundation
import Site

/// `lenses check`: validates the configuration, every data file, every content
/// page and the templates without training or writing anything, and reports
/// every problem found — not just the first.
public enum ProjectCheck {
    public struct Result: Sendable {
        public var problems: [String]
        public var checked: [String]
    }

    public static func run(root: URL) -> Result {
        var problems = [String](), checked = [String]()
        let spec: ProjectSpec
        do {
            spec = try ConfigLoader.load(root: root)
            checked.append("\(ConfigLoader.fileName): \(counted(spec.datasets.count, "dataset")), \(counted(spec.models.count, "model")), \(counted(spec.pages.count, "page"))")
        } catch {
            // Without a valid configuration nothing else can be checked against it.
            return Result(problems: ["\(error)"], checked: checked)
        }
        do {
            let theme = try Theme.load(root: root)
            let t = theme.templates
            let own = theme.overridden.isEmpty ? "the built-in theme" : "the built-in theme, with the project's own \(theme.overridden.map { "\($0).mustache" }.joined(separator: ", "))"
            checked.append("templates: \(t.names.count) templates (\(BuiltinFiles.root == nil ? "the project's own" : own))")
            // A template that uses a variable lenses does not give it (a project's override written for
            // another version of the theme, or a typo) is named with its line.
            problems += t.variableProblems(StudyRegistry.vocabulary(StudyRegistry.all)).map { "\($0)" }
        } catch { problems.append("\(error)") }

        // Every dataset's rows, each on its own so one broken file does not hide another.
        for ds in spec.datasets {
            do {
                let d = try ProjectData.load(ds.name, spec: spec)
                var line = "dataset \(ds.name): \(d.dataset.count) rows, \(d.dataset.classCount) classes"
                if d.dataset.droppedRows > 0 { line += ", \(d.dataset.droppedRows) rows with missing values dropped" }
                checked.append(line)   // (one class only is refused by DatasetLoader, as in a build)
            } catch { problems.append("\(error)") }
        }
        // Every page on its own.
        for page in spec.pages {
            do {
                let url = root.appendingPathComponent(page.file)
                guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                    throw PipelineError("\(page.file): content file not found or not UTF-8 text")
                }
                let doc = try ContentDocument.parse(text, file: page.file)
                _ = try Planner.resolve(page, doc, contentHash: "", spec: spec)
                checked.append("page \(page.slug): \(page.file)")
            } catch { problems.append("\(error)") }
        }
        // Finally the whole plan (templates present, settings valid) if the parts passed.
        if problems.isEmpty {
            do { checked.append("build plan: \(try Planner.plan(spec).jobs.count) jobs") } catch { problems.append("\(error)") }
        }
        var seen = Set<String>()
        return Result(problems: problems.filter { seen.insert($0).inserted }, checked: checked)
    }
}

/// "1 page", "3 pages".
func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
