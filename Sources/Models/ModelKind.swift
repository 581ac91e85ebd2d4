/// The catalogue of model kinds the pipeline can build from a kind name and settings.
public enum ModelCatalogue {
    public struct Entry: Sendable {
        public let kind: String
        public let displayName: String
        public let lens: Lens
    }

    public enum Lens: String, Sendable, Codable {
        case discriminative, generative
    }

    public static let entries: [Entry] = [
        Entry(kind: LogisticRegression.kind, displayName: LogisticRegression.displayName, lens: .discriminative),
        Entry(kind: GaussianNaiveBayes.kind, displayName: GaussianNaiveBayes.displayName, lens: .generative),
    ]

    public static func entry(_ kind: String) -> Entry? { entries.first { $0.kind == kind } }

    /// A model of the given kind with default settings overridden by `settings`.
    public static func make(kind: String, settings: [String: SettingValue]) throws -> any Classifier {
        func number(_ key: String, _ fallback: Double) throws -> Double {
            switch settings[key] {
            case nil: return fallback
            case .number(let v)?: return v
            case .integer(let v)?: return Double(v)
            default: throw ModelError(model: kind, "setting '\(key)' must be a number")
            }
        }
        func integer(_ key: String, _ fallback: Int) throws -> Int {
            switch settings[key] {
            case nil: return fallback
            case .integer(let v)?: return v
            default: throw ModelError(model: kind, "setting '\(key)' must be a whole number")
            }
        }
        switch kind {
        case LogisticRegression.kind:
            try checkKeys(settings, allowed: ["C", "max_iter", "tol"], kind: kind)
            return LogisticRegression(c: try number("C", 1), maxIterations: try integer("max_iter", 1000),
                                      tolerance: try number("tol", 1e-8))
        case GaussianNaiveBayes.kind:
            try checkKeys(settings, allowed: ["var_smoothing"], kind: kind)
            return GaussianNaiveBayes(varSmoothing: try number("var_smoothing", 1e-9))
        default:
            let known = entries.map(\.kind).joined(separator: ", ")
            throw ModelError(model: kind, "unknown model kind; known kinds: \(known)")
        }
    }

    private static func checkKeys(_ settings: [String: SettingValue], allowed: [String], kind: String) throws {
        if let bad = settings.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ModelError(model: kind, "unknown setting '\(bad)'; allowed: \(allowed.joined(separator: ", "))")
        }
    }
}
