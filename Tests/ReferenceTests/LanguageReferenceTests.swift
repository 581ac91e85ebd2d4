import Foundation
import Models
import Testing

/// The character n-gram classifiers of the language study against scikit-learn on a small fixed
/// split of data/words.csv (tools/fixtures/language.py writes Fixtures/language.json).
@Suite("Language study against scikit-learn")
struct LanguageReferenceTests {
    struct Fixture: Decodable {
        let order: Int, C: Double, features: Int
        let train_words: [String], train_languages: [String], test_words: [String], test_languages: [String]
        let lr_test_accuracy: Double, lr_test_proba_french: [Double], mnb_test_accuracy: Double
    }

    @Test("Logistic regression on n-gram counts matches scikit-learn (probabilities within 1e-4, accuracy within 0.005); the Witten–Bell n-gram Bayes classifier's accuracy is within 0.05 of MultinomialNB's (a different generative model on the same counts)")
    func agree() throws {
        let f = try Gallery.fixture("language", as: Fixture.self)
        let alphabet = CharAlphabet(words: f.train_words + f.test_words)
        let train = f.train_words.map { alphabet.symbols($0)! }, test = f.test_words.map { alphabet.symbols($0)! }
        let yTrain = f.train_languages.map { $0 == "french" ? 1 : 0 }, yTest = f.test_languages.map { $0 == "french" ? 1 : 0 }

        var features = CharNgramFeatures(order: f.order)
        features.learn(train)
        #expect(features.vocabulary.count == f.features)
        var lr = SparseLogisticRegression(c: f.C, maxIterations: 10_000, tolerance: 1e-9)
        try lr.fit(features.matrix(train), yTrain)
        let p = lr.probabilities(features.matrix(test))
        let worst = zip(p, f.lr_test_proba_french).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-4, "largest probability difference \(worst)")
        let accuracy = Double(zip(p, yTest).filter { ($0.0 >= 0.5 ? 1 : 0) == $0.1 }.count) / Double(yTest.count)
        #expect(abs(accuracy - f.lr_test_accuracy) <= 0.005, "logistic regression \(accuracy) vs scikit-learn \(f.lr_test_accuracy)")

        var models = [CharNgramLanguageModel]()
        for y in [0, 1] {
            var m = CharNgramLanguageModel(order: f.order, alphabet: alphabet)
            m.fit(zip(train, yTrain).filter { $0.1 == y }.map(\.0))
            models.append(m)
        }
        let bayes = CharNgramBayesClassifier(models: models)
        let bayesAccuracy = Double(zip(test, yTest).filter { bayes.predict($0.0) == $0.1 }.count) / Double(yTest.count)
        #expect(abs(bayesAccuracy - f.mnb_test_accuracy) <= 0.05, "n-gram Bayes \(bayesAccuracy) vs MultinomialNB \(f.mnb_test_accuracy)")
    }
}
