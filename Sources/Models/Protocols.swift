#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// A model setting's value, as shown in provenance and `metrics.json`.
public enum SettingValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case number(Double)
    case integer(Int)
    case text(String)
    case flag(Bool)

    public var description: String {
        switch self {
        case .number(let v): return NumberFormat.shortest(v)
        case .integer(let v): return String(v)
        case .text(let v): return v
        case .flag(let v): return v ? "true" : "false"
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let v): try c.encode(v)
        case .integer(let v): try c.encode(v)
        case .text(let v): try c.encode(v)
        case .flag(let v): try c.encode(v)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .flag(b) }
        else if let i = try? c.decode(Int.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .text(try c.decode(String.self)) }
    }
}

/// Why a fit could not be made, in words that say what to change.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public let model: String
    public let message: String
    public init(model: String, _ message: String) { self.model = model; self.message = message }
    public var description: String { "\(model): \(message)" }
}

/// How an iterative fit ended.
public struct Convergence: Sendable, Codable, Equatable {
    public var converged: Bool
    public var iterations: Int
    public var gradientNorm: Double
}

/// The discriminative lens: a model of P(y | x) and nothing more.
///
/// `fit` learns from rows of `x` with labels `y ∈ 0..<classCount`;
/// `predictProba` returns one row per input with P(y = k | x) in column k.
public protocol Classifier: Sendable, Codable {
    /// A stable identifier such as `"logistic_regression"`.
    static var kind: String { get }
    /// A human name such as "Logistic regression".
    static var displayName: String { get }
    /// Builds the model from settings, refusing unknown keys and bad values.
    init(settings: Settings) throws
    /// The settings that determine the fit, for provenance.
    var settings: [String: SettingValue] { get }
    /// What the decision boundary looks like, in a few words ("linear boundary").
    var boundaryShape: String { get }
    var classCount: Int { get }

    mutating func fit(_ x: Matrix, _ y: [Int], classCount: Int) throws
    func predictProba(_ x: Matrix) -> Matrix
}

/// The generative lens: a model of p(x | y) p(y), the data itself.
///
/// It classifies through Bayes' rule, P(y|x) = p(x|y)p(y) / Σ_k p(x|k)p(k),
/// and, having a distribution over x, it can draw new samples.
public protocol GenerativeClassifier: Classifier {
    /// log p(x | y = k) for every row and class (n × K).
    func classLogDensity(_ x: Matrix) -> Matrix
    /// log p(y = k), one per class.
    var logPriors: [Double] { get }
    /// Draws `n` rows from p(x | y = k).
    func sample(_ n: Int, ofClass k: Int, using rng: inout SeededRandom) -> Matrix
}

extension GenerativeClassifier {
    /// log p(x | y = k) + log p(y = k): the joint log-likelihood (n × K).
    public func jointLogLikelihood(_ x: Matrix) -> Matrix {
        var j = classLogDensity(x)
        let lp = logPriors
        for i in 0..<j.rows { for k in 0..<j.cols { j[i, k] += lp[k] } }
        return j
    }

    /// P(y | x) by Bayes' rule, normalised in log space.
    public func predictProba(_ x: Matrix) -> Matrix {
        Special.softmaxRows(jointLogLikelihood(x))
    }

    /// log p(x) = log Σ_k p(x | k) p(k).
    public func logDensity(_ x: Matrix) -> [Double] {
        let j = jointLogLikelihood(x)
        return (0..<j.rows).map { Special.logSumExp(j.row($0)) }
    }

    /// Draws `n` labelled rows from p(x, y): y from the priors, then x from p(x | y).
    public func sample(_ n: Int, using rng: inout SeededRandom) -> (x: Matrix, y: [Int]) {
        let priors = logPriors.map { exp($0) }
        let labels = (0..<n).map { _ in rng.categorical(priors) }
        var counts = [Int](repeating: 0, count: classCount)
        for l in labels { counts[l] += 1 }
        let perClass = (0..<classCount).map { sample(counts[$0], ofClass: $0, using: &rng) }
        var next = [Int](repeating: 0, count: classCount)
        let cols = perClass.first?.cols ?? 0
        var out = Matrix(rows: n, cols: cols)
        for (i, l) in labels.enumerated() {
            for j in 0..<cols { out[i, j] = perClass[l][next[l], j] }
            next[l] += 1
        }
        return (out, labels)
    }
}

/// Checks shared by every `fit`: shapes, finite values, labels in range.
enum FitChecks {
    static func validate(_ x: Matrix, _ y: [Int], classCount: Int, model: String) throws {
        guard x.rows == y.count else {
            throw ModelError(model: model, "got \(x.rows) rows but \(y.count) labels")
        }
        guard x.rows > 0 else { throw ModelError(model: model, "cannot fit on an empty training set") }
        guard x.allFinite else { throw ModelError(model: model, "the features contain NaN or infinite values") }
        guard classCount >= 2 else {
            throw ModelError(model: model, "needs at least two classes, the data has \(classCount)")
        }
        if let bad = y.first(where: { $0 < 0 || $0 >= classCount }) {
            throw ModelError(model: model, "label \(bad) is outside 0..<\(classCount)")
        }
        let present = Set(y)
        if present.count < 2 {
            throw ModelError(model: model, "the training set holds only one class; a classifier needs at least two")
        }
    }
}

/// Regression: the continuous case of the discriminative lens. It learns
/// E[y | x] (and a noise level), nothing about how x is distributed.
public protocol Regressor: Sendable {
    static var kind: String { get }
    static var displayName: String { get }
    var settings: [String: SettingValue] { get }
    mutating func fit(_ x: Matrix, _ y: [Double]) throws
    func predict(_ x: Matrix) -> [Double]
}

/// A model of p(x) with no labels, such as a Gaussian mixture on Old Faithful.
public protocol DensityModel: Sendable {
    static var kind: String { get }
    static var displayName: String { get }
    var settings: [String: SettingValue] { get }
    mutating func fit(_ x: Matrix) throws
    /// log p(x) for every row.
    func logDensity(_ x: Matrix) -> [Double]
    func sample(_ n: Int, using rng: inout SeededRandom) -> Matrix
}
