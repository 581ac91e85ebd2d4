import Foundation
import Numerics

/// One series of a grouped bar chart: a value per category.
public struct BarSeries: Sendable {
    public var label: String
    public var values: [Double]
    public var color: Color
    public init(label: String, values: [Double], color: Color) {
        self.label = label; self.values = values; self.color = color
    }
}

/// Grouped bars: for every category, one bar per series side by side — e.g. the share
/// of each generator's samples a classifier assigns to each digit.
public struct BarChart: Figure {
    public var width = 800
    public var height = 600
    public var scale = 1.0
    public var title: String
    public var subtitle: String
    public var xLabel: String
    public var yLabel: String
    public var categories: [String]
    public var series: [BarSeries]
    /// A dashed horizontal line (e.g. the uniform share 0.1) with a note.
    public var reference: (value: Double, note: String)?
    /// Format of the y tick labels as percentages (values are shares in 0…1).
    public var percent = false

    public init(title: String, subtitle: String, xLabel: String, yLabel: String, categories: [String], series: [BarSeries]) {
        precondition(series.allSatisfy { $0.values.count == categories.count }, "one value per category in every series")
        self.title = title; self.subtitle = subtitle; self.xLabel = xLabel; self.yLabel = yLabel
        self.categories = categories; self.series = series
    }

    public func draw(on c: Canvas) {
        let W = Double(width), H = Double(height)
        let px = 78.0, py = 64.0, legendW = 190.0
        let pw = W - px - legendW - 16, ph = H - py - 58
        c.frame(title: title, subtitle: subtitle, width: W, height: H)

        let top = max(series.flatMap(\.values).filter(\.isFinite).max() ?? 1, reference?.value ?? 0) * 1.1
        let y1 = top > 0 ? top : 1
        func sy(_ v: Double) -> Double { py + ph - v / y1 * ph }
        let yt = Ticks.nice(0, y1)
        c.setLineWidth(1)
        for v in yt.values {
            let Y = sy(v).rounded() + 0.5
            c.setColor(c.theme.grid); c.line(px, Y, px + pw, Y)
            c.setColor(c.theme.ink)
            let label = percent ? NumberFormat.percent(v, decimals: 0) : Ticks.label(v, step: yt.step)
            c.text(label, x: px - 8, y: Y + 4, size: 11.5, anchor: .end)
        }
        let n = Double(max(categories.count, 1)), m = Double(max(series.count, 1))
        let groupW = pw / n, barW = groupW * 0.8 / m
        for (k, cat) in categories.enumerated() {
            let gx = px + Double(k) * groupW + groupW * 0.1
            for (s, ser) in series.enumerated() {
                let v = ser.values[k]
                guard v.isFinite, v > 0 else { continue }
                c.setColor(c.theme.adapt(ser.color))
                c.fillRect(x: gx + Double(s) * barW, y: sy(v), width: barW - 1, height: sy(0) - sy(v))
            }
            c.setColor(c.theme.ink)
            c.text(c.fitted(cat, size: 12, maxWidth: groupW), x: px + (Double(k) + 0.5) * groupW, y: py + ph + 19, size: 12, anchor: .middle)
        }
        if let r = reference {
            c.setColor(c.theme.ink); c.setLineWidth(1.4); c.setDash([6, 4])
            c.line(px, sy(r.value), px + pw, sy(r.value)); c.setDash([])
            c.text(r.note, x: px + pw - 6, y: sy(r.value) - 6, size: 11.5, bold: true, anchor: .end)
        }
        c.setColor(c.theme.frame); c.setLineWidth(1)
        c.strokeRect(x: px + 0.5, y: py + 0.5, width: pw - 1, height: ph - 1)
        c.setColor(c.theme.ink)
        c.text(c.fitted(xLabel, size: 13, maxWidth: pw), x: px + pw / 2, y: py + ph + 42, size: 13, anchor: .middle)
        c.text(c.fitted(yLabel, size: 13, maxWidth: ph), x: px - 56, y: py + ph / 2, size: 13, anchor: .middle, rotated: true)

        var row = py + 10
        let lx = px + pw + 18
        c.setColor(c.theme.muted); c.text("Bars", x: lx, y: row + 4, size: 11.5, bold: true)
        row += 22
        for s in series {
            c.setColor(c.theme.adapt(s.color)); c.fillRect(x: lx, y: row - 6, width: 16, height: 12)
            c.setColor(c.theme.ink)
            c.text(c.fitted(s.label, size: 12, maxWidth: legendW - 30), x: lx + 24, y: row + 4, size: 12)
            row += 21
        }
    }
}
