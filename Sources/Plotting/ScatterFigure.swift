import Foundation

/// One labelled point of a scatter layer.
public struct PlotPoint: Sendable, Equatable, Codable {
    public var x: Double, y: Double, label: Int
    public init(x: Double, y: Double, label: Int) { self.x = x; self.y = y; self.label = label }
}

/// The P(y|x) layer: K probabilities for every grid cell, class-major within a cell
/// (`proba[(j * nx + i) * K + k]`).
public struct ProbabilityLayer: Sendable {
    public var grid: Grid
    public var classCount: Int
    public var proba: [Double]
    public var drawBoundary: Bool
    public init(grid: Grid, classCount: Int, proba: [Double], drawBoundary: Bool = true) {
        precondition(proba.count == grid.nx * grid.ny * classCount, "probability layer does not fit its grid")
        self.grid = grid; self.classCount = classCount; self.proba = proba; self.drawBoundary = drawBoundary
    }
}

/// Density contours of one class: the highest-density regions holding the given
/// probability masses, as thresholds on a log-density grid.
public struct ContourLayer: Sendable {
    public var label: Int
    public var grid: Grid
    public var logDensity: [Double]
    /// (mass, threshold): e.g. (0.5, t) draws the line log p = t enclosing 50 %.
    public var levels: [(mass: Double, threshold: Double)]
    public init(label: Int, grid: Grid, logDensity: [Double], levels: [(mass: Double, threshold: Double)]) {
        self.label = label; self.grid = grid; self.logDensity = logDensity; self.levels = levels
    }
}

/// Everything a 2-D model figure shows. Layers left empty are not drawn, and the
/// legend lists only what is drawn.
public struct ScatterFigure: Figure {
    public var width = 800
    public var height = 600
    public var scale = 1.0
    public var title: String
    public var subtitle: String
    public var xLabel: String
    public var yLabel: String
    public var classNames: [String]
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var probability: ProbabilityLayer?
    public var contours: [ContourLayer] = []
    public var train: [PlotPoint] = []
    public var test: [PlotPoint] = []
    /// Draw the data faintly, so samples or contours stand out.
    public var fadeData = false
    public var samples: [PlotPoint] = []
    /// A colour-mapped scalar field under everything else (instead of P(y|x)).
    public var scalar: ScalarLayer?
    /// Curves such as regression lines, drawn above the data.
    public var curves: [CurveLayer] = []
    /// Legend text for the data marks when points are unlabelled (label −1).
    public var dataLabel = "training data"
    /// Legend text for the samples.
    public var samplesLabel = "samples from the model"

    public init(title: String, subtitle: String, xLabel: String, yLabel: String, classNames: [String],
                xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
        self.title = title; self.subtitle = subtitle; self.xLabel = xLabel; self.yLabel = yLabel
        self.classNames = classNames; self.xRange = xRange; self.yRange = yRange
    }

    // Layout, in logical pixels.
    static let plotLeft = 70.0, plotTop = 64.0, legendWidth = 190.0, plotBottomMargin = 58.0

    /// The plot area (the data window xRange × yRange) in logical pixels of a `width` × `height`
    /// figure: left, top, width, height. A probe maps the reader's pointer through it.
    public static func plotArea(width: Int, height: Int) -> (x: Double, y: Double, width: Double, height: Double) {
        (plotLeft, plotTop, Double(width) - plotLeft - legendWidth - 16, Double(height) - plotTop - plotBottomMargin)
    }

