import Datasets
import Foundation
import Models
import Numerics
import Plotting

/// The work of each kind of job, as plain functions of their inputs.
enum Stages {
    // MARK: data

    static func loadData(_ spec: DatasetSpec, bytes: Data?, seed: UInt64, testFraction: Double,
                         gridSize: Int) throws -> DataArtifact {
        let dataset: Dataset
        switch spec.source {
        case .synthetic(let kind, let n, let noise):
            switch kind {
            case "two_moons": dataset = Synthetic.twoMoons(n: n, noise: noise, seed: seed)
            case "circles": dataset = Synthetic.circles(n: n, noise: noise, seed: seed)
            case "blobs": dataset = Synthetic.blobs(n: n, std: noise, seed: seed)
            case "xor": dataset = Synthetic.xor(n: n, noise: noise, seed: seed)
            default: throw PipelineError("dataset '\(spec.name)': unknown synthetic kind '\(kind)'")
            }
        case .csv(let file, let label, let features, let transform):
            dataset = try DatasetLoader.load(csv: bytes ?? Data(), file: file, name: spec.name, title: spec.title, label: label,
                                             features: features.map { .named($0) } ?? .firstNumeric(2), transform: transform)
        }
        let named = Dataset(name: spec.name, title: spec.title, featureNames: dataset.featureNames,
                            classNames: dataset.classNames, x: dataset.x, y: dataset.y,
                            droppedRows: dataset.droppedRows)
        let split = Splitter.stratified(labels: named.y, classCount: named.classCount,
                                        testFraction: testFraction, seed: seed)
        return DataArtifact(spec: spec, dataset: named, split: split, grid: plotGrid(named.x, size: gridSize))
    }

    /// The plotting window: the data's range on each axis plus 8 % on every side.
    static func plotGrid(_ x: Matrix, size: Int) -> Grid {
        let lo = x.columnMin(), hi = x.columnMax()
        let (x0, x1) = Statistics.paddedRange(min: lo[0], max: hi[0]), (y0, y1) = Statistics.paddedRange(min: lo[1], max: hi[1])
        return Grid(nx: size, ny: size, xMin: x0, xMax: x1, yMin: y0, yMax: y1)
    }

    // MARK: train

    static func fit(_ data: DataArtifact, model spec: ModelSpec, seed: UInt64,
                    figures: FigureSettings) throws -> FitArtifact {
        guard let entry = ModelCatalogue.entry(spec.kind) else {
            throw PipelineError("unknown model kind '\(spec.kind)'")
        }
        var model = try ModelCatalogue.make(kind: spec.kind, settings: spec.settings)
        let train = data.train, test = data.test
        let K = data.dataset.classCount
        try model.fit(train.x, train.y, classCount: K)
        let testProba = model.predictProba(test.x)
        let gridX = Matrix(rows: data.grid.nx * data.grid.ny, cols: 2, data: data.grid.points)
        let gridProba = model.predictProba(gridX)
        guard testProba.allFinite, gridProba.allFinite else {
            throw PipelineError("\(entry.displayName) on \(data.spec.title): the fitted model gives NaN probabilities; check its settings")
        }
        var generative: GenerativeView? = nil
        if let g = model as? any GenerativeClassifier {
            generative = generativeView(g, data: data, gridX: gridX, seed: seed, figures: figures)
        }
        let convergence = (model as? LogisticRegression)?.convergence
        return FitArtifact(
            dataset: data.spec.name, kind: spec.kind, displayName: entry.displayName, lens: entry.lens,
            settings: model.settings, boundaryShape: model.boundaryShape, seed: seed,
            nTrain: train.count, nTest: test.count,
            testAccuracy: test.count > 0 ? Metrics.accuracy(testProba, test.y) : .nan,
            testLogLoss: test.count > 0 ? Metrics.logLoss(testProba, test.y) : .nan,
            convergence: convergence, gridProba: gridProba.data, generative: generative)
    }

    static func generativeView(_ g: any GenerativeClassifier, data: DataArtifact, gridX: Matrix,
                               seed: UInt64, figures: FigureSettings) -> GenerativeView {
        let K = g.classCount
        let gridDensity = g.classLogDensity(gridX)
        var regions = [[Region]]()
        for k in 0..<K {
            var rng = SeededRandom(seed: seed, stream: "regions/\(data.spec.name)/\(type(of: g).kind)/\(k)")
            let draws = g.sample(figures.contourDraws, ofClass: k, using: &rng)
            let logp = g.classLogDensity(draws).column(k)
            regions.append(Studies.quantileRegions(logp))   // p(x|y=k)'s regions, from seeded draws
        }
        var rng = SeededRandom(seed: seed, stream: "samples/\(data.spec.name)/\(type(of: g).kind)")
        let (sx, sy) = g.sample(figures.samples, using: &rng)
        let samples = (0..<sx.rows).map { PlotPoint(x: sx[$0, 0], y: sx[$0, 1], label: sy[$0]) }
        // Probes: four test points spread along the first feature.
        let test = data.test
        let order = (0..<test.count).sorted { test.x[$0, 0] < test.x[$1, 0] || (test.x[$0, 0] == test.x[$1, 0] && $0 < $1) }
        let picks = test.count >= 4 ? [1, 3, 5, 7].map { order[$0 * (test.count - 1) / 8] } : Array(order)
        let probeX = test.x.rows(picks)
        let probeDensity = g.classLogDensity(probeX), probeProba = g.predictProba(probeX)
        let probes = (0..<picks.count).map {
            Probe(x: probeX.row($0), classLogDensity: probeDensity.row($0), proba: probeProba.row($0))
        }
        return GenerativeView(classLogDensity: (0..<K).map { gridDensity.column($0) },
                              regions: regions, samples: samples, logPriors: g.logPriors, probes: probes)
    }

