import Foundation
import Testing
@testable import Pipeline

/// Every section of lenses.yml is checked once, when the file is read (`ConfigLoader`): a bad
/// value is refused there with the file, the line and what is allowed, and `lenses check` and
/// `lenses build` report that same error (neither planner nor study checks it again).
@Suite("lenses check and lenses build agree")
struct CheckBuildAgreementTests {
    /// (section, replace, with, the text of the line the error must name, a part of the message)
    static let cases: [(String, String, String, String, String)] = [
        ("site", "  title: TwoLenses", "  title: TwoLenses\n  base_url: /repo/", "base_url: /repo/", "base_url must be an absolute"),
        ("seed", "seed: 42 ", "seed: forty ", "seed: forty", "expected a whole number"),
        ("test_fraction", "test_fraction: 0.3 ", "test_fraction: 1.5 ", "test_fraction: 1.5", "test_fraction"),
        ("figures", "  grid: 200", "  grid: 5", "grid: 5", "figures.grid"),
        ("datasets", "    generate: xor", "    generate: spirals", "generate: spirals", "'spirals' is not allowed"),
        ("models", "logistic_regression: {C: 1}", "logistic_regression: {C: -1}", "{C: -1}", "setting 'C' must be > 0"),
        ("gallery", "    - [mlp, qda]", "    - [mlp, qda_plus]", "[mlp, qda_plus]", "model 'qda_plus' is not listed"),
        ("regressions", "    ridge_alpha: 50", "    ridge_alpha: -50", "ridge_alpha: -50", "ridge_alpha"),
        ("mixtures", "    n_init: 10", "    n_init: 0", "n_init: 0", "n_init"),
        ("case_studies", "    samples: 6", "    samples: 500", "samples: 500", "samples"),
        ("deep", "  preset: site", "  preset: slow", "preset: slow", "'slow' is not allowed"),
        ("learning_curves", "  splits: 200 ", "  splits: 1 ", "splits: 1", "splits"),
        ("learning_curves", "  c_weak: 1.0e4 ", "  c_weak: -3 ", "c_weak: -3", "c_weak"),
        ("language", "  draws: 5 ", "  draws: 1 ", "draws: 1", "draws"),
        ("language", "  judge_threshold: 0.9 ", "  judge_threshold: 0.5 ", "judge_threshold: 0.5", "above 0.5"),
        ("explore", "probe: {cells: 50}", "probe: {cells: 2}", "probe: {cells: 2}", "cells"),
        ("explore", "{C: [0.01, 1, 100]}", "{C: [0.01, -1, 100]}", "{C: [0.01, -1, 100]}", "setting 'C' must be > 0"),
        ("pages", "file: content/bayes-flip.md}", "file: content/nope.md}", "content/nope.md", "content file 'content/nope.md' not found"),
    ]

    @Test("A bad value in each section: the same error from check and build, at its line", arguments: 0..<cases.count)
    func sameError(index: Int) async throws {
        let (section, old, new, lineText, message) = Self.cases[index]
        let project = try TempProject()
        defer { project.remove() }
        let file = project.root.appendingPathComponent("lenses.yml")
        var text = try String(contentsOf: file, encoding: .utf8)
        let range = try #require(text.range(of: old), "\(section): fixture text must be in lenses.yml: \(old)")
        text.replaceSubrange(range, with: new)
        try text.write(to: file, atomically: true, encoding: .utf8)
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains(lineText) }! + 1

        let checked = ProjectCheck.run(root: project.root).problems
        var built: String?
        do {
            _ = try await SiteBuilder.build(try ConfigLoader.load(root: project.root),
                                            options: BuildOptions(output: project.root.appendingPathComponent("site"), parallelism: 1))
        } catch { built = "\(error)" }
        let error = try #require(built, "\(section): lenses build should refuse \(new)")
        #expect(checked == [error], "\(section)")
        #expect(error.hasPrefix("lenses.yml:\(line):"), "\(section): \(error)")
        #expect(error.contains(message), "\(section): \(error)")
        #expect(!FileManager.default.fileExists(atPath: project.root.appendingPathComponent("site").path), "\(section)")
    }
}
