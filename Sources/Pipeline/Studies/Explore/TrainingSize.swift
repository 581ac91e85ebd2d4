import Datasets
import Foundation
import Models
import Numerics
import Plotting

/// A training-size slider (`@training-size DATASET MODEL OTHER_MODEL`): two models side by side,
/// both retrained on nested random training sets of growing size (each set holds the smaller
/// ones), scored on the same test part. Frame t shows both P(y|x) maps at size m_t; the readout
/// their test accuracy and log loss. Sizes are log-spaced (`explore: training_size:`), from
/// `smallest` rows per class to the whole training part; the still figures are the largest size.
enum TrainingSizeExplorable {
    typealias Frame = RegulariserExplorable.Frame

    struct Payload: Codable, Equatable {
        /// How tables name the two models, left first.
        let models: [String]
        /// Training rows at each step, as shown.
        let m: [String]
        let start: Int
        /// Per step, the two maps.
        let frames: [[Frame]]
        /// Per step, per model, as shown.
        let accuracy: [[String]]
        let log_loss: [[String]]
    }

    /// Rows per class at each step: the share f of every class, log-spaced from `smallest` rows of
    /// the smallest class up to all of it, at least `smallest` (or the whole class) each; duplicates dropped.
    static func steps(classSizes: [Int], settings: TrainingSizeSettings) -> [[Int]] {
        let minClass = max(classSizes.min() ?? 1, 1)
        let f0 = min(1, Double(settings.smallest) / Double(minClass))
        var out = [[Int]]()
        for t in 0..<settings.sizes {
            let f = settings.sizes == 1 ? 1 : exp(log(f0) * (1 - Double(t) / Double(settings.sizes - 1)))
            let counts = classSizes.map { n in t == settings.sizes - 1 ? n : min(n, max(min(settings.smallest, n), Int((f * Double(n)).rounded()))) }
            if out.last != counts { out.append(counts) }
        }
        return out
    }

    /// Nested training sets: each class's training rows in one seeded order, the first `counts[c]` taken.
    static func subsets(_ data: DataArtifact, steps: [[Int]], seed: UInt64) -> [[Int]] {
        var rng = SeededRandom(seed: seed, stream: "training-size/\(data.spec.name)")
        let y = data.dataset.y
        let orders = (0..<data.dataset.classCount).map { c -> [Int] in
            var members = data.split.train.filter { y[$0] == c }
            rng.shuffle(&members)
            return members
        }
        return steps.map { counts in counts.enumerated().flatMap { c, k in orders[c].prefix(k) }.sorted() }
    }

    static func readout(_ p: Payload, step i: Int) -> [String: String] {
        var out = ["m": p.m[i]]
        for k in 0..<p.models.count {
            out["accuracy-\(k)"] = p.accuracy[i][k]
            out["log_loss-\(k)"] = p.log_loss[i][k]
        }
        return out
    }

    /// The right-hand still figure: the second model at the largest size (the whole training part).
    static func renderRight(_ ref: ExploreRef, data: DataArtifact, fit: FitArtifact, model: ModelSpec, figures: FigureSettings,
                            pages: [String]) throws -> FigureArtifact {
        let label = (model.isPlain ? fit.displayName : model.label) + ", m = \(data.split.train.count)"
        let drawn = try Stages.render(data, fit, model: model, view: .map, figures: figures, pages: pages, pair: true, label: label)
        let plain = model.isPlain ? fit.displayName : model.label
        return drawn.renamed(to: ref.rightPath, caption: drawn.caption.replacingOccurrences(of: label, with: plain),
                                             provenance: drawn.provenance)
    }

    /// The left-hand still figure, carrying both models' frames at every size.
    static func render(_ ref: ExploreRef, data: DataArtifact, models: [ModelSpec], settings: TrainingSizeSettings, seed: UInt64,
                       figures: FigureSettings, pages: [String]) throws -> FigureArtifact {
        let classSizes = (0..<data.dataset.classCount).map { c in data.split.train.filter { data.dataset.y[$0] == c }.count }
        let sets = subsets(data, steps: steps(classSizes: classSizes, settings: settings), seed: seed)
        let labels = models.map { $0.isPlain ? (ModelCatalogue.entry($0.kind)?.displayName ?? $0.kind) : $0.label }
        var files = [String: Data](), frames = [[Frame]](), acc = [[String]](), loss = [[String]]()
        var still: FigureArtifact? = nil
        let last = sets.count - 1
        for (t, rows) in sets.enumerated() {
            let sub = DataArtifact(spec: data.spec, dataset: data.dataset, split: Split(train: rows, test: data.split.test), grid: data.grid)
            var row = [Frame](), a = [String](), l = [String]()
            for (k, model) in models.enumerated() {
                let fit = try Stages.fit(sub, model: model, seed: seed, figures: figures)
                a.append(NumberFormat.fixedOrNA(fit.testAccuracy, 3)); l.append(NumberFormat.fixedOrNA(fit.testLogLoss, 3))
                let drawn = try Stages.render(sub, fit, model: model, view: .map, figures: figures, pages: pages, pair: true,
                                              label: "\(labels[k]), m = \(rows.count)")
                if t == last && k == 1 {
                    // The right-hand still figure: drawn by its own job from an equal fit (the whole training part).
                    row.append(RegulariserExplorable.frame(ref.rightPath, alt: drawn.alt))
                } else if t == last {
                    still = drawn
                    row.append(RegulariserExplorable.frame(ref.path, alt: drawn.alt))
                } else {
                    let base = "explore/\(ref.id)-\(t)-\(k).png"
                    files.merge(RegulariserExplorable.frameFiles(drawn, base: base)) { a, _ in a }
                    row.append(RegulariserExplorable.frame(base, alt: drawn.alt))
                }
            }
            frames.append(row); acc.append(a); loss.append(l)
        }
        let m = sets.map { "\($0.count)" }
        func rows(_ t: Int) -> Int { sets[t].count }
        let p = Payload(models: labels, m: m, start: last, frames: frames, accuracy: acc, log_loss: loss)
        let caption = still!.caption.replacingOccurrences(of: "\(labels[0]), m = \(rows(last))", with: labels[0]) + " With scripts on, a slider retrains both models on \(sets.count) nested random training sets"
            + " of \(m.joined(separator: ", ")) rows (each holds the smaller ones) and scores them on the same \(data.split.test.count) test rows:"
            + " test accuracy with \(m[0]) rows: \(labels[0]) \(acc[0][0]), \(labels[1]) \(acc[0][1]);"
            + " with all \(m[last]): \(acc[last][0]) and \(acc[last][1])."
        return try still!.slider(ref, caption: caption, payload: p, steps: sets.count, frames: files,
                                 slider: "training sets of \(m.joined(separator: ", ")) rows, nested, drawn with the seed's stream training-size/\(data.spec.name); test rows fixed") {
            readout(p, step: $0)
        }
    }
}
