import Datasets
import Foundation
import Models
import Plotting
import Yams

/// A problem in `lenses.yml`, named by line, key path and what is allowed.
public struct ConfigError: Error, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let key: String
    public let message: String
    public var description: String {
        let at = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(at): \(message)" : "\(at): \(key): \(message)"
    }
}

/// Reads `lenses.yml` into a `ProjectSpec`, checking every key, type and value
/// (model kinds and settings, dataset files and their columns) before any work.
public enum ConfigLoader {
    public static let fileName = "lenses.yml"

    public static func load(root: URL) throws -> ProjectSpec {
        let url = root.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError(file: fileName, line: nil, key: "",
                              message: "not found in \(root.path); every project has one (see the README)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: fileName, line: nil, key: "", message: "is not UTF-8 text")
        }
        return try parse(text, root: root)
    }

    public static func parse(_ text: String, root: URL) throws -> ProjectSpec {
        let node: Node
        do {
            guard let n = try Yams.compose(yaml: text) else {
                throw ConfigError(file: fileName, line: 1, key: "", message: "is empty; it needs datasets, models and pages")
            }
            node = n
        } catch let e as YamlError {
            if case .duplicatedKeysInMapping(let keys, let context) = e, let key = keys.sorted().first {
                // Yams names the mapping; name the line that repeats the key, as for any other mistake.
                let lines = text.components(separatedBy: "\n")
                func startsWithKey(_ line: String) -> Bool {
                    var rest = Substring(line).drop { $0 == " " || $0 == "\t" }
                    if rest.hasPrefix("- ") { rest = rest.dropFirst(2).drop { $0 == " " } }
                    if rest.hasPrefix("{") { rest = rest.dropFirst().drop { $0 == " " } }
                    for quote in ["\"", "'"] where rest.hasPrefix(quote) && rest.dropFirst().hasPrefix(key + quote) {
                        rest = rest.dropFirst(key.count + 2)
                        return rest.drop { $0 == " " }.hasPrefix(":")
                    }
                    guard rest.hasPrefix(key) else { return false }
                    return rest.dropFirst(key.count).drop { $0 == " " }.hasPrefix(":")
                }
                let hits = lines.indices.filter { $0 + 1 >= context.mark.line && startsWithKey(lines[$0]) }
                let what = "key '\(key)' appears twice in one mapping" + (hits.count >= 2 ? " (first on line \(hits[0] + 1))" : "")
                    + (keys.count > 1 ? "; so do \(keys.sorted().dropFirst().map { "'\($0)'" }.joined(separator: ", "))" : "")
                throw ConfigError(file: fileName, line: hits.count >= 2 ? hits[1] + 1 : context.mark.line, key: "",
                                  message: "\(what); keep one (two models of one kind need names of their own: NAME: {kind: KIND, …})")
            }
            throw ConfigError(file: fileName, line: yamlLine(e), key: "", message: "is not valid YAML: \(yamlProblem(e))")
        }
        let top = try Field(node: node, path: "").mapping(allowed: ["site", "seed", "test_fraction", "figures", "datasets", "models", "gallery", "pages"]
                                                              + StudyRegistry.all.compactMap { $0.section },
                                                          required: ["datasets", "models", "pages"])
        var spec = ProjectSpec(root: root, datasets: [], models: [], pages: [])
        if let site = top["site"] {
            let m = try site.mapping(allowed: ["title", "base_url"])
            if let t = m["title"] { spec.siteTitle = try t.string() }
            if let b = m["base_url"] {
                let url = try b.string()
                guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.hasSuffix("/"),
                      !url.contains(where: { $0.isWhitespace || "\"'<>".contains($0) }), URL(string: url)?.host != nil else {
                    throw b.error("base_url must be an absolute http(s) URL ending in '/', such as https://example.org/twolenses/; got '\(url)'")
                }
                spec.baseURL = url
            }
        }
        if let seed = top["seed"] { spec.seed = UInt64(try seed.integer(in: 0...Int(Int32.max))) }
        if let f = top["test_fraction"] { spec.testFraction = try f.number(in: 0.05...0.95) }
        if let figs = top["figures"] {
            let m = try figs.mapping(allowed: ["width", "height", "pair_width", "pair_height", "grid", "samples", "contour_draws", "formats"])
            if let v = m["width"] { spec.figures.width = try v.integer(in: 320...4000) }
            if let v = m["height"] { spec.figures.height = try v.integer(in: 240...3000) }
            if let v = m["pair_width"] { spec.figures.pairWidth = try v.integer(in: 320...4000) }
            if let v = m["pair_height"] { spec.figures.pairHeight = try v.integer(in: 240...3000) }
            if let v = m["grid"] { spec.figures.grid = try v.integer(in: 20...1000) }
            if let v = m["samples"] { spec.figures.samples = try v.integer(in: 0...5000) }
            if let v = m["contour_draws"] { spec.figures.contourDraws = try v.integer(in: 100...100_000) }
            if let v = m["formats"] {
                var formats = [FigureFormat]()
                for item in try v.sequence(nonEmpty: true) {
                    let f = FigureFormat(rawValue: try item.choice(FigureFormat.allCases.map(\.rawValue)))!
                    if !formats.contains(f) { formats.append(f) }
                }
                guard formats.contains(.png) else { throw v.error("formats must include png: the pages show the PNGs") }
                spec.figures.formats = FigureFormat.allCases.filter(formats.contains)
            }
        }

        // Datasets.
        var names = Set<String>()
        for item in try top["datasets"]!.sequence(nonEmpty: true) {
            let m = try item.mapping(allowed: ["name", "title", "file", "label", "features", "transform", "generate", "n", "noise"],
                                     required: ["name"])
            let name = try m["name"]!.identifier()
            guard names.insert(name).inserted else { throw m["name"]!.error("dataset '\(name)' is defined twice") }
            let title = try m["title"]?.string() ?? name
            let source: DatasetSource
            if let gen = m["generate"] {
                for k in ["file", "label", "features", "transform"] where m[k] != nil {
                    throw m[k]!.error("a generated dataset takes generate, n and noise, not '\(k)'")
                }
                let kind = try gen.choice(["two_moons", "circles", "blobs", "xor"])
                let defaults = ["two_moons": 0.25, "circles": 0.1, "blobs": 1.0, "xor": 0.3]
                source = .synthetic(kind: kind, n: try m["n"]?.integer(in: 10...100_000) ?? 500,
                                    noise: try m["noise"]?.number(in: 0...10) ?? defaults[kind]!)
            } else {
                guard let fileField = m["file"] else {
                    throw item.error("dataset '\(name)' needs either file (a CSV under the project) or generate")
                }
                for k in ["n", "noise"] where m[k] != nil { throw m[k]!.error("'\(k)' is only for generated datasets") }
                let file = try fileField.relativePath(root: root)
                guard let labelField = m["label"] else { throw item.error("dataset '\(name)' needs label: the class column") }
                let label = try labelField.string()
                let features = try m["features"].map { f -> [String] in
                    let list = try f.stringList()
                    guard list.count == 2 else { throw f.error("list exactly two feature columns (the figures are 2-D), got \(list.count)") }
                    return list
                }
                let transform = try m["transform"].map { FeatureTransform(rawValue: try $0.choice(["none", "log1p"]))! } ?? FeatureTransform.none
                // The CSV must exist and have the columns named (its rows are checked when loaded).
                let header: [String]
                do { header = try CSVReader.header(path: root.appendingPathComponent(file).path, displayName: file) } catch let e as CSVError {
                    throw fileField.error("\(e)")
                }
                let table = CSVTable(file: file, header: header, records: [], lines: [])
                _ = try check(labelField, file: file) { try table.columnIndex(label, role: "label") }
                if let features, let f = m["features"] {
                    for column in features { _ = try check(f, file: file) { try table.columnIndex(column, role: "feature") } }
                }
                source = .csv(file: file, label: label, features: features, transform: transform)
            }
            spec.datasets.append(DatasetSpec(name: name, title: title, source: source))
        }

        // Models: `kind: {settings}` (named after its kind) or `name: {kind: KIND, settings…}`.
        let models = try top["models"]!.mappingInOrder()
        guard !models.isEmpty else { throw top["models"]!.error("list at least one model") }
        let kinds = ModelCatalogue.entries.map(\.kind)
        for (keyField, settingsField) in models {
            let key = try keyField.string()
            var settings = [String: SettingValue]()
            var kindField: Field? = nil
            if case .mapping = settingsField.node {
                for (k, v) in try settingsField.mappingInOrder() {
                    let setting = try k.string()
                    if setting == "kind" { kindField = v; continue }
                    settings[setting] = try v.settingValue()
                }
            } else if !settingsField.isNull {
                throw settingsField.error("settings are a mapping such as {C: 1}, or {kind: logistic_regression, C: 1} for a named model, or empty")
            }
            let name: String, kind: String
            if let kindField {
                // A named instance: the key is its name, which pages and gallery pairs use.
                name = try Field(node: keyField.node, path: keyField.path).identifier()
                kind = try kindField.string()
                guard kinds.contains(kind) else {
                    throw kindField.error("unknown model kind '\(kind)'; kinds: \(kinds.joined(separator: ", "))")
                }
                if kinds.contains(name) && name != kind {
                    throw keyField.error("'\(name)' is the name of another model kind; give this \(kind) model a name of its own")
                }
            } else {
                guard kinds.contains(key) else {
                    let hint = (try? keyField.identifier()) != nil
                        ? "; to name a model, give its kind: \(key): {kind: logistic_regression, C: 1}" : ""
                    throw keyField.error("unknown model kind '\(key)'; kinds: \(kinds.joined(separator: ", "))\(hint)")
                }
                (name, kind) = (key, key)
            }
            if let first = spec.models.first(where: { $0.name == name }) {
                throw keyField.error("model '\(name)' is defined twice\(first.isPlain ? "" : " (a \(first.kind) model of that name comes first)")")
            }
            do { _ = try ModelCatalogue.make(kind: kind, settings: settings) } catch let e as ModelError {
                throw (settings.isEmpty ? keyField : settingsField).error(e.message)
            }
            spec.models.append(ModelSpec(name: name, kind: kind, settings: settings))
        }

        // Each study's own section (regressions, mixtures, case_studies, learning_curves, language,
        // deep, explore), read by the study that declares it.
        for study in StudyRegistry.all {
            if let key = study.section, let field = top[key] { try study.configure(field, into: &spec) }
        }

        // Gallery: model pairs and which datasets get a page.
        var galleryDatasets = spec.datasets.map(\.name)
        var galleryFile = "content/gallery.md"
        if let g = top["gallery"] {
            let m = try g.mapping(allowed: ["pairs", "datasets", "file"])
            if let pairs = m["pairs"] {
                spec.galleryPairs = try pairs.sequence(nonEmpty: true).map { p in
                    let two = try p.stringList()
                    guard two.count == 2 else { throw p.error("a pair is [discriminative_model, generative_model]") }
                    for name in two where spec.model(name) == nil {
                        throw p.error("model '\(name)' is not listed under models; listed: \(spec.models.map(\.name).joined(separator: ", "))")
                    }
                    return (two[0], two[1])
                }
            }
            if let ds = m["datasets"] {
                if case .scalar = ds.node, try ds.string() == "all" { } else {
                    galleryDatasets = try ds.stringList()
                    for n in galleryDatasets where spec.dataset(n) == nil { throw ds.error("unknown dataset '\(n)'") }
                }
            }
            if let f = m["file"] { galleryFile = try f.relativePath(root: root) }
        }

        // Pages, in reading order; the entry `gallery` places one page per gallery dataset.
        var slugs = Set<String>()
        for item in try top["pages"]!.sequence(nonEmpty: true) {
            if case .scalar = item.node, try item.string() == "gallery" {
                for ds in galleryDatasets {
                    let slug = "gallery-\(ds.replacingOccurrences(of: "_", with: "-"))"
                    guard slugs.insert(slug).inserted else { throw item.error("page '\(slug)' appears twice") }
                    spec.pages.append(PageSpec(slug: slug, file: galleryFile, dataset: ds))
                }
                continue
            }
            let m = try item.mapping(allowed: ["slug", "file"], required: ["slug", "file"])
            let slug = try m["slug"]!.identifier(allowDash: true)
            guard slugs.insert(slug).inserted else { throw m["slug"]!.error("page '\(slug)' appears twice") }
            let file = try m["file"]!.relativePath(root: root)
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path) else {
                throw m["file"]!.error("content file '\(file)' not found")
            }
            spec.pages.append(PageSpec(slug: slug, file: file))
        }
        guard spec.pages.contains(where: { $0.slug == "index" }) else {
            throw top["pages"]!.error("one page must have slug: index (the home page)")
        }
        return spec
    }

    /// The `learning_curves:` section. Every key is optional: the defaults are the settings of
    /// `LearningCurveSettings` and the six datasets of `LearningCurveSpec.standard`. A `datasets:`
    /// entry is the name of a standard study, the name of a CSV dataset under `datasets:` (all its
    /// numeric columns become features), or a mapping describing a CSV in full.
    /// The CSV exists and has the named columns; each missing column is reported at the key that named it.
    static func checkColumns(file: String, field: Field, columns: [(Field, [String])], root: URL) throws {
        let header: [String]
        do { header = try CSVReader.header(path: root.appendingPathComponent(file).path, displayName: file) } catch let e as CSVError {
            throw field.error("\(e)")
        }
        let table = CSVTable(file: file, header: header, records: [], lines: [])
        for (f, names) in columns { for n in names { _ = try check(f, file: file) { try table.columnIndex(n, role: "numeric") } } }
    }

    /// A missing column is reported at the lenses.yml key that named it, and names the CSV file too.
    private static func check<T>(_ field: Field, file: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as CSVError {
            var message = e.message
            if let r = message.range(of: "; the header has") { message.replaceSubrange(r, with: " in \(file); the header has") }
            throw field.error(message)
        }
    }

    static func yamlLine(_ e: YamlError) -> Int? {
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    static func yamlProblem(_ e: YamlError) -> String {
        switch e {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return "\(e)"
        }
    }
}

