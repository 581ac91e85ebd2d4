import Foundation
import Testing
@testable import Plotting

@Suite("Figures for the deep models")
struct DeepFigureTests {
    static func isPNG(_ png: Data, _ w: Int = 800, _ h: Int = 600) -> Bool {
        func be32(_ o: Int) -> Int { png[o..<(o + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] && be32(16) == w && be32(20) == h
    }

    static func digit(_ k: Int) -> GreyImage {
        GreyImage(width: 8, height: 8, pixels: (0..<64).map { Double(($0 + k) % 9) / 8 })
    }

    static func figures() -> [() throws -> Data] {
        let cells = (0..<12).map { ImageCell(image: digit($0), caption: $0 % 3 == 0 ? "\($0)" : nil, frame: $0 == 5 ? Color(hex: 0xB2182B) : nil) }
        var grid = ImageGrid(title: "Grid", subtitle: "sub", rows: 3, columns: 4, cells: cells)
        grid.rowLabels = ["a", "b", "c"]; grid.columnLabels = ["1", "2", "3", "4"]; grid.footnote = "note"
        let points = (0..<50).map { PlotPoint(x: Double($0 % 7) - 3, y: Double($0 % 5) - 2, label: $0 % 10) }
        let scatter = LabelScatter(title: "Latent", subtitle: "", xLabel: "z₁", yLabel: "z₂", points: points,
                                   glyphs: (0..<10).map(String.init), classNames: (0..<10).map { "digit \($0)" },
                                   xRange: -4...4, yRange: -3...3)
        let bars = BarChart(title: "Bars", subtitle: "", xLabel: "digit", yLabel: "share", categories: ["0", "1", "2"],
                            series: [BarSeries(label: "A", values: [0.2, 0.5, 0.3], color: .black),
                                     BarSeries(label: "B", values: [0.3, 0.3, 0.4], color: Color(hex: 0xD55E00))])
        let hist = Histogram(title: "Hist", subtitle: "", xLabel: "d",
                             series: [HistogramSeries(label: "a", values: [1, 2, 2, 3], color: .black),
                                      HistogramSeries(label: "b", values: [2.5, 3, 3.5], color: Color(hex: 0x0072B2), dash: [4, 4])])
        let panel = ClassifierPanel(title: "Panel", subtitle: "", confusion: ConfusionMatrix(counts: [[5, 1], [0, 7]], classNames: ["0", "1"]),
                                    confident: Array(cells.prefix(4)), confused: Array(cells.suffix(4)), cannot: ["It cannot.", "Really."])
        let panels = (0..<4).map { k in
            ScatterPanel(heading: "p\(k)", points: points, circles: [PanelCircle(x: 0, y: 0, radius: 0.5, solid: k % 2 == 0)])
        }
        var multi = PanelScatter(title: "Panels", subtitle: "", rows: 2, columns: 2, panels: panels, xRange: -3...3, yRange: -3...3)
        multi.rowLabels = ["first\nline two", "second"]
        return [{ try grid.renderPNG() }, { try scatter.renderPNG() }, { try bars.renderPNG() }, { try hist.renderPNG() },
                { try panel.renderPNG() }, { try multi.renderPNG() }]
    }

    @Test("Image grid, label scatter, bars, histogram, classifier panel and panel scatter: valid 800×600 PNGs, byte-identical on a second render")
    func renders() throws {
        let a = try Self.figures().map { try $0() }, b = try Self.figures().map { try $0() }
        #expect(a.allSatisfy { Self.isPNG($0) })
        #expect(a == b)
        #expect(Set(a).count == a.count)
    }

    @Test("Grey levels map 0 → white paper, 1 → dark ink, clamped outside [0, 1]; NaN drawn as paper")
    func greyLevels() {
        let px = ImageGrid.pixels(GreyImage(width: 5, height: 1, pixels: [0, 1, -3, 7, .nan]), .light)
        #expect(px[0] == 0xFFFFFF && px[2] == 0xFFFFFF && px[4] == 0xFFFFFF)
        #expect(px[1] == 0x111111 && px[3] == 0x111111)
    }

    @Test("Histogram shares: each series sums to 1 over shared bins; values at the ends land in the end bins")
    func histogramShares() {
        var h = Histogram(title: "", subtitle: "", xLabel: "",
                          series: [HistogramSeries(label: "a", values: [0, 0.5, 1, 1], color: .black),
                                   HistogramSeries(label: "b", values: [0.25, 0.75], color: .black)])
        h.bins = 4
        let (edges, shares) = h.shares()
        #expect(edges == [0, 0.25, 0.5, 0.75, 1])
        #expect(shares[0] == [0.25, 0, 0.25, 0.5])
        #expect(shares[1] == [0, 0.5, 0, 0.5])
    }
}
