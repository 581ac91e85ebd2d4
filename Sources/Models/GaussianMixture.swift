#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// A Gaussian mixture — a density p(x) with no labels, fitted by EM.
///
///   p(x) = Σ_k π_k N(x; μ_k, Σ_k),   Σ_k π_k = 1,
/// with Σ_k full, diagonal (`diag`) or a multiple of the identity (`spherical`).
///
/// Expectation–maximisation (Dempster, Laird & Rubin 1977; Bishop, *PRML* §9.2.2)
/// alternates two steps (for how they move the log-likelihood, see Monotonicity below):
/// - E-step: responsibilities r_ik = π_k N(x_i; μ_k, Σ_k) / Σ_j π_j N(x_i; μ_j, Σ_j),
///   computed in log space (log-sum-exp over components);
/// - M-step: N_k = Σ_i r_ik, π_k = N_k / n, μ_k = Σ_i r_ik x_i / N_k,
///   Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / N_k + `regCovar` · I
///   (`diag` keeps the diagonal, `spherical` the mean of the diagonal).
/// Every Σ_k is factorised once by LAPACK (Σ = L Lᵀ, then L⁻¹ by `dtrtri`); the
/// log density is −½(d log 2π + ‖(x − μ)ᵀ L⁻ᵀ‖²) − log|L|, the products by BLAS.
///
/// As scikit-learn's `GaussianMixture` (1.x): `regCovar` (default 1e-6) is added
/// to the diagonal so that a component collapsing onto one point keeps a finite
/// density; N_k gets 10·ε_machine so that an empty component never divides by zero; the
/// run stops when the mean log-likelihood per sample changed by less than `tol`
/// between the last two E-steps (one more M-step is then made, exactly as there);
/// `n_init` restarts keep the best one; `bic`/`aic` count parameters as its
/// `_n_parameters`. Differences from scikit-learn, by design or by necessity:
/// - initialisation `kmeans` (the default there and here) is k-means on the data —
///   greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with 2 + ⌊ln k⌋ trials
///   per centre, as scikit-learn) then Lloyd iterations to the same stopping rule
///   (labels unchanged, or squared centre shift ≤ 1e-4 · mean feature variance,
///   at most 300) — whose hard labels become the first responsibilities. The
///   random stream is this project's `SeededRandom`, not NumPy's, so the same
///   seed number picks different starting centres than `random_state` does; an
///   empty k-means cluster is moved to the point farthest from its centre without
///   scikit-learn's bookkeeping of that point's old cluster;
/// - `k-means++` uses the seeding alone: the k chosen points get responsibility 1;
/// - restarts are ranked by the log-likelihood of the final parameters (what
///   `score` reports), not of the parameters one M-step earlier;
/// - the diagonal variances are computed centred, Σ_i r_ik (x_ij − μ_kj)² / N_k,
///   not as E[x²] − μ², which is the same number without the cancellation.
///
/// Monotonicity. With `regCovar` = 0 each M-step maximises the expected complete-data
/// log-likelihood Q(θ | θ_t), so the log-likelihood never goes down. With ε = `regCovar` > 0
/// the M-step instead maximises Q(θ | θ_t) − P(θ), P(θ) = ½ ε Σ_k N_k tr(Σ_k⁻¹) (N_k from
/// θ_t's responsibilities): Σ_k = S_k + εI is exactly that maximiser. Since
/// ℓ(θ') − ℓ(θ_t) ≥ Q(θ' | θ_t) − Q(θ_t | θ_t) for any θ' (Jensen), the log-likelihood
/// may then drop, but by at most P(θ_t) − P(θ_{t+1}). That only shows where ε is not
/// small against a component's variance — points stacked on a line or one spot, as in
/// spam7's 1404 rows at the origin — and scikit-learn's EM does the same (2.8e-7 per
/// sample there with k = 4). The fit records that allowance for every step
/// (`decreaseAllowance`) and, in debug builds, stops on any decrease beyond it plus
/// 1e-10 relative: that would be a bug. On ordinary data (Old Faithful, every type
/// and k) the trace never decreases at all.
public struct GaussianMixture: DensityModel, Codable {
    public static let kind = "gmm"
    public static let displayName = "Gaussian mixture"

