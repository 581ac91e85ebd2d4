import Foundation
import Testing
@testable import Pipeline

@Suite("Language study: word list")
struct LanguageWordListTests {
    func error(_ text: [UInt8]) -> String {
        do { _ = try WordList.parse(Data(text), file: "data/words.csv"); return "no error" } catch { return "\(error)" }
    }
    func error(_ text: String) -> String { error(Array(text.utf8)) }

    @Test("Good rows parse; CRLF and a missing final newline are fine")
    func good() throws {
        let l = try WordList.parse(Data("word,language\r\nchat,french\r\ngato,spanish\r\nsol,spanish".utf8), file: "w.csv")
        #expect(l.words == ["chat", "gato", "sol"] && l.labels == [0, 1, 1] && l.languages == ["french", "spanish"] && l.lines == [2, 3, 4])
    }

    @Test("Bad input is reported at its file and line")
    func bad() {
        #expect(error("word,language\nchat,french\nchien,french\n") == "data/words.csv:3: every word is 'french'; the study needs words of two languages")
        #expect(error("word,language\nchat,french\n,spanish\n") == "data/words.csv:3: the word is empty")
        #expect(error(Array("word,language\nchat,french\n".utf8) + [0x63, 0xC3, 0x28, 0x2C] + Array("spanish\n".utf8))
                == "data/words.csv:3: not UTF-8 text (save the file as UTF-8)")
        #expect(error("word,lang\nchat,french\n").hasPrefix("data/words.csv:1: the header must be 'word,language'"))
        #expect(error("word,language\nchat,french,x\n") == "data/words.csv:2: expected 2 fields 'word,language', got 3")
        #expect(error("word,language\nChat,french\n") == "data/words.csv:2: 'Chat' is not lower-case")
        #expect(error("word,language\nabat-jour,french\n").hasPrefix("data/words.csv:2: 'abat-jour' has a character that is not a letter"))
        #expect(error("word,language\na,french\nb,spanish\nc,italian\n").hasPrefix("data/words.csv:4: a third language 'italian'"))
        #expect(error("word,language\na,french\nb,spanish\na,french\n") == "data/words.csv:4: 'a' is listed for french already on line 2")
        #expect(error("word,language\n<b>,french\n").hasPrefix("data/words.csv:2: '<b>' has a character that is not a letter"))
        #expect(error("") == "data/words.csv:1: the header must be 'word,language', got ''" || error("").hasPrefix("data/words.csv:1:"))
    }

    @Test("Reach: the m from which a task stays 90 % of the way, interpolated in log m")
    func reach() {
        #expect(LanguageStudy.progressCurve([0.5, 0.3, 0.1]) == [0, 0.5, 1])
        #expect(LanguageStudy.reachM([0, 0.5, 1], sizes: [10, 100, 1000], reach: 0.9) - pow(10, 2.8) < 1e-9)
        // A dip below 0.9 after reaching it moves the reach past the dip.
        #expect(LanguageStudy.reachM([0, 0.95, 0.8, 1], sizes: [1, 10, 100, 1000], reach: 0.9) > 100)
        #expect(LanguageStudy.logSpaced(from: 10, to: 1000, count: 3) == [10, 100, 1000])
    }
}

