import Foundation
import Testing
@testable import Numerics

/// Reference numbers: scipy 1.17.1 (`scipy.stats.t.ppf`, `t.cdf`, `scipy.special.betainc`,
/// `scipy.stats.ttest_rel`, `t.interval`), printed with `repr`, and closed forms worked by hand
/// where they exist (stated beside each).
@Suite("Statistics: means, t quantiles, intervals, paired test")
struct StatisticsTests {
    @Test("Mean and sample standard deviation of a small sample, by hand")
    func meanAndDeviation() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − 5)² = 32, s² = 32 / 7.
        let v: [Double] = [2, 4, 4, 4, 5, 5, 7, 9]
        #expect(Statistics.mean(v) == 5)
        #expect(abs(Statistics.variance(v) - 32.0 / 7) < 1e-14)
        #expect(abs(Statistics.standardDeviation(v) - (32.0 / 7).squareRoot()) < 1e-14)
    }

    @Test("Regularised incomplete beta against scipy.special.betainc (1e-12) and a polynomial case by hand")
    func incompleteBeta() {
        // I_0.4(2, 3) = Σ_{j=2}^{4} C(4,j) 0.4^j 0.6^(4−j) = 0.3456 + 0.1536 + 0.0256 = 0.5248.
        #expect(abs(Statistics.regularizedIncompleteBeta(0.4, a: 2, b: 3) - 0.5248) < 1e-14)
        // I_x(½, ½) = (2/π) asin(√x).
        #expect(abs(Statistics.regularizedIncompleteBeta(0.3, a: 0.5, b: 0.5) - 2 / Double.pi * asin(0.3.squareRoot())) < 1e-13)
        let scipy: [(a: Double, b: Double, x: Double, value: Double)] = [
            (0.5, 0.5, 0.3, 0.36901011956554536),
            (10, 0.5, 0.9, 0.15164090963470994),
            (0.5, 5, 0.01, 0.24284189089843747),
            (50, 60, 0.45, 0.4642352914306031),
        ]
        for r in scipy {
            let v = Statistics.regularizedIncompleteBeta(r.x, a: r.a, b: r.b)
            #expect(abs(v - r.value) < 1e-12 * max(1, r.value), "I_\(r.x)(\(r.a), \(r.b)) = \(v), scipy \(r.value)")
        }
        #expect(Statistics.regularizedIncompleteBeta(0, a: 2, b: 3) == 0)
        #expect(Statistics.regularizedIncompleteBeta(1, a: 2, b: 3) == 1)
    }

    @Test("Student's t CDF against scipy.stats.t.cdf (1e-12)")
    func tCDF() {
        let scipy: [(t: Double, df: Double, value: Double)] = [
            (0.5, 1, 0.6475836176504333), (-2.0, 3, 0.06966298427942152), (2.5, 10, 0.9842765778816955),
            (1.96, 199, 0.9743040830479199), (-4.2, 7, 0.0020177799626099795), (10.0, 4, 0.999718998188642),
        ]
        for r in scipy {
            let v = Statistics.studentTCDF(r.t, degreesOfFreedom: r.df)
            #expect(abs(v - r.value) < 1e-12, "F(\(r.t); \(r.df)) = \(v), scipy \(r.value)")
        }
        // ν = 1 is the Cauchy distribution: F(t) = ½ + atan(t)/π.
        #expect(abs(Statistics.studentTCDF(0.5, degreesOfFreedom: 1) - (0.5 + atan(0.5) / Double.pi)) < 1e-14)
        #expect(Statistics.studentTCDF(0, degreesOfFreedom: 5) == 0.5)
    }

    @Test("Student's t quantiles against scipy.stats.t.ppf (1e-10 relative) and closed forms")
    func tQuantile() {
        let scipy: [(df: Double, q975: Double, q995: Double, q10: Double)] = [
            (1, 12.706204736174694, 63.656741162871526, -3.0776835371752536),
            (2, 4.302652729749462, 9.924843200918287, -1.8856180831641267),
            (3, 3.1824463052837078, 5.840909309733355, -1.6377443536962089),
            (5, 2.5705818356363146, 4.032142983555228, -1.4758840488244813),
            (10, 2.228138851986274, 3.16927267261695, -1.3721836411103359),
            (30, 2.0422724563012378, 2.7499956535672254, -1.3104150253913955),
            (199, 1.9719565442517533, 2.600760216058516, -1.285820209259409),
            (1000, 1.9623390808264083, 2.580754698065951, -1.2823987214609245),
        ]
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-10 * abs(b) }
        for r in scipy {
            let a = Statistics.studentTQuantile(0.975, degreesOfFreedom: r.df)
            let b = Statistics.studentTQuantile(0.995, degreesOfFreedom: r.df)
            let c = Statistics.studentTQuantile(0.1, degreesOfFreedom: r.df)
            #expect(close(a, r.q975) && close(b, r.q995) && close(c, r.q10), "ν = \(r.df): \(a), \(b), \(c)")
        }
        // ν = 1: t_p = tan(π(p − ½)); ν = 2: t_p = (2p − 1) / √(2p(1 − p)).
        #expect(close(Statistics.studentTQuantile(0.975, degreesOfFreedom: 1), tan(Double.pi * 0.475)))
        #expect(close(Statistics.studentTQuantile(0.9, degreesOfFreedom: 2), 0.8 / (2 * 0.9 * 0.1).squareRoot()))
        #expect(Statistics.studentTQuantile(0.5, degreesOfFreedom: 7) == 0)
        // Round trip through the CDF.
        for p in [0.001, 0.3, 0.9, 0.999999] {
            let t = Statistics.studentTQuantile(p, degreesOfFreedom: 4.5)
            #expect(abs(Statistics.studentTCDF(t, degreesOfFreedom: 4.5) - p) < 1e-12)
        }
    }

    @Test("95 % interval of a mean: hand computation and scipy.stats.t.interval")
    func interval() {
        let x = [0.12, 0.10, 0.15, 0.09, 0.11, 0.13, 0.08, 0.14]
        // mean 0.115; deviations ±0.005, ±0.015, ±0.025, ±0.035 → Σd² = 0.0042, s² = 0.0042/7 = 0.0006.
        let ci = Statistics.meanConfidenceInterval(x)
        #expect(abs(ci.mean - 0.115) < 1e-15)
        #expect(abs(ci.standardDeviation - 0.0006.squareRoot()) < 1e-15)
        let h = 2.364624251592784 * 0.0006.squareRoot() / 8.0.squareRoot()  // t_{0.975,7} from scipy
        #expect(abs(ci.halfWidth - h) < 1e-13)
        #expect(abs(ci.lower - 0.09452175327715882) < 1e-13 && abs(ci.upper - 0.13547824672284114) < 1e-13)
        #expect(ci.count == 8 && ci.level == 0.95)
        let far = Statistics.Interval(mean: 1, lower: 0.9, upper: 1.1, standardDeviation: 0, level: 0.95, count: 2)
        #expect(ci.isDisjoint(from: far) && !ci.isDisjoint(from: ci))
    }

    @Test("Paired t-test against scipy.stats.ttest_rel; constant differences by convention")
    func pairedTest() {
        let a = [0.12, 0.10, 0.15, 0.09, 0.11, 0.13, 0.08, 0.14]
        let b = [0.10, 0.11, 0.12, 0.07, 0.10, 0.10, 0.09, 0.11]
        let r = Statistics.pairedTTest(a, b)
        // d = .02, −.01, .03, .02, .01, .03, −.01, .03: mean 0.015.
        #expect(abs(r.meanDifference - 0.015) < 1e-15)
        #expect(abs(r.statistic - 2.509980079602227) < 1e-12)
        #expect(abs(r.pValue - 0.040398095491595884) < 1e-12)
        #expect(r.degreesOfFreedom == 7 && r.count == 8)
        let swapped = Statistics.pairedTTest(b, a)
        #expect(abs(swapped.statistic + r.statistic) < 1e-12 && abs(swapped.pValue - r.pValue) < 1e-15)
        let same = Statistics.pairedTTest(a, a)
        #expect(same.statistic == 0 && same.pValue == 1)
        let shifted = Statistics.pairedTTest(a.map { $0 + 0.25 }, a)
        #expect(shifted.pValue == 0 || shifted.pValue < 1e-12)
    }
}