    public enum CovarianceType: String, Sendable, Codable, CaseIterable {
        case full, diag, spherical
    }

    public enum Initialisation: String, Sendable, Codable, CaseIterable {
        case kmeans
        case kmeansPlusPlus = "k-means++"
    }

    public var components: Int
    public var covarianceType: CovarianceType
    public var regCovar: Double
    /// Number of EM runs from different starts (scikit-learn's `n_init`).
    public var restarts: Int
    public var initialisation: Initialisation
    public var tolerance: Double
    public var maxIterations: Int
    public var seed: UInt64

    /// Fitted parameters, one entry per component.
    struct Parameters: Sendable, Codable {
        var weights: [Double]
        /// K × d.
        var means: Matrix
        /// d × d each (diagonal for `diag`, σ²I for `spherical`).
        var covariances: [Matrix]
        /// Lower Cholesky factors L_k of Σ_k.
        var covarianceCholeskys: [Matrix]
        /// L_k⁻ᵀ (upper triangular): ‖(x − μ)ᵀ L⁻ᵀ‖² is the Mahalanobis distance.
        var precisionCholeskys: [Matrix]
        /// log |L_k⁻¹| = −½ log |Σ_k|.
        var logDetPrecisionCholesky: [Double]
    }

    var parameters = Parameters(weights: [], means: Matrix(rows: 0, cols: 0), covariances: [],
                                covarianceCholeskys: [], precisionCholeskys: [], logDetPrecisionCholesky: [])
    /// Whether the kept run stopped by `tol` rather than by `max_iter`.
    public private(set) var converged = false
    /// M-steps made in the kept run.
    public private(set) var iterations = 0
    /// Mean log-likelihood per sample of the kept run's parameters after 0, 1, …,
    /// `iterations` M-steps (`iterations + 1` values; the last is `score` on the training data).
    public private(set) var logLikelihoodTrace: [Double] = []
    /// For each M-step of the kept run, the most the mean log-likelihood may drop
    /// because of `regCovar`: max(0, P(θ_t) − P(θ_{t+1})) / n (see above; 0 when ε = 0).
    public private(set) var decreaseAllowance: [Double] = []

    public var weights: [Double] { parameters.weights }
    public var means: Matrix { parameters.means }
    public var covariances: [Matrix] { parameters.covariances }
    public var isFitted: Bool { !parameters.weights.isEmpty }

    public init(components: Int = 1, covarianceType: CovarianceType = .full, regCovar: Double = 1e-6,
                restarts: Int = 1, initialisation: Initialisation = .kmeans,
                tolerance: Double = 1e-3, maxIterations: Int = 100, seed: UInt64 = 0) {
        self.components = components
        self.covarianceType = covarianceType
        self.regCovar = regCovar
        self.restarts = restarts
        self.initialisation = initialisation
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.seed = seed
    }

    static let settingKeys = ["n_components", "covariance_type", "reg_covar", "n_init", "init_params", "tol", "max_iter", "seed"]

    public init(settings s: Settings) throws {
        try s.allow(Self.settingKeys)
        try self.init(settings: s, defaultComponents: 1)
    }

    /// Reads the shared mixture settings (also used by the per-class classifier).
    init(settings s: Settings, defaultComponents: Int) throws {
        self.init(
            components: try s.integer("n_components", default: defaultComponents, in: 1...1000),
            covarianceType: CovarianceType(rawValue: try s.text("covariance_type", default: "full",
                                                               allowed: CovarianceType.allCases.map(\.rawValue)))!,
            regCovar: try s.number("reg_covar", default: 1e-6, in: 0...1e6),
            restarts: try s.integer("n_init", default: 1, in: 1...1000),
            initialisation: Initialisation(rawValue: try s.text("init_params", default: "kmeans",
                                                               allowed: Initialisation.allCases.map(\.rawValue)))!,
            tolerance: try s.number("tol", default: 1e-3, in: 0...1e6),
            maxIterations: try s.integer("max_iter", default: 100, in: 1...100_000),
            seed: UInt64(try s.integer("seed", default: 0, in: 0...Int.max)))
    }

