import Foundation
import Testing
@testable import Pipeline

/// The built-in theme and a project's templates/ over it, file by file.
@Suite("Built-in theme")
struct ThemeTests {
    @Test("A project's own template or asset replaces the built-in one of that name only; the page key follows")
    func overrides() throws {
        let root = try NamedModelTests.project(models: "  logistic_regression: {}\n  gaussian_nb: {}",
                                               page: "@pair moons logistic_regression gaussian_nb")
        defer { try? FileManager.default.removeItem(at: root) }
        let builtin = try #require(BuiltinFiles.root)
        let plain = try Theme.load(root: root)
        #expect(plain.overridden.isEmpty)
        #expect(plain.assets["assets/style.css"] == FileManager.default.contents(atPath: builtin.appendingPathComponent("templates/assets/style.css").path))

        let own = root.appendingPathComponent("templates/assets")
        try FileManager.default.createDirectory(at: own, withIntermediateDirectories: true)
        try Data("body { color: teal }\n".utf8).write(to: own.appendingPathComponent("style.css"))
        let table = try String(contentsOf: builtin.appendingPathComponent("templates/table.mustache"), encoding: .utf8)
        try (table + "<!-- mine -->\n").write(to: root.appendingPathComponent("templates/table.mustache"), atomically: true, encoding: .utf8)
        let themed = try Theme.load(root: root)
        #expect(themed.overridden == ["table"])
        #expect(themed.assets["assets/style.css"] == Data("body { color: teal }\n".utf8))
        #expect(themed.assets["assets/math.js"] == plain.assets["assets/math.js"])
        #expect(themed.templates.sources["table"]!.hasSuffix("<!-- mine -->\n"))
        #expect(themed.templates.sources["layout"] == plain.templates.sources["layout"])
        #expect(themed.digest != plain.digest)

        // A project copy of the whole theme is the theme: same digest, so the same page keys.
        try FileManager.default.removeItem(at: root.appendingPathComponent("templates"))
        try FileManager.default.copyItem(at: builtin.appendingPathComponent("templates"), to: root.appendingPathComponent("templates"))
        #expect(try Theme.load(root: root).digest == plain.digest)
    }

    @Test("A project template with a variable lenses does not give it is an error with its file and line")
    func unknownVariable() throws {
        let root = try NamedModelTests.project(models: "  logistic_regression: {}\n  gaussian_nb: {}",
                                               page: "@pair moons logistic_regression gaussian_nb")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try "<p>{{caption}}</p>\n<p>{{score}}</p>\n".write(to: root.appendingPathComponent("templates/figure.mustache"), atomically: true, encoding: .utf8)
        let problems = ProjectCheck.run(root: root).problems
        #expect(problems.contains { $0.hasPrefix("templates/figure.mustache:2: unknown variable 'score'; lenses gives figure.mustache only:") }, "\(problems)")
        #expect(throws: (any Error).self) { try Planner.plan(try ConfigLoader.load(root: root)) }
    }
}