    public func draw(on c: Canvas) {
        let W = Double(width), H = Double(height)
        let (px, py, pw, ph) = Self.plotArea(width: width, height: height)
        func sx(_ x: Double) -> Double { px + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * pw }
        func sy(_ y: Double) -> Double { py + ph - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * ph }

        c.frame(title: title, subtitle: subtitle, width: W, height: H, x: px - 40, maxWidth: W - 2 * px + 40)

        // P(y|x) background.
        if let p = probability {
            drawProbability(p, on: c, x: px, y: py, w: pw, h: ph)
        }
        if let s = scalar {
            drawScalar(s, on: c, x: px, y: py, w: pw, h: ph)
        }

        c.save()
        c.clip(x: px, y: py, width: pw, height: ph)
        c.setRoundCaps()
        if let p = probability, p.drawBoundary {
            c.setColor(c.theme.ink)
            c.setLineWidth(2.2)
            for line in boundaryLines(p) { c.strokePolylines([line.map { (sx($0.0), sy($0.1)) }]) }
        }
        for layer in contours {
            let col = layer.label < 0 ? c.theme.density : c.theme.deepen(c.theme.classColor(layer.label), 0.25)
            for (n, level) in layer.levels.enumerated() {
                c.setColor(col)
                c.setLineWidth([2.4, 1.6, 1.1][min(n, 2)])
                c.setDash(n == 2 ? [5, 4] : [])
                let lines = Contours.lines(layer.logDensity, grid: layer.grid, level: level.threshold)
                c.strokePolylines(lines.map { $0.map { (sx($0.0), sy($0.1)) } })
            }
            c.setDash([])
        }
        let dataAlpha = fadeData ? 0.35 : 1.0
        for p in train {
            let col = pointColor(p.label, c.theme)
            c.circle(x: sx(p.x), y: sy(p.y), radius: 3.4)
            c.setColor(col, alpha: dataAlpha); c.fillPreserve()
            c.setColor(col.mixed(with: .black, 0.45), alpha: dataAlpha); c.setLineWidth(0.8); c.stroke()
        }
        for p in test {
            let col = c.theme.deepen(pointColor(p.label, c.theme), 0.15)
            c.circle(x: sx(p.x), y: sy(p.y), radius: 3.6)
            c.setColor(c.theme.halo, alpha: dataAlpha * 0.8); c.fillPreserve()
            c.setColor(col, alpha: dataAlpha); c.setLineWidth(1.6); c.stroke()
        }
        for s in samples {
            drawCross(on: c, x: sx(s.x), y: sy(s.y), color: c.theme.deepen(pointColor(s.label, c.theme), 0.35))
        }
        for curve in curves {
            c.setColor(c.theme.halo, alpha: 0.85); c.setLineWidth(curve.width + 2.4); c.setDash([])
            c.strokePolylines([curve.points.map { (sx($0.0), sy($0.1)) }])
            c.setColor(c.theme.adapt(curve.color)); c.setLineWidth(curve.width); c.setDash(curve.dash)
            c.strokePolylines([curve.points.map { (sx($0.0), sy($0.1)) }])
            c.setDash([])
        }
        c.restore()

        drawAxes(on: c, x: px, y: py, w: pw, h: ph, sx: sx, sy: sy)
        drawLegend(on: c, x: px + pw + 18, y: py)
    }

    /// Class colour, or a neutral ink for unlabelled points (label −1).
    func pointColor(_ label: Int, _ theme: Theme) -> Color { label < 0 ? theme.adapt(Color(hex: 0x333333)) : theme.classColor(label) }

    private func drawScalar(_ s: ScalarLayer, on c: Canvas, x: Double, y: Double, w: Double, h: Double) {
        let g = s.grid
        let span = s.maximum - s.minimum
        var pixels = [UInt32](repeating: 0, count: g.nx * g.ny)
        for j in 0..<g.ny {
            let row = g.ny - 1 - j
            for i in 0..<g.nx {
                let v = s.values[j * g.nx + i]
                let col = Colormap.viridis(span > 0 ? (v - s.minimum) / span : 0).mixed(with: c.theme.background, 0.12)
                func byte(_ v: Double) -> UInt32 { UInt32(min(max((v * 255).rounded(), 0), 255)) }
                pixels[row * g.nx + i] = (byte(col.r) << 16) | (byte(col.g) << 8) | byte(col.b)
            }
        }
        c.drawImage(pixels: pixels, width: g.nx, height: g.ny, into: x, y, w, h, smooth: true)
    }