    public var settings: [String: SettingValue] {
        ["n_components": .integer(components), "covariance_type": .text(covarianceType.rawValue),
         "reg_covar": .number(regCovar), "n_init": .integer(restarts), "init_params": .text(initialisation.rawValue),
         "tol": .number(tolerance), "max_iter": .integer(maxIterations), "seed": .integer(Int(seed))]
    }

    // MARK: Fitting

    public mutating func fit(_ x: Matrix) throws {
        var rng = SeededRandom(seed: seed)
        try fit(x, using: &rng)
    }

    /// The parameters after one EM step, as `fitRecordingSteps` reports them.
    public struct Step: Sendable, Codable, Equatable {
        public let weights: [Double]
        /// K × d.
        public let means: Matrix
        public let covariances: [Matrix]
        /// Mean log-likelihood per sample of these parameters.
        public let meanLogLikelihood: Double
    }

    /// Fits exactly as `fit(_:)` does (same draws, same result) and returns the kept run's parameters
    /// after 0, 1, …, `iterations` M-steps: step 0 is the start from the k-means responsibilities.
    /// Recording only reads the parameters, so the fit is the same with it or without.
    public mutating func fitRecordingSteps(_ x: Matrix) throws -> [Step] {
        var rng = SeededRandom(seed: seed)
        var runs = [[Step]]()
        try fit(x, using: &rng) { restart, theta, ll in
            if restart == runs.count { runs.append([]) }
            runs[restart].append(Step(weights: theta.weights, means: theta.means, covariances: theta.covariances, meanLogLikelihood: ll))
        }
        // The kept run is the first whose trace is the kept trace (fit keeps the first best).
        return runs.first { $0.map(\.meanLogLikelihood) == logLikelihoodTrace } ?? []
    }

    /// Fits with draws from `rng` (the per-class classifier passes its own streams). `observe`, when
    /// given, sees every run's parameters (restart index, parameters, mean log-likelihood) after its
    /// start and after each M-step; it cannot change them.
    mutating func fit(_ x: Matrix, using rng: inout SeededRandom, observe: ((Int, Parameters, Double) -> Void)? = nil) throws {
        let name = Self.displayName
        guard x.rows > 0, x.cols > 0 else { throw ModelError(model: name, "cannot fit on an empty data set") }
        guard x.allFinite else { throw ModelError(model: name, "the features contain NaN or infinite values") }
        guard components >= 1 else { throw ModelError(model: name, "n_components must be at least 1, got \(components)") }
        guard x.rows >= components else {
            throw ModelError(model: name, "n_components = \(components) needs at least as many rows, the data has \(x.rows); lower n_components")
        }
        guard regCovar >= 0, regCovar.isFinite else { throw ModelError(model: name, "reg_covar must be ≥ 0, got \(regCovar)") }
        guard tolerance >= 0, tolerance.isFinite else { throw ModelError(model: name, "tol must be ≥ 0, got \(tolerance)") }
        guard maxIterations >= 1, restarts >= 1 else {
            throw ModelError(model: name, "max_iter and n_init must be at least 1")
        }

        var best: (parameters: Parameters, trace: [Double], allowance: [Double], converged: Bool, iterations: Int)?
        for restart in 0..<restarts {
            let resp = initialResponsibilities(x, using: &rng)
            var theta = try mStep(x, resp)
            var (ll, logResp) = Self.eStep(x, theta)
            observe?(restart, theta, ll)
            var trace = [ll], allowance: [Double] = []
            var done = false, iterationsMade = 0
            for t in 1...maxIterations {
                // scikit-learn's test, made before its M-step t: the change between the
                // log-likelihoods of the parameters after t − 2 and t − 1 M-steps.
                if t >= 2 && abs(trace[t - 1] - trace[t - 2]) < tolerance { done = true }
                let r = Self.exponentiated(logResp)
                let before = Self.precisionTraces(theta)
                theta = try mStep(x, r)
                let after = Self.precisionTraces(theta)
                var penaltyChange = 0.0
                r.data.withUnsafeBufferPointer { pr in
                    for k in 0..<components {
                        var nk = 0.0
                        for i in 0..<x.rows { nk += pr[i * components + k] }
                        penaltyChange += nk * (before[k] - after[k])
                    }
                }
                let allowed = max(0, 0.5 * regCovar * penaltyChange / Double(x.rows))
                (ll, logResp) = Self.eStep(x, theta)
                let drop = trace[t - 1] - ll
                assert(drop <= allowed + 1e-10 * max(1, abs(ll)),
                       "EM lowered the mean log-likelihood from \(trace[t - 1]) to \(ll) at iteration \(t), more than reg_covar allows (\(allowed)): a bug")
                trace.append(ll)
                observe?(restart, theta, ll)
                allowance.append(allowed)
                iterationsMade = t
                if done { break }
            }
            if best == nil || ll > best!.trace.last! {
                best = (theta, trace, allowance, done, iterationsMade)
            }
        }
        parameters = best!.parameters
        logLikelihoodTrace = best!.trace
        decreaseAllowance = best!.allowance
        converged = best!.converged
        iterations = best!.iterations
    }

