import Foundation

// Where figures put their plot area, for the explorables that draw over a figure or map the
// pointer through it (in the figure's 1× pixels, top-left origin), from the same layout `draw` uses.

extension ScatterFigure {
    /// The rectangle `xRange` × `yRange` is drawn in.
    public var scrubPlotArea: (x: Double, y: Double, width: Double, height: Double) {
        let px = Self.plotLeft, py = Self.plotTop
        return (px, py, Double(width) - px - Self.legendWidth - 16, Double(height) - py - Self.plotBottomMargin)
    }
}

extension Color {
    /// "#rrggbb", for scripts that draw in the figure's colours.
    public var cssHex: String {
        func byte(_ v: Double) -> Int { Int((min(max(v, 0), 1) * 255).rounded()) }
        return String(format: "#%02x%02x%02x", byte(r), byte(g), byte(b))
    }
}
