import Foundation
import Testing
@testable import Numerics

@Suite("NumberFormat and the shared helpers: one way to write a number, scale features, pad a window")
struct NumberFormatTests {
    @Test("Each style writes numbers as the site shows them")
    func styles() {
        #expect(NumberFormat.fixed(0.85671, 3) == "0.857")
        #expect(NumberFormat.fixedOrNA(.nan, 3) == "n/a" && NumberFormat.fixedOrNA(1, 1) == "1.0")
        #expect(NumberFormat.fixedUnsigned(-0.001, 2) == "0.00" && NumberFormat.fixedUnsigned(-0.5, 1) == "-0.5")
        #expect(NumberFormat.percent(0.1234) == "12.3 %" && NumberFormat.percent(0.5, decimals: 0) == "50 %")
        #expect(NumberFormat.wholePercent(0.125) == "13 %" && NumberFormat.wholePercent(0.3) == "30 %")
        #expect(NumberFormat.scientific(0.000123) == "1.2e-04")
        #expect(NumberFormat.significant(0.012345, 3) == "0.0123" && NumberFormat.significant(123456, 2) == "1.2e+05")
        #expect(NumberFormat.grouped(4601) == "4,601" && NumberFormat.grouped(-1234567) == "-1,234,567" && NumberFormat.grouped(999) == "999")
        #expect(NumberFormat.grouped(-1234.0) == "-1,234" && NumberFormat.grouped(0.0) == "0")
        #expect(NumberFormat.shortest(1) == "1" && NumberFormat.shortest(0.25) == "0.25" && NumberFormat.shortest(1e-9) == "1e-09")
    }

    @Test("fixed, scientific and significant write what Foundation's String(format:) writes")
    func sameAsFoundation() {
        var rng = SeededRandom(seed: 11, stream: "number-format")
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 0.05, 0.125, 2.5, 1e-300, 5e-324, 1.7976931348623157e308, -123456.789,
                                .nan, .infinity, -.infinity, 0.000123, 999.9999, 1e15, 1e22]
        for _ in 0..<2000 { values.append((rng.uniform() - 0.5) * pow(10, Double(rng.index(below: 25) - 12))) }
        for v in values {
            for d in [0, 1, 2, 3, 4, 6, 12] {
                #expect(NumberFormat.fixed(v, d) == String(format: "%.\(d)f", v))
                #expect(NumberFormat.scientific(v, decimals: d) == String(format: "%.\(d)e", v))
                #expect(NumberFormat.significant(v, max(1, d)) == String(format: "%.\(max(1, d))g", v))
            }
        }
        #expect(NumberFormat.fixed(1e300, 2).count > 300)   // longer than the stack buffer
        #expect(NumberFormat.fixed(1e300, 2) == String(format: "%.2f", 1e300))
    }

    @Test("Standardizer: training mean and population SD, constant features keep scale 1")
    func standardizer() {
        let x = Matrix([[1, 5], [3, 5], [5, 5]])
        let s = Standardizer(fitting: x)
        #expect(s.mean == [3, 5])
        #expect(s.scale[1] == 1 && abs(s.scale[0] - (8.0 / 3).squareRoot()) < 1e-15)
        #expect(s.apply(x)[1, 0] == 0 && s.apply(x)[0, 1] == 0)
        #expect(s.firstNonFinite == nil)
    }

    @Test("Plotting windows pad 8 % each side; density regions at 50, 80 and 95 %")
    func windowsAndRegions() {
        let (lo, hi) = Statistics.paddedRange([0, 10])
        #expect(abs(lo + 0.8) < 1e-12 && abs(hi - 10.8) < 1e-12)
        let (a, b) = Statistics.paddedRange([2, 2])   // all equal: a span of 1
        #expect(abs(a - 1.92) < 1e-12 && abs(b - 2.08) < 1e-12)
        let t = Statistics.regionThresholds((0...100).map(Double.init))
        #expect(t.map(\.mass) == [0.5, 0.8, 0.95])
        #expect(zip(t.map(\.threshold), [50.0, 20, 5]).allSatisfy { abs($0 - $1) < 1e-9 })   // interpolated quantiles
    }
}