    /// tr(Σ_k⁻¹) = ‖L_k⁻ᵀ‖²_F for every component.
    static func precisionTraces(_ theta: Parameters) -> [Double] {
        theta.precisionCholeskys.map { p in p.data.reduce(0) { $0 + $1 * $1 } }
    }

    /// One-hot responsibilities from k-means (`kmeans`) or from the k-means++ seeds alone.
    func initialResponsibilities(_ x: Matrix, using rng: inout SeededRandom) -> Matrix {
        var resp = Matrix(rows: x.rows, cols: components)
        switch initialisation {
        case .kmeans:
            let labels = KMeansStart.labels(x, k: components, using: &rng)
            for (i, l) in labels.enumerated() { resp[i, l] = 1 }
        case .kmeansPlusPlus:
            let seeds = KMeansStart.plusPlusSeeds(x, k: components, using: &rng)
            for (k, i) in seeds.enumerated() { resp[i, k] = 1 }
        }
        return resp
    }

    /// The M-step: weights, means and covariances from responsibilities (n × K).
    func mStep(_ x: Matrix, _ resp: Matrix) throws -> Parameters {
        let n = x.rows, d = x.cols, kCount = resp.cols
        let tiny = 10 * Double.ulpOfOne
        var nk = [Double](repeating: tiny, count: kCount)
        resp.data.withUnsafeBufferPointer { r in
            for i in 0..<n { for k in 0..<kCount { nk[k] += r[i * kCount + k] } }
        }
        var means = BLAS.multiply(resp, transA: true, x)                 // K × d: Σ_i r_ik x_i
        for k in 0..<kCount { for j in 0..<d { means[k, j] /= nk[k] } }

        var covariances: [Matrix] = [], lower: [Matrix] = [], precision: [Matrix] = [], logDet: [Double] = []
        var w = Matrix(rows: n, cols: d)
        for k in 0..<kCount {
            // W = diag(√r_k)(X − 1μ_kᵀ), so WᵀW = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ.
            let mu = means.row(k)
            x.data.withUnsafeBufferPointer { px in
                resp.data.withUnsafeBufferPointer { r in
                    w.data.withUnsafeMutableBufferPointer { pw in
                        for i in 0..<n {
                            let s = r[i * kCount + k].squareRoot()
                            for j in 0..<d { pw[i * d + j] = s * (px[i * d + j] - mu[j]) }
                        }
                    }
                }
            }
            var cov = BLAS.multiply(w, transA: true, w)
            for idx in cov.data.indices { cov.data[idx] /= nk[k] }
            switch covarianceType {
            case .full:
                for j in 0..<d { cov[j, j] += regCovar }
            case .diag:
                var diag = Matrix(rows: d, cols: d)
                for j in 0..<d { diag[j, j] = cov[j, j] + regCovar }
                cov = diag
            case .spherical:
                let v = (0..<d).reduce(0.0) { $0 + cov[$1, $1] + regCovar } / Double(d)
                cov = Matrix(rows: d, cols: d)
                for j in 0..<d { cov[j, j] = v }
            }
            let l: Matrix, p: Matrix
            do {
                l = try LAPACK.cholesky(cov)
                p = try LAPACK.invertTriangular(l, lower: true).transposed
            } catch {
                throw ModelError(model: Self.displayName,
                                 "component \(k + 1) has an ill-defined covariance (collapsed or constant data); increase reg_covar, lower n_components or scale the features")
            }
            covariances.append(cov); lower.append(l); precision.append(p)
            logDet.append((0..<d).reduce(0.0) { $0 + log(p[$1, $1]) })
        }
        let total = nk.reduce(0, +)
        return Parameters(weights: nk.map { $0 / total }, means: means, covariances: covariances,
                          covarianceCholeskys: lower, precisionCholeskys: precision, logDetPrecisionCholesky: logDet)
    }

