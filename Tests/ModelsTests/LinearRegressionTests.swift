import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Linear regression (OLS and ridge)")
struct LinearRegressionTests {
    static let data = GaussiansFixture.shared.regression

    @Test("OLS coefficients and intercept equal scikit-learn's LinearRegression (1e-8)")
    func ols() throws {
        var lr = LinearRegression()
        try lr.fit(Matrix(Self.data.X), Self.data.y)
        for j in 0..<3 { #expect(TestMaths.close(lr.coefficients[j], Self.data.ols_coef[j], 1e-8)) }
        #expect(TestMaths.close(lr.intercept, Self.data.ols_intercept, 1e-8))
    }

    @Test("Ridge coefficients and intercept equal scikit-learn's Ridge(alpha = 2.5) (1e-8)")
    func ridge() throws {
        var lr = LinearRegression(alpha: Self.data.ridge_alpha)
        try lr.fit(Matrix(Self.data.X), Self.data.y)
        for j in 0..<3 { #expect(TestMaths.close(lr.coefficients[j], Self.data.ridge_coef[j], 1e-8)) }
        #expect(TestMaths.close(lr.intercept, Self.data.ridge_intercept, 1e-8))
        #expect(lr.coefficientStandardErrors == nil && lr.residualStandardError != nil)
        // The penalty shrinks the slope vector relative to OLS.
        var ols = LinearRegression()
        try ols.fit(Matrix(Self.data.X), Self.data.y)
        #expect(BLAS.dot(lr.coefficients, lr.coefficients) < BLAS.dot(ols.coefficients, ols.coefficients))
    }

    @Test("σ̂ and the coefficient standard errors equal the closed form σ̂²(X̃ᵀX̃)⁻¹, X̃ = [1 X] (1e-9 relative)")
    func standardErrors() throws {
        let x = Matrix(Self.data.X), y = Self.data.y
        let n = x.rows, p = x.cols
        var lr = LinearRegression()
        try lr.fit(x, y)
        // Independent route: normal equations of the uncentred design with a column of ones.
        let design = Matrix((0..<n).map { [1] + x.row($0) })
        let gram = BLAS.multiply(design, transA: true, design)
        let betaV = try LAPACK.solveSPD(gram, Matrix(rows: p + 1, cols: 1, data: BLAS.gemv(design, trans: true, y)))
        let fitted = BLAS.gemv(design, betaV.data)
        let rss = zip(y, fitted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let sigma = (rss / Double(n - p - 1)).squareRoot()
        let inverse = try LAPACK.solveSPD(gram, Matrix.identity(p + 1))
        let sigmaHat = try #require(lr.residualStandardError)
        #expect(TestMaths.close(sigmaHat, sigma))
        #expect(lr.degreesOfFreedom == n - p - 1)
        #expect(TestMaths.close(lr.intercept, betaV[0, 0]))
        let se = try #require(lr.coefficientStandardErrors)
        let seIntercept = try #require(lr.interceptStandardError)
        #expect(TestMaths.close(seIntercept, sigma * inverse[0, 0].squareRoot()))
        for j in 0..<p {
            #expect(TestMaths.close(lr.coefficients[j], betaV[j + 1, 0]))
            #expect(TestMaths.close(se[j], sigma * inverse[j + 1, j + 1].squareRoot()))
        }
    }

    @Test("A 1-D fit recovers the textbook formulas: slope = Sxy/Sxx, SE(slope) = σ̂/√Sxx (1e-12)")
    func oneDimensional() throws {
        let xs = [1.0, 2, 3, 4, 5, 7], ys = [2.1, 3.9, 6.2, 7.8, 10.1, 14.2]
        var lr = LinearRegression()
        try lr.fit(Matrix(rows: 6, cols: 1, data: xs), ys)
        let mx = xs.reduce(0, +) / 6, my = ys.reduce(0, +) / 6
        let sxx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        let sxy = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let slope = sxy / sxx, intercept = my - slope * mx
        let rss = zip(xs, ys).reduce(0) { $0 + pow($1.1 - intercept - slope * $1.0, 2) }
        let sigma = (rss / 4).squareRoot()
        #expect(abs(lr.coefficients[0] - slope) < 1e-12 && abs(lr.intercept - intercept) < 1e-12)
        #expect(abs(lr.residualStandardError! - sigma) < 1e-12)
        #expect(abs(lr.coefficientStandardErrors![0] - sigma / sxx.squareRoot()) < 1e-12)
        #expect(abs(lr.interceptStandardError! - sigma * (1.0 / 6 + mx * mx / sxx).squareRoot()) < 1e-12)
        let pred = lr.predict(Matrix(rows: 2, cols: 1, data: [0, 10]))
        #expect(abs(pred[0] - intercept) < 1e-12 && abs(pred[1] - (intercept + 10 * slope)) < 1e-12)
    }

    @Test("Degenerate inputs: constant feature and more features than rows refused naming alpha; ridge fits both")
    func degenerate() throws {
        var lr = LinearRegression()
        let constant = Matrix([[1, 5], [2, 5], [3, 5], [4, 5]])
        let y = [1.0, 2.2, 2.9, 4.1]
        let e1 = #expect(throws: ModelError.self) { try lr.fit(constant, y) }
        #expect(e1?.message.contains("feature 2 is constant") == true && e1?.message.contains("alpha") == true)
        let collinear = Matrix([[1, 2], [2, 4], [3, 6], [4, 8.0000000000001]])
        let e2 = #expect(throws: ModelError.self) { try lr.fit(collinear, y) }
        #expect(e2?.message.contains("collinear") == true)
        var rng = SeededRandom(seed: 3)
        let wide = Matrix(rows: 4, cols: 6, data: (0..<24).map { _ in rng.normal() })
        let e3 = #expect(throws: ModelError.self) { try lr.fit(wide, y) }
        #expect(e3?.message.contains("6 features but only 4 rows") == true)
        var ridge = LinearRegression(alpha: 1)
        try ridge.fit(constant, y)
        #expect(ridge.coefficients[1] == 0 && ridge.predict(constant).allSatisfy(\.isFinite))
        try ridge.fit(wide, y)
        #expect(ridge.predict(wide).allSatisfy(\.isFinite) && ridge.residualStandardError == nil)
        #expect(throws: ModelError.self) { try lr.fit(Matrix([[1], [2]]), [1, .nan]) }
    }

    @Test("Duplicating every row leaves OLS coefficients unchanged (1e-10); an exact fit has no σ̂")
    func duplicatesAndExactFit() throws {
        let x = Matrix(Self.data.X), y = Self.data.y
        var once = LinearRegression(), twice = LinearRegression()
        try once.fit(x, y)
        try twice.fit(Matrix((0..<(2 * x.rows)).map { x.row($0 % x.rows) }), y + y)
        for j in 0..<3 { #expect(abs(once.coefficients[j] - twice.coefficients[j]) < 1e-10) }
        #expect(abs(once.intercept - twice.intercept) < 1e-10)
        var exact = LinearRegression()
        try exact.fit(Matrix([[0, 1], [1, 0], [2, 3]]), [1, 2, 4])
        #expect(exact.residualStandardError == nil && exact.coefficientStandardErrors == nil)
        #expect(exact.predict(Matrix([[0, 1], [1, 0], [2, 3]])).enumerated().allSatisfy { abs($0.element - [1.0, 2, 4][$0.offset]) < 1e-12 })
    }

    @Test("Settings: alpha parsed and range-checked")
    func settings() throws {
        #expect(try LinearRegression(settings: Settings(model: "LR", ["alpha": .number(3)])).alpha == 3)
        #expect(throws: ModelError.self) { try LinearRegression(settings: Settings(model: "LR", ["alpha": .number(-1)])) }
        #expect(throws: ModelError.self) { try LinearRegression(settings: Settings(model: "LR", ["C": .number(1)])) }
        #expect(LinearRegression.kind == "linear_regression" && LinearRegression.displayName == "Linear regression")
    }
}