@Suite("Language study: build")
struct LanguageBuildTests {
    /// The project with a tiny word list (300 words per language) and a small experiment.
    static func project() throws -> (TempProject, ProjectSpec) {
        let project = try TempProject()
        let words = try String(contentsOf: project.root.appendingPathComponent("data/words.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let french = words.dropFirst().filter { $0.hasSuffix(",french") }.prefix(300)
        let spanish = words.dropFirst().filter { $0.hasSuffix(",spanish") }.prefix(300)
        try (["word,language"] + french + spanish).joined(separator: "\n").appending("\n")
            .write(to: project.root.appendingPathComponent("data/words.csv"), atomically: true, encoding: .utf8)
        let yml = project.root.appendingPathComponent("lenses.yml")
        var text = try String(contentsOf: yml, encoding: .utf8)
        for (old, new) in [("  orders: [1, 2, 3, 4, 5]", "  orders: [1, 2, 3]"), ("  sizes: 8 ", "  sizes: 3 "), ("  smallest: 10", "  smallest: 5"),
                           ("  draws: 5 ", "  draws: 2 "), ("  samples: 500", "  samples: 40"), ("  test: 1000", "  test: 60"),
                           ("  validation: 1000", "  validation: 40"), ("  dictionary: 10000", "  dictionary: 100")] {
            #expect(text.contains(old), "fixture text must be in lenses.yml: \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(to: yml, atomically: true, encoding: .utf8)
        // 300 words cannot bear out the page's checked claims (no copies at any size): a draft
        // page reports them instead of failing the build.
        let page = project.root.appendingPathComponent("content/language.md")
        let md = try String(contentsOf: page, encoding: .utf8)
        try md.replacingOccurrences(of: "---\ntitle:", with: "---\ndraft: true\ntitle:").write(to: page, atomically: true, encoding: .utf8)
        var spec = try ConfigLoader.load(root: project.root)
        spec.pages = spec.pages.filter { ["index", "language"].contains($0.slug) }
        return (project, spec)
    }

    @Test("language: in lenses.yml and the @language directives give a figure, tables, generated text and a metrics.json entry; bytes do not depend on --jobs")
    func page() async throws {
        let (project, spec) = try Self.project()
        defer { project.remove() }
        #expect(spec.language?.orders == [1, 2, 3] && spec.language?.draws == 2)
        let out = project.root.appendingPathComponent("site")
        let report = try await SiteBuilder.build(spec, options: BuildOptions(output: out, parallelism: 2))
        #expect(report.redone.contains("study/language") && report.redone.contains("render/language"))
        let files = try snapshot(out)
        #expect(files["figures/language--tell-vs-write.png"]?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
        let html = String(decoding: try #require(files["language.html"]), as: UTF8.self)
        struct Doc: Decodable {
            struct Entry: Decodable {
                let sizes: [Int]; let generative_error: [Double]; let discriminative_error: [Double]; let order: Int
                let verdict: String; let paragraphs: [String]; let written_words: [[String]]
            }
            let language: Entry
        }
        let doc = try JSONDecoder().decode(Doc.self, from: try #require(files["metrics.json"]))
        let e = doc.language
        #expect(e.sizes.count == 3 && e.sizes.first == 5 && e.sizes.last == 100)
        #expect(e.generative_error.count == 3 && e.discriminative_error.count == 3)
        #expect([1, 2, 3].contains(e.order))
        func escaped(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        for p in e.paragraphs { #expect(html.contains(escaped(p)), "paragraph missing from the page: \(p)") }
        #expect(html.contains(escaped(e.verdict)))
        for w in e.written_words[0] where !w.isEmpty { #expect(html.contains(w)) }

        // A warm rebuild reuses everything and writes the same metrics.json.
        let warm = project.root.appendingPathComponent("site-warm")
        let again0 = try await SiteBuilder.build(spec, options: BuildOptions(output: warm, parallelism: 2))
        #expect(!again0.redone.contains("study/language"))
        #expect(try snapshot(warm)["metrics.json"] == files["metrics.json"])

        // Same bytes with one job, from a cold cache.
        let again = project.root.appendingPathComponent("site1")
        _ = try await SiteBuilder.build(spec, options: BuildOptions(output: again, parallelism: 1, useCache: false))
        let files1 = try snapshot(again)
        #expect(files1["language.html"] == files["language.html"])
        #expect(files1["metrics.json"] == files["metrics.json"])
        #expect(files1["figures/language--tell-vs-write.png"] == files["figures/language--tell-vs-write.png"])
    }

    @Test("lenses.yml: a bad language: section is reported at its line")
    func config() async throws {
        let (project, _) = try Self.project()
        defer { project.remove() }
        let yml = project.root.appendingPathComponent("lenses.yml")
        let text = try String(contentsOf: yml, encoding: .utf8)
        func message(_ old: String, _ new: String) -> String {
            try? text.replacingOccurrences(of: old, with: new).write(to: yml, atomically: true, encoding: .utf8)
            do { _ = try ConfigLoader.load(root: project.root); return "no error" } catch { return "\(error)" }
        }
        func planned(_ old: String, _ new: String) async -> String {
            try? text.replacingOccurrences(of: old, with: new).write(to: yml, atomically: true, encoding: .utf8)
            do {
                var spec = try ConfigLoader.load(root: project.root)
                spec.pages = spec.pages.filter { ["index", "language"].contains($0.slug) }
                _ = try await SiteBuilder.build(spec, options: BuildOptions(output: project.root.appendingPathComponent("site"), parallelism: 1))
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(await planned("  write: french", "  write: italian") == "lenses.yml: language.write: 'italian' is not a language of data/words.csv; it has french, spanish")
        #expect(message("  draws: 2 ", "  draws: 1 ").contains("language.draws: must be between 2 and 1000, got 1"))
        #expect(message("  orders: [1, 2, 3]", "  orders: [1, 9]").contains("language.orders[1]: must be between 1 and 8"))
        #expect(await planned("  dictionary: 100", "  dictionary: 1000").contains("has 300 french words; test + validation + dictionary + smallest need 1105"))
        try text.write(to: yml, atomically: true, encoding: .utf8)
        try "word,language\nchat,french\n".write(to: project.root.appendingPathComponent("data/words.csv"), atomically: true, encoding: .utf8)
        #expect(await planned("seed: 42", "seed: 42") == "data/words.csv:2: every word is 'french'; the study needs words of two languages")
    }
}