    /// log N(x_i; μ_k, Σ_k) for every row and component (n × K).
    static func logGaussian(_ x: Matrix, _ theta: Parameters) -> Matrix {
        let n = x.rows, d = x.cols, kCount = theta.weights.count
        var out = Matrix(rows: n, cols: kCount)
        let constant = Double(d) * log(2 * Double.pi)
        var centred = Matrix(rows: n, cols: d)
        for k in 0..<kCount {
            let mu = theta.means.row(k)
            x.data.withUnsafeBufferPointer { px in
                centred.data.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<n { for j in 0..<d { pc[i * d + j] = px[i * d + j] - mu[j] } }
                }
            }
            let y = BLAS.multiply(centred, theta.precisionCholeskys[k])    // rows (x − μ)ᵀ L⁻ᵀ
            let logDet = theta.logDetPrecisionCholesky[k]
            y.data.withUnsafeBufferPointer { py in
                out.data.withUnsafeMutableBufferPointer { po in
                    for i in 0..<n {
                        var s = 0.0
                        for j in 0..<d { let v = py[i * d + j]; s += v * v }
                        po[i * kCount + k] = -0.5 * (constant + s) + logDet
                    }
                }
            }
        }
        return out
    }

    /// log π_k + log N(x_i; μ_k, Σ_k) (n × K).
    static func weightedLogGaussian(_ x: Matrix, _ theta: Parameters) -> Matrix {
        var out = logGaussian(x, theta)
        let logW = theta.weights.map { log($0) }
        let kCount = logW.count
        out.data.withUnsafeMutableBufferPointer { po in
            for i in 0..<x.rows { for k in 0..<kCount { po[i * kCount + k] += logW[k] } }
        }
        return out
    }

    /// The E-step: mean log-likelihood per sample and log responsibilities.
    static func eStep(_ x: Matrix, _ theta: Parameters) -> (Double, Matrix) {
        var w = weightedLogGaussian(x, theta)
        let kCount = w.cols
        var total = 0.0
        w.data.withUnsafeMutableBufferPointer { pw in
            for i in 0..<x.rows {
                let base = i * kCount
                var m = -Double.infinity
                for k in 0..<kCount { m = max(m, pw[base + k]) }
                var s = 0.0
                for k in 0..<kCount { s += exp(pw[base + k] - m) }
                let norm = m + log(s)
                total += norm
                for k in 0..<kCount { pw[base + k] -= norm }
            }
        }
        return (total / Double(x.rows), w)
    }

    static func exponentiated(_ m: Matrix) -> Matrix {
        Matrix(rows: m.rows, cols: m.cols, data: m.data.map { exp($0) })
    }

    // MARK: Using the fitted mixture

    /// log N(x_i; μ_k, Σ_k) per row and component, without the weights (n × K).
    public func componentLogDensity(_ x: Matrix) -> Matrix {
        precondition(isFitted, "fit the mixture first")
        return Self.logGaussian(x, parameters)
    }

    /// Posterior component probabilities r_ik (n × K); rows sum to 1.
    public func responsibilities(_ x: Matrix) -> Matrix {
        precondition(isFitted, "fit the mixture first")
        return Self.exponentiated(Self.eStep(x, parameters).1)
    }

    /// log p(x) = log Σ_k π_k N(x; μ_k, Σ_k), one per row.
    public func logDensity(_ x: Matrix) -> [Double] {
        precondition(isFitted, "fit the mixture first")
        let w = Self.weightedLogGaussian(x, parameters)
        return (0..<w.rows).map { Special.logSumExp(w.row($0)) }
    }

    /// Mean log-likelihood per sample (scikit-learn's `score`).
    public func meanLogLikelihood(_ x: Matrix) -> Double {
        precondition(isFitted, "fit the mixture first")
        return Self.eStep(x, parameters).0
    }

    /// Free parameters, counted as scikit-learn's `_n_parameters`: K·d means,
    /// K − 1 weights, and K·d(d+1)/2 (full), K·d (diag) or K (spherical) variances.
    public var parameterCount: Int {
        Self.parameterCount(components: weights.count, features: means.cols, covarianceType: covarianceType)
    }

    public static func parameterCount(components k: Int, features d: Int, covarianceType: CovarianceType) -> Int {
        let covariance: Int
        switch covarianceType {
        case .full: covariance = k * d * (d + 1) / 2
        case .diag: covariance = k * d
        case .spherical: covariance = k
        }
        return covariance + k * d + k - 1
    }

    /// Bayesian information criterion −2 log L + p log n (lower is better).
    public func bic(_ x: Matrix) -> Double {
        -2 * meanLogLikelihood(x) * Double(x.rows) + Double(parameterCount) * log(Double(x.rows))
    }

    /// Akaike information criterion −2 log L + 2p (lower is better).
    public func aic(_ x: Matrix) -> Double {
        -2 * meanLogLikelihood(x) * Double(x.rows) + 2 * Double(parameterCount)
    }

    /// Draws `n` rows: a component k with probability π_k, then μ_k + L_k z with z ~ N(0, I).
    public func sample(_ n: Int, using rng: inout SeededRandom) -> Matrix {
        precondition(isFitted, "fit the mixture first")
        let d = means.cols, kCount = weights.count
        let labels = (0..<n).map { _ in rng.categorical(weights) }
        var rowsOf = [[Int]](repeating: [], count: kCount)
        for (i, l) in labels.enumerated() { rowsOf[l].append(i) }
        var out = Matrix(rows: n, cols: d)
        for k in 0..<kCount where !rowsOf[k].isEmpty {
            let m = rowsOf[k].count
            let z = Matrix(rows: m, cols: d, data: (0..<(m * d)).map { _ in rng.normal() })
            let drawn = BLAS.multiply(z, parameters.covarianceCholeskys[k], transB: true)   // rows zᵀLᵀ
            for (r, i) in rowsOf[k].enumerated() {
                for j in 0..<d { out[i, j] = drawn[r, j] + parameters.means[k, j] }
            }
        }
        return out
    }
}