    private func drawCross(on c: Canvas, x: Double, y: Double, color: Color) {
        let r = 4.2
        c.setColor(c.theme.halo, alpha: 0.9); c.setLineWidth(3.4)
        c.moveTo(x - r, y - r); c.lineTo(x + r, y + r); c.moveTo(x - r, y + r); c.lineTo(x + r, y - r); c.stroke()
        c.setColor(color); c.setLineWidth(1.7)
        c.moveTo(x - r, y - r); c.lineTo(x + r, y + r); c.moveTo(x - r, y + r); c.lineTo(x + r, y - r); c.stroke()
    }

    private func drawProbability(_ p: ProbabilityLayer, on c: Canvas, x: Double, y: Double, w: Double, h: Double) {
        let g = p.grid, K = p.classCount
        let tints = (0..<K).map { c.theme.tint($0) }
        var pixels = [UInt32](repeating: 0, count: g.nx * g.ny)
        for j in 0..<g.ny {
            let row = g.ny - 1 - j  // image rows run top to bottom
            for i in 0..<g.nx {
                var r = 0.0, gg = 0.0, b = 0.0
                let base = (j * g.nx + i) * K
                for k in 0..<K {
                    let q = p.proba[base + k]
                    r += q * tints[k].r; gg += q * tints[k].g; b += q * tints[k].b
                }
                func byte(_ v: Double) -> UInt32 { UInt32(min(max((v * 255).rounded(), 0), 255)) }
                pixels[row * g.nx + i] = (byte(r) << 16) | (byte(gg) << 8) | byte(b)
            }
        }
        // The grid covers exactly the axis ranges when built from them.
        c.drawImage(pixels: pixels, width: g.nx, height: g.ny, into: x, y, w, h, smooth: true)
    }

    /// Where the most probable class changes: for two classes the line P(y=1|x) = ½,
    /// for more, each class's margin p_k − max_{j≠k} p_j = 0.
    func boundaryLines(_ p: ProbabilityLayer) -> [[(Double, Double)]] {
        let n = p.grid.nx * p.grid.ny, K = p.classCount
        if K == 2 {
            let f = (0..<n).map { p.proba[$0 * 2 + 1] - 0.5 }
            return Contours.lines(f, grid: p.grid, level: 0)
        }
        var out = [[(Double, Double)]]()
        for k in 0..<K {
            let f = (0..<n).map { cell -> Double in
                let base = cell * K
                var other = -Double.infinity
                for j in 0..<K where j != k { other = max(other, p.proba[base + j]) }
                return p.proba[base + k] - other
            }
            out += Contours.lines(f, grid: p.grid, level: 0)
        }
        return out
    }

    private func drawAxes(on c: Canvas, x: Double, y: Double, w: Double, h: Double,
                          sx: (Double) -> Double, sy: (Double) -> Double) {
        c.setColor(c.theme.frame); c.setLineWidth(1)
        c.strokeRect(x: x + 0.5, y: y + 0.5, width: w - 1, height: h - 1)
        let xt = Ticks.nice(xRange.lowerBound, xRange.upperBound)
        let yt = Ticks.nice(yRange.lowerBound, yRange.upperBound)
        c.setColor(c.theme.ink)
        for v in xt.values {
            let X = sx(v).rounded() + 0.5
            c.setColor(c.theme.frame); c.line(X, y + h, X, y + h + 5)
            c.setColor(c.theme.ink); c.text(Ticks.label(v, step: xt.step), x: X, y: y + h + 19, size: 11.5, anchor: .middle)
        }
        for v in yt.values {
            let Y = sy(v).rounded() + 0.5
            c.setColor(c.theme.frame); c.line(x - 5, Y, x, Y)
            c.setColor(c.theme.ink); c.text(Ticks.label(v, step: yt.step), x: x - 8, y: Y + 4, size: 11.5, anchor: .end)
        }
        c.text(c.fitted(xLabel, size: 13, maxWidth: w), x: x + w / 2, y: y + h + 42, size: 13, anchor: .middle)
        c.text(c.fitted(yLabel, size: 13, maxWidth: h), x: x - 48, y: y + h / 2, size: 13, anchor: .middle, rotated: true)
    }

