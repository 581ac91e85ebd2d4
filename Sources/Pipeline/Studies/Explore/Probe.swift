import Datasets
import Foundation
import Models
import Numerics
import Plotting

/// `explore: probe:` in lenses.yml.
public struct ProbeSettings: Sendable, Equatable, Codable {
    /// Cells per side of the probe's lookup grid (each reads the P(y|x) map's grid at the cell's centre).
    public var cells = 50
    public init() {}
}

/// A probe (`@probe DATASET MODEL OTHER_MODEL…`): the first model's P(y|x) map, and under it a
/// readout that shows, at the point the reader points at (or moves to with the arrow keys), every
/// listed model's P(y|x) and, for a generative model, the two factors of Bayes' rule p(x|y)p(y).
///
/// The values are read off the fits' own grids (the ones the maps are drawn from) at `cells` ×
/// `cells` points, so the readout never disagrees with the map. Probabilities travel as integer
/// thousandths (the script shows `v / 1000` with three decimals, which is exact); densities as text.
enum ProbeExplorable {
    struct ModelPayload: Codable, Equatable {
        /// How tables name the model.
        let label: String
        let lens: String
        /// P(y = k | x) in thousandths, cell-major (`(j * n + i) * K + k`, j = 0 at the bottom).
        let proba: [Int]
        /// p(x | y = k) p(y = k) as shown (three significant digits), generative models only.
        let joint: [String]?
        /// p(x) = Σ_k p(x | y = k) p(y = k) per cell, as shown: the denominator of Bayes' rule.
        let evidence: [String]?
    }

    struct Payload: Codable, Equatable {
        /// The figure's size in its 1× pixels, and its plot area (left, top, width, height) there.
        let size: [Int]
        let plot: [Double]
        /// The data window the plot area shows: x min, x max, y min, y max.
        let range: [Double]
        /// Cells per side.
        let n: Int
        /// Each column's and row's x and y as shown (the coordinates of the grid point read).
        let xs: [String]
        let ys: [String]
        let features: [String]
        let classes: [String]
        let models: [ModelPayload]
    }

    /// The map-grid index read for probe cell `i` of `n`: the grid point nearest the cell's centre.
    static func gridIndex(_ i: Int, n: Int, grid: Int) -> Int { min(grid - 1, (2 * i + 1) * grid / (2 * n)) }

    static func probaText(_ thousandths: Int) -> String { NumberFormat.fixed(Double(thousandths) / 1000, 3) }
    static func densityText(_ v: Double) -> String { NumberFormat.significant(v, 3) }
    static func coordinateText(_ v: Double) -> String { NumberFormat.fixedUnsigned(v, 2) }

    static func payload(_ data: DataArtifact, fits: [(label: String, fit: FitArtifact)], cells n: Int,
                        width: Int, height: Int) -> Payload {
        let g = data.grid, ds = data.dataset, K = ds.classCount
        let cols = (0..<n).map { gridIndex($0, n: n, grid: g.nx) }, rows = (0..<n).map { gridIndex($0, n: n, grid: g.ny) }
        let models = fits.map { item -> ModelPayload in
            let f = item.fit
            var proba = [Int](), joint: [String]? = f.generative == nil ? nil : [], evidence: [String]? = f.generative == nil ? nil : []
            proba.reserveCapacity(n * n * K)
            for j in rows {
                for i in cols {
                    let cell = j * g.nx + i
                    for k in 0..<K { proba.append(Int((f.gridProba[cell * K + k] * 1000).rounded())) }
                    if let gen = f.generative {
                        let parts = (0..<K).map { k in exp(gen.classLogDensity[k][cell] + gen.logPriors[k]) }
                        for v in parts { joint!.append(densityText(v)) }
                        evidence!.append(densityText(parts.reduce(0, +)))
                    }
                }
            }
            return ModelPayload(label: item.label, lens: f.lens.rawValue, proba: proba, joint: joint, evidence: evidence)
        }
        let area = ScatterFigure.plotArea(width: width, height: height)
        return Payload(size: [width, height], plot: [area.x, area.y, area.width, area.height],
                       range: [g.xMin, g.xMax, g.yMin, g.yMax], n: n,
                       xs: cols.map { coordinateText(g.x(Double($0))) }, ys: rows.map { coordinateText(g.y(Double($0))) },
                       features: ds.featureNames, classes: ds.classNames, models: models)
    }

    /// What the readout shows in cell (i, j), by `data-key`: `point`, and per model m `class-m`
    /// (the most probable class) and `p-m-k`, and for a generative model `joint-m-k`.
    static func readout(_ p: Payload, i: Int, j: Int) -> [String: String] {
        let K = p.classes.count, cell = j * p.n + i
        var out = ["point": "\(p.xs[i]), \(p.ys[j])"]
        for (m, model) in p.models.enumerated() {
            let probs = Array(model.proba[(cell * K)..<(cell * K + K)])
            // The first of equal thousandths wins, as in the script.
            var best = 0
            for k in 1..<K where probs[k] > probs[best] { best = k }
            out["class-\(m)"] = p.classes[best]
            for k in 0..<K {
                out["p-\(m)-\(k)"] = probaText(probs[k])
                if let joint = model.joint { out["joint-\(m)-\(k)"] = joint[cell * K + k] }
            }
            if let evidence = model.evidence { out["evidence-\(m)"] = evidence[cell] }
        }
        return out
    }

