#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Measures for judging generated samples without a likelihood.
public enum SampleQuality {
    /// For every row of `queries`, the index of and Euclidean distance to its nearest
    /// row of `reference`. Squared distances come from one GEMM,
    /// ‖q − r‖² = ‖q‖² + ‖r‖² − 2 q·r (clamped at 0 against rounding); ties go to the
    /// lower index.
    public static func nearestNeighbours(of queries: Matrix, in reference: Matrix) -> (index: [Int], distance: [Double]) {
        precondition(queries.cols == reference.cols, "queries and reference differ in columns")
        precondition(reference.rows > 0, "no reference rows")
        let cross = BLAS.multiply(queries, reference, transB: true)
        let rn = (0..<reference.rows).map { i in (0..<reference.cols).reduce(0.0) { $0 + reference[i, $1] * reference[i, $1] } }
        var idx = [Int](), dist = [Double]()
        for i in 0..<queries.rows {
            var qn = 0.0
            for j in 0..<queries.cols { qn += queries[i, j] * queries[i, j] }
            var best = Double.infinity, arg = 0
            for r in 0..<reference.rows {
                let d2 = qn + rn[r] - 2 * cross[i, r]
                if d2 < best { best = d2; arg = r }
            }
            idx.append(arg)
            dist.append(max(best, 0).squareRoot())
        }
        return (idx, dist)
    }

    /// Mode coverage of 2-D samples: a sample belongs to the mode whose centre is
    /// within `radius` (3σ of the data's Gaussians), and a mode is covered when at
    /// least `minShare` of all samples belong to it. `quality` is the share of samples
    /// that belong to any mode (Metz et al. 2017 count "high-quality" samples the same way).
    public struct Coverage: Sendable, Codable, Equatable {
        public let counts: [Int]
        public let covered: Int
        public let quality: Double
    }

    public static func modeCoverage(_ samples: Matrix, centres: Matrix, radius: Double, minShare: Double) -> Coverage {
        var counts = [Int](repeating: 0, count: centres.rows)
        var inside = 0
        for i in 0..<samples.rows {
            for k in 0..<centres.rows {
                var d2 = 0.0
                for j in 0..<samples.cols { let t = samples[i, j] - centres[k, j]; d2 += t * t }
                if d2 <= radius * radius { counts[k] += 1; inside += 1; break }
            }
        }
        let need = minShare * Double(samples.rows)
        return Coverage(counts: counts, covered: counts.filter { Double($0) >= need && $0 > 0 }.count,
                        quality: Double(inside) / Double(max(samples.rows, 1)))
    }
}