    // MARK: render

    /// What a 2-D model figure shows.
    enum View: Hashable, Sendable {
        /// P(y|x) with the decision boundary.
        case map
        /// p(x|y) contours and samples (generative models only).
        case density
        /// p(x|y=k) p(y=k) as a colour map (generative models only): one panel of Bayes' flip.
        case joint(Int)

        var rawValue: String {
            switch self {
            case .map: return "map"
            case .density: return "density"
            case .joint(let k): return "joint-\(k)"
            }
        }

        init?(rawValue: String) {
            switch rawValue {
            case "map": self = .map
            case "density": self = .density
            default:
                guard rawValue.hasPrefix("joint-"), let k = Int(rawValue.dropFirst(6)), (0..<10).contains(k) else { return nil }
                self = .joint(k)
            }
        }

        var needsGenerative: Bool { self != .map }
    }

    /// `pair`: the smaller rendering shown side by side with another figure.
    static func figurePath(dataset: String, model: String, view: View, pair: Bool = false) -> String {
        "figures/\(dataset)--\(model)--\(view.rawValue)\(pair ? "--pair" : "").png"
    }

    /// `model`: the instance shown (its name names the file; a named instance's title says its name and
    /// settings). The fit may be shared with another instance of equal kind and settings.
    static func render(_ data: DataArtifact, _ fit: FitArtifact, model: ModelSpec? = nil, view: View, figures full: FigureSettings,
                       pages: [String], pair: Bool = false, label: String? = nil, probeCells: Int? = nil) throws -> FigureArtifact {
        let model = model ?? ModelSpec(kind: fit.kind)
        let label = label ?? (model.isPlain ? fit.displayName : model.label)
        var figures = full
        if pair { (figures.width, figures.height) = (figures.pairWidth, figures.pairHeight) }
        let ds = data.dataset
        let points = { (d: Dataset) in (0..<d.count).map { PlotPoint(x: d.x[$0, 0], y: d.x[$0, 1], label: d.y[$0]) } }
        let acc = NumberFormat.fixedOrNA(fit.testAccuracy, 2), loss = NumberFormat.fixedOrNA(fit.testLogLoss, 3)
        let g = data.grid
        var fig = ScatterFigure(
            title: view == .map ? "\(label): P(y|x)" : "\(label): p(x|y) and samples",
            subtitle: "\(ds.title) · test accuracy \(acc) · log loss \(loss) · \(fit.boundaryShape)",
            xLabel: ds.featureNames[0], yLabel: ds.featureNames[1], classNames: ds.classNames,
            xRange: g.xMin...g.xMax, yRange: g.yMin...g.yMax)
        fig.width = figures.width
        fig.height = figures.height
        fig.train = points(data.train)
        fig.test = points(data.test)
        let alt: String, caption: String
        switch view {
        case .map:
            fig.probability = ProbabilityLayer(grid: g, classCount: ds.classCount, proba: fit.gridProba)
            alt = "\(label) on \(ds.title): \(fit.boundaryShape), test accuracy \(acc)"
            caption = fit.lens == .discriminative
                ? (fit.kind.hasPrefix("svm")
                    ? "\(label) learns a decision function, not probabilities: its P(y|x) comes from Platt scaling, a sigmoid fitted to that function afterwards. The tint shows"
                    : "\(label) learns P(y|x) directly. The tint shows") + " the predicted class probabilities, the solid line is the decision boundary where two classes are equally likely; dots are training data, rings are held-out test data."
                : "\(label) classifies through Bayes' rule: P(y|x) ∝ p(x|y)p(y). The tint shows the resulting class probabilities and the solid line the decision boundary; dots are training data, rings are held-out test data."
        case .density:
            guard let gen = fit.generative else {
                throw PipelineError("\(label) is discriminative: it has no p(x|y) to draw or sample")
            }
            fig.contours = (0..<ds.classCount).map { k in
                ContourLayer(label: k, grid: g, logDensity: gen.classLogDensity[k],
                             levels: gen.regions[k].map { ($0.mass, $0.threshold) })
            }
            fig.samples = gen.samples
            fig.fadeData = true
            fig.subtitle = "\(ds.title) · contours enclose 50 / 80 / 95 % of each class · × = \(gen.samples.count) samples"
            alt = "\(label) on \(ds.title): density contours of p(x|y) for \(ds.classCount) classes (50, 80 and 95 % regions) and \(gen.samples.count) new points sampled from the model"
            caption = "What \(label) believes each class looks like. Lines enclose the 50, 80 and 95 % highest-density regions of p(x|y); crosses are \(gen.samples.count) new points the model generated, drawn over the faded real data. A discriminative model has no such picture to give."
        case .joint(let k):
            guard let gen = fit.generative else {
                throw PipelineError("\(label) is discriminative: it has no p(x|y) to draw")
            }
            guard k < ds.classCount else {
                throw PipelineError("\(ds.title) has \(ds.classCount) classes; there is no class \(k) to draw p(x|y=\(k))p(y=\(k)) for")
            }
            let values = gen.classLogDensity[k].map { exp($0 + gen.logPriors[k]) }
            // Both panels share one colour scale so their heights compare honestly.
            let top = (0..<ds.classCount).map { j in gen.classLogDensity[j].map { exp($0 + gen.logPriors[j]) }.max() ?? 0 }.max() ?? 1
            let name = ds.classNames[k]
            fig.title = "p(x | y = \(name)) · p(y = \(name))"
            fig.subtitle = "\(label) on \(ds.title) · prior p(y = \(name)) = \(NumberFormat.fixedOrNA(exp(gen.logPriors[k]), 3))"
            fig.scalar = ScalarLayer(grid: g, values: values, label: "density", maximum: top)
            fig.train = fig.train.filter { $0.label == k }
            fig.test = []
            alt = "\(label) on \(ds.title): the joint density p(x, y = \(name)) = p(x|y)p(y) as a colour map, highest near the \(name) training points"
            caption = "The generative model's belief about where points of class “\(name)” lie, weighted by how common the class is: p(x | y = \(name)) p(y = \(name)). Dots are the class's training points. The colour scale is shared with the other class's panel."
        }
        let png = try fig.render(formats: figures.formats)
        var provenance: [ProvenanceItem] = [
            .init(name: "Dataset", value: "\(ds.title) (\(data.spec.name))"),
            .init(name: "Features", value: ds.featureNames.joined(separator: " × ")),
            .init(name: "Model", value: "\(fit.displayName) (\(fit.kind), \(fit.lens.rawValue))"),
            .init(name: "Settings", value: fit.settingsText.isEmpty ? "defaults" : fit.settingsText),
            .init(name: "Train / test", value: "\(fit.nTrain) / \(fit.nTest) rows, stratified split"),
            .init(name: "Seed", value: "\(fit.seed)"),
            .init(name: "Test accuracy", value: NumberFormat.fixedOrNA(fit.testAccuracy, 3)),
            .init(name: "Test log loss", value: NumberFormat.fixedOrNA(fit.testLogLoss, 3)),
        ]
        if !model.isPlain {
            provenance.insert(.init(name: "Name in lenses.yml", value: "\(model.name): {kind: \(model.kind)\(model.settings.isEmpty ? "" : ", " + model.settings.keys.sorted().map { "\($0): \(model.settings[$0]!)" }.joined(separator: ", "))}"), at: 3)
        }
        if let c = fit.convergence {
            provenance.append(.init(name: "Optimiser", value: c.converged
                ? "converged in \(c.iterations) L-BFGS iterations (‖∇‖∞ = \(NumberFormat.scientific(c.gradientNorm)))"
                : "did not converge in \(c.iterations) iterations (‖∇‖∞ = \(NumberFormat.scientific(c.gradientNorm)))"))
        }
        if ds.droppedRows > 0 { provenance.append(.init(name: "Rows dropped", value: "\(ds.droppedRows) with missing values")) }
        let path = figurePath(dataset: data.spec.name, model: model.name, view: view, pair: pair)
        let entry = MetricsEntry(
            file: path, page: pages.first ?? "", pages: pages, dataset: data.spec.name, model: label,
            instance: model.isPlain ? nil : model.name,
            kind: fit.kind, view: view.rawValue, lens: fit.lens.rawValue,
            testAccuracy: fit.testAccuracy, testLogLoss: fit.testLogLoss, nTrain: fit.nTrain, nTest: fit.nTest,
            seed: fit.seed, settings: fit.settings, converged: fit.convergence?.converged,
            iterations: fit.convergence?.iterations)
        var artifact = FigureArtifact(path: path, rendered: png, width: figures.width, height: figures.height,
                                      title: fig.title, alt: alt, caption: caption, provenance: provenance, metrics: entry)
        // Every P(y|x) map answers back: point at it (or use the arrow keys) to read the model there.
        if view == .map, let cells = probeCells {
            artifact.explorable = try ProbeExplorable.mapProbe(path: path, data: data, fit: fit, label: label, cells: cells,
                                                               width: figures.width, height: figures.height)
        }
        return artifact
    }
}

