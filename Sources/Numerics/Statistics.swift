#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Summaries and tests for repeated measurements (e.g. test errors over random splits).
///
/// - Mean and sample standard deviation s = √(Σ(xᵢ − x̄)² / (n − 1)).
/// - The 95 % (or any `level`) confidence interval of a mean, x̄ ± t_{(1+level)/2, n−1} · s / √n,
///   with Student's t quantile computed by inverting its CDF.
/// - Student's t CDF through the regularised incomplete beta function:
///   for ν degrees of freedom, P(T ≤ t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) when t ≥ 0 (symmetric for t < 0).
/// - I_x(a, b) by the continued fraction of Numerical Recipes (Press et al., 3rd ed., §6.4),
///   evaluated with the modified Lentz method.
/// - The paired t-test on differences dᵢ = aᵢ − bᵢ: t = d̄ / (s_d / √n) with n − 1 degrees of
///   freedom and two-sided p = 2 · P(T ≥ |t|) — scipy's `ttest_rel`.
public enum Statistics {
    public static func mean(_ v: [Double]) -> Double {
        precondition(!v.isEmpty, "mean of no values")
        return v.reduce(0, +) / Double(v.count)
    }

    /// Sample variance (divides by n − 1).
    public static func variance(_ v: [Double]) -> Double {
        precondition(v.count >= 2, "a sample variance needs at least two values")
        let m = mean(v)
        return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)
    }

    /// Sample standard deviation (divides by n − 1).
    public static func standardDeviation(_ v: [Double]) -> Double { variance(v).squareRoot() }

    // MARK: distributions

    /// The regularised incomplete beta function I_x(a, b), a, b > 0, 0 ≤ x ≤ 1.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "incomplete beta needs a, b > 0")
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry otherwise.
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(1 - x, a: b, b: a) / b
    }

    /// The continued fraction for I_x(a, b) (Numerical Recipes `betacf`), modified Lentz.
    static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, eps = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < eps { break }
        }
        return h
    }

    /// P(T ≤ t) for Student's t with ν > 0 degrees of freedom.
    public static func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "Student's t needs positive degrees of freedom")
        if t.isNaN { return .nan }
        if t == .infinity { return 1 }
        if t == -.infinity { return 0 }
        let tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)  // P(T > |t|)
        return t >= 0 ? 1 - tail : tail
    }

    /// P(T ≥ |t|): the upper tail, accurate far out where 1 − CDF would round to 0.
    public static func studentTUpperTail(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        if t.isNaN { return .nan }
        if t.isInfinite { return 0 }
        return 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
    }

    /// The density of Student's t.
    public static func studentTDensity(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let logC = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi)
        return exp(logC - (nu + 1) / 2 * log1p(t * t / nu))
    }

    /// The p-quantile of Student's t (the inverse CDF), 0 < p < 1: Newton's method on the
    /// CDF, kept inside a bisection bracket so it cannot diverge.
    public static func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "a quantile needs 0 < p < 1, got \(p)")
        precondition(nu > 0, "Student's t needs positive degrees of freedom")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -studentTQuantile(1 - p, degreesOfFreedom: nu) }
        // Upper tail q = 1 − p, solved as P(T > t) = q for t > 0 (no cancellation near p = 1).
        let q = 1 - p
        var lo = 0.0, hi = 1.0
        while studentTUpperTail(hi, degreesOfFreedom: nu) > q { lo = hi; hi *= 2; if hi > 1e300 { return .infinity } }
        var t = 0.5 * (lo + hi)
        for _ in 0..<200 {
            let f = studentTUpperTail(t, degreesOfFreedom: nu) - q      // decreasing in t
            if f > 0 { lo = t } else { hi = t }
            let density = studentTDensity(t, degreesOfFreedom: nu)
            var next = density > 0 ? t + f / density : .nan             // Newton step on −f
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            if abs(next - t) <= 1e-15 * max(1, abs(t)) { t = next; break }
            t = next
        }
        return t
    }

    // MARK: intervals and tests

    /// A confidence interval of a mean.
    public struct Interval: Sendable, Codable, Equatable {
        public let mean: Double
        public let lower: Double
        public let upper: Double
        public let standardDeviation: Double
        public let level: Double
        public let count: Int
        public var halfWidth: Double { (upper - lower) / 2 }

        /// True when the two intervals share no point.
        public func isDisjoint(from other: Interval) -> Bool { upper < other.lower || other.upper < lower }
    }

    /// x̄ ± t_{(1+level)/2, n−1} · s / √n (needs n ≥ 2).
    public static func meanConfidenceInterval(_ v: [Double], level: Double = 0.95) -> Interval {
        precondition(v.count >= 2, "a confidence interval needs at least two values")
        precondition(level > 0 && level < 1, "the level must be in (0, 1)")
        let m = mean(v), s = standardDeviation(v)
        let h = studentTQuantile((1 + level) / 2, degreesOfFreedom: Double(v.count - 1)) * s / Double(v.count).squareRoot()
        return Interval(mean: m, lower: m - h, upper: m + h, standardDeviation: s, level: level, count: v.count)
    }

    /// The result of a paired t-test on aᵢ − bᵢ.
    public struct PairedTest: Sendable, Codable, Equatable {
        public let count: Int
        /// Mean of aᵢ − bᵢ.
        public let meanDifference: Double
        public let standardDeviation: Double
        public let statistic: Double
        public let degreesOfFreedom: Int
        /// Two-sided p-value.
        public let pValue: Double
    }

    /// The paired t-test of H₀: E[a − b] = 0 (scipy's `ttest_rel`, two-sided).
    /// When every difference is the same number c (s_d = 0): t = 0 and p = 1 if c = 0,
    /// else t = ±∞ and p = 0 (scipy gives NaN for the first and ±∞, 0 for the second).
    public static func pairedTTest(_ a: [Double], _ b: [Double]) -> PairedTest {
        precondition(a.count == b.count, "a paired test needs pairs")
        precondition(a.count >= 2, "a paired test needs at least two pairs")
        let d = zip(a, b).map { $0 - $1 }
        let m = mean(d), s = standardDeviation(d), n = d.count
        let t: Double, p: Double
        if s == 0 {
            t = m == 0 ? 0 : (m > 0 ? .infinity : -.infinity)
            p = m == 0 ? 1 : 0
        } else {
            t = m / (s / Double(n).squareRoot())
            p = min(1, 2 * studentTUpperTail(t, degreesOfFreedom: Double(n - 1)))
        }
        return PairedTest(count: n, meanDifference: m, standardDeviation: s, statistic: t, degreesOfFreedom: n - 1, pValue: p)
    }
}