    private func drawLegend(on c: Canvas, x: Double, y: Double) {
        var row = y + 6
        let maxText = Self.legendWidth - 34
        func heading(_ s: String) {
            c.setColor(c.theme.muted)
            c.text(s, x: x, y: row + 4, size: 11.5, bold: true)
            row += 20
        }
        if !classNames.isEmpty { heading("Classes") }
        for (k, name) in classNames.enumerated() {
            let col = c.theme.classColor(k)
            c.setColor(c.theme.tint(k)); c.fillRect(x: x, y: row - 7, width: 18, height: 14)
            c.circle(x: x + 9, y: row, radius: 3.4)
            c.setColor(col); c.fill()
            c.setColor(c.theme.ink)
            c.text(c.fitted(name, size: 12, maxWidth: maxText), x: x + 26, y: row + 4, size: 12)
            row += 21
        }
        if !classNames.isEmpty { row += 8 }
        if let s = scalar {
            heading(s.label)
            let barH = 90.0
            for step in 0..<Int(barH) {
                c.setColor(Colormap.viridis(1 - Double(step) / barH).mixed(with: c.theme.background, 0.12))
                c.fillRect(x: x, y: row - 6 + Double(step), width: 14, height: 1.2)
            }
            c.setColor(c.theme.ink)
            c.text(Ticks.compact(s.maximum), x: x + 20, y: row + 2, size: 11)
            c.text(Ticks.compact(s.minimum), x: x + 20, y: row - 6 + barH, size: 11)
            row += barH + 14
        }
        heading("Marks")
        func entry(_ s: String, _ drawMark: (Double, Double) -> Void) {
            drawMark(x + 9, row)
            c.setColor(c.theme.ink)
            c.text(c.fitted(s, size: 12, maxWidth: maxText), x: x + 26, y: row + 4, size: 12)
            row += 21
        }
        if !train.isEmpty {
            entry(fadeData ? "\(dataLabel) (faded)" : dataLabel) { mx, my in
                c.circle(x: mx, y: my, radius: 3.4)
                c.setColor(c.theme.muted, alpha: fadeData ? 0.35 : 1); c.fill()
            }
        }
        if !test.isEmpty {
            entry("test data") { mx, my in
                c.circle(x: mx, y: my, radius: 3.6)
                c.setColor(c.theme.muted, alpha: fadeData ? 0.35 : 1); c.setLineWidth(1.6); c.stroke()
            }
        }
        if probability?.drawBoundary == true {
            entry("decision boundary") { mx, my in
                c.setColor(c.theme.ink); c.setLineWidth(2.2); c.line(mx - 9, my, mx + 9, my)
            }
        }
        if probability != nil {
            entry("tint: P(y|x)") { mx, my in
                let a = c.theme.tint(0), b = c.theme.tint(1)
                for s in 0..<6 {
                    c.setColor(a.mixed(with: b, Double(s) / 5)); c.fillRect(x: mx - 9 + Double(s) * 3, y: my - 7, width: 3, height: 14)
                }
            }
        }
        if let first = contours.first {
            for (n, level) in first.levels.enumerated() {
                entry("\(Int((level.mass * 100).rounded())) % of \(first.label < 0 ? "p(x)" : "p(x|y)")") { mx, my in
                    c.setColor(first.label < 0 ? c.theme.density : c.theme.muted)
                    c.setLineWidth([2.4, 1.6, 1.1][min(n, 2)])
                    c.setDash(n == 2 ? [5, 4] : [])
                    c.line(mx - 9, my, mx + 9, my)
                    c.setDash([])
                }
            }
        }
        if !samples.isEmpty {
            entry(samplesLabel) { mx, my in drawCross(on: c, x: mx, y: my, color: c.theme.ink) }
        }
        for curve in curves {
            entry(curve.label) { mx, my in
                c.setColor(c.theme.adapt(curve.color)); c.setLineWidth(curve.width); c.setDash(curve.dash)
                c.line(mx - 9, my, mx + 9, my); c.setDash([])
            }
        }
    }
}
