import Foundation
import Numerics

/// "Nice" axis ticks (steps of 1, 2 or 5 × 10ᵏ) and their labels.
public enum Ticks {
    public static func nice(_ lo: Double, _ hi: Double, target: Int = 6) -> (values: [Double], step: Double) {
        guard hi > lo, lo.isFinite, hi.isFinite else { return ([lo], 1) }
        let raw = (hi - lo) / Double(max(target - 1, 1))
        let mag = pow(10, floor(log10(raw)))
        let f = raw / mag
        let step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag
        var values = [Double]()
        var v = (lo / step).rounded(.up) * step
        while v <= hi + step * 1e-9 {
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return (values, step)
    }

    /// A short label for a single value (colour-bar ends): 3 significant digits.
    public static func compact(_ v: Double) -> String {
        if v == 0 { return "0" }
        return NumberFormat.significant(v, abs(v) >= 1e4 || abs(v) < 1e-3 ? 2 : 3)
    }

    /// Labels with as many decimals as the step needs.
    public static func label(_ v: Double, step: Double) -> String {
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        return NumberFormat.fixedUnsigned(v, decimals)
    }
}
