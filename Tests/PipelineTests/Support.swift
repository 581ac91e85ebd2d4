import Foundation
@testable import Pipeline

/// A throw-away copy of the project (templates, content, data) in a temporary folder.
struct TempProject {
    let root: URL

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    init() throws {
        let fm = FileManager.default
        root = fm.temporaryDirectory.appendingPathComponent("lenses-test-\(UUID().uuidString)")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        for item in ["templates", "content", "data", "lenses.yml"] {
            try fm.copyItem(at: Self.repoRoot.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
    }

    /// The standard project restricted to its first pages, so the debug-build tests
    /// stay fast; CI also builds the whole site in release (scripts/check-site).
    var spec: ProjectSpec {
        var s = try! ConfigLoader.load(root: root)
        s.pages = s.pages.filter { ["index", "two-lenses", "bayes-flip"].contains($0.slug) }
        return s
    }

    func build(to out: String = "site", jobs: Int = 2) async throws -> URL {
        let url = root.appendingPathComponent(out)
        _ = try await SiteBuilder.build(spec, options: BuildOptions(output: url, parallelism: jobs))
        return url
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// Every file below a folder, by relative path.
func snapshot(_ folder: URL) throws -> [String: Data] {
    let fm = FileManager.default
    var out = [String: Data]()
    for case let path as String in fm.enumerator(atPath: folder.path)! {
        var isDir: ObjCBool = false
        let full = folder.appendingPathComponent(path)
        if fm.fileExists(atPath: full.path, isDirectory: &isDir), !isDir.boolValue {
            out[path] = try Data(contentsOf: full)
        }
    }
    return out
}
