import Foundation
import CCmarkGFM
import Mustache

/// The site's Mustache templates (`templates/*.mustache`) and Markdown renderer.
///
/// Variables rendered with `{{name}}` are HTML-escaped; only our own template
/// text and our own Markdown renderer's output use `{{{name}}}`.
public struct TemplateSet: Sendable {
    public let library: MustacheLibrary
    public let names: Set<String>
    /// Each template's text, for checks.
    public let sources: [String: String]

    /// Where each template came from, for messages (`templates/pair.mustache`, or the built-in theme's path).
    public var origins: [String: String] = [:]

    /// Loads every `.mustache` file in a folder; a syntax error names the file and line.
    public static func load(folder: URL, displayFolder: String = "templates") throws -> TemplateSet {
        let fm = FileManager.default
        guard (try? fm.contentsOfDirectory(atPath: folder.path)) != nil else {
            throw ContentError(file: displayFolder, line: nil, "template folder not found")
        }
        return try load(layers: [(folder, displayFolder)])
    }

    /// Loads the `.mustache` files of several folders, a later folder's file replacing an earlier
    /// one's of the same name (a project's templates over the built-in theme). A folder that does
    /// not exist adds nothing.
    public static func load(layers: [(folder: URL, display: String)]) throws -> TemplateSet {
        let fm = FileManager.default
        var texts = [String: (text: String, display: String)]()
        for layer in layers {
            guard let files = try? fm.contentsOfDirectory(atPath: layer.folder.path) else { continue }
            for file in files.sorted() where file.hasSuffix(".mustache") {
                let name = String(file.dropLast(".mustache".count))
                let display = "\(layer.display)/\(file)"
                guard let data = fm.contents(atPath: layer.folder.appendingPathComponent(file).path),
                      let text = String(data: data, encoding: .utf8) else {
                    throw ContentError(file: display, line: nil, "cannot be read as UTF-8 text")
                }
                texts[name] = (text, display)
            }
        }
        var library = MustacheLibrary()
        var sources = [String: String](), origins = [String: String]()
        for name in texts.keys.sorted() {
            let (text, display) = texts[name]!
            do {
                library.register(try MustacheTemplate(string: text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                throw ContentError(file: display, line: error.context.lineNumber,
                                   "template syntax error (\(error.error)) near '\(error.context.line.trimmingCharacters(in: .whitespaces).prefix(60))'")
            }
            sources[name] = text
            origins[name] = display
        }
        var set = TemplateSet(library: library, names: Set(sources.keys), sources: sources)
        set.origins = origins
        return set
    }

    /// Refuses variables a template uses but the site never provides (a typo would
    /// otherwise render as nothing) and partials that do not exist. `vocabulary`
    /// lists, per template, every name its data holds; a template not listed may
    /// use any name some template may use.
    public func checkVariables(_ vocabulary: [String: Set<String>], folder: String = "templates") throws {
        if let problem = variableProblems(vocabulary, folder: folder).first { throw problem }
    }

    /// Every unknown variable or partial, one error per template (the first in each), so a check can list them all.
    public func variableProblems(_ vocabulary: [String: Set<String>], folder: String = "templates") -> [ContentError] {
        var problems = [ContentError]()
        for name in sources.keys.sorted() {
            do { try checkVariables(of: name, vocabulary, folder: folder) } catch let e as ContentError { problems.append(e) } catch {}
        }
        return problems
    }

    private func checkVariables(of name: String, _ vocabulary: [String: Set<String>], folder: String) throws {
        let everything = vocabulary.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        let file = origins[name] ?? "\(folder)/\(name).mustache"
        do {
            let text = sources[name]!
            let known = vocabulary[name] ?? everything
            for tag in text.matches(of: /\{\{\{?\s*([#^\/&>!]?)\s*([^}]*?)\s*\}?\}\}/) {
                let sigil = String(tag.1), raw = String(tag.2)
                if sigil == "!" || sigil == "/" { continue }
                let line = text[..<tag.range.lowerBound].filter { $0 == "\n" }.count + 1
                if sigil == ">" {
                    guard names.contains(raw) else {
                        throw ContentError(file: file, line: line,
                                           "partial '\(raw)' does not exist; templates here: \(names.sorted().joined(separator: ", "))")
                    }
                    continue
                }
                // Transforms such as uppercased(name) name their variable inside the parentheses.
                var variable = raw
                if let open = variable.firstIndex(of: "("), let close = variable.lastIndex(of: ")") {
                    variable = String(variable[variable.index(after: open)..<close])
                }
                let head = variable.split(separator: ".").first.map(String.init) ?? variable
                if variable == "." || head.isEmpty || known.contains(head) { continue }
                throw ContentError(file: file, line: line,
                                   "unknown variable '\(variable)'; \(vocabulary[name] == nil ? "templates can use" : "lenses gives \(name).mustache only"): \(known.sorted().joined(separator: ", "))")
            }
        }
    }

    public func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard names.contains(name), let out = library.render(context, withTemplate: name) else {
            throw ContentError(file: "templates/\(name).mustache", line: nil, "template is missing; the site needs it")
        }
        return out
    }
}

public enum MarkdownRenderer {
    /// Markdown to HTML through cmark-gfm, with `$…$` / `$$…$$` math kept as TeX for KaTeX.
    public static func html(_ markdown: String) -> String {
        render(markdown).html
    }

    /// The HTML and whether it holds any math (the page then loads KaTeX).
    public static func render(_ markdown: String) -> (html: String, hasMath: Bool) {
        let (protected, segments) = MathMarkdown.protect(markdown)
        let html = CommonMark.html(MarkdownSafety.escapeRawHTML(protected))
        return (MathMarkdown.restore(html, segments), !segments.isEmpty)
    }
}

/// CommonMark (the spec's reference implementation, cmark-gfm) with GitHub's table and
/// strikethrough extensions. Its safe mode is on: raw HTML and `javascript:` links never reach
/// the page (our `MarkdownSafety` has already escaped tags and refused unsafe link targets with
/// file and line; this is the second wall). Linear time on any input, unlike the backtracking
/// parser it replaced.
enum CommonMark {
    static let extensions = ["table", "strikethrough"]

    /// Registers the extensions once, before any parser looks them up (the registry is global).
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return extensions.allSatisfy { cmark_find_syntax_extension($0) != nil }
    }()

    /// cmark-gfm keeps process-wide state that parsers change as they attach extensions (the inline
    /// parser's table of special characters), so two pages rendered at once on two job threads could
    /// see each other's changes. One parse at a time: Markdown is a small share of a page job.
    private static let lock = NSLock()

    static func html(_ markdown: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        precondition(registered, "cmark-gfm lacks its table or strikethrough extension")
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in extensions { cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(name)) }
        var text = markdown
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }
}

/// Escapes text for HTML element content and attribute values.
public func escapeHTML(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(ch)
        }
    }
    return out
}
