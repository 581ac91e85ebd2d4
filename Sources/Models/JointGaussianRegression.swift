#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Joint-Gaussian regression — the generative lens on a continuous target.
///
/// It models the data, not just the line: (x, y) ~ N(μ, Σ) with the
/// maximum-likelihood mean and covariance of the training pairs,
///   μ = (μ_x, μ_y),   Σ = [[Σ_xx, Σ_xy], [Σ_yx, σ_yy]] = (1/n) Σᵢ (zᵢ − μ)(zᵢ − μ)ᵀ.
/// Conditioning a Gaussian gives the regression (Bishop 2006, §2.3.1):
///   E[y | x] = μ_y + Σ_yx Σ_xx⁻¹ (x − μ_x),
///   Var[y | x] = σ_yy − Σ_yx Σ_xx⁻¹ Σ_xy   (the same for every x).
/// And because it is a distribution over (x, y) it has a density for pairs and
/// can draw new pairs (μ + L·z, `GaussianDensity`).
///
/// Why E[y|x] is exactly the OLS line with intercept. Write X_c = X − 1μ_xᵀ and
/// y_c = y − 1μ_y. Then Σ_xx = X_cᵀX_c / n and Σ_xy = X_cᵀy_c / n, so the slope
///   w = Σ_xx⁻¹ Σ_xy = (X_cᵀX_c)⁻¹ X_cᵀ y_c
/// (the 1/n cancels — the divisor n or n − 1 does not matter), which is the
/// solution of OLS's normal equations after centring; and the intercept
///   μ_y − wᵀμ_x = ȳ − wᵀx̄
/// is OLS's intercept, since the least-squares plane passes through (x̄, ȳ).
/// The conditional variance is then RSS / n: the MLE noise variance,
/// σ̂²_OLS · (n − p − 1)/n. What the generative model adds is everything about x.
/// Reference: Bishop (2006) §2.3.1–2.3.3; Murphy, *Probabilistic Machine Learning* (2022) §3.2.3.
public struct JointGaussianRegression: Regressor, Codable {
    public static let kind = "joint_gaussian_regression"
    public static let displayName = "Joint Gaussian (generative regression)"

    /// The fitted N(μ, Σ) over (x₁ … x_d, y); nil before `fit`.
    public private(set) var joint: GaussianDensity?
    /// Σ_xx⁻¹ Σ_xy.
    public private(set) var slope: [Double] = []
    /// μ_y − slopeᵀ μ_x.
    public private(set) var intercept = 0.0
    /// Var[y | x] = σ_yy − Σ_yx Σ_xx⁻¹ Σ_xy.
    public private(set) var conditionalVariance = 0.0

    public init() {}

    public init(settings s: Settings) throws {
        try s.allow([])
        self.init()
    }

    public var settings: [String: SettingValue] { ["covariance": .text("maximum likelihood, divided by n")] }

    public var conditionalStandardDeviation: Double { conditionalVariance.squareRoot() }

    public mutating func fit(_ x: Matrix, _ y: [Double]) throws {
        let name = Self.displayName
        try RegressionChecks.validate(x, y, model: name)
        let n = x.rows, d = x.cols
        guard n >= 2 else { throw ModelError(model: name, "needs at least 2 rows to estimate a covariance, got \(n)") }
        var z = Matrix(rows: n, cols: d + 1)
        for i in 0..<n {
            for j in 0..<d { z[i, j] = x[i, j] }
            z[i, d] = y[i]
        }
        let (mean, scatter) = GaussianDensity.meanAndScatter(z)
        var cov = scatter
        for k in cov.data.indices { cov.data[k] /= Double(n) }
        let sxx = Matrix(rows: d, cols: d, data: (0..<d).flatMap { a in (0..<d).map { cov[a, $0] } })
        let sxy = Matrix(rows: d, cols: 1, data: (0..<d).map { cov[$0, d] })

        var w = [Double]()
        if d > 0 {
            guard GaussianDensity.conditionRatio(sxx) > GaussianDensity.singularRatio,
                  let solution = try? LAPACK.solveSPD(sxx, sxy) else {
                let why: String
                if let j = (0..<d).first(where: { sxx[$0, $0] == 0 }) {
                    why = "feature \(j + 1) is constant"
                } else if n <= d {
                    why = "there are \(d) features but only \(n) rows"
                } else {
                    why = "some features are (nearly) collinear"
                }
                throw ModelError(model: name, "the covariance of the features is singular (\(why)), so E[y | x] is not determined; drop the redundant features")
            }
            w = solution.data
        }
        let residualVariance = cov[d, d] - (d > 0 ? BLAS.dot(sxy.data, w) : 0)
        guard cov[d, d] > 0, residualVariance > GaussianDensity.singularRatio * cov[d, d],
              let density = try? GaussianDensity(mean: mean, covariance: cov) else {
            let why = cov[d, d] == 0 ? "y is constant" : "y is an exact linear function of x"
            throw ModelError(model: name, "the joint covariance of (x, y) is singular (\(why)): the conditional variance is 0 and there is no density; add noise or use linear regression")
        }
        joint = density
        slope = w
        intercept = mean[d] - (d > 0 ? BLAS.dot(Array(mean[0..<d]), w) : 0)
        conditionalVariance = residualVariance
    }

    /// E[y | x] for every row.
    public func predict(_ x: Matrix) -> [Double] {
        precondition(x.cols == slope.count, "\(Self.displayName): expected \(slope.count) features, got \(x.cols)")
        guard x.cols > 0 else { return [Double](repeating: intercept, count: x.rows) }
        return BLAS.gemv(x, slope).map { $0 + intercept }
    }

    /// log p(x, y) under the fitted joint Gaussian.
    public func logDensity(_ x: Matrix, _ y: [Double]) -> [Double] {
        guard let joint else { preconditionFailure("\(Self.displayName): logDensity before fit") }
        precondition(x.rows == y.count && x.cols == slope.count, "\(Self.displayName): shapes do not fit")
        var z = Matrix(rows: x.rows, cols: x.cols + 1)
        for i in 0..<x.rows {
            for j in 0..<x.cols { z[i, j] = x[i, j] }
            z[i, x.cols] = y[i]
        }
        return joint.logDensity(z)
    }

    /// log p(y | x) = log N(y; E[y|x], Var[y|x]).
    public func conditionalLogDensity(_ x: Matrix, _ y: [Double]) -> [Double] {
        let m = predict(x)
        return zip(m, y).map { mu, v in
            -0.5 * log(2 * Double.pi * conditionalVariance) - (v - mu) * (v - mu) / (2 * conditionalVariance)
        }
    }

    /// `n` new (x, y) pairs drawn from the joint Gaussian.
    public func sample(_ n: Int, using rng: inout SeededRandom) -> (x: Matrix, y: [Double]) {
        guard let joint else { preconditionFailure("\(Self.displayName): sample before fit") }
        let z = joint.sample(n, using: &rng)
        let d = slope.count
        return (z.columns(Array(0..<d)), z.column(d))
    }
}
