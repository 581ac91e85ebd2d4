import Foundation
import Numerics
import Site

/// Numbers in prose from the build, and claims checked against it.
///
/// In the Markdown of a page:
///
///     {{value PATH_EXPRESSION [FORMAT]}}     a number of this build, formatted
///     {{check CONDITION [and CONDITION …]}}  a claim: the build fails when it is false
///
/// A path names a value the build computed, the same value `metrics.json` publishes:
///
///     fit.DATASET.MODEL.(accuracy|error|log_loss|n_train|n_test)
///     regression.NAME.…   mixture.NAME.…   case_study.NAME.…   learning_curves.NAME.…
///     deep.MODEL.(training|evaluation).KEY   language.KEY   config.(seed|test_fraction|train_fraction)
///
/// (below the study name, the keys of its `metrics.json` entry joined by dots; a list
/// of entries with a `learner`, `dataset`, `name`, `model` or `kind` field is indexed by
/// it in lower case with `_` for spaces and punctuation (`deep.vae_latent_2.n_train`),
/// any other list by position, `LIST.last` being its last entry; `LIST.count` is its length). An expression adds, subtracts, multiplies or divides
/// paths and numbers, left to right: `case_study.spam.n_train + case_study.spam.n_test`.
/// A condition compares two expressions with `<`, `<=`, `>`, `>=`, `==` or `!=`.
/// FORMAT is `int` (rounded, thousands separated), `pct` (× 100, rounded), `pct1`
/// (× 100, one decimal), `.N` (N decimals), `e` (1.2e-13) or `text` (a name); without it an integer
/// prints as one and any other number with three decimals.
struct ParsedReference: Sendable {
    enum Kind: Sendable {
        case value(ReferenceExpression, format: String?)
        case check([ReferenceCondition])
    }
    let source: String
    let line: Int
    let kind: Kind

    /// Every path the reference reads.
    var paths: [ReferencePath] {
        switch kind {
        case .value(let e, _): return e.paths
        case .check(let cs): return cs.flatMap { $0.left.paths + $0.right.paths }
        }
    }
}

struct ReferencePath: Sendable, Hashable {
    /// Where the value lives: a fit, a study of lenses.yml, or the settings.
    enum Source: Sendable, Hashable {
        case fit(ModelFit)
        /// A study by its lenses.yml section (`regression`, `mixture`, `case_study`,
        /// `learning_curves`, `deep`, `language`) and, where the section lists several, its name.
        case study(section: String, name: String?)
        case config
    }
    let source: Source
    /// The jobs whose artifacts hold the value (none for config values, which the page key covers).
    let jobs: [AnyJobID]
    /// Where it is, below the job's entry.
    let key: String
    let text: String
}

struct ReferenceExpression: Sendable {
    enum Term: Sendable { case path(ReferencePath), number(Double) }
    let terms: [Term]
    /// The operators between terms ("+", "-", "*", "/").
    let operators: [String]
    let text: String
    var paths: [ReferencePath] { terms.compactMap { if case .path(let p) = $0 { return p }; return nil } }
}

struct ReferenceCondition: Sendable {
    let left: ReferenceExpression
    let op: String
    let right: ReferenceExpression
}

/// One checked claim and what this build made of it (metrics.json `claims`, `lenses claims`).
public struct ClaimResult: Sendable, Codable, Equatable {
    public let file: String
    public let line: Int
    public let condition: String
    /// Each path the condition reads, with its value on this build.
    public let values: [String: Double]
    public let holds: Bool
    /// The page is marked `draft: true`: a false claim is reported, not an error.
    public let draft: Bool

    public var description: String {
        let shown = values.keys.sorted().map { "\($0) = \(References.plain(values[$0]!))" }.joined(separator: ", ")
        return "\(file):\(line): \(holds ? "true " : "FALSE") \(condition)   [\(shown)]"
    }
}

enum References {
    static let comparisons = ["<=", ">=", "==", "!=", "<", ">"]

