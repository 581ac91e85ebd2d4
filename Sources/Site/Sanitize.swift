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
