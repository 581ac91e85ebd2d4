#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// A Gaussian mixture per class — the generative lens with a flexible p(x | y).
///
///   p(x | y = c) = Σ_k π_ck N(x; μ_ck, Σ_ck),   p(y = c) = n_c / n,
/// each class's mixture fitted by EM on that class's rows alone (`GaussianMixture`,
/// k-means start, `reg_covar` on the diagonal), then classification by Bayes' rule
///   P(y = c | x) ∝ p(x | y = c) p(y = c), in log space.
/// With one component per class and full covariances this is quadratic discriminant
/// analysis; with several, each class can be curved or multi-modal, so the boundary
/// bends around the data (Bishop, *PRML* §4.2 and §9.2; Hastie, Tibshirani &
/// Friedman, *ESL* §6.8). Being a model of x, it can also draw new rows of a class.
///
/// A class with fewer training rows than `n_components` gets one component per row
/// instead (recorded in `componentsPerClass`) rather than an error: a mixture cannot
/// have more components than points, and refusing the whole fit for one small class
/// would be less useful. Each class's mixture draws from its own seeded stream, so
/// the fit depends only on `seed` and the data.
public struct GaussianMixtureClassifier: GenerativeClassifier {
    public static let kind = "gmm_classifier"
    public static let displayName = "Gaussian mixture per class"

    /// The settings every class's mixture is made with.
    public var template: GaussianMixture

    /// One mixture per class; `nil` for a class absent from the training data.
    public private(set) var mixtures: [GaussianMixture?] = []
    public private(set) var priors: [Double] = []
    public private(set) var classCount = 0
    /// Components actually fitted per class (fewer than `n_components` for a small class, 0 if absent).
    public private(set) var componentsPerClass: [Int] = []

    public init(components: Int = 3, covarianceType: GaussianMixture.CovarianceType = .full,
                regCovar: Double = 1e-6, seed: UInt64 = 0) {
        template = GaussianMixture(components: components, covarianceType: covarianceType, regCovar: regCovar, seed: seed)
    }

    public init(settings s: Settings) throws {
        try s.allow(GaussianMixture.settingKeys)
        template = try GaussianMixture(settings: s, defaultComponents: 3)
    }

    public var settings: [String: SettingValue] { template.settings }
    public var boundaryShape: String { "flexible curved boundary (a mixture per class)" }
    public var logPriors: [Double] { priors.map { log($0) } }

    public mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws {
        try FitChecks.validate(x, y, classCount: classCount, model: Self.displayName)
        self.classCount = classCount
        mixtures = []
        priors = []
        componentsPerClass = []
        for c in 0..<classCount {
            let rows = y.indices.filter { y[$0] == c }
            priors.append(Double(rows.count) / Double(y.count))
            guard !rows.isEmpty else { mixtures.append(nil); componentsPerClass.append(0); continue }
            var mixture = template
            mixture.components = min(template.components, rows.count)
            var rng = SeededRandom(seed: template.seed, stream: "class \(c)")
            do {
                try mixture.fit(x.rows(rows), using: &rng)
            } catch let e as ModelError {
                throw ModelError(model: Self.displayName, "class \(c): \(e.message)")
            }
            mixtures.append(mixture)
            componentsPerClass.append(mixture.components)
        }
    }

    public func classLogDensity(_ x: Matrix) -> Matrix {
        var out = Matrix(rows: x.rows, cols: classCount, repeating: -.infinity)
        for (c, mixture) in mixtures.enumerated() {
            guard let mixture else { continue }
            for (i, v) in mixture.logDensity(x).enumerated() { out[i, c] = v }
        }
        return out
    }

    public func sample(_ n: Int, ofClass k: Int, using rng: inout SeededRandom) -> Matrix {
        guard let mixture = mixtures[k] else {
            precondition(n == 0, "class \(k) had no training rows; it cannot be sampled")
            return Matrix(rows: 0, cols: mixtures.compactMap { $0 }.first?.means.cols ?? 0)
        }
        return mixture.sample(n, using: &rng)
    }
}