    /// Parses a reference and ties each path to the job that computes it; errors name file and line.
    static func parse(_ ref: InlineReference, file: String, spec: ProjectSpec) throws -> ParsedReference {
        func fail(_ m: String) -> ContentError { ContentError(file: file, line: ref.line, m) }
        let words = ref.expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let verb = words.first else { throw fail("empty {{}}; write {{value PATH}} or {{check A >= B}}") }
        switch verb {
        case "value":
            var rest = Array(words.dropFirst())
            var format: String? = nil
            if let last = rest.last, rest.count > 1, last == "int" || last == "pct" || last == "pct1" || last == "text" || last == "e" || last.range(of: #"^\.\d$"#, options: .regularExpression) != nil {
                format = last; rest.removeLast()
            }
            guard !rest.isEmpty else { throw fail("{{value}} needs a path, e.g. {{value fit.iris.qda.accuracy pct}}") }
            return ParsedReference(source: ref.source, line: ref.line, kind: .value(try expression(rest, fail: fail, spec: spec), format: format))
        case "check":
            var conditions = [ReferenceCondition]()
            for part in words.dropFirst().split(separator: "and") {
                guard let i = part.firstIndex(where: { comparisons.contains($0) }) else {
                    throw fail("{{check}} compares two values with <, <=, >, >=, == or !=, e.g. {{check fit.circles.qda.accuracy >= fit.circles.random_forest.accuracy}}")
                }
                conditions.append(ReferenceCondition(left: try expression(Array(part[..<i]), fail: fail, spec: spec), op: part[i],
                                                     right: try expression(Array(part[(i + 1)...]), fail: fail, spec: spec)))
            }
            guard !conditions.isEmpty else { throw fail("{{check}} needs a condition, e.g. {{check fit.circles.qda.accuracy >= fit.circles.random_forest.accuracy}}") }
            return ParsedReference(source: ref.source, line: ref.line, kind: .check(conditions))
        default:
            throw fail("unknown reference {{\(verb) …}}; write {{value PATH [FORMAT]}} or {{check CONDITION}}")
        }
    }

    static func expression(_ words: [String], fail: (String) -> ContentError, spec: ProjectSpec) throws -> ReferenceExpression {
        var terms = [ReferenceExpression.Term](), ops = [String]()
        for (i, w) in words.enumerated() {
            if i % 2 == 1 {
                guard ["+", "-", "*", "/"].contains(w) else { throw fail("expected +, -, * or / between values, found '\(w)'") }
                ops.append(w)
            } else if let n = Double(w) {
                terms.append(.number(n))
            } else {
                terms.append(.path(try path(w, fail: fail, spec: spec)))
            }
        }
        guard !words.isEmpty, words.count % 2 == 1 else { throw fail("an expression is values joined by + - * /, found '\(words.joined(separator: " "))'") }
        return ReferenceExpression(terms: terms, operators: ops, text: words.joined(separator: " "))
    }

    /// The job(s) behind a path, checked against lenses.yml by the registered study whose namespace
    /// starts it (`Study.quotes`; `values(of:)` reads the values from the same study).
    static func path(_ text: String, fail: (String) -> ContentError, spec: ProjectSpec) throws -> ReferencePath {
        try withoutActuallyEscaping(fail) { fail in
            try path(QuotedPath(parts: text.split(separator: ".", omittingEmptySubsequences: false).map(String.init),
                                text: text, spec: spec, fail: fail))
        }
    }

    static func path(_ path: QuotedPath) throws -> ReferencePath {
        let (text, spec, fail) = (path.text, path.spec, path.fail)
        let quotes = StudyRegistry.all.compactMap { $0.quotes }
        if path.parts[0] == "config" {
            try path.need(2, "config.(seed|test_fraction|train_fraction)")
            guard config(spec)[path.parts[1]] != nil else { throw fail("'\(text)': config values are seed, test_fraction and train_fraction") }
            return ReferencePath(source: .config, jobs: [], key: path.parts[1], text: text)
        }
        guard let q = quotes.first(where: { $0.namespace == path.parts[0] }) else {
            throw fail("'\(text)': a path starts with \(quotes.map(\.namespace).joined(separator: ", ")) or config")
        }
        return try q.path(path)
    }

