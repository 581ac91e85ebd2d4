import Foundation
import Testing

/// The binary's view of `CheckBuildAgreementTests`: for a bad value in lenses.yml, `lenses check`
/// and `lenses build` print the same `error: lenses.yml:LINE: …` line and exit 1.
@Suite("lenses check and lenses build print the same error")
struct CheckBuildSameErrorTests {
    static let cases: [(String, String)] = [
        ("logistic_regression: {C: 1}", "logistic_regression: {C: -1}"),
        ("  splits: 2", "  splits: 1"),
        ("  draws: 5 ", "  draws: 1 "),
    ]

    @Test("models, learning_curves and language: one error line, printed by both", arguments: 0..<cases.count)
    func sameLine(index: Int) throws {
        let cli = CLITests()
        let root = try cli.tempProject()
        defer { try? FileManager.default.removeItem(at: root) }
        let yml = root.appendingPathComponent("lenses.yml")
        let (old, new) = Self.cases[index]
        var text = try String(contentsOf: yml, encoding: .utf8)
        let range = try #require(text.range(of: old), "fixture text must be in lenses.yml: \(old)")
        text.replaceSubrange(range, with: new)
        try text.write(to: yml, atomically: true, encoding: .utf8)

        let check = try cli.lenses(["check"], in: root), build = try cli.lenses(["build"], in: root)
        #expect(check.status == 1 && build.status == 1, "\(check.stderr)\n\(build.stderr)")
        func errorLines(_ s: String) -> [String] { s.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error: ") } }
        let fromCheck = errorLines(check.stderr), fromBuild = errorLines(build.stderr)
        #expect(fromCheck.count == 1 && fromCheck == fromBuild, "check: \(check.stderr)\nbuild: \(build.stderr)")
        #expect(fromBuild.first?.hasPrefix("error: lenses.yml:") == true, "\(build.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("site").path))
    }
}
