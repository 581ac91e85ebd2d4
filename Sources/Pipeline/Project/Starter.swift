import Foundation

/// `lenses init`: writes a starter project into a folder.
public enum Starter {
    public enum Template: String, CaseIterable, Sendable {
        /// One synthetic dataset, two models, one page with a pair: builds in seconds.
        case minimal
        /// This site: its content, data and lenses.yml (templates come from the built-in theme).
        case full
    }

    public struct InitError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes the template's files into `folder` (created if needed) and returns their paths,
    /// relative to it. A folder holding anything but `.git` is refused unless `force`, which
    /// overwrites the starter's own files and leaves every other file alone.
    public static func create(_ template: Template, in folder: URL, force: Bool) throws -> [String] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw InitError(description: "\(folder.path) is a file, not a folder") }
            let present = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0 != ".git" }.sorted()
            if !present.isEmpty && !force {
                let shown = present.prefix(5).joined(separator: ", ") + (present.count > 5 ? ", …" : "")
                throw InitError(description: "\(folder.path) is not empty (\(shown)); choose an empty or new folder, or pass --force to write the starter files over it (other files are left alone)")
            }
        }
        let files = try self.files(template)
        for (path, var data) in files.sorted(by: { $0.key < $1.key }) {
            let url = folder.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // An existing .gitignore is the author's: only the lines it lacks are added.
            if path == ".gitignore", let old = fm.contents(atPath: url.path) {
                let have = Set(String(decoding: old, as: UTF8.self).split(separator: "\n").map(String.init))
                let missing = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { !have.contains($0) }
                var text = String(decoding: old, as: UTF8.self)
                if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
                data = Data((text + missing.map { $0 + "\n" }.joined()).utf8)
            }
            try data.write(to: url, options: .atomic)
        }
        return files.keys.sorted()
    }

    /// Relative path → bytes.
    static func files(_ template: Template) throws -> [String: Data] {
        var out = ["lenses.yml": Data(minimalConfig.utf8), "content/index.md": Data(minimalPage.utf8)]
        out[".gitignore"] = Data("site/\n.lenses/\n".utf8)
        guard template == .full else { return out }
        guard let root = BuiltinFiles.root else { throw InitError(description: "the full template: \(BuiltinFiles.missing)") }
        out = [".gitignore": out[".gitignore"]!]
        let fm = FileManager.default
        for item in ["lenses.yml", "content", "data"] {
            let base = root.appendingPathComponent(item)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: base.path, isDirectory: &isDir) else {
                throw InitError(description: "the full template: \(base.path) is missing; reinstall lenses with scripts/install")
            }
            let paths = isDir.boolValue ? (fm.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []).map { "\(item)/\($0)" } : [item]
            for p in paths {
                var d: ObjCBool = false
                let full = root.appendingPathComponent(p).path
                if fm.fileExists(atPath: full, isDirectory: &d), !d.boolValue, let data = fm.contents(atPath: full) { out[p] = data }
            }
        }
        return out
    }

    static let minimalConfig = """
    # A TwoLenses project. `lenses build` trains the models below on the datasets,
    # draws every figure the pages show and writes the site to site/.
    # `lenses check` checks this file; every key is explained in the README.
    site:
      title: My two lenses

    seed: 42              # every random draw (data, splits, samples) derives from it
    test_fraction: 0.3    # rows held out for the test scores

    figures: {width: 640, height: 480, pair_width: 480, pair_height: 360, grid: 80, samples: 100}

    datasets:
      # Your own CSV: {name: mine, file: data/mine.csv, label: COLUMN, features: [COLUMN, COLUMN]}
      - {name: moons, title: Two moons, generate: two_moons, n: 300, noise: 0.25}

    models:
      # KIND: {settings}, or NAME: {kind: KIND, settings} for several models of one kind.
      logistic_regression: {C: 1}    # discriminative: learns P(y|x)
      gaussian_nb: {}                # generative: learns p(x|y) p(y)

    pages:
      - {slug: index, file: content/index.md}

    """

    static let minimalPage = """
    ---
    title: Two lenses on two moons
    description: A discriminative and a generative model on the same data, trained by this build.
    ---
    A **discriminative** model learns where the boundary between the classes is.
    A **generative** model learns what each class looks like, and classifies
    through Bayes' rule. Here are both, trained on the same points:

    @pair moons logistic_regression gaussian_nb

    Every number below comes from this build:

    @table moons

    Edit `content/index.md` and `lenses.yml`, then run `lenses build` again:
    only what changed is redone.

    """
}
