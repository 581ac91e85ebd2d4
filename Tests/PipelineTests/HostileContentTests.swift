import Foundation
import Testing
@testable import Pipeline
import Site

@Suite("Hostile content is escaped or refused")
struct HostileContentTests {
    static let payloads = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "<iframe src=//x>",
                           "<svg onload=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>"]

    /// Any executable injection left in built HTML: a script tag we did not write, an
    /// inline event handler, or a javascript: URL.
    static func injections(in html: String) -> [String] {
        var found = [String]()
        let ours = ["<script src=\"assets/katex/katex.js\"", "<script src=\"assets/math.js\"", "<script defer src=\"assets/",
                    "<script src=\"pagefind/pagefind-ui.js\"", "<script>\n  window.addEventListener(\"DOMContentLoaded\", function () {\n    new PagefindUI"]
        var scrubbed = html
        for o in ours { scrubbed = scrubbed.replacingOccurrences(of: o, with: "") }
        if scrubbed.range(of: "<script", options: .caseInsensitive) != nil { found.append("<script") }
        // Look at real tags only, with their quoted attribute values blanked out: an escaped
        // payload inside alt="…" or in text is harmless; an attribute name outside quotes is not.
        for tag in scrubbed.matches(of: /<[A-Za-z][^<>]*>/) {
            let bare = String(tag.0).replacing(/"[^"]*"|'[^']*'/, with: "\"\"")
            if bare.firstMatch(of: /(?i)\son[a-z]+\s*=/) != nil { found.append(String(tag.0.prefix(80))) }
            if bare.firstMatch(of: /(?i)^<(iframe|svg|object|embed|img\s+src=x)/) != nil { found.append(String(tag.0.prefix(80))) }
            for value in String(tag.0).matches(of: /(?i)(?:href|src|action|formaction)\s*=\s*"([^"]*)"/) {
                if value.1.lowercased().trimmingCharacters(in: .whitespaces).hasPrefix("javascript:") { found.append(String(tag.0.prefix(80))) }
            }
        }
        return found
    }

    @Test("The injection detector itself flags real injections")
    func detectorWorks() {
        for html in ["<p><script>x()</script></p>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
                     "<div onclick='x()'>", "<iframe src=//x></iframe>"] {
            #expect(!Self.injections(in: html).isEmpty, "\(html)")
        }
        #expect(Self.injections(in: "<img alt=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\" src=\"a.png\">").isEmpty)
    }

    @Test("Raw HTML in Markdown is shown as text, code stays code", arguments: payloads)
    func markdownEscapes(payload: String) {
        let html = MarkdownRenderer.html("Before \(payload) after.\n\n`<b>code</b>`\n")
        #expect(Self.injections(in: html).isEmpty, "\(html)")
        #expect(html.contains("<code>&lt;b&gt;code&lt;/b&gt;</code>"))
    }

    @Test("Links with javascript:, data: or vbscript: targets are refused with file and line")
    func unsafeLinks() {
        for (md, line) in [("ok\n\n[click](javascript:alert(1))", 3), ("[x]( JaVaScRiPt:alert(1) )", 1),
                           ("![img](data:text/html;base64,PHNjcmlwdD4=)", 1), ("text\n[ref]: vbscript:msgbox", 2),
                           ("see <javascript:alert(1)>", 1)] {
            do {
                _ = try ContentDocument.parse(md, file: "content/x.md")
                Issue.record("should refuse: \(md)")
            } catch let e as ContentError {
                #expect(e.file == "content/x.md" && e.line == line, "\(e)")
                #expect(e.message.contains("refused"))
            } catch { Issue.record("\(error)") }
        }
        #expect(throws: Never.self) { _ = try ContentDocument.parse("[ok](page.html) [web](https://example.org) [mail](mailto:a@b.c) [anchor](#x)", file: "x.md") }
    }

    @Test("A site built from hostile column names, class labels, titles and Markdown has no executable injection")
    func hostileSite() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let evil = "<script>alert(1)</script>"
        let csv = """
        label,"a\(evil)","b""><img src=x onerror=alert(1)>"
        "\(evil)",1.0,2.0
        "\(evil)",1.5,2.5
        "\(evil)",1.2,2.1
        "javascript:alert(1)",5.0,6.0
        "javascript:alert(1)",5.5,6.5
        "javascript:alert(1)",5.2,6.1
        "\(evil)",1.1,2.2
        "javascript:alert(1)",5.1,6.2

        """
        try csv.write(to: project.root.appendingPathComponent("data/evil.csv"), atomically: true, encoding: .utf8)
        let yml = project.root.appendingPathComponent("lenses.yml")
        var text = try String(contentsOf: yml, encoding: .utf8)
        text = text.replacingOccurrences(of: "\nmodels:", with: """

          - name: evil
            title: "\\"><img src=x onerror=alert(1)> \(evil)"
            file: data/evil.csv
            label: label

        models:
        """)
        text = text.replacingOccurrences(of: "  title: TwoLenses", with: "  title: \"TwoLenses \(evil)\"")
        try text.write(to: yml, atomically: true, encoding: .utf8)
        let md = project.root.appendingPathComponent("content/index.md")
        try (try String(contentsOf: md, encoding: .utf8) + "\n\(Self.payloads.joined(separator: "\n\n"))\n").write(to: md, atomically: true, encoding: .utf8)
        var spec = try ConfigLoader.load(root: project.root)
        spec.pages = spec.pages.filter { $0.slug == "index" || $0.dataset == "evil" }
        _ = try await SiteBuilder.build(spec, options: BuildOptions(output: project.root.appendingPathComponent("site"), parallelism: 2))
        let files = try snapshot(project.root.appendingPathComponent("site"))
        #expect(files["gallery-evil.html"] != nil)
        for (path, data) in files where path.hasSuffix(".html") {
            #expect(Self.injections(in: String(decoding: data, as: UTF8.self)).isEmpty, "\(path): \(Self.injections(in: String(decoding: data, as: UTF8.self)))")
        }
        #expect(files.keys.allSatisfy { !$0.contains("..") && !$0.hasPrefix("/") })
    }

    @Test("A data path that leaves the project through a symlink is refused")
    func symlinkOut() throws {
        let project = try TempProject()
        defer { project.remove() }
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString).csv")
        try "a,b,y\n1,2,p\n3,4,q\n".write(to: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(at: project.root.appendingPathComponent("data/link.csv"), withDestinationURL: outside)
        let yml = project.root.appendingPathComponent("lenses.yml")
        let text = try String(contentsOf: yml, encoding: .utf8).replacingOccurrences(of: "    file: data/iris.csv", with: "    file: data/link.csv")
        let e = #expect(throws: ConfigError.self) { try ConfigLoader.parse(text, root: project.root) }
        #expect(e?.message.contains("outside the project through a symbolic link") == true)
    }
}

