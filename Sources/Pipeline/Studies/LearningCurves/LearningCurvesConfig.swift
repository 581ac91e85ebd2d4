import Datasets
import Foundation
import Models
import Numerics
import Yams

extension ConfigLoader {
    static func learningCurves(_ field: Field, datasets: [DatasetSpec], root: URL) throws -> LearningCurvesConfig {
        let m = try field.mapping(allowed: ["splits", "sizes", "test_fraction", "min_per_class", "level", "significance",
                                            "c_strong", "c_weak", "max_iter", "tol", "lbfgs_memory", "var_smoothing", "alpha", "datasets"])
        var out = LearningCurvesConfig()
        var s = out.settings
        if let v = m["splits"] { s.splits = try v.integer(in: 2...10_000) }
        if let v = m["sizes"] { s.sizes = try v.integer(in: 1...100) }
        if let v = m["test_fraction"] { s.testFraction = try v.number(in: 0.05...0.95) }
        if let v = m["min_per_class"] { s.minPerClass = try v.integer(in: 1...1000) }
        if let v = m["level"] { s.level = try v.number(in: 0.5...0.999) }
        if let v = m["significance"] { s.significance = try v.number(in: 0.001...0.5) }
        if let v = m["c_strong"] { s.strongC = try v.number(in: 1e-6...1e12) }
        if let v = m["c_weak"] { s.weakC = try v.number(in: 1e-6...1e12) }
        if let v = m["max_iter"] { s.maxIterations = try v.integer(in: 1...100_000) }
        if let v = m["tol"] { s.tolerance = try v.number(in: 1e-14...1) }
        if let v = m["lbfgs_memory"] { s.lbfgsMemory = try v.integer(in: 1...1000) }
        if let v = m["var_smoothing"] { s.varSmoothing = try v.number(in: 0...1) }
        if let v = m["alpha"] { s.alpha = try v.number(in: 1e-6...1e6) }
        out.settings = s
        guard let list = m["datasets"] else { return out }
        var specs = [LearningCurveSpec]()
        for item in try list.sequence(nonEmpty: true) {
            var spec: LearningCurveSpec
            if case .scalar = item.node {
                let name = try item.identifier()
                if let standard = LearningCurveSpec.standard.first(where: { $0.name == name }) {
                    spec = standard
                } else if let ds = datasets.first(where: { $0.name == name }), case .csv(let file, let label, _, let transform) = ds.source {
                    spec = LearningCurveSpec(name: name, title: ds.title, file: file, label: label, transform: transform)
                } else {
                    throw item.error("'\(name)' is neither a standard study (\(LearningCurveSpec.standard.map(\.name).joined(separator: ", "))) nor a CSV dataset under datasets:; describe it with name, file and label")
                }
            } else {
                let d = try item.mapping(allowed: ["name", "title", "file", "label", "exclude", "transform", "standardize", "divisor",
                                                   "counts", "binarize", "tol"], required: ["name", "file", "label"])
                let name = try d["name"]!.identifier()
                let file = try d["file"]!.relativePath(root: root)
                let label = try d["label"]!.string()
                let exclude = try d["exclude"]?.stringList() ?? []
                try checkColumns(file: file, field: d["file"]!, columns: [(d["label"]!, [label])] + (d["exclude"].map { [($0, exclude)] } ?? []), root: root)
                spec = LearningCurveSpec(
                    name: name, title: try d["title"]?.string() ?? name, file: file, label: label, exclude: exclude,
                    transform: try d["transform"].map { FeatureTransform(rawValue: try $0.choice(["none", "log1p"]))! } ?? FeatureTransform.none,
                    standardizeForLogistic: try d["standardize"]?.flag() ?? true,
                    logisticDivisor: try d["divisor"]?.number(in: 1e-9...1e12) ?? 1,
                    counts: try d["counts"]?.flag() ?? false,
                    binarizeThreshold: try d["binarize"]?.number(in: -1e12...1e12) ?? 0,
                    logisticTolerance: try d["tol"]?.number(in: 1e-14...1))
            }
            guard !specs.contains(where: { $0.name == spec.name }) else { throw item.error("dataset '\(spec.name)' is listed twice") }
            specs.append(spec)
        }
        out.datasets = specs
        return out
    }

    /// The `language:` section: every key optional (defaults of `LanguageSettings`). The word list must
    /// exist; its rows are checked when a page shows the study (reading 40,000 words on every load
    /// of lenses.yml would slow every command).
}