    /// The settings of lenses.yml a page may quote.
    static func config(_ spec: ProjectSpec) -> [String: Double] {
        ["seed": Double(spec.seed), "test_fraction": spec.testFraction, "train_fraction": 1 - spec.testFraction]
    }

    // MARK: values

    /// The values one job's artifact offers, flattened from its metrics.json entry.
    static func values(of path: ReferencePath, artifacts: ArtifactStore) -> [String: MetricValue] {
        let namespace: String
        switch path.source {
        case .fit: namespace = "fit"
        case .study(let section, _): namespace = section
        case .config: return [:]
        }
        return StudyRegistry.all.lazy.compactMap { $0.quotes }.first { $0.namespace == namespace }?.values(path, artifacts) ?? [:]
    }

    enum MetricValue: Sendable, Equatable { case number(Double), text(String) }

    /// An Encodable value as dotted paths to its numbers and strings.
    static func flatten<T: Encodable>(_ value: T) -> [String: MetricValue] {
        guard let data = try? JSONEncoder().encode(value), let any = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return [:] }
        var out = [String: MetricValue]()
        func walk(_ v: Any, _ prefix: String) {
            func join(_ k: String) -> String { prefix.isEmpty ? k : "\(prefix).\(k)" }
            switch v {
            case let d as [String: Any]:
                for (k, x) in d { walk(x, join(k)) }
            case let a as [Any]:
                // Entries are named by the first of these fields that every entry has, with distinct values.
                var names = [String?](repeating: nil, count: a.count)
                for field in ["learner", "dataset", "name", "model", "kind"] {
                    let values = a.map { ($0 as? [String: Any])?[field] as? String }
                    if values.allSatisfy({ $0 != nil }), Set(values.compactMap { $0 }).count == a.count {
                        names = values.map { slug($0!) }
                        break
                    }
                }
                let named = names.allSatisfy { $0 != nil }
                out[join("count")] = .number(Double(a.count))
                for (i, x) in a.enumerated() { walk(x, join(named ? names[i]! : "\(i)")) }
                if !named, let last = a.last { walk(last, join("last")) }
            case let n as NSNumber:
                // JSONSerialization gives booleans as NSNumber too: they count as 0 and 1.
                out[prefix] = .number(n.doubleValue)
            case let s as String:
                out[prefix] = .text(s)
            default: break
            }
        }
        walk(any, "")
        return out
    }

    /// A name as one path component: lower case, runs of other characters as one `_`
    /// ("VAE, latent 2" → `vae_latent_2`).
    static func slug(_ s: String) -> String {
        var out = "", gap = false
        for c in s.lowercased() {
            if c.isLetter || c.isNumber || c == "_" || c == "-" { if gap && !out.isEmpty { out += "_" }; out.append(c); gap = false } else { gap = true }
        }
        return out
    }

    struct Evaluation {
        var text: [String: String] = [:]   // source → replacement
        var claims: [ClaimResult] = []

        /// The Markdown with every reference replaced; a claim vanishes with the white space
        /// before it, so `9 % {{check …}}.` reads `9 %.`
        func apply(to markdown: String) -> String {
            var md = markdown
            for source in text.keys.sorted() {
                let replacement = text[source]!
                guard replacement.isEmpty else { md = md.replacingOccurrences(of: source, with: replacement); continue }
                while let r = md.range(of: source) {
                    var start = r.lowerBound
                    while start > md.startIndex, md[md.index(before: start)].isWhitespace { start = md.index(before: start) }
                    md.replaceSubrange(start..<r.upperBound, with: "")
                }
            }
            return md
        }
    }

    /// Evaluates a page's references against its dependencies' artifacts.
    static func evaluate(_ refs: [ParsedReference], file: String, draft: Bool, config: [String: Double],
                         artifacts: ArtifactStore) throws -> Evaluation {
        var cache = [[AnyJobID]: [String: MetricValue]]()
        func lookup(_ p: ReferencePath, line: Int) throws -> MetricValue {
            if p.source == .config { return .number(config[p.key] ?? .nan) }
            let table = cache[p.jobs] ?? values(of: p, artifacts: artifacts)
            cache[p.jobs] = table
            if let v = table[p.key] { return v }
            // The keys below the longest prefix of the path that exists, a level at a time.
            var parts = p.key.split(separator: ".").map(String.init)
            var near = [String]()
            while near.isEmpty {
                parts.removeLast()
                let prefix = parts.joined(separator: ".")
                let below = table.keys.filter { parts.isEmpty || $0.hasPrefix(prefix + ".") }
                    .map { $0.dropFirst(parts.isEmpty ? 0 : prefix.count + 1).split(separator: ".").first.map(String.init) ?? "" }
                near = Array(Set(below)).sorted().prefix(16).map { parts.isEmpty ? $0 : "\(prefix).\($0)" }
                if parts.isEmpty { break }
            }
            throw ContentError(file: file, line: line, "'\(p.text)': this build has no such value; "
                + (near.isEmpty ? "see metrics.json for the keys" : "near it: \(near.joined(separator: ", "))"))
        }
        func number(_ e: ReferenceExpression, line: Int, seen: inout [String: Double]) throws -> Double {
            var result = 0.0
            for (i, term) in e.terms.enumerated() {
                let v: Double
                switch term {
                case .number(let n): v = n
                case .path(let p):
                    guard case .number(let n) = try lookup(p, line: line) else {
                        throw ContentError(file: file, line: line, "'\(p.text)' is a name, not a number; compare numbers, or show it with {{value \(p.text) text}}")
                    }
                    seen[p.text] = n; v = n
                }
                if i == 0 { result = v; continue }
                switch e.operators[i - 1] {
                case "+": result += v
                case "-": result -= v
                case "*": result *= v
                default: result /= v
                }
            }
            return result
        }
        var out = Evaluation()
        for ref in refs {
            switch ref.kind {
            case .value(let e, let format):
                if format == "text" {
                    guard e.terms.count == 1, case .path(let p) = e.terms[0] else {
                        throw ContentError(file: file, line: ref.line, "'text' shows one named value, not an expression")
                    }
                    switch try lookup(p, line: ref.line) {
                    case .text(let s): out.text[ref.source] = markdownEscaped(s)
                    case .number(let n): out.text[ref.source] = plain(n)
                    }
                } else {
                    var seen = [String: Double]()
                    out.text[ref.source] = References.format(try number(e, line: ref.line, seen: &seen), format)
                }
            case .check(let conditions):
                var seen = [String: Double](), holds = true
                for c in conditions {
                    let a = try number(c.left, line: ref.line, seen: &seen), b = try number(c.right, line: ref.line, seen: &seen)
                    switch c.op {
                    case "<": holds = holds && a < b
                    case "<=": holds = holds && a <= b
                    case ">": holds = holds && a > b
                    case ">=": holds = holds && a >= b
                    case "==": holds = holds && a == b
                    default: holds = holds && a != b
                    }
                }
                let condition = conditions.map { "\($0.left.text) \($0.op) \($0.right.text)" }.joined(separator: " and ")
                out.claims.append(ClaimResult(file: file, line: ref.line, condition: condition, values: seen, holds: holds, draft: draft))
                out.text[ref.source] = ""
            }
        }
        return out
    }

    static func format(_ v: Double, _ format: String?) -> String {
        switch format {
        case "int": return NumberFormat.grouped(v.rounded())
        case "pct": return NumberFormat.grouped((v * 100).rounded())
        case "pct1": return NumberFormat.fixed(v * 100, 1)
        case "e": return NumberFormat.scientific(v)
        case let f? where f.hasPrefix("."): return NumberFormat.fixed(v, Int(f.dropFirst())!)
        default: return v == v.rounded() && abs(v) < 1e15 ? NumberFormat.grouped(v) : NumberFormat.fixed(v, 3)
        }
    }

    /// A number as `metrics.json` would show it, for messages.
    static func plain(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : NumberFormat.significant(v, 6) }

    /// Text from the data as literal Markdown text (no emphasis, links or HTML).
    static func markdownEscaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "#", "|", "{", "}", "!", "$": out += "\\\(c)"
            default: out.append(c)
            }
        }
        return out
    }
}

/// metrics.json entries, each study's in its folder (`extension MetricsEntries`): the same numbers
/// the file shows and `{{value}}` paths quote.
enum MetricsEntries {}
