#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// Linear regression — ordinary least squares, or ridge when `alpha` > 0.
///
/// The discriminative lens for a continuous target: it models E[y | x] = wᵀx + b
/// and a noise level, never p(x). The fit minimises
///   Σᵢ (yᵢ − wᵀxᵢ − b)² + α‖w‖²
/// (the intercept is not penalised), as scikit-learn's `LinearRegression`
/// (α = 0) and `Ridge(alpha)`. Both centre first: with X_c = X − x̄ and
/// y_c = y − ȳ the slope solves the centred problem and b = ȳ − x̄ᵀw.
/// - OLS (α = 0): Householder QR of X_c (LAPACK `dgels`), after scaling each
///   column to unit length so the rank check |R_jj| / max|R_ll| > 10⁻¹⁰ does not
///   depend on the features' units. A constant feature, collinear features or
///   fewer than d + 1 rows leave w undetermined: the fit refuses and suggests α > 0.
/// - Ridge (α > 0): Cholesky solve of (X_cᵀX_c + αI)·w = X_cᵀy_c (`dposv`),
///   which is positive definite for any data.
///
/// The standard error of the fit is σ̂ = √(RSS / (n − p − 1)), p = d features
/// (nil when n ≤ p + 1). For OLS the coefficient standard errors are the
/// square roots of the diagonal of σ̂²(X̃ᵀX̃)⁻¹, X̃ = [1 X]; by block inversion
/// Var(ŵ) = σ̂²(X_cᵀX_c)⁻¹ and Var(b̂) = σ̂²(1/n + x̄ᵀ(X_cᵀX_c)⁻¹x̄), computed here
/// from R⁻¹ since X_cᵀX_c = RᵀR. (For ridge these formulas do not hold and are
/// not reported.)
/// Reference: Hastie, Tibshirani & Friedman, ESL §3.2 and §3.4.1; Golub & Van Loan §5.3.
public struct LinearRegression: Regressor, Codable {
    public static let kind = "linear_regression"
    public static let displayName = "Linear regression"

    /// Ridge penalty (scikit-learn's `Ridge(alpha)`); 0 is ordinary least squares.
    public var alpha: Double

    public private(set) var coefficients: [Double] = []
    public private(set) var intercept = 0.0
    /// n − p − 1.
    public private(set) var degreesOfFreedom = 0
    /// σ̂ = √(RSS / (n − p − 1)); nil when there are no residual degrees of freedom.
    public private(set) var residualStandardError: Double?
    /// Standard errors of the coefficients (OLS only).
    public private(set) var coefficientStandardErrors: [Double]?
    /// Standard error of the intercept (OLS only).
    public private(set) var interceptStandardError: Double?

    public init(alpha: Double = 0) {
        self.alpha = alpha
    }

    public init(settings s: Settings) throws {
        try s.allow(["alpha"])
        self.init(alpha: try s.number("alpha", default: 0, in: 0...1e12))
    }

    public var settings: [String: SettingValue] {
        ["alpha": .number(alpha), "solver": .text(alpha == 0 ? "qr (dgels)" : "cholesky (dposv)")]
    }