extension GaussianMixture {
    /// k-means as scikit-learn runs it to start a mixture: greedy k-means++ seeding
    /// (Arthur & Vassilvitskii 2007) then Lloyd's iterations.
    enum KMeansStart {
        /// Squared Euclidean distance from every row to every centre (n × k).
        static func squaredDistances(_ x: Matrix, _ centres: Matrix) -> Matrix {
            let n = x.rows, d = x.cols, k = centres.rows
            var out = Matrix(rows: n, cols: k)
            x.data.withUnsafeBufferPointer { px in
                centres.data.withUnsafeBufferPointer { pc in
                    out.data.withUnsafeMutableBufferPointer { po in
                        for i in 0..<n {
                            for c in 0..<k {
                                var s = 0.0
                                for j in 0..<d { let v = px[i * d + j] - pc[c * d + j]; s += v * v }
                                po[i * k + c] = s
                            }
                        }
                    }
                }
            }
            return out
        }

        /// Row indices of k seeds: the first uniformly, each next one the best (lowest
        /// potential) of 2 + ⌊ln k⌋ candidates drawn with probability ∝ D(x)².
        static func plusPlusSeeds(_ x: Matrix, k: Int, using rng: inout SeededRandom) -> [Int] {
            let n = x.rows
            let trials = 2 + Int(log(Double(k)))
            var seeds = [rng.index(below: n)]
            var closest = squaredDistances(x, x.rows([seeds[0]])).data
            var potential = closest.reduce(0, +)
            for _ in 1..<max(k, 1) {
                var cumulative = [Double](repeating: 0, count: n)
                var s = 0.0
                for i in 0..<n { s += closest[i]; cumulative[i] = s }
                var candidates: [Int] = []
                for _ in 0..<trials {
                    let u = rng.uniform() * potential
                    // numpy.searchsorted(side="left"): the first index with cumulative ≥ u.
                    var lo = 0, hi = n
                    while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < u { lo = mid + 1 } else { hi = mid } }
                    candidates.append(min(lo, n - 1))
                }
                let dist = squaredDistances(x, x.rows(candidates))
                var bestPotential = Double.infinity, bestIndex = 0, bestClosest = closest
                for (t, candidate) in candidates.enumerated() {
                    var updated = closest
                    var pot = 0.0
                    for i in 0..<n { updated[i] = min(updated[i], dist[i, t]); pot += updated[i] }
                    if pot < bestPotential { bestPotential = pot; bestIndex = candidate; bestClosest = updated }
                }
                seeds.append(bestIndex)
                closest = bestClosest
                potential = bestPotential
            }
            return seeds
        }

