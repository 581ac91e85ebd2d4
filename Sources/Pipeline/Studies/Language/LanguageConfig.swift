import Datasets
import Foundation
import Models
import Numerics
import Yams

extension ConfigLoader {
    static func language(_ field: Field, root: URL) throws -> LanguageSettings {
        let m = try field.mapping(allowed: ["file", "orders", "sizes", "smallest", "draws", "samples", "test", "validation",
                                            "dictionary", "c", "max_iter", "tol", "write", "judge_threshold", "reach", "shown",
                                            "level", "seed"])
        var s = LanguageSettings()
        if let v = m["file"] { s.file = try v.relativePath(root: root) }
        if let v = m["orders"] {
            s.orders = try v.sequence(nonEmpty: true).map { try $0.integer(in: 1...8) }
            guard Set(s.orders).count == s.orders.count else { throw v.error("each order once") }
        }
        if let v = m["sizes"] { s.sizes = try v.integer(in: 2...50) }
        if let v = m["smallest"] { s.smallest = try v.integer(in: 1...1_000_000) }
        if let v = m["draws"] { s.draws = try v.integer(in: 2...1000) }
        if let v = m["samples"] { s.samples = try v.integer(in: 10...1_000_000) }
        if let v = m["test"] { s.test = try v.integer(in: 1...10_000_000) }
        if let v = m["validation"] { s.validation = try v.integer(in: 1...10_000_000) }
        if let v = m["dictionary"] { s.dictionary = try v.integer(in: 1...10_000_000) }
        if let v = m["c"] { s.c = try v.number(in: 1e-6...1e12) }
        if let v = m["max_iter"] { s.maxIterations = try v.integer(in: 1...100_000) }
        if let v = m["tol"] { s.tolerance = try v.number(in: 1e-14...1) }
        if let v = m["write"] { s.write = try v.identifier() }
        if let v = m["judge_threshold"] { s.judgeThreshold = try v.number(in: 0.5...0.999) }
        if let v = m["reach"] { s.reach = try v.number(in: 0.5...0.99) }
        if let v = m["shown"] { s.shown = try v.integer(in: 1...20) }
        if let v = m["level"] { s.level = try v.number(in: 0.5...0.999) }
        if let v = m["seed"] { s.seed = UInt64(try v.integer(in: 0...Int(Int32.max))) }
        if s.judgeThreshold == 0.5 { throw m["judge_threshold"]!.error("must be above 0.5") }
        let fileField = m["file"] ?? field
        guard FileManager.default.isReadableFile(atPath: root.appendingPathComponent(s.file).path) else {
            throw fileField.error("word list '\(s.file)' not found")
        }
        return s
    }
}