/// A YAML node with the key path that led to it, for precise errors.
struct Field {
    let node: Node
    let path: String

    var line: Int? { node.mark?.line }
    var isNull: Bool { if case .scalar(let s) = node { return s.string.isEmpty || s.string == "~" || s.string == "null" }; return false }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: ConfigLoader.fileName, line: line, key: path, message: message)
    }

    func mapping(allowed: [String], required: [String] = []) throws -> [String: Field] {
        guard case .mapping(let m) = node else { throw error("expected a mapping (key: value lines)") }
        var out = [String: Field]()
        for (k, v) in m {
            let key = k.string ?? "?"
            let child = Field(node: v, path: path.isEmpty ? key : "\(path).\(key)")
            guard allowed.contains(key) else {
                throw Field(node: k, path: child.path).error("unknown key; allowed here: \(allowed.joined(separator: ", "))")
            }
            guard out[key] == nil else { throw Field(node: k, path: child.path).error("key appears twice") }
            out[key] = child
        }
        for r in required where out[r] == nil { throw error("missing required key '\(r)'") }
        return out
    }

    func mappingInOrder() throws -> [(Field, Field)] {
        guard case .mapping(let m) = node else { throw error("expected a mapping (key: value lines)") }
        return m.map { k, v in
            let key = k.string ?? "?"
            let p = path.isEmpty ? key : "\(path).\(key)"
            return (Field(node: k, path: p), Field(node: v, path: p))
        }
    }

    /// A list of named entries, each a mapping with a unique `name` (an identifier) and a `file`
    /// (a project path): the form of every study section that lists several studies.
    func namedEntries(allowed: [String], required: [String], what: String, root: URL) throws -> [(name: String, file: String, fields: [String: Field])] {
        var seen = Set<String>()
        return try sequence().map { item in
            let m = try item.mapping(allowed: allowed, required: required)
            let name = try m["name"]!.identifier()
            guard seen.insert(name).inserted else { throw m["name"]!.error("\(what) '\(name)' is defined twice") }
            return (name, try m["file"]!.relativePath(root: root), m)
        }
    }

    func sequence(nonEmpty: Bool = false) throws -> [Field] {
        guard case .sequence(let s) = node else { throw error("expected a list (lines starting with '- ')") }
        if nonEmpty && s.isEmpty { throw error("the list is empty") }
        return s.enumerated().map { Field(node: $1, path: "\(path)[\($0)]") }
    }

    func string() throws -> String {
        guard case .scalar(let s) = node else { throw error("expected a single value") }
        return s.string
    }

    func identifier(allowDash: Bool = false) throws -> String {
        let s = try string()
        let ok = !s.isEmpty && s.count <= 64 && s.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || (allowDash && $0 == "-")
        }
        guard ok else { throw error("'\(s)' must be lower-case letters, digits\(allowDash ? ", - " : "") and _ (it names files)") }
        return s
    }

    func integer(in range: ClosedRange<Int>) throws -> Int {
        let s = try string()
        guard let v = Int(s) else { throw error("expected a whole number, got '\(s)'") }
        guard range.contains(v) else { throw error("must be between \(range.lowerBound) and \(range.upperBound), got \(v)") }
        return v
    }

    func number(in range: ClosedRange<Double>) throws -> Double {
        let s = try string()
        guard let v = Double(s), v.isFinite else { throw error("expected a number, got '\(s)'") }
        guard range.contains(v) else { throw error("must be between \(range.lowerBound) and \(range.upperBound), got \(s)") }
        return v
    }

    func choice(_ allowed: [String]) throws -> String {
        let s = try string()
        guard allowed.contains(s) else { throw error("'\(s)' is not allowed; use one of: \(allowed.joined(separator: ", "))") }
        return s
    }

    func flag() throws -> Bool {
        let s = try string()
        guard s == "true" || s == "false" else { throw error("expected true or false, got '\(s)'") }
        return s == "true"
    }

    func stringList() throws -> [String] { try sequence().map { try $0.string() } }

    /// A path inside the project: relative, without `..`, and not leading out through a symlink.
    func relativePath(root: URL) throws -> String {
        let s = try string()
        guard !s.isEmpty, !s.hasPrefix("/"), !s.split(separator: "/").contains("..") else {
            throw error("'\(s)' must be a path inside the project, relative to lenses.yml, without '..'")
        }
        let base = root.resolvingSymlinksInPath().standardizedFileURL.path
        let resolved = root.appendingPathComponent(s).resolvingSymlinksInPath().standardizedFileURL.path
        guard resolved == base || resolved.hasPrefix(base + "/") else {
            throw error("'\(s)' leads outside the project through a symbolic link; copy the file into the project instead")
        }
        return s
    }

    func settingValue() throws -> SettingValue {
        guard case .scalar(let s) = node else { throw error("a setting is a single value (number, true/false or text)") }
        let text = s.string
        if s.style == .plain {
            if let i = Int(text) { return .integer(i) }
            if let d = Double(text) {
                guard d.isFinite else { throw error("must be a finite number, got '\(text)'") }
                return .number(d)
            }
            if text == "true" { return .flag(true) }
            if text == "false" { return .flag(false) }
        }
        return .text(text)
    }
}
