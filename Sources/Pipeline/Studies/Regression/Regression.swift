import Datasets
import Foundation
import Models
import Numerics
import Plotting

/// One coefficient of a regression, as each model estimates it.
public struct CoefficientRow: Sendable, Codable {
    public let term: String
    public let ols: Double
    public let olsStandardError: Double?
    public let ridge: Double
    public let joint: Double
}

/// A line over x (1-D regressions only).
public struct Curve: Sendable, Codable {
    public let label: String
    public let x: [Double]
    public let y: [Double]
}

/// The regression study's numbers and what its figure needs.
public struct RegressionArtifact: Sendable, Codable {
    public let spec: RegressionSpec
    public let nTrain: Int
    public let nTest: Int
    public let droppedRows: Int
    public let coefficients: [CoefficientRow]
    public let rmse: [String: Double]
    public let residualStandardError: Double?
    public let conditionalStandardDeviation: Double
    /// max |OLS prediction − E[y|x] of the joint Gaussian| over the test rows.
    public let largestGap: Double
    public let train: [PlotPoint]
    public let test: [PlotPoint]
    public let grid: Grid
    /// 1-D: log p(x, y) on the (x, y) grid; 2-D: E[y | x₁, x₂] on the (x₁, x₂) grid.
    @Packed public var gridValues: [Double]
    public let regions: [Region]
    public let samples: [PlotPoint]
    public let curves: [Curve]
}

extension Studies {
    // MARK: regression