        /// The nearest centre of every row (the first on ties) and its squared distance.
        static func assign(_ x: Matrix, _ centres: Matrix) -> (labels: [Int], distances: [Double]) {
            let dist = squaredDistances(x, centres)
            var labels = [Int](repeating: 0, count: x.rows), best = [Double](repeating: 0, count: x.rows)
            for i in 0..<x.rows {
                var b = 0
                for c in 1..<centres.rows where dist[i, c] < dist[i, b] { b = c }
                labels[i] = b; best[i] = dist[i, b]
            }
            return (labels, best)
        }

        /// Hard labels from Lloyd's algorithm started at the k-means++ seeds; stops when the
        /// labels repeat or the squared centre shift is ≤ 1e-4 × mean feature variance
        /// (scikit-learn's `tol`), after at most 300 rounds; the labels returned are those
        /// of the final centres.
        static func labels(_ x: Matrix, k: Int, using rng: inout SeededRandom, maxIterations: Int = 300) -> [Int] {
            let n = x.rows, d = x.cols
            let variances = x.columnVariances()
            let tol = 1e-4 * variances.reduce(0, +) / Double(d)
            var centres = x.rows(plusPlusSeeds(x, k: k, using: &rng))
            var previous: [Int]? = nil
            for _ in 0..<maxIterations {
                let (labels, distances) = assign(x, centres)
                var next = Matrix(rows: k, cols: d)
                var counts = [Int](repeating: 0, count: k)
                for i in 0..<n {
                    counts[labels[i]] += 1
                    for j in 0..<d { next[labels[i], j] += x[i, j] }
                }
                // Empty clusters move to the points farthest from their centres.
                let far = counts.contains(0)
                    ? distances.indices.sorted { distances[$0] > distances[$1] || (distances[$0] == distances[$1] && $0 < $1) }
                    : []
                var nextFar = 0
                for c in 0..<k {
                    if counts[c] == 0 {
                        let i = far[min(nextFar, n - 1)]; nextFar += 1
                        for j in 0..<d { next[c, j] = x[i, j] }
                    } else {
                        for j in 0..<d { next[c, j] /= Double(counts[c]) }
                    }
                }
                var shift = 0.0
                for idx in next.data.indices { let v = next.data[idx] - centres.data[idx]; shift += v * v }
                centres = next
                if labels == previous { break }
                if shift <= tol { break }
                previous = labels
            }
            return assign(x, centres).labels
        }
    }
}
