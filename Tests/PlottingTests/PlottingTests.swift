import Foundation
import Testing
@testable import Plotting

@Suite("Figures")
struct FigureTests {
    static func sampleFigure() -> ScatterFigure {
        let grid = Grid(nx: 60, ny: 60, xMin: -2, xMax: 2, yMin: -2, yMax: 2)
        var proba = [Double]()
        for j in 0..<60 { for i in 0..<60 {
            let p1 = 1 / (1 + exp(-(grid.x(Double(i)) + 0.5 * grid.y(Double(j))) * 2))
            proba += [1 - p1, p1]
        } }
        var fig = ScatterFigure(title: "Test figure", subtitle: "subtitle", xLabel: "x₁", yLabel: "x₂",
                                classNames: ["a", "b"], xRange: -2...2, yRange: -2...2)
        fig.probability = ProbabilityLayer(grid: grid, classCount: 2, proba: proba)
        fig.train = [PlotPoint(x: -1, y: -1, label: 0), PlotPoint(x: 1, y: 1, label: 1)]
        fig.test = [PlotPoint(x: 0.5, y: -1, label: 1)]
        fig.samples = [PlotPoint(x: 0, y: 1.5, label: 0)]
        return fig
    }

    @Test("A figure is a valid 800×600 PNG")
    func validPNG() throws {
        let png = try Self.sampleFigure().renderPNG()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: bytes 16..<24 are width and height, big-endian.
        func be32(_ o: Int) -> Int { png[o..<(o + 4)].reduce(0) { $0 << 8 | Int($1) } }
        #expect(png[12..<16] == Data("IHDR".utf8))
        #expect(be32(16) == 800 && be32(20) == 600)
        #expect(png.suffix(8).prefix(4) == Data("IEND".utf8))
    }

    @Test("Two renders of the same figure are byte-identical")
    func deterministic() throws {
        #expect(try Self.sampleFigure().renderPNG() == Self.sampleFigure().renderPNG())
    }

    @Test("Scale 2 gives a 1600×1200 PNG for high-DPI screens")
    func highDPI() throws {
        var fig = Self.sampleFigure()
        fig.scale = 2
        let png = try fig.renderPNG()
        func be32(_ o: Int) -> Int { png[o..<(o + 4)].reduce(0) { $0 << 8 | Int($1) } }
        #expect(be32(16) == 1600 && be32(20) == 1200)
    }
}

@Suite("Contours and ticks")
struct ContourTests {
    @Test("The level set r = 1 of x² + y² is one closed curve within a cell of the unit circle")
    func circle() {
        let g = Grid(nx: 80, ny: 80, xMin: -2, xMax: 2, yMin: -2, yMax: 2)
        var values = [Double]()
        for j in 0..<80 { for i in 0..<80 { let x = g.x(Double(i)), y = g.y(Double(j)); values.append(x * x + y * y) } }
        let lines = Contours.lines(values, grid: g, level: 1)
        #expect(lines.count == 1)
        let line = lines[0]
        #expect(line.first! == line.last!)  // closed
        let cell = 4.0 / 80
        #expect(line.allSatisfy { abs(($0.0 * $0.0 + $0.1 * $0.1).squareRoot() - 1) < cell })
    }

    @Test("A level outside the values gives no lines; −∞ counts as below every level")
    func empty() {
        let g = Grid(nx: 3, ny: 3, xMin: 0, xMax: 1, yMin: 0, yMax: 1)
        #expect(Contours.lines([Double](repeating: 0, count: 9), grid: g, level: 5).isEmpty)
        var v = [Double](repeating: -.infinity, count: 9)
        v[4] = 0
        #expect(Contours.lines(v, grid: g, level: -1).count == 1)
    }

    @Test("Ticks are nice round numbers covering the range")
    func ticks() {
        let t = Ticks.nice(-1.27, 2.6)
        #expect(t.step == 1)
        #expect(t.values == [-1, 0, 1, 2])
        let u = Ticks.nice(0, 2.6)
        #expect(u.step == 0.5)
        #expect(u.values == [0, 0.5, 1, 1.5, 2, 2.5])
        #expect(Ticks.label(-0.0, step: 0.5) == "0.0")
        #expect(Ticks.label(2.5, step: 0.5) == "2.5")
        #expect(Ticks.label(200, step: 100) == "200")
    }
}
