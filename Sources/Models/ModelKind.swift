/// The catalogue of classifier kinds the pipeline can build from a kind name and
/// settings. A new model adds one `register(Type.self)` line; everything else
/// (name, lens, settings parsing) comes from the type itself.
public enum ModelCatalogue {
    public enum Lens: String, Sendable, Codable {
        case discriminative, generative
    }

    public struct Entry: Sendable {
        public let kind: String
        public let displayName: String
        public let lens: Lens
        let make: @Sendable (Settings) throws -> any Classifier
    }

    public static let entries: [Entry] = [
        discriminative(LogisticRegression.self),
        generative(GaussianNaiveBayes.self),
        discriminative(RBFSupportVectorMachine.self),
        discriminative(LinearSupportVectorMachine.self),
        discriminative(RandomForest.self),
        discriminative(MLPClassifier.self),
        generative(GaussianMixtureClassifier.self),
        generative(LinearDiscriminantAnalysis.self),
        generative(QuadraticDiscriminantAnalysis.self),
        generative(BernoulliNaiveBayes.self),
        generative(MultinomialNaiveBayes.self),
        generative(PooledGaussianNaiveBayes.self),
    ]

    static func discriminative<T: Classifier>(_ type: T.Type) -> Entry {
        Entry(kind: T.kind, displayName: T.displayName, lens: .discriminative) { try T(settings: $0) }
    }

    static func generative<T: GenerativeClassifier>(_ type: T.Type) -> Entry {
        Entry(kind: T.kind, displayName: T.displayName, lens: .generative) { try T(settings: $0) }
    }

    public static func entry(_ kind: String) -> Entry? { entries.first { $0.kind == kind } }

    /// A model of the given kind with default settings overridden by `settings`.
    public static func make(kind: String, settings: [String: SettingValue]) throws -> any Classifier {
        guard let e = entry(kind) else {
            let known = entries.map(\.kind).joined(separator: ", ")
            throw ModelError(model: kind, "unknown model kind; known kinds: \(known)")
        }
        return try e.make(Settings(model: e.displayName, settings))
    }
}
