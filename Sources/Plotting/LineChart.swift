import Foundation

/// One line of a line chart, optionally with a shaded band (e.g. a 95 % interval).
public struct Series: Sendable {
    public var label: String
    public var x: [Double]
    public var y: [Double]
    public var lower: [Double]?
    public var upper: [Double]?
    public var color: Color
    public var dash: [Double]
    public var markers: Bool
    public init(label: String, x: [Double], y: [Double], color: Color, dash: [Double] = [], markers: Bool = true,
                lower: [Double]? = nil, upper: [Double]? = nil) {
        precondition(x.count == y.count, "a series needs one y per x")
        self.label = label; self.x = x; self.y = y; self.color = color; self.dash = dash; self.markers = markers
        self.lower = lower; self.upper = upper
    }
}

/// A vertical mark on a chart (a chosen k, a crossover point) with a short note.
public struct VerticalMark: Sendable {
    public var x: Double
    public var note: String
    /// The line's colour (the default is the muted grey).
    public var color: Color?
    /// Which text row the note sits on, from the top (0 = first), so marks at nearby x do not overprint.
    public var row = 0
    /// Writes the note to the left of the line (for marks near the right edge).
    public var noteOnLeft = false
    /// Lines explaining the mark in the legend, under `LineChart.marksLegendTitle` (none by default).
    public var legend: [String] = []
    public init(x: Double, note: String) { self.x = x; self.note = note }
    public init(x: Double, note: String, color: Color?, row: Int = 0, noteOnLeft: Bool = false, legend: [String] = []) {
        self.x = x; self.note = note; self.color = color; self.row = row; self.noteOnLeft = noteOnLeft; self.legend = legend
    }
}

/// Lines over a numeric x axis (linear or log10): information criteria against k,
/// learning curves, training losses.
public struct LineChart: Figure {
    public var width = 800
    public var height = 600
    public var scale = 1.0
    public var title: String
    public var subtitle: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var marks: [VerticalMark] = []
    public var logX = false
    /// Put ticks on whole numbers only (e.g. k = 1…5).
    public var integerX = false
    /// Heading of the legend section listing marks that carry `legend` lines.
    public var marksLegendTitle = "Marks"

