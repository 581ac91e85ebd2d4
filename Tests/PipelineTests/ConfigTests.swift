import Foundation
import Testing
@testable import Pipeline

@Suite("lenses.yml")
struct ConfigTests {
    static let root = TempProject.repoRoot

    /// The project's own lenses.yml with one line replaced.
    func variant(_ old: String, _ new: String) throws -> String {
        let text = try String(contentsOf: Self.root.appendingPathComponent("lenses.yml"), encoding: .utf8)
        #expect(text.contains(old), "fixture text must be in lenses.yml: \(old)")
        return text.replacingOccurrences(of: old, with: new)
    }

    func line(of needle: String, in text: String) -> Int {
        text.components(separatedBy: "\n").firstIndex { $0.contains(needle) }! + 1
    }

    @Test("The project's lenses.yml loads: datasets, models, gallery pages")
    func loads() throws {
        let spec = try ConfigLoader.load(root: Self.root)
        #expect(spec.seed == 42)
        #expect(spec.datasets.map(\.name) == ["two_moons", "circles", "blobs", "xor", "iris", "spam7"])
        #expect(spec.pages.first?.slug == "index")
        #expect(spec.pages.filter { $0.dataset != nil }.count == spec.datasets.count)
    }

    /// (replace, with, expected message part, the line the error must name)
    static let cases: [(String, String, String, String)] = [
        ("seed: 42", "seed: 42\nseeds: 3", "seeds: unknown key; allowed here: site, seed", "seeds: 3"),
        ("seed: 42", "seed: forty", "seed: expected a whole number, got 'forty'", "seed: forty"),
        ("  grid: 200", "  grid: 100000", "figures.grid: must be between 20 and 1000, got 100000", "grid: 100000"),
        ("  gaussian_nb: {var_smoothing: 1.0e-9}", "  gaussian_nb: {var_smoothing: 1.0e-9}\n  deep_magic: {}", "unknown model kind", "deep_magic"),
        ("logistic_regression: {C: 1}", "logistic_regression: {C: -1}", "setting 'C' must be > 0", "{C: -1}"),
        ("logistic_regression: {C: 1}", "logistic_regression: {C: one}", "setting 'C' must be a number", "{C: one}"),
        ("logistic_regression: {C: 1}", "logistic_regression: {C: 1, penalty: l1}", "unknown setting 'penalty'", "penalty: l1"),
        ("    file: data/iris.csv", "    file: data/irises.csv", "data/irises.csv:0: file not found", "file: data/irises.csv"),
        ("    label: species", "    label: kind", "no label column named 'kind'", "label: kind"),
        ("    features: [petal_length, petal_width]", "    features: [petal_length, stem]", "no feature column named 'stem'", "features: [petal_length, stem]"),
        ("    features: [petal_length, petal_width]", "    features: [petal_length]", "list exactly two feature columns", "features: [petal_length]"),
        ("    generate: xor", "    generate: spirals", "'spirals' is not allowed; use one of: two_moons, circles, blobs, xor", "generate: spirals"),
        ("    file: data/spam7.csv", "    file: ../secrets.csv", "must be a path inside the project", "file: ../secrets.csv"),
        ("    transform: log1p", "    transform: sqrt", "'sqrt' is not allowed; use one of: none, log1p", "transform: sqrt"),
        ("  - {slug: bayes-flip, file: content/bayes-flip.md}", "  - {slug: bayes-flip, file: content/nope.md}", "content file 'content/nope.md' not found", "content/nope.md"),
        ("    - [logistic_regression, gaussian_nb]", "    - [logistic_regression, qda_plus]", "model 'qda_plus' is not listed under models", "qda_plus"),
        ("seed: 42", "seed: [42", "is not valid YAML", "seed: [42"),
        ("  grid: 200", "  grid: 200\n  formats: [png, eps]", "'eps' is not allowed; use one of: png, svg, pdf", "formats: [png, eps]"),
        ("  grid: 200", "  grid: 200\n  formats: [svg]", "formats must include png", "formats: [svg]"),
        ("  title: TwoLenses", "  title: TwoLenses\n  base_url: /repo/", "base_url must be an absolute http(s) URL ending in '/'", "base_url: /repo/"),
    ]

    @Test("figures.formats and site.base_url are read (formats in a fixed order, default png only)")
    func formatsAndBaseURL() throws {
        #expect(try ConfigLoader.parse(variant("seed: 42", "seed: 42"), root: Self.root).figures.formats == [.png])
        #expect(try ConfigLoader.parse(variant("seed: 42", "seed: 42"), root: Self.root).baseURL == nil)
        let text = try variant("  grid: 200", "  grid: 200\n  formats: [pdf, png, svg, pdf]")
        let spec = try ConfigLoader.parse(text.replacingOccurrences(of: "  title: TwoLenses", with: "  title: TwoLenses\n  base_url: https://example.org/x/"), root: Self.root)
        #expect(spec.figures.formats == [.png, .svg, .pdf])
        #expect(spec.baseURL == "https://example.org/x/")
    }

    @Test("Each invalid config names the line, the key and what is allowed", arguments: 0..<cases.count)
    func invalid(index: Int) throws {
        let (old, new, message, lineText) = Self.cases[index]
        let text = try variant(old, new)
        do {
            _ = try ConfigLoader.parse(text, root: Self.root)
            Issue.record("config with \(new) should be refused")
        } catch let e as ConfigError {
            #expect(e.description.contains(message), "\(e)")
            let expectedLine = line(of: lineText, in: text)
            // YAML parse errors may point at the next token; every other error names its exact line.
            if message == "is not valid YAML" { #expect(e.line != nil) } else { #expect(e.line == expectedLine, "\(e)") }
            #expect(e.description.hasPrefix("lenses.yml:"))
        }
    }

    @Test("A missing lenses.yml says where it looked")
    func missing() {
        let e = #expect(throws: ConfigError.self) { try ConfigLoader.load(root: FileManager.default.temporaryDirectory) }
        #expect(e?.description.contains("not found in") == true)
    }
}