@Suite("Fuzzing regressions")
struct FuzzRegressionTests {
    /// fuzz/run (fuzz-page) found these crash Ink 0.6.0 ("String index is out of bounds"
    /// in Reader.currentCharacter): a leading `---` line followed only by blank lines.
    @Test("Markdown that crashed Ink renders", arguments: ["\n---\n\n", " \n---\n \n", "\n---\n\n\n", "\n----- \n\n", "\n---x\n\n"])
    func inkMetadata(input: String) {
        let html = MarkdownRenderer.html(input)
        #expect(!html.contains("<script"))
    }

    /// The inputs fuzz/run found, kept as files (Fixtures/fuzz/): each must parse and render.
    @Test("Saved fuzzing inputs parse and render", arguments: ["ink-metadata-crash.md", "ink-nested-brackets.md"])
    func savedInputs(file: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz/\(file)")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        // Either the page parses, and every Markdown block renders to HTML with no script in it,
        // or it is refused with a located error: never a crash, never a silent pass.
        do {
            let doc = try ContentDocument.parse(text, file: file)
            for case .markdown(let md) in doc.blocks {
                let html = MarkdownRenderer.html(md)
                #expect(!html.isEmpty || md.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
                #expect(!html.lowercased().contains("<script"))
            }
        } catch let e as ContentError {
            #expect(e.description.hasPrefix("\(file):"), "a refused page names its file: \(e)")
        }
        let whole = MarkdownRenderer.html(text)
        #expect(!whole.lowercased().contains("<script"))
        #expect(!whole.isEmpty, "non-blank Markdown renders to something")
    }

    @Test("Brackets that cannot form links stay text; links are kept; deep nesting renders (cmark-gfm is linear)")
    func strayBrackets() {
        #expect(MarkdownRenderer.html("[a](b.html) and [c]") == "<p><a href=\"b.html\">a</a> and [c]</p>\n")
        #expect(MarkdownRenderer.html("x [ y") == "<p>x [ y</p>\n")
        #expect(MarkdownRenderer.html("[[[deep]]]") == "<p>[[[deep]]]</p>\n")
        #expect(MarkdownRenderer.html("`[` code") == "<p><code>[</code> code</p>\n")
        #expect(MarkdownRenderer.html("see [the flip](bayes-flip.html)").contains("<a href=\"bayes-flip.html\">the flip</a>"))
        // The input that made the previous parser (Ink 0.6.0) backtrack for minutes: 2,000 unmatched brackets.
        let nested = String(repeating: "[", count: 1000) + "x" + String(repeating: "](", count: 1000)
        #expect(MarkdownRenderer.html(nested).hasPrefix("<p>[[[["))
        // The input that crashed it: a thematic break followed by blank lines.
        #expect(MarkdownRenderer.html("\n---\n\n") == "<hr />\n")
    }
}