// MARK: scaling, plotting windows and density regions (one of each for the whole tool)

/// Standardisation, x̃ = (x − μ) / σ with the fitting rows' mean and population SD, as
/// scikit-learn's `StandardScaler`: a feature whose σ is not above `tolerance · max(1, |μ|)`
/// (constant, or constant up to rounding) keeps scale 1.
public struct Standardizer: Sendable, Codable, Equatable {
    public let mean: [Double]
    public let scale: [Double]

    public init(fitting x: Matrix, tolerance: Double = 0) {
        let mean = x.columnMeans()
        self.mean = mean
        scale = zip(x.columnVariances(), mean).map { v, mu in
            let s = v.squareRoot()
            return s > tolerance * max(1, abs(mu)) ? s : 1
        }
    }

    public init(mean: [Double], scale: [Double]) {
        precondition(mean.count == scale.count, "one scale per mean")
        self.mean = mean; self.scale = scale
    }

    /// The first feature whose mean or scale is not finite (its values are too large to square).
    public var firstNonFinite: Int? { mean.indices.first { !mean[$0].isFinite || !scale[$0].isFinite } }

    public func apply(_ x: Matrix) -> Matrix {
        precondition(x.cols == mean.count, "standardise: expected \(mean.count) features, got \(x.cols)")
        var out = x
        let d = x.cols
        out.data.withUnsafeMutableBufferPointer { o in
            for i in 0..<x.rows { for j in 0..<d { o[i * d + j] = (o[i * d + j] - mean[j]) / scale[j] } }
        }
        return out
    }
}

extension Statistics {
    /// A plotting window: the values' range plus 8 % of it on each side (a span of 1 when all are equal).
    public static func paddedRange(min lo: Double, max hi: Double) -> (Double, Double) {
        let span = hi > lo ? hi - lo : 1
        return (lo - 0.08 * span, hi + 0.08 * span)
    }

    public static func paddedRange(_ v: [Double]) -> (Double, Double) {
        paddedRange(min: v.min() ?? 0, max: v.max() ?? 1)
    }

    /// The masses of the highest-density regions every density figure draws.
    public static let regionMasses = [0.5, 0.8, 0.95]

    /// The highest-density region holding mass m of a density p is {x : log p(x) ≥ t}, with t the
    /// (1 − m)-quantile of log p(X) for X ~ p (Hyndman 1996, "Computing and graphing highest
    /// density regions"): given log p at draws from p, t for each of `regionMasses`.
    public static func regionThresholds(_ logDensityOfDraws: [Double]) -> [(mass: Double, threshold: Double)] {
        regionMasses.map { ($0, Special.quantile(logDensityOfDraws, 1 - $0)) }
    }
}