    public init(title: String, subtitle: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.subtitle = subtitle; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    public func draw(on c: Canvas) {
        let W = Double(width), H = Double(height)
        let px = 78.0, py = 64.0, legendW = 190.0
        let pw = W - px - legendW - 16, ph = H - py - 58
        let xs = series.flatMap(\.x).map { logX ? log10($0) : $0 }.filter(\.isFinite)
        let ys = series.flatMap { s in s.y + (s.lower ?? []) + (s.upper ?? []) }.filter(\.isFinite)
        var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        if x1 <= x0 { x0 -= 0.5; x1 += 0.5 }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        let xpad = (x1 - x0) * 0.04, ypad = (y1 - y0) * 0.08
        x0 -= xpad; x1 += xpad; y0 -= ypad; y1 += ypad
        func sx(_ v: Double) -> Double { px + ((logX ? log10(v) : v) - x0) / (x1 - x0) * pw }
        func sy(_ v: Double) -> Double { py + ph - (v - y0) / (y1 - y0) * ph }

        c.frame(title: title, subtitle: subtitle, width: W, height: H)

        // Grid lines and ticks.
        let yt = Ticks.nice(y0, y1)
        c.setLineWidth(1)
        for v in yt.values {
            let Y = sy(v).rounded() + 0.5
            c.setColor(c.theme.grid); c.line(px, Y, px + pw, Y)
            c.setColor(c.theme.ink); c.text(Ticks.label(v, step: yt.step), x: px - 8, y: Y + 4, size: 11.5, anchor: .end)
        }
        var xTicks: [(Double, String)]
        if logX {
            xTicks = []
            var e = floor(x0)
            while e <= x1 {
                for m in [1.0, 2, 5] where log10(m) + e >= x0 && log10(m) + e <= x1 {
                    let v = m * pow(10, e)
                    xTicks.append((v, v >= 1 ? String(Int(v.rounded())) : Ticks.compact(v)))
                }
                e += 1
            }
        } else if integerX {
            xTicks = stride(from: ceil(x0), through: floor(x1), by: 1).map { ($0, String(Int($0))) }
        } else {
            let t = Ticks.nice(x0, x1)
            xTicks = t.values.map { ($0, Ticks.label($0, step: t.step)) }
        }
        for (v, label) in xTicks {
            let X = sx(v).rounded() + 0.5
            c.setColor(c.theme.grid); c.line(X, py, X, py + ph)
            c.setColor(c.theme.frame); c.line(X, py + ph, X, py + ph + 5)
            c.setColor(c.theme.ink); c.text(label, x: X, y: py + ph + 19, size: 11.5, anchor: .middle)
        }
        c.setColor(c.theme.frame); c.strokeRect(x: px + 0.5, y: py + 0.5, width: pw - 1, height: ph - 1)
        c.setColor(c.theme.ink)
        c.text(c.fitted(xLabel, size: 13, maxWidth: pw), x: px + pw / 2, y: py + ph + 42, size: 13, anchor: .middle)
        c.text(c.fitted(yLabel, size: 13, maxWidth: ph), x: px - 56, y: py + ph / 2, size: 13, anchor: .middle, rotated: true)

        c.save()
        c.clip(x: px, y: py, width: pw, height: ph)
        c.setRoundCaps()
        for s in series {
            if let lo = s.lower, let hi = s.upper, lo.count == s.x.count, hi.count == s.x.count, !s.x.isEmpty {
                c.setColor(c.theme.adapt(s.color), alpha: 0.18)
                c.moveTo(sx(s.x[0]), sy(hi[0]))
                for i in 1..<s.x.count { c.lineTo(sx(s.x[i]), sy(hi[i])) }
                for i in stride(from: s.x.count - 1, through: 0, by: -1) { c.lineTo(sx(s.x[i]), sy(lo[i])) }
                c.fill()
            }
        }
        for mark in marks {
            c.setColor(c.theme.adapt(mark.color ?? c.theme.muted)); c.setLineWidth(1.2); c.setDash([4, 4])
            c.line(sx(mark.x), py, sx(mark.x), py + ph); c.setDash([])
            c.setColor(c.theme.ink)
            c.text(mark.note, x: sx(mark.x) + (mark.noteOnLeft ? -6 : 6), y: py + 16 + 16 * Double(mark.row), size: 12, bold: true,
                   anchor: mark.noteOnLeft ? .end : .start)
        }
        for s in series {
            let pts = zip(s.x, s.y).filter { $0.1.isFinite }.map { (sx($0.0), sy($0.1)) }
            c.setColor(c.theme.adapt(s.color)); c.setLineWidth(2.2); c.setDash(s.dash)
            c.strokePolylines([pts]); c.setDash([])
            if s.markers {
                for p in pts {
                    c.circle(x: p.0, y: p.1, radius: 3.6)
                    c.setColor(c.theme.halo); c.fillPreserve()
                    c.setColor(c.theme.adapt(s.color)); c.setLineWidth(1.8); c.stroke()
                }
            }
        }
        c.restore()

        // Legend.
        let lx = px + pw + 18
        var row = c.lineLegend("Lines", series.map { ($0.label, $0.color, $0.dash) }, x: lx, y: py + 10, width: legendW)
        if series.contains(where: { $0.lower != nil }) {
            c.setColor(c.theme.muted, alpha: 0.25); c.fillRect(x: lx, y: row - 6, width: 18, height: 12)
            c.setColor(c.theme.ink); c.text("95 % interval", x: lx + 26, y: row + 4, size: 12)
            row += 21
        }
        if marks.contains(where: { !$0.legend.isEmpty }) {
            row += 12
            c.setColor(c.theme.muted); c.text(c.fitted(marksLegendTitle, size: 11.5, maxWidth: legendW - 8, bold: true),
                                              x: lx, y: row + 4, size: 11.5, bold: true)
            row += 22
            for mark in marks where !mark.legend.isEmpty {
                c.setColor(c.theme.adapt(mark.color ?? c.theme.muted)); c.setLineWidth(1.2); c.setDash([4, 4])
                c.line(lx + 9, row - 7, lx + 9, row + 7); c.setDash([])
                c.setColor(c.theme.ink)
                c.text(c.fitted(mark.note, size: 12, maxWidth: legendW - 34, bold: true), x: lx + 26, y: row + 4, size: 12, bold: true)
                row += 16
                for line in mark.legend {
                    c.setColor(c.theme.muted)
                    c.text(c.fitted(line, size: 11, maxWidth: legendW - 30), x: lx + 26, y: row + 4, size: 11)
                    row += 15
                }
                row += 6
            }
        }
    }
}
