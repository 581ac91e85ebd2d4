import Foundation
import Testing
@testable import Site

/// The Site module alone: Markdown through cmark-gfm, math kept for KaTeX, raw HTML shown as text,
/// directive lines and front matter, templates — without building a site.
@Suite("Site: Markdown, directives, templates")
struct SiteTests {
    @Test("CommonMark through cmark-gfm: paragraphs, emphasis, links, lists, code, GitHub tables")
    func commonMark() {
        #expect(MarkdownRenderer.html("Some *emphasis* and **strong**.") == "<p>Some <em>emphasis</em> and <strong>strong</strong>.</p>\n")
        #expect(MarkdownRenderer.html("- a\n- b\n") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n")
        #expect(MarkdownRenderer.html("`x < y`") == "<p><code>x &lt; y</code></p>\n")
        let table = MarkdownRenderer.html("| model | error |\n|---|--:|\n| LDA | 0.12 |\n")
        #expect(table.contains("<table>") && table.contains("<th>model</th>") && table.contains("<td align=\"right\">0.12</td>"))
        #expect(MarkdownRenderer.html("~~old~~") == "<p><del>old</del></p>\n")
    }

    @Test("Math is taken out before Markdown and put back escaped for KaTeX; \\$ is a dollar sign")
    func math() {
        let r = MarkdownRenderer.render("Bayes: $p(y \\mid x) \\propto p(x|y)p(y)$ and $a_1 * b_2$.")
        #expect(r.hasMath)
        #expect(r.html.contains("<span class=\"math\">p(y \\mid x) \\propto p(x|y)p(y)</span>"))
        #expect(r.html.contains("<span class=\"math\">a_1 * b_2</span>"))   // not <em>
        let display = MarkdownRenderer.render("$$\n\\sum_i x_i < 1\n$$")
        #expect(display.html.contains("class=\"math display\"") && display.html.contains("\\sum_i x_i &lt; 1"))
        let dollars = MarkdownRenderer.render("It costs \\$5 and \\$6.")
        #expect(!dollars.hasMath && dollars.html.contains("5") && !dollars.html.contains("math"))
    }

    @Test("Raw HTML in the text is shown as text; cmark-gfm's safe mode drops javascript: links as a second wall")
    func rawHTML() {
        let html = MarkdownRenderer.html("Hello <script>alert(1)</script> <b>bold</b>")
        #expect(!html.contains("<script") && !html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;") && html.contains("&lt;b&gt;"))
        #expect(!MarkdownRenderer.html("[x](javascript:alert(1))").contains("javascript:"))
        #expect(MarkdownSafety.unsafeLink(in: "ok [x](page.html)\n[y](javascript:alert(1))")?.line == 2)
    }

    @Test("Directives, front matter and inline references are parsed with their lines; fenced code is left alone")
    func directives() throws {
        let text = "---\ntitle: A page\ndraft: true\n---\nIntro {{value config.seed}}.\n\n@pair two_moons lr nb\n```\n@not-a-directive\n```\n\\@literal\n"
        let doc = try ContentDocument.parse(text, file: "content/a.md")
        #expect(doc.title == "A page" && doc.isDraft)
        let directives = doc.blocks.compactMap { if case .directive(let d) = $0 { return d }; return nil }
        #expect(directives == [Directive(name: "pair", arguments: ["two_moons", "lr", "nb"], line: 7)])
        #expect(doc.references.map(\.expression) == ["value config.seed"] && doc.references.first?.line == 5)
        let markdown = doc.blocks.compactMap { if case .markdown(let m) = $0 { return m }; return nil }.joined()
        #expect(markdown.contains("@not-a-directive") && markdown.contains("@literal"))
        let bad = #expect(throws: ContentError.self) { try ContentDocument.parse("text\n@2x figure\n", file: "content/b.md") }
        #expect(bad?.line == 2 && bad?.description.hasPrefix("content/b.md:2:") == true)
    }

    @Test("Templates: a misspelt variable is an error naming the template, line and the names it may use")
    func templates() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("site-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "<p>{{title}}</p>\n<p>{{titel}}</p>\n".write(to: folder.appendingPathComponent("card.mustache"), atomically: true, encoding: .utf8)
        let set = try TemplateSet.load(folder: folder)
        let problems = set.variableProblems(["card": ["title"]])
        #expect(problems.count == 1 && problems[0].line == 2 && problems[0].message.contains("titel") && problems[0].message.contains("title"))
        #expect(try set.render("card", ["title": "<x>", "titel": ""]).contains("<p>&lt;x&gt;</p>"))
    }
}

@Suite("Site: Markdown on many threads")
struct ConcurrentMarkdownTests {
    @Test("Markdown renders the same bytes when many pages render at once (cmark-gfm's shared state is serialised)")
    func concurrent() async {
        let doc = "# T\n\nSome *emphasis*, ~~struck~~ and `code` with $x_1$.\n\n| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\n- [link](x.html)\n"
        let serial = MarkdownRenderer.html(doc)
        let outputs = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<300).map { _ in MarkdownRenderer.html(doc) } }
            }
            var all = [String]()
            for await part in group { all += part }
            return all
        }
        #expect(outputs.count == 2400)
        #expect(outputs.allSatisfy { $0 == serial }, "\(outputs.filter { $0 != serial }.count) renders differed")
    }
}
