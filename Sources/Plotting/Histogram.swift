import Foundation

/// One distribution of a histogram figure.
public struct HistogramSeries: Sendable {
    public var label: String
    public var values: [Double]
    public var color: Color
    public var dash: [Double]
    public init(label: String, values: [Double], color: Color, dash: [Double] = []) {
        self.label = label; self.values = values; self.color = color; self.dash = dash
    }
}

/// Overlaid histograms on shared bins, each drawn as a step outline over a light
/// fill, heights as the share of that series' values per bin (so series of
/// different sizes compare). A tick under the axis marks each series' median.
public struct Histogram: Figure {
    public var width = 800
    public var height = 600
    public var scale = 1.0
    public var title: String
    public var subtitle: String
    public var xLabel: String
    public var yLabel = "share of rows per bin"
    public var series: [HistogramSeries]
    public var bins = 30
    /// nil: from the smallest to the largest value over all series.
    public var range: ClosedRange<Double>?

    public init(title: String, subtitle: String, xLabel: String, series: [HistogramSeries]) {
        self.title = title; self.subtitle = subtitle; self.xLabel = xLabel; self.series = series
    }

    /// Per series, the share of values in each bin (values outside the range go to the end bins).
    public func shares() -> (edges: [Double], shares: [[Double]]) {
        let all = series.flatMap(\.values).filter(\.isFinite)
        var lo = range?.lowerBound ?? (all.min() ?? 0), hi = range?.upperBound ?? (all.max() ?? 1)
        if hi <= lo { lo -= 0.5; hi += 0.5 }
        let edges = (0...bins).map { lo + (hi - lo) * Double($0) / Double(bins) }
        let shares = series.map { s -> [Double] in
            var counts = [Double](repeating: 0, count: bins)
            let finite = s.values.filter(\.isFinite)
            for v in finite { counts[min(max(Int((v - lo) / (hi - lo) * Double(bins)), 0), bins - 1)] += 1 }
            return counts.map { $0 / Double(max(finite.count, 1)) }
        }
        return (edges, shares)
    }

    public func draw(on c: Canvas) {
        let W = Double(width), H = Double(height)
        let px = 78.0, py = 64.0, legendW = 190.0
        let pw = W - px - legendW - 16, ph = H - py - 58
        c.frame(title: title, subtitle: subtitle, width: W, height: H)
        let (edges, shares) = self.shares()
        let x0 = edges.first!, x1 = edges.last!
        let y1 = (shares.flatMap { $0 }.max() ?? 1) * 1.1
        func sx(_ v: Double) -> Double { px + (v - x0) / (x1 - x0) * pw }
        func sy(_ v: Double) -> Double { py + ph - v / max(y1, 1e-12) * ph }
        Frame.axes(on: c, x: px, y: py, w: pw, h: ph, xRange: x0...x1, yRange: 0...max(y1, 1e-12), xLabel: xLabel, yLabel: yLabel)
        c.save()
        c.clip(x: px, y: py, width: pw, height: ph)
        for (s, ser) in series.enumerated() {
            var pts = [(sx(x0), sy(0))]
            for b in 0..<bins {
                pts.append((sx(edges[b]), sy(shares[s][b])))
                pts.append((sx(edges[b + 1]), sy(shares[s][b])))
            }
            pts.append((sx(x1), sy(0)))
            c.setColor(c.theme.adapt(ser.color), alpha: 0.12)
            c.moveTo(pts[0].0, pts[0].1)
            for p in pts.dropFirst() { c.lineTo(p.0, p.1) }
            c.fill()
            c.setColor(c.theme.adapt(ser.color)); c.setLineWidth(2); c.setDash(ser.dash)
            c.strokePolylines([pts]); c.setDash([])
        }
        c.restore()
        for ser in series where !ser.values.isEmpty {
            let v = ser.values.filter(\.isFinite).sorted()
            guard !v.isEmpty else { continue }
            let med = v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
            c.setColor(c.theme.adapt(ser.color)); c.setLineWidth(3)
            c.line(sx(med), py + ph - 9, sx(med), py + ph - 1)
        }
        let lx = px + pw + 18
        let row = c.lineLegend("Distributions", series.map { ($0.label, $0.color, $0.dash) }, x: lx, y: py + 10, width: legendW)
        c.setColor(c.theme.muted)
        c.text("ticks on the axis: medians", x: lx, y: row + 8, size: 11)
    }
}
