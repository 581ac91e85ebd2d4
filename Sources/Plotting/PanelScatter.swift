import Foundation

/// A circle drawn on a panel, such as 3σ around a mode of the data; `filled`
/// panels' circles are solid (e.g. a covered mode), others dashed.
public struct PanelCircle: Sendable {
    public var x: Double, y: Double, radius: Double
    public var solid: Bool
    public init(x: Double, y: Double, radius: Double, solid: Bool) {
        self.x = x; self.y = y; self.radius = radius; self.solid = solid
    }
}

/// One small scatter panel: a heading, points and circles.
public struct ScatterPanel: Sendable {
    public var heading: String
    public var points: [PlotPoint]
    public var circles: [PanelCircle]
    public init(heading: String, points: [PlotPoint], circles: [PanelCircle] = []) {
        self.heading = heading; self.points = points; self.circles = circles
    }
}

/// Small multiples: a grid of square scatter panels on shared axes, with row
/// headings on the left — e.g. a GAN's samples at checkpoints (columns) under two
/// settings (rows), over the faint training data.
public struct PanelScatter: Figure {
    public var width = 800
    public var height = 600
    public var scale = 1.0
    public var title: String
    public var subtitle: String
    public var rows: Int
    public var columns: Int
    public var panels: [ScatterPanel]
    public var rowLabels: [String] = []
    /// Drawn faintly in every panel.
    public var background: [PlotPoint] = []
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var footnote: String?
    public var pointColor = Color(hex: 0xB3261E)

    public init(title: String, subtitle: String, rows: Int, columns: Int, panels: [ScatterPanel],
                xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
        self.title = title; self.subtitle = subtitle; self.rows = rows; self.columns = columns
        self.panels = panels; self.xRange = xRange; self.yRange = yRange
    }

    /// Where the panels go (figure 1× pixels): the left edge of the grid, the top, the side of a square
    /// panel, the heading height and the gap between panels.
    var layout: (x0: Double, top: Double, side: Double, headingH: Double, gap: Double) {
        let W = Double(width), H = Double(height)
        let left = rowLabels.isEmpty ? 20.0 : 104.0
        let top = 70.0, bottom = footnote == nil ? 12.0 : 34.0
        let headingH = 20.0, gap = 10.0
        let side = min((W - left - 16 - Double(columns - 1) * gap) / Double(columns),
                       (H - top - bottom - Double(rows) * headingH - Double(rows - 1) * gap) / Double(rows)).rounded(.down)
        let gridW = Double(columns) * side + Double(columns - 1) * gap
        return ((left + (W - left - 16 - gridW) / 2).rounded(), top, side, headingH, gap)
    }

    /// Each panel's square plot area (figure 1× pixels, top-left origin), row-major: `xRange` × `yRange` fills it.
    public var panelAreas: [(x: Double, y: Double, side: Double)] {
        let l = layout
        return (0..<min(panels.count, rows * columns)).map { i in
            (l.x0 + Double(i % columns) * (l.side + l.gap), l.top + Double(i / columns) * (l.side + l.headingH + l.gap) + l.headingH, l.side)
        }
    }

    public func draw(on c: Canvas) {
        let W = Double(width), H = Double(height)
        c.frame(title: title, subtitle: subtitle, width: W, height: H)
        let (x0, top, side, headingH, gap) = layout
        for r in 0..<rows {
            let py = top + Double(r) * (side + headingH + gap) + headingH
            if r < rowLabels.count {
                c.setColor(c.theme.ink)
                var ly = py + side / 2 - 8
                for part in rowLabels[r].split(separator: "\n") {
                    c.text(c.fitted(String(part), size: 12, maxWidth: x0 - 24, bold: ly == py + side / 2 - 8),
                           x: x0 - 12, y: ly, size: 12, bold: ly == py + side / 2 - 8, anchor: .end)
                    ly += 16
                }
            }
            for col in 0..<columns {
                let i = r * columns + col
                guard i < panels.count else { continue }
                let p = panels[i]
                let px = x0 + Double(col) * (side + gap)
                func sx(_ v: Double) -> Double { px + (v - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * side }
                func sy(_ v: Double) -> Double { py + side - (v - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * side }
                c.setColor(c.theme.ink)
                c.text(c.fitted(p.heading, size: 11.5, maxWidth: side, bold: true), x: px + side / 2, y: py - 6,
                       size: 11.5, bold: true, anchor: .middle)
                c.setColor(c.theme.panel); c.fillRect(x: px, y: py, width: side, height: side)
                c.save()
                c.clip(x: px, y: py, width: side, height: side)
                c.setColor(c.theme.faint)
                for b in background { c.circle(x: sx(b.x), y: sy(b.y), radius: 1.1) }
                c.fill()
                for circle in p.circles {
                    let rr = circle.radius / (xRange.upperBound - xRange.lowerBound) * side
                    c.setColor(c.theme.adapt(circle.solid ? Color(hex: 0x1B7837) : Color(hex: 0x777777)))
                    c.setLineWidth(circle.solid ? 1.6 : 1)
                    c.setDash(circle.solid ? [] : [3, 3])
                    c.circle(x: sx(circle.x), y: sy(circle.y), radius: max(rr, 2.5))
                    c.stroke()
                    c.setDash([])
                }
                c.setColor(c.theme.adapt(pointColor), alpha: 0.55)
                for q in p.points { c.circle(x: sx(q.x), y: sy(q.y), radius: 1.3) }
                c.fill()
                c.restore()
                c.setColor(c.theme.frame); c.setLineWidth(1)
                c.strokeRect(x: px + 0.5, y: py + 0.5, width: side - 1, height: side - 1)
            }
        }
        if let f = footnote {
            c.setColor(c.theme.muted)
            c.text(c.fitted(f, size: 12, maxWidth: W - 40), x: W / 2, y: H - 14, size: 12, anchor: .middle)
        }
    }
}
