import Foundation

/// TeX math in Markdown: `$…$` inline and `$$…$$` on display. The TeX is taken
/// out before Markdown sees it (so `_` and `*` stay TeX), put back HTML-escaped
/// inside `<span class="math">` / `<div class="math display">`, and typeset in
/// the browser by the site's own copy of KaTeX — no network involved.
/// `\$` is a literal dollar sign; code spans and fenced code are left alone.
public enum MathMarkdown {
    struct Segment { let tex: String; let display: Bool }

    static func placeholder(_ i: Int) -> String { "LENSESMATHX\(i)X" }

    /// Markdown with math replaced by placeholders, and the math segments.
    static func protect(_ markdown: String) -> (String, [Segment]) {
        var out = "", segments = [Segment]()
        let chars = Array(markdown)
        var i = 0
        var inFence = false, atLineStart = true, noDisplayCloser = false
        while i < chars.count {
            let c = chars[i]
            if atLineStart {
                let rest = String(chars[i..<min(i + 3, chars.count)])
                if rest == "```" || rest == "~~~" { inFence.toggle() }
            }
            if inFence {
                out.append(c); atLineStart = c == "\n"; i += 1; continue
            }
            if c == "\\" && i + 1 < chars.count && chars[i + 1] == "$" {
                out += "&#36;"; i += 2; atLineStart = false; continue
            }
            if c == "`" {  // a code span (within its line): copy through to its closing backtick run
                var n = 0
                while i + n < chars.count && chars[i + n] == "`" { n += 1 }
                let fence = String(repeating: "`", count: n)
                let start = i + n
                if let close = find(fence, in: chars, from: start, stopAtNewline: true) {
                    out += String(chars[i..<(close + n)]); i = close + n; atLineStart = false; continue
                }
            }
            if c == "$" {
                let display = i + 1 < chars.count && chars[i + 1] == "$"
                let open = display ? 2 : 1
                let start = i + open
                // Inline math closes on the same line; display math anywhere after. Once a
                // search for "$$" has failed, no later "$$" can close either: linear overall.
                let close: Int? = display
                    ? (noDisplayCloser ? nil : find("$$", in: chars, from: start, stopAtNewline: false))
                    : find("$", in: chars, from: start, stopAtNewline: true)
                if display && close == nil { noDisplayCloser = true }
                if start < chars.count, !chars[start].isWhitespace || display, let close,
                   display || !chars[close - 1].isWhitespace {
                    let tex = String(chars[start..<close]).trimmingCharacters(in: .whitespacesAndNewlines)
                    if !tex.isEmpty {
                        out += placeholder(segments.count)
                        segments.append(Segment(tex: tex, display: display))
                        i = close + open; atLineStart = false; continue
                    }
                }
            }
            out.append(c); atLineStart = c == "\n"; i += 1
        }
        return (out, segments)
    }

    /// The first unescaped occurrence of `needle` at or after `from` (optionally before the next newline).
    private static func find(_ needle: String, in chars: [Character], from: Int, stopAtNewline: Bool) -> Int? {
        let n = Array(needle)
        var j = from
        outer: while j + n.count <= chars.count {
            if stopAtNewline && chars[j] == "\n" { return nil }
            for k in 0..<n.count where chars[j + k] != n[k] { j += 1; continue outer }
            if j == 0 || chars[j - 1] != "\\" { return j }
            j += 1
        }
        return nil
    }

    /// Puts the math back as escaped TeX in elements KaTeX will typeset.
    static func restore(_ html: String, _ segments: [Segment]) -> String {
        var out = html
        for (i, s) in segments.enumerated().reversed() {
            let element = s.display
                ? "<span class=\"math display\">\(escapeHTML(s.tex))</span>"
                : "<span class=\"math\">\(escapeHTML(s.tex))</span>"
            // A display formula alone in a paragraph becomes a block of its own.
            out = out.replacingOccurrences(of: "<p>\(placeholder(i))</p>", with: s.display ? "<div class=\"math-block\">\(element)</div>" : "<p>\(element)</p>")
            out = out.replacingOccurrences(of: placeholder(i), with: element)
        }
        return out
    }
}
