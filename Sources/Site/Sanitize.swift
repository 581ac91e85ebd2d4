import Foundation

/// Makes author Markdown safe to publish: raw HTML in the text is shown as text
/// (escaped), never passed through; code spans and fenced code are left to the
/// Markdown renderer (which escapes them itself). Link and image targets must be
/// relative paths or http(s)/mailto URLs: anything else (`javascript:`,
/// `data:`, `vbscript:`, …) is refused with the file and line.
public enum MarkdownSafety {
    public static let allowedSchemes: Set<String> = ["http", "https", "mailto"]

    /// Escapes `<` (and `>`) outside code so no tag can reach the page.
    public static func escapeRawHTML(_ markdown: String) -> String {
        var out = ""
        out.reserveCapacity(markdown.count)
        let chars = Array(markdown)
        var i = 0, inFence = false, atLineStart = true
        while i < chars.count {
            let c = chars[i]
            if atLineStart {
                var j = i
                while j < chars.count && (chars[j] == " ") { j += 1 }
                let rest = String(chars[j..<min(j + 3, chars.count)])
                if rest == "```" || rest == "~~~" { inFence.toggle() }
            }
            if inFence { out.append(c); atLineStart = c == "\n"; i += 1; continue }
            if c == "`" {
                var n = 0
                while i + n < chars.count && chars[i + n] == "`" { n += 1 }
                let fence = Array(repeating: Character("`"), count: n)
                var j = i + n, found: Int? = nil
                scan: while j + n <= chars.count {
                    if chars[j] == "\n" { break }  // code spans are searched within their line: linear overall
                    for k in 0..<n where chars[j + k] != fence[k] { j += 1; continue scan }
                    found = j
                    break
                }
                if let close = found { out += String(chars[i..<(close + n)]); i = close + n; atLineStart = false; continue }
            }
            switch c {
            case "<": out += "&lt;"
            case ">" where !atLineStart: out += "&gt;"  // a `>` opening a line is a blockquote
            default: out.append(c)
            }
            if c != " " { atLineStart = c == "\n" }
            i += 1
        }
        return out
    }

    /// Escapes `[` and `]` that cannot be part of a link — unmatched within their
    /// paragraph, or nested more than two deep — outside code. Ink 0.6.0 backtracks
    /// exponentially on nested unmatched brackets (found by fuzzing: a 2.8 KB page
    /// took minutes); escaped brackets render the same as text.
    public static func escapeStrayBrackets(_ markdown: String) -> String {
        var chars = Array(markdown)
        var escape = Set<Int>()
        var stack = [Int]()
        var i = 0, inFence = false, atLineStart = true, previousBlank = false
        func closeParagraph() { escape.formUnion(stack); stack.removeAll() }
        while i < chars.count {
            let c = chars[i]
            if atLineStart {
                var j = i
                while j < chars.count && chars[j] == " " { j += 1 }
                let rest = String(chars[j..<min(j + 3, chars.count)])
                if rest == "```" || rest == "~~~" { inFence.toggle(); closeParagraph() }
                let blank = j >= chars.count || chars[j] == "\n"
                if blank && !previousBlank { closeParagraph() }
                previousBlank = blank
            }
            if inFence { atLineStart = c == "\n"; i += 1; continue }
            if c == "`" {  // skip a code span within its line
                var n = 0
                while i + n < chars.count && chars[i + n] == "`" { n += 1 }
                var j = i + n, found = false
                scan: while j + n <= chars.count && chars[j] != "\n" {
                    for k in 0..<n where chars[j + k] != "`" { j += 1; continue scan }
                    found = true
                    break
                }
                if found { i = j + n; atLineStart = false; continue }
            }
            if c == "\\" { i += 2; atLineStart = false; continue }
            if c == "[" {
                if stack.count >= 2 { escape.insert(i) } else { stack.append(i) }
            } else if c == "]" {
                if stack.popLast() == nil { escape.insert(i) }
            }
            atLineStart = c == "\n"
            i += 1
        }
        closeParagraph()
        guard !escape.isEmpty else { return markdown }
        var out = ""
        out.reserveCapacity(chars.count + escape.count)
        for (k, ch) in chars.enumerated() {
            if escape.contains(k) { out.append("\\") }
            out.append(ch)
        }
        chars.removeAll()
        return out
    }

    /// The first link or image target with a scheme that is not allowed, with its line.
    public static func unsafeLink(in markdown: String) -> (line: Int, target: String)? {
        var inFence = false
        for (n, line) in markdown.components(separatedBy: "\n").enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("```") || t.hasPrefix("~~~") { inFence.toggle(); continue }
            if inFence { continue }
            // Inline links/images: ](target) ; reference definitions: [x]: target ; autolinks <scheme:…>
            // Most lines hold no link: skip the patterns unless one of their anchors is there.
            guard line.contains("]") || line.contains("<") else { continue }
            var targets = line.matches(of: LinkPatterns.inline).map { String($0.1) }
            if let m = line.wholeMatch(of: LinkPatterns.reference) { targets.append(String(m.1)) }
            targets += line.matches(of: LinkPatterns.autolink).map { String($0.1) }
            for target in targets {
                let cleaned = target.filter { !$0.isWhitespace && !$0.isNewline && $0 != "\u{0}" }
                if let colon = cleaned.firstIndex(of: ":") {
                    let scheme = cleaned[..<colon].lowercased()
                    let looksLikeScheme = !scheme.isEmpty && !scheme.contains("/") && !scheme.contains("?") && !scheme.contains("#")
                    if looksLikeScheme && !allowedSchemes.contains(scheme) { return (n + 1, target) }
                }
            }
        }
        return nil
    }
}

/// The link patterns, compiled once (a regex literal is parsed again each time it is evaluated).
private enum LinkPatterns {
    nonisolated(unsafe) static let inline = /\]\(\s*<?([^)\s>]+)/
    nonisolated(unsafe) static let reference = /\s*\[[^\]]+\]:\s*<?(\S+?)>?(\s.*)?/
    nonisolated(unsafe) static let autolink = /<([A-Za-z][A-Za-z0-9+.\-]*:[^>\s]*)>/
}