    /// What the readout shows far from the data, from this build's values: at the corner of the map
    /// where the first generative model's p(x) = Σ_k p(x|y=k)p(y=k) is smallest. Empty without one.
    static func farSentence(_ p: Payload) -> String {
        guard let g = p.models.firstIndex(where: { $0.joint != nil }) else { return "" }
        let K = p.classes.count, n = p.n
        let corners = [(0, n - 1), (n - 1, n - 1), (0, 0), (n - 1, 0)]
        func mass(_ c: (Int, Int)) -> Double {
            (0..<K).map { Double(p.models[g].joint![((c.1 * n + c.0) * K) + $0]) ?? 0 }.reduce(0, +)
        }
        let (i, j) = corners.min { mass($0) < mass($1) }!
        let r = readout(p, i: i, j: j)
        let names = ["top-left", "top-right", "bottom-left", "bottom-right"]
        let corner = names[corners.firstIndex { $0 == (i, j) }!]
        func said(_ m: Int) -> String {
            let best = p.classes.firstIndex(of: r["class-\(m)"]!)!
            return "\(p.models[m].label) gives \(r["class-\(m)"]!) P = \(r["p-\(m)-\(best)"]!)"
        }
        let densities = (0..<K).map { r["joint-\(g)-\($0)"]! }
        // "Far" and "only" when p(x) there is under 1 % of its largest value on the map.
        let peak = (0..<(n * n)).map { c in (0..<K).map { Double(p.models[g].joint![c * K + $0]) ?? 0 }.reduce(0, +) }.max() ?? 0
        let far = mass((i, j)) < 0.01 * peak
        return " \(far ? "Far from the data, in" : "In") the \(corner) corner (\(p.features.joined(separator: ", ")) = \(r["point"]!)), "
            + p.models.indices.map(said).joined(separator: " and ")
            + ", while the densities p(x|y)p(y) of \(p.models[g].label) there are \(far ? "only " : "")\(densities.joined(separator: K == 2 ? " and " : ", "))."
    }

    /// The cells the browser test points at: spread over the plot, in data coordinates (cell centres).
    static func sampleCells(_ n: Int) -> [(Int, Int)] {
        [(n / 4, n / 4), (n / 2, 3 * n / 5), (3 * n / 4, n / 3), (2 * n / 5, 4 * n / 5)]
    }

    static func samples(_ p: Payload) -> [ExplorableSample] {
        let (x0, x1, y0, y1) = (p.range[0], p.range[1], p.range[2], p.range[3])
        return sampleCells(p.n).map { i, j in
            ExplorableSample(x: [x0 + (Double(i) + 0.5) * (x1 - x0) / Double(p.n), y0 + (Double(j) + 0.5) * (y1 - y0) / Double(p.n)],
                             readout: readout(p, i: i, j: j))
        }
    }

    /// The probe every P(y|x) map carries: its own model's values, under an id made from its file.
    static func mapProbe(path: String, data: DataArtifact, fit: FitArtifact, label: String, cells: Int,
                         width: Int, height: Int) throws -> Explorable {
        let p = payload(data, fits: [(label, fit)], cells: cells, width: width, height: height)
        let id = "probe-" + String(path.dropFirst("figures/".count).dropLast(".png".count))
        return try Explorable(kind: .probe, id: id, payload: p, count: p.n * p.n, samples: samples(p))
    }

    /// The probe's figure: the first model's map (as `@figure DATASET MODEL map` draws it, in its own
    /// file), carrying the lookup data.
    static func render(_ ref: ExploreRef, data: DataArtifact, fits: [FitArtifact], models: [ModelSpec], figures: FigureSettings,
                       settings: ProbeSettings, pages: [String]) throws -> FigureArtifact {
        let drawn = try Stages.render(data, fits[0], model: models[0], view: .map, figures: figures, pages: pages)
        let labels = zip(models, fits).map { m, f in m.isPlain ? f.displayName : m.label }
        let p = payload(data, fits: Array(zip(labels, fits)), cells: settings.cells, width: drawn.width, height: drawn.height)
        var provenance = drawn.provenance
        provenance.append(.init(name: "Probe", value: "\(p.n) × \(p.n) points of the map's grid; P(y|x) of \(labels.joined(separator: ", "))"
            + (fits.contains { $0.generative != nil } ? "; p(x|y)p(y) of the generative models" : "")))
        // The same files under the probe's own name (a page may also show the plain map).
        var figure = drawn.renamed(to: ref.path, caption: drawn.caption + farSentence(p), provenance: provenance)
        figure.explorable = try Explorable(kind: .probe, id: ref.id, payload: p, count: p.n * p.n, samples: samples(p))
        return figure
    }
}
