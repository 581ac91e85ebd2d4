#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Scores of predicted probabilities against true labels.
public enum Metrics {
    /// Fraction of rows whose most probable class is the true one (ties go to the lower class).
    public static func accuracy(_ proba: Matrix, _ y: [Int]) -> Double {
        precondition(proba.rows == y.count && !y.isEmpty)
        var hits = 0
        for i in 0..<proba.rows where argmax(proba.row(i)) == y[i] { hits += 1 }
        return Double(hits) / Double(y.count)
    }

    /// Mean −log P(y_true | x), with probabilities clipped to [1e-15, 1] as scikit-learn does.
    public static func logLoss(_ proba: Matrix, _ y: [Int]) -> Double {
        precondition(proba.rows == y.count && !y.isEmpty)
        var s = 0.0
        for i in 0..<proba.rows { s -= log(min(max(proba[i, y[i]], 1e-15), 1)) }
        return s / Double(y.count)
    }

    public static func argmax(_ v: [Double]) -> Int {
        var best = 0
        for k in v.indices where v[k] > v[best] { best = k }
        return best
    }
}
