import Foundation
import Site

/// The files `lenses` ships besides its executable: the built-in theme (`templates/`: the Mustache
/// templates and `assets/`) and the `full` starter project (`content/`, `data/`, `lenses.yml`).
///
/// They are not compiled into the executable: SwiftPM can only embed files that live inside a
/// target's own folder, and the theme's source stays in the repository's `templates/`. Instead
/// `scripts/install` copies them to `PREFIX/share/lenses/` beside `PREFIX/bin/lenses`, and a build
/// that was not installed uses the source checkout it was compiled from.
public enum BuiltinFiles {
    /// Where they are looked for: `$LENSES_SHARE` alone when it is set; otherwise `../share/lenses`
    /// next to the executable (an installed `lenses`), then the source checkout (a development build).
    public static var candidates: [URL] {
        var out = [URL]()
        if let env = ProcessInfo.processInfo.environment["LENSES_SHARE"], !env.isEmpty { return [URL(fileURLWithPath: env)] }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        out.append(URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("share/lenses"))
        // The checkout this file was built from: the first folder above it with a Package.swift.
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        out.append(folder)
        return out
    }

    /// The first candidate that holds the theme, or nil.
    public static let root: URL? = candidates.first {
        FileManager.default.fileExists(atPath: $0.appendingPathComponent("templates/layout.mustache").path)
    }

    /// Why there is no built-in theme, naming where it was looked for.
    static var missing: String {
        "the built-in theme was not found (looked in \(candidates.map(\.path).joined(separator: ", "))); install lenses with scripts/install, or set LENSES_SHARE to the folder holding its templates/"
    }
}

/// The templates and assets a project builds with: the built-in theme, with the project's own
/// `templates/NAME.mustache` and `templates/assets/FILE` replacing it file by file.
struct Theme {
    let templates: TemplateSet
    /// Site path (`assets/style.css`) → bytes.
    let assets: [String: Data]
    /// SHA-256 over every effective file's relative path and bytes (the page jobs' `templates` input).
    let digest: String
    /// Templates the project overrides or adds.
    let overridden: [String]

    static let required = ["layout", "figure", "pair", "table", "bayes", "regression", "mixture", "search", "casestudy",
                           "scoreboard", "judging", "curves"]

    static func load(root: URL) throws -> Theme {
        let fm = FileManager.default
        let project = root.appendingPathComponent("templates")
        var isDir: ObjCBool = false
        let hasOwn = fm.fileExists(atPath: project.path, isDirectory: &isDir) && isDir.boolValue
        var layers = [(folder: URL, display: String)]()
        if let builtin = BuiltinFiles.root {
            layers.append((builtin.appendingPathComponent("templates"), "built-in theme \(builtin.appendingPathComponent("templates").path)"))
        } else if !hasOwn {
            throw PipelineError("templates/: the project has no templates/ folder and \(BuiltinFiles.missing)")
        }
        if hasOwn { layers.append((project, "templates")) }
        let templates = try TemplateSet.load(layers: layers)
        for needed in required where !templates.names.contains(needed) {
            throw PipelineError("templates/\(needed).mustache is missing; the site needs it (\(BuiltinFiles.root == nil ? BuiltinFiles.missing : "the built-in theme has none either"))")
        }
        // Every file of every layer, a later layer's file replacing an earlier one's.
        var hashes = [String: String](), assets = [String: Data]()
        for layer in layers {
            let folder = layer.folder
            for p in fm.enumerator(atPath: folder.path)?.compactMap({ $0 as? String }) ?? [] {
                var dir: ObjCBool = false
                let full = folder.appendingPathComponent(p).path
                if fm.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue, let d = fm.contents(atPath: full) {
                    hashes[p] = JobKey.hash(d)
                }
            }
            // Static assets: the files directly under assets/, copied as they are.
            let assetFolder = folder.appendingPathComponent("assets")
            for name in (try? fm.contentsOfDirectory(atPath: assetFolder.path)) ?? [] where !name.hasPrefix(".") {
                if let d = fm.contents(atPath: assetFolder.appendingPathComponent(name).path) { assets["assets/\(name)"] = d }
            }
        }
        let text = hashes.keys.sorted().map { "\($0)=\(hashes[$0]!)\n" }.joined()
        let overridden = hasOwn ? templates.origins.filter { $0.value.hasPrefix("templates/") }.keys.sorted() : []
        return Theme(templates: templates, assets: assets, digest: JobKey.hash(Data(text.utf8)), overridden: overridden)
    }
}
