import Foundation

/// Ten distinct class colours (Tableau 10) for figures with ten classes, such as
/// digits; the glyph drawn for each point carries the class too, so the colours
/// need not carry it alone.
public enum TenColors {
    public static let colors: [Color] = [
        Color(hex: 0x4E79A7), Color(hex: 0xF28E2B), Color(hex: 0xE15759), Color(hex: 0x76B7B2), Color(hex: 0x59A14F),
        Color(hex: 0xB8860B), Color(hex: 0xB07AA1), Color(hex: 0xFF9DA7), Color(hex: 0x9C755F), Color(hex: 0x555555),
    ]
    public static func color(_ k: Int) -> Color { colors[((k % colors.count) + colors.count) % colors.count] }
}

/// A scatter plot whose points are drawn as short text glyphs in their class colour —
/// e.g. test digits placed at their encoding in a 2-D latent space, each drawn as
/// the digit it is.
public struct LabelScatter: Figure {
    public var width = 800
    public var height = 600
    public var scale = 1.0
    public var title: String
    public var subtitle: String
    public var xLabel: String
    public var yLabel: String
    /// Points; `label` indexes `glyphs` and the colour.
    public var points: [PlotPoint]
    /// The text drawn for each class ("0" … "9").
    public var glyphs: [String]
    /// Legend names per class.
    public var classNames: [String]
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var glyphSize = 11.0
    /// A line of text under the legend.
    public var note: String?

    public init(title: String, subtitle: String, xLabel: String, yLabel: String, points: [PlotPoint],
                glyphs: [String], classNames: [String], xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
        self.title = title; self.subtitle = subtitle; self.xLabel = xLabel; self.yLabel = yLabel; self.points = points
        self.glyphs = glyphs; self.classNames = classNames; self.xRange = xRange; self.yRange = yRange
    }

    static let legendWidth = 150.0

    /// The plot area inside the figure, in its 1× pixels (top-left origin): where `xRange` × `yRange` is drawn.
    /// The latent walk maps the pointer to latent coordinates through it.
    public var plotArea: (x: Double, y: Double, width: Double, height: Double) {
        let px = 70.0, py = 64.0
        return (px, py, Double(width) - px - Self.legendWidth - 16, Double(height) - py - 58)
    }

    public func draw(on c: Canvas) {
        let W = Double(width), H = Double(height)
        let (px, py, pw, ph) = plotArea
        let legendW = Self.legendWidth
        func sx(_ x: Double) -> Double { px + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * pw }
        func sy(_ y: Double) -> Double { py + ph - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * ph }
        c.frame(title: title, subtitle: subtitle, width: W, height: H)

        Frame.axes(on: c, x: px, y: py, w: pw, h: ph, xRange: xRange, yRange: yRange, xLabel: xLabel, yLabel: yLabel)
        c.save()
        c.clip(x: px, y: py, width: pw, height: ph)
        for p in points {
            let g = p.label >= 0 && p.label < glyphs.count ? glyphs[p.label] : "·"
            c.setColor(c.theme.adapt(TenColors.color(p.label)))
            c.text(g, x: sx(p.x), y: sy(p.y) + glyphSize * 0.36, size: glyphSize, bold: true, anchor: .middle)
        }
        c.restore()

        var row = py + 10
        let lx = px + pw + 18
        c.setColor(c.theme.muted); c.text("Classes", x: lx, y: row + 4, size: 11.5, bold: true)
        row += 22
        for (k, name) in classNames.enumerated() {
            c.setColor(c.theme.adapt(TenColors.color(k)))
            c.text(k < glyphs.count ? glyphs[k] : "·", x: lx + 8, y: row + 5, size: 14, bold: true, anchor: .middle)
            c.setColor(c.theme.ink)
            c.text(c.fitted(name, size: 12, maxWidth: legendW - 30), x: lx + 24, y: row + 4, size: 12)
            row += 20
        }
        if let note {
            c.setColor(c.theme.muted)
            var line = ""
            row += 10
            for word in note.split(separator: " ") {
                let next = line.isEmpty ? String(word) : line + " " + word
                if c.textWidth(next, size: 11) > legendW - 10 && !line.isEmpty {
                    c.text(line, x: lx, y: row, size: 11); row += 15; line = String(word)
                } else { line = next }
            }
            if !line.isEmpty { c.text(line, x: lx, y: row, size: 11) }
        }
    }
}

/// Shared drawing of a plot frame with nice ticks and axis labels.
enum Frame {
    static func axes(on c: Canvas, x: Double, y: Double, w: Double, h: Double,
                     xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, xLabel: String, yLabel: String,
                     tickSize: Double = 11.5, gridLines: Bool = true) {
        func sx(_ v: Double) -> Double { x + (v - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * w }
        func sy(_ v: Double) -> Double { y + h - (v - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * h }
        let xt = Ticks.nice(xRange.lowerBound, xRange.upperBound)
        let yt = Ticks.nice(yRange.lowerBound, yRange.upperBound)
        c.setLineWidth(1)
        for v in xt.values {
            let X = sx(v).rounded() + 0.5
            if gridLines { c.setColor(c.theme.grid); c.line(X, y, X, y + h) }
            c.setColor(c.theme.frame); c.line(X, y + h, X, y + h + 5)
            c.setColor(c.theme.ink); c.text(Ticks.label(v, step: xt.step), x: X, y: y + h + 8 + tickSize, size: tickSize, anchor: .middle)
        }
        for v in yt.values {
            let Y = sy(v).rounded() + 0.5
            if gridLines { c.setColor(c.theme.grid); c.line(x, Y, x + w, Y) }
            c.setColor(c.theme.frame); c.line(x - 5, Y, x, Y)
            c.setColor(c.theme.ink); c.text(Ticks.label(v, step: yt.step), x: x - 8, y: Y + 4, size: tickSize, anchor: .end)
        }
        c.setColor(c.theme.frame)
        c.strokeRect(x: x + 0.5, y: y + 0.5, width: w - 1, height: h - 1)
        c.setColor(c.theme.ink)
        if !xLabel.isEmpty { c.text(c.fitted(xLabel, size: 13, maxWidth: w), x: x + w / 2, y: y + h + 30 + tickSize, size: 13, anchor: .middle) }
        if !yLabel.isEmpty { c.text(c.fitted(yLabel, size: 13, maxWidth: h), x: x - 48, y: y + h / 2, size: 13, anchor: .middle, rotated: true) }
    }
}