    static func regression(_ spec: RegressionSpec, bytes: Data, seed: UInt64, testFraction: Double,
                           figures: FigureSettings) throws -> RegressionArtifact {
        let (all, _, dropped) = try DatasetLoader.loadColumns(csv: bytes, file: spec.file, columns: spec.inputs + [spec.target])
        let d = spec.inputs.count
        let n = all.rows
        guard n >= d + 4 else { throw PipelineError("regression '\(spec.name)': \(n) rows are too few for \(d) inputs") }
        var order = Array(0..<n)
        var rng = SeededRandom(seed: seed, stream: "regression-split/\(spec.name)")
        rng.shuffle(&order)
        let nTest = Int((testFraction * Double(n)).rounded())
        let testIdx = order.prefix(nTest).sorted(), trainIdx = order.dropFirst(nTest).sorted()
        let x = all.columns(Array(0..<d)), y = all.column(d)
        let xTrain = x.rows(trainIdx), yTrain = trainIdx.map { y[$0] }
        let xTest = x.rows(testIdx), yTest = testIdx.map { y[$0] }

        var ols = LinearRegression(alpha: 0), ridge = LinearRegression(alpha: spec.ridgeAlpha)
        var joint = JointGaussianRegression()
        try ols.fit(xTrain, yTrain)
        try ridge.fit(xTrain, yTrain)
        try joint.fit(xTrain, yTrain)
        func rmse(_ p: [Double]) -> Double {
            (zip(p, yTest).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(max(yTest.count, 1))).squareRoot()
        }
        let pOLS = ols.predict(xTest), pJoint = joint.predict(xTest)
        let gap = zip(pOLS, pJoint).reduce(0) { max($0, abs($1.0 - $1.1)) }
        var rows = [CoefficientRow(term: "intercept", ols: ols.intercept, olsStandardError: ols.interceptStandardError,
                                   ridge: ridge.intercept, joint: joint.intercept)]
        for j in 0..<d {
            rows.append(CoefficientRow(term: spec.inputs[j], ols: ols.coefficients[j], olsStandardError: ols.coefficientStandardErrors?[j],
                                       ridge: ridge.coefficients[j], joint: joint.slope[j]))
        }
        let size = figures.grid
        let grid: Grid, values: [Double], regions: [Region], samples: [PlotPoint], curves: [Curve]
        let train: [PlotPoint], test: [PlotPoint]
        if d == 1 {
            let (x0, x1) = Statistics.paddedRange(x.column(0)), (y0, y1) = Statistics.paddedRange(y)
            grid = Grid(nx: size, ny: size, xMin: x0, xMax: x1, yMin: y0, yMax: y1)
            let pts = grid.points
            let gx = Matrix(rows: size * size, cols: 1, data: stride(from: 0, to: pts.count, by: 2).map { pts[$0] })
            let gy = stride(from: 1, to: pts.count, by: 2).map { pts[$0] }
            values = joint.logDensity(gx, gy)
            var r = SeededRandom(seed: seed, stream: "regression-regions/\(spec.name)")
            let draws = joint.sample(figures.contourDraws, using: &r)
            regions = quantileRegions(joint.logDensity(draws.x, draws.y))
            var s = SeededRandom(seed: seed, stream: "regression-samples/\(spec.name)")
            let drawn = joint.sample(figures.samples, using: &s)
            samples = (0..<drawn.x.rows).map { PlotPoint(x: drawn.x[$0, 0], y: drawn.y[$0], label: -1) }
            let lineX = (0...100).map { x0 + (x1 - x0) * Double($0) / 100 }
            let lx = Matrix(rows: lineX.count, cols: 1, data: lineX)
            curves = [Curve(label: "OLS line", x: lineX, y: ols.predict(lx)),
                      Curve(label: "ridge line (α = \(NumberFormat.shortest(spec.ridgeAlpha)))", x: lineX, y: ridge.predict(lx)),
                      Curve(label: "E[y|x], joint Gaussian", x: lineX, y: joint.predict(lx))]
            train = trainIdx.map { PlotPoint(x: x[$0, 0], y: y[$0], label: -1) }
            test = testIdx.map { PlotPoint(x: x[$0, 0], y: y[$0], label: -1) }
        } else {
            let (x0, x1) = Statistics.paddedRange(x.column(0)), (y0, y1) = Statistics.paddedRange(x.column(1))
            grid = Grid(nx: size, ny: size, xMin: x0, xMax: x1, yMin: y0, yMax: y1)
            values = ols.predict(Matrix(rows: size * size, cols: 2, data: grid.points))
            regions = []
            samples = []
            curves = []
            train = trainIdx.map { PlotPoint(x: x[$0, 0], y: x[$0, 1], label: -1) }
            test = testIdx.map { PlotPoint(x: x[$0, 0], y: x[$0, 1], label: -1) }
        }
        return RegressionArtifact(
            spec: spec, nTrain: trainIdx.count, nTest: testIdx.count, droppedRows: dropped, coefficients: rows,
            rmse: ["ols": rmse(pOLS), "ridge": rmse(ridge.predict(xTest)), "joint_gaussian": rmse(pJoint)],
            residualStandardError: ols.residualStandardError, conditionalStandardDeviation: joint.conditionalStandardDeviation,
            largestGap: gap, train: train, test: test, grid: grid, gridValues: values, regions: regions,
            samples: samples, curves: curves)
    }

