import Foundation

/// A problem in a content file or template, located to file and line.
public struct ContentError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int?
    public let message: String
    public init(file: String, line: Int?, _ message: String) { self.file = file; self.line = line; self.message = message }
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// A directive line in a content file, such as `@pair two_moons logistic_regression gaussian_nb`.
public struct Directive: Sendable, Equatable {
    public let name: String
    public let arguments: [String]
    public let line: Int
}

/// An inline reference in Markdown text, `{{value PATH [FORMAT]}}` or `{{check CONDITION}}`:
/// a number from this build or a claim checked against it (the pipeline resolves them).
public struct InlineReference: Sendable, Equatable {
    /// The text between the braces, trimmed (`value fit.iris.qda.accuracy pct`).
    public let expression: String
    /// The whole reference as written, braces included: what the page replaces.
    public let source: String
    public let line: Int

    public init(expression: String, source: String, line: Int) {
        self.expression = expression; self.source = source; self.line = line
    }
}

public enum ContentBlock: Sendable, Equatable {
    case markdown(String)
    case directive(Directive)
}

/// A Markdown page: front matter (`key: value` lines between `---` fences) and
/// a body of Markdown blocks interleaved with directive lines.
///
/// A directive is a line that starts with `@name` outside fenced code; the
/// pipeline checks the name and its arguments (`@pair`, `@figure`, `@table`,
/// `@gallery`, `@bayes-flip`, …). A line starting `\@` is ordinary text.
public struct ContentDocument: Sendable {
    public let file: String
    public let metadata: [String: String]
    public let blocks: [ContentBlock]
    /// Every `{{…}}` in the Markdown text (not in code), in reading order.
    public let references: [InlineReference]

    public var title: String? { metadata["title"] }
    /// `draft: true` in the front matter: a false checked claim is reported, not an error.
    public var isDraft: Bool { metadata["draft"] == "true" }

    /// The `{{…}}` references of one line of Markdown text.
    static func references(in line: String, lineNumber: Int, file: String) throws -> [InlineReference] {
        var out = [InlineReference]()
        var rest = line[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ContentError(file: file, line: lineNumber,
                                   "'{{' is never closed on this line; write {{value PATH}} or {{check A >= B}} on one line")
            }
            let inner = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out.append(InlineReference(expression: inner, source: String(rest[open.lowerBound..<close.upperBound]), line: lineNumber))
            rest = rest[close.upperBound...]
        }
        return out
    }

    public static func parse(_ text: String, file: String) throws -> ContentDocument {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        var metadata = [String: String]()
        var firstBodyLine = 1
        if lines.first == "---" {
            guard let end = lines.dropFirst().firstIndex(of: "---") else {
                throw ContentError(file: file, line: 1, "front matter opened with '---' is never closed; add a '---' line after it")
            }
            for (offset, raw) in lines[1..<end].enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                guard let colon = line.firstIndex(of: ":") else {
                    throw ContentError(file: file, line: offset + 2, "front matter lines are 'key: value', found '\(line.prefix(60))'")
                }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                // A value may be quoted (to hold a colon): "…" or '…'.
                if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                    value = String(value.dropFirst().dropLast())
                }
                metadata[key] = value
            }
            firstBodyLine = end + 2
            lines = Array(lines[(end + 1)...])
        }
        var blocks = [ContentBlock]()
        var references = [InlineReference]()
        var buffer = [String]()
        var fence: String? = nil
        func flush() {
            let md = buffer.joined(separator: "\n")
            if !md.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { blocks.append(.markdown(md)) }
            buffer.removeAll()
        }
        for (offset, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let f = fence {
                if trimmed.hasPrefix(f) { fence = nil }
                buffer.append(line)
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix(3))
                buffer.append(line)
                continue
            }
            if trimmed.hasPrefix("@") {
                let parts = trimmed.dropFirst().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                let lineNo = firstBodyLine + offset
                guard let name = parts.first, let first = name.first, first.isLetter,
                      name.allSatisfy({ $0.isLetter || $0 == "-" }) else {
                    throw ContentError(file: file, line: lineNo,
                                       "'\(trimmed.prefix(40))' looks like a directive but has no name; write @name arguments, or start the line with \\@ for a literal @")
                }
                flush()
                blocks.append(.directive(Directive(name: name, arguments: Array(parts.dropFirst()), line: lineNo)))
                continue
            }
            references += try Self.references(in: line, lineNumber: firstBodyLine + offset, file: file)
            buffer.append(line)
        }
        if fence != nil {
            throw ContentError(file: file, line: nil, "a fenced code block is never closed; add the closing fence")
        }
        if let bad = MarkdownSafety.unsafeLink(in: lines.joined(separator: "\n")) {
            throw ContentError(file: file, line: firstBodyLine + bad.line - 1,
                               "link to '\(bad.target.prefix(60))' refused: links may be relative paths or http(s)/mailto URLs")
        }
        flush()
        return ContentDocument(file: file, metadata: metadata, blocks: blocks, references: references)
    }
}
