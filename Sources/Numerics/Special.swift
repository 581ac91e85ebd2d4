#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small numerically careful helpers used by several models.
public enum Special {
    /// log Σ exp(xᵢ), stable for large and very negative values.
    public static func logSumExp(_ x: [Double]) -> Double {
        guard let m = x.max(), m.isFinite else { return x.max() ?? -.infinity }
        var s = 0.0
        for v in x { s += exp(v - m) }
        return m + log(s)
    }

    /// log(1 + eˣ) without overflow.
    public static func softplus(_ x: Double) -> Double {
        x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
    }

    /// 1 / (1 + e⁻ˣ) without overflow.
    public static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }

    /// Normalises each row of log-weights into probabilities (softmax per row).
    public static func softmaxRows(_ logits: Matrix) -> Matrix {
        var p = logits
        for i in 0..<p.rows {
            let base = i * p.cols
            var m = -Double.infinity
            for j in 0..<p.cols { m = max(m, p.data[base + j]) }
            var s = 0.0
            for j in 0..<p.cols { let e = exp(p.data[base + j] - m); p.data[base + j] = e; s += e }
            for j in 0..<p.cols { p.data[base + j] /= s }
        }
        return p
    }

    /// The q-quantile (0…1) of values, linear interpolation between order statistics
    /// (numpy's default, "type 7").
    public static func quantile(_ values: [Double], _ q: Double) -> Double {
        precondition(!values.isEmpty, "quantile of no values")
        let s = values.sorted()
        let h = Double(s.count - 1) * min(max(q, 0), 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }
}