    static func renderRegression(_ r: RegressionArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let s = r.spec
        let g = r.grid
        let fmt = { (v: Double) in NumberFormat.fixedOrNA(v, 3) }
        var fig: ScatterFigure
        let alt: String, caption: String
        if s.inputs.count == 1 {
            fig = ScatterFigure(title: "\(s.target) from \(s.inputs[0]): two lenses on a line",
                                subtitle: "\(s.title) · test RMSE: OLS \(fmt(r.rmse["ols"]!)), ridge \(fmt(r.rmse["ridge"]!)), joint Gaussian \(fmt(r.rmse["joint_gaussian"]!))",
                                xLabel: s.inputs[0], yLabel: s.target, classNames: [],
                                xRange: g.xMin...g.xMax, yRange: g.yMin...g.yMax)
            fig.contours = [ContourLayer(label: -1, grid: g, logDensity: r.gridValues, levels: r.regions.map { ($0.mass, $0.threshold) })]
            fig.samples = r.samples
            fig.samplesLabel = "pairs drawn by the model"
            let colors = [Color(hex: 0x0072B2), Color(hex: 0x009E73), Color(hex: 0xD55E00)]
            fig.curves = r.curves.enumerated().map { i, c in
                CurveLayer(label: c.label, points: Array(zip(c.x, c.y)), color: colors[i % 3],
                           width: i == 2 ? 2.0 : 2.6, dash: i == 2 ? [7, 5] : [])
            }
            alt = "\(s.title): the OLS line, the ridge line and the joint Gaussian's E[y|x] over the data; the joint Gaussian's 50, 80 and 95 % contours of p(x, y) and \(r.samples.count) pairs it generated. OLS and E[y|x] coincide (largest gap \(NumberFormat.scientific(r.largestGap)))."
            caption = "The discriminative fit (OLS, blue) only models y given x. The generative fit models the pairs (x, y) as one Gaussian: its contours enclose 50, 80 and 95 % of p(x, y), and the crosses are new pairs it invented. Its E[y|x] (dashed) lands exactly on the OLS line."
        } else {
            fig = ScatterFigure(title: "E[\(s.target) | \(s.inputs[0]), \(s.inputs[1])]: a plane",
                                subtitle: "\(s.title) · test RMSE: OLS \(fmt(r.rmse["ols"]!)), joint Gaussian \(fmt(r.rmse["joint_gaussian"]!))",
                                xLabel: s.inputs[0], yLabel: s.inputs[1], classNames: [],
                                xRange: g.xMin...g.xMax, yRange: g.yMin...g.yMax)
            let lo = r.gridValues.min() ?? 0, hi = r.gridValues.max() ?? 1
            fig.scalar = ScalarLayer(grid: g, values: r.gridValues, label: "predicted \(s.target)", minimum: lo, maximum: hi)
            alt = "\(s.title): the fitted plane E[\(s.target) | \(s.inputs.joined(separator: ", "))] as a colour map from \(fmt(lo)) to \(fmt(hi)), with the data's inputs as dots"
            caption = "With two inputs the regression is a plane, drawn here as colours over the input space; dots are the rows' inputs. OLS and the joint Gaussian give the same plane — the table shows their coefficients side by side."
        }
        fig.width = figures.width
        fig.height = figures.height
        fig.train = r.train
        fig.test = r.test
        let png = try fig.render(formats: figures.formats)
        var provenance: [ProvenanceItem] = [
            .init(name: "Data", value: "\(s.file): \(s.inputs.joined(separator: ", ")) → \(s.target)"),
            .init(name: "Train / test", value: "\(r.nTrain) / \(r.nTest) rows, seeded random split"),
            .init(name: "Models", value: "OLS (QR via LAPACK dgels), ridge α = \(NumberFormat.shortest(s.ridgeAlpha)), joint Gaussian (MLE)"),
            .init(name: "Test RMSE", value: "OLS \(fmt(r.rmse["ols"]!)) · ridge \(fmt(r.rmse["ridge"]!)) · joint \(fmt(r.rmse["joint_gaussian"]!))"),
            .init(name: "OLS vs E[y|x]", value: "largest gap on the test rows \(NumberFormat.scientific(r.largestGap))"),
        ]
        if r.droppedRows > 0 { provenance.append(.init(name: "Rows dropped", value: "\(r.droppedRows) with missing values")) }
        return FigureArtifact(path: "figures/regression--\(s.name).png", rendered: png, width: figures.width, height: figures.height,
                              title: fig.title, alt: alt, caption: caption, provenance: provenance, metrics: nil,
                              numbers: "\"regressions\", the entry named \(s.name)")
    }
}

/// A regression study: OLS and ridge (discriminative) against one joint Gaussian
/// over (x, y) (generative) on columns of a CSV. One or two inputs.
public struct RegressionSpec: Sendable, Equatable, Codable {
    public var name: String
    public var title: String
    public var file: String
    public var inputs: [String]
    public var target: String
    public var ridgeAlpha: Double
}