    public mutating func fit(_ x: Matrix, _ y: [Double]) throws {
        let name = Self.displayName
        try RegressionChecks.validate(x, y, model: name)
        guard alpha >= 0, alpha.isFinite else { throw ModelError(model: name, "alpha must be ≥ 0, got \(alpha)") }
        let n = x.rows, d = x.cols
        let xMean = x.columnMeans()
        let yMean = y.reduce(0, +) / Double(n)
        var xc = x
        for i in 0..<n { for j in 0..<d { xc.data[i * d + j] -= xMean[j] } }
        let yc = Matrix(rows: n, cols: 1, data: y.map { $0 - yMean })

        var w = [Double](repeating: 0, count: d)
        var rInverse: Matrix?          // of the column-scaled QR, for the standard errors
        var scale = [Double](repeating: 1, count: d)
        if d > 0 && alpha == 0 {
            guard n > d else {
                throw ModelError(model: name, "there are \(d) features but only \(n) rows; least squares needs at least d + 1 rows to be unique — set alpha > 0 (ridge) or drop features")
            }
            for j in 0..<d {
                var s = 0.0
                for i in 0..<n { s += xc[i, j] * xc[i, j] }
                scale[j] = s.squareRoot()
                if scale[j] == 0 {
                    throw ModelError(model: name, "feature \(j + 1) is constant, so its coefficient is not identifiable (the intercept already absorbs it); drop it or set alpha > 0 (ridge)")
                }
            }
            var a = xc
            for i in 0..<n { for j in 0..<d { a.data[i * d + j] /= scale[j] } }
            let qr = try? LAPACK.leastSquares(a, yc)
            let diagonal = qr.map { r in (0..<d).map { abs(r.r[$0, $0]) } } ?? [0]
            guard let qr, let top = diagonal.max(), top > 0, diagonal.min()! > 1e-10 * top else {
                throw ModelError(model: name, "the features are (nearly) collinear, so least squares has no unique solution; drop a redundant feature or set alpha > 0 (ridge)")
            }
            for j in 0..<d { w[j] = qr.solution[j, 0] / scale[j] }
            rInverse = try? LAPACK.solveTriangular(qr.r, Matrix.identity(d), lower: false)
        } else if d > 0 {
            var gram = BLAS.multiply(xc, transA: true, xc)
            for j in 0..<d { gram[j, j] += alpha }
            let rhs = Matrix(rows: d, cols: 1, data: BLAS.gemv(xc, trans: true, yc.data))
            guard let solution = try? LAPACK.solveSPD(gram, rhs), solution.allFinite else {
                throw ModelError(model: name, "the ridge system is numerically singular; raise alpha or rescale the features")
            }
            w = solution.data
        }
        let b = yMean - (d > 0 ? BLAS.dot(xMean, w) : 0)

        let fitted = d > 0 ? BLAS.gemv(x, w) : [Double](repeating: 0, count: n)
        var rss = 0.0
        for i in 0..<n { let r = y[i] - fitted[i] - b; rss += r * r }
        coefficients = w
        intercept = b
        degreesOfFreedom = n - d - 1
        residualStandardError = degreesOfFreedom > 0 ? (rss / Double(degreesOfFreedom)).squareRoot() : nil
        coefficientStandardErrors = nil
        interceptStandardError = nil
        if alpha == 0, let sigma = residualStandardError {
            if d == 0 {
                coefficientStandardErrors = []
                interceptStandardError = sigma / Double(n).squareRoot()
            } else if let rInverse {
                // (X_cᵀX_c)⁻¹ = D⁻¹ R⁻¹ R⁻ᵀ D⁻¹ with D = diag(scale).
                coefficientStandardErrors = (0..<d).map { j in
                    var s = 0.0
                    for l in 0..<d { s += rInverse[j, l] * rInverse[j, l] }
                    return sigma * s.squareRoot() / scale[j]
                }
                let u = BLAS.gemv(rInverse, trans: true, (0..<d).map { xMean[$0] / scale[$0] })
                interceptStandardError = sigma * (1 / Double(n) + BLAS.dot(u, u)).squareRoot()
            }
        }
    }

    public func predict(_ x: Matrix) -> [Double] {
        precondition(x.cols == coefficients.count, "\(Self.displayName): expected \(coefficients.count) features, got \(x.cols)")
        guard x.cols > 0 else { return [Double](repeating: intercept, count: x.rows) }
        return BLAS.gemv(x, coefficients).map { $0 + intercept }
    }
}

/// Input checks shared by the regressors.
enum RegressionChecks {
    static func validate(_ x: Matrix, _ y: [Double], model: String) throws {
        guard x.rows == y.count else {
            throw ModelError(model: model, "got \(x.rows) rows but \(y.count) targets")
        }
        guard x.rows > 0 else { throw ModelError(model: model, "cannot fit on an empty training set") }
        guard x.allFinite else { throw ModelError(model: model, "the features contain NaN or infinite values") }
        guard y.allSatisfy(\.isFinite) else { throw ModelError(model: model, "the targets contain NaN or infinite values") }
    }
}
