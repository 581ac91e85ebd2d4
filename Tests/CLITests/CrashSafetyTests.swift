import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Kills `lenses build` with SIGKILL at seeded moments spread over the build and
/// checks that nothing is ever lost: `site/` is always the complete old site or
/// the complete new one, the cache never serves a half-written entry (the next
/// build succeeds and equals an uncached build), and temporary folders left
/// behind are cleaned up by the next build.
@Suite("Crash safety")
struct CrashSafetyTests {
    @Test("SIGKILL at 24 seeded moments never leaves a half-written site or a bad cache entry")
    func killedBuilds() throws {
        let t = CLITests()
        let fm = FileManager.default
        let root = try t.tempProject()
        defer { try? fm.removeItem(at: root) }
        try fm.removeItem(at: root.appendingPathComponent("lenses.yml"))
        try fm.copyItem(at: BadInputTests.corpus.appendingPathComponent("_base/lenses.yml"), to: root.appendingPathComponent("lenses.yml"))
        let yml = root.appendingPathComponent("lenses.yml")
        let configA = try String(contentsOf: yml, encoding: .utf8)
        let configB = configA.replacingOccurrences(of: "logistic_regression: {C: 1}", with: "logistic_regression: {C: 0.3}")
        #expect(configA != configB)

        // The two complete sites every interrupted build must leave one of.
        try configB.write(to: yml, atomically: true, encoding: .utf8)
        #expect(try t.lenses(["build", "--no-cache"], in: root).status == 0)
        let siteB = try snapshotFiles(root.appendingPathComponent("site"))
        try configA.write(to: yml, atomically: true, encoding: .utf8)
        let clock = Date()
        #expect(try t.lenses(["build", "--no-cache"], in: root).status == 0)
        let buildSeconds = Date().timeIntervalSince(clock)
        let siteA = try snapshotFiles(root.appendingPathComponent("site"))
        #expect(siteA != siteB)

        // Kill moments spread over the build (seeded: the same moments every run).
        var state: UInt64 = 0x5EED
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        var sawOld = 0, sawNew = 0
        for trial in 0..<24 {
            let target = trial % 2 == 0 ? configB : configA
            try target.write(to: yml, atomically: true, encoding: .utf8)
            let p = Process()
            p.executableURL = CLITests.binary
            p.arguments = ["build", "--force"]
            p.currentDirectoryURL = root
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            let delay = (0.02 + next() * 1.2) * max(buildSeconds, 0.5)
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let site = try snapshotFiles(root.appendingPathComponent("site"))
            let complete = site == siteA || site == siteB
            #expect(complete, "trial \(trial) (killed after \(String(format: "%.2f", delay)) s): site/ is neither the old nor the new site")
            if site == (trial % 2 == 0 ? siteB : siteA) { sawNew += 1 } else { sawOld += 1 }
        }
        // The moments must really cover both outcomes: killed before and after the swap.
        #expect(sawOld > 0 && sawNew > 0, "old \(sawOld), new \(sawNew)")

        // The next build succeeds, cleans up, and its site equals an uncached build's.
        try configA.write(to: yml, atomically: true, encoding: .utf8)
        let after = try t.lenses(["build"], in: root)
        #expect(after.status == 0, "\(after.stderr)")
        #expect(try snapshotFiles(root.appendingPathComponent("site")) == siteA)
        let leftovers = try fm.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".site.") }
        #expect(leftovers.isEmpty, "temporary folders left: \(leftovers)")
        let cacheTemps = (fm.enumerator(atPath: root.appendingPathComponent(".lenses/cache").path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".tmp") }
        #expect(cacheTemps.isEmpty, "half-written cache files left: \(cacheTemps.prefix(3))")
    }
}
