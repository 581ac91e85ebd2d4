import Foundation
import Testing

/// The bad-input corpus (Fixtures/bad/<case>/): each case starts from a small
/// project that has already been built, breaks one thing, and runs `lenses build`.
/// It must exit non-zero (or 0 where expect.txt documents a warning), print one
/// `error:` line naming the file and line (or key) with the fix, no stack trace,
/// and leave the previous site byte-identical.
///
/// expect.txt lines: `exit: N`, `stderr: TEXT` (must appear), `replace: FILE | OLD | NEW`,
/// `append: FILE | TEXT`, `delete: PATH`, `mkdir: PATH` (a folder where a file was),
/// `generate: long-line PATH` (a 50 MB line), `absent-in-site: TEXT`. Other files in the
/// case folder replace the project's files at the same paths.
@Suite("Bad input corpus")
struct BadInputTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bad")
    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { !$0.hasPrefix("_") && !$0.hasPrefix(".") }.sorted()
    }

    /// The small project, built once; each case works on a copy.
    /// Why the base project did not build (reported by each case instead of stopping the test process).
    struct BaseFailure: Error, CustomStringConvertible { let description: String }

    static let base: Result<URL, BaseFailure> = {
        let t = CLITests()
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("lenses-bad-base-\(UUID().uuidString)")
        try! fm.createDirectory(at: root, withIntermediateDirectories: true)
        for item in ["templates", "content", "data"] {
            try! fm.copyItem(at: CLITests.repoRoot.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
        try! fm.copyItem(at: corpus.appendingPathComponent("_base/lenses.yml"), to: root.appendingPathComponent("lenses.yml"))
        let built = try! t.lenses(["build", "--jobs", "2"], in: root)
        guard built.status == 0 else { return .failure(BaseFailure(description: "the corpus's base project must build: \(built.stderr)")) }
        return .success(root)
    }()

    @Test("The corpus holds at least 40 cases")
    func size() { #expect(Self.cases.count >= 40) }

    @Test("Each bad input fails cleanly with file and line, and the previous site is unchanged", arguments: cases)
    func badInput(name: String) throws {
        let fm = FileManager.default
        let caseDir = Self.corpus.appendingPathComponent(name)
        let root = fm.temporaryDirectory.appendingPathComponent("lenses-bad-\(name)-\(UUID().uuidString)")
        try fm.copyItem(at: try Self.base.get(), to: root)
        defer { try? fm.removeItem(at: root) }
        let siteBefore = try snapshotFiles(root.appendingPathComponent("site"))

        var expectedExit: Int32 = 1
        var wanted = [String](), absentInSite = [String]()
        for line in try String(contentsOf: caseDir.appendingPathComponent("expect.txt"), encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            let (key, value) = (parts[0], parts[1].replacingOccurrences(of: "\\n", with: "\n"))
            switch key {
            case "exit": expectedExit = Int32(value)!
            case "stderr": wanted.append(value)
            case "absent-in-site": absentInSite.append(value)
            case "delete": try fm.removeItem(at: root.appendingPathComponent(value))
            case "mkdir":
                try fm.removeItem(at: root.appendingPathComponent(value))
                try fm.createDirectory(at: root.appendingPathComponent(value), withIntermediateDirectories: true)
            case "generate":
                let path = root.appendingPathComponent(String(value.split(separator: " ")[1]))
                var data = try Data(contentsOf: path).prefix(200)
                data = Data(String(decoding: data, as: UTF8.self).components(separatedBy: "\n").prefix(2).joined(separator: "\n").utf8)
                data.append(Data("\n5.0,3.0,".utf8))
                data.append(Data(repeating: UInt8(ascii: "7"), count: 50 << 20))
                data.append(Data(",0.2,setosa\n".utf8))
                try data.write(to: path)
            case "replace", "append":
                let fields = value.components(separatedBy: " | ")
                let file = root.appendingPathComponent(fields[0])
                let text = try String(contentsOf: file, encoding: .utf8)
                let updated = key == "append" ? text + fields[1]
                    : text.replacingOccurrences(of: fields[1], with: fields.count > 2 ? fields[2] : "")
                #expect(updated != text, "\(name): the replacement must change \(fields[0])")
                try updated.write(to: file, atomically: true, encoding: .utf8)
            default:
                Issue.record("\(name): unknown expect.txt key \(key)")
            }
        }
        // Files shipped with the case replace the project's.
        for case let rel as String in fm.enumerator(atPath: caseDir.path)?.allObjects ?? [] where rel != "expect.txt" {
            var isDir: ObjCBool = false
            let src = caseDir.appendingPathComponent(rel)
            guard fm.fileExists(atPath: src.path, isDirectory: &isDir), !isDir.boolValue else { continue }
            let dst = root.appendingPathComponent(rel)
            try? fm.removeItem(at: dst)
            try fm.createDirectory(at: dst.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: src, to: dst)
        }

        let run = try CLITests().lenses(["build", "--jobs", "2"], in: root)
        #expect(run.status == expectedExit, "\(name): exit \(run.status)\n\(run.stderr)")
        for w in wanted { #expect(run.stderr.contains(w), "\(name): stderr lacks '\(w)':\n\(run.stderr)") }
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack dump") && !run.stderr.contains("backtrace"),
                "\(name): no crash or stack trace\n\(run.stderr)")
        if expectedExit != 0 {
            let errorLines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
            #expect(errorLines.count == 1, "\(name): one error message\n\(run.stderr)")
            #expect(try snapshotFiles(root.appendingPathComponent("site")) == siteBefore, "\(name): the previous site must be untouched")
            let leftovers = try fm.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".site.") }
            #expect(leftovers.isEmpty, "\(name): no temporary folder left behind")
        } else {
            for text in absentInSite {
                for (path, data) in try snapshotFiles(root.appendingPathComponent("site")) where path.hasSuffix(".html") {
                    #expect(!String(decoding: data, as: UTF8.self).contains(text), "\(name): \(path) contains \(text)")
                }
            }
        }
    }
}

func snapshotFiles(_ folder: URL) throws -> [String: Data] {
    let fm = FileManager.default
    var out = [String: Data]()
    for case let path as String in fm.enumerator(atPath: folder.path)?.allObjects ?? [] {
        var isDir: ObjCBool = false
        let full = folder.appendingPathComponent(path)
        if fm.fileExists(atPath: full.path, isDirectory: &isDir), !isDir.boolValue { out[path] = try Data(contentsOf: full) }
    }
    return out
}
