import Foundation
import Numerics
import Testing
@testable import Models

@Suite("Character n-gram models")
struct CharNgramTests {
    static let french = ["chat", "chien", "maison", "oiseau", "été", "château", "fenêtre", "eau", "beaucoup", "garçon"]
    static let spanish = ["gato", "perro", "casa", "pájaro", "verano", "castillo", "ventana", "agua", "mucho", "niño"]
    static let alphabet = CharAlphabet(words: french + spanish)

    static func model(_ order: Int, _ words: [String] = french) -> CharNgramLanguageModel {
        var m = CharNgramLanguageModel(order: order, alphabet: alphabet)
        m.fit(words.map { alphabet.symbols($0)! })
        return m
    }

    @Test("p(· | context) sums to 1 over the letters and the end mark at every context, seen or not, orders 1–5")
    func sumsToOne() throws {
        for order in 1...5 {
            let m = Self.model(order)
            // Every context of the training words, plus unseen ones.
            var contexts: [[Int]] = [[], Self.alphabet.symbols("ñç")!, Self.alphabet.symbols("âââá")!]
            for w in Self.french { let s = Self.alphabet.symbols(w)!; for i in 0...s.count { contexts.append(Array(s.prefix(i))) } }
            for c in contexts {
                let p = m.distribution(after: c)
                #expect(p.count == Self.alphabet.outcomeCount)
                #expect(abs(p.reduce(0, +) - 1) < 1e-12, "order \(order), context \(c): sum \(p.reduce(0, +))")
                #expect(p.allSatisfy { $0 > 0 }, "smoothing leaves no outcome at 0")
            }
            // The word probability is the product of the same conditionals.
            let w = Self.alphabet.symbols("chat")!
            var logp = 0.0, ctx = [Int]()
            for sym in w + [CharAlphabet.end] {
                logp += log(m.distribution(after: ctx)[CharAlphabet.outcome(ofSymbol: sym)])
                ctx.append(sym)
            }
            #expect(abs(logp - m.logProbability(w)) < 1e-9)
        }
    }

    @Test("Witten–Bell by hand: order 1 is (C(c) + T · 1/V) / (N + T)")
    func wittenBellUnigram() {
        let m = Self.model(1, ["ab", "a"])
        // Counts after the empty context: a 2, b 1, end 2 → N = 5, T = 3; V = letters + 1.
        let V = Double(Self.alphabet.outcomeCount)
        let p = m.distribution(after: [])
        let a = CharAlphabet.outcome(ofSymbol: Self.alphabet.symbols("a")![0])
        #expect(abs(p[a] - (2 + 3 / V) / 8) < 1e-15)
        #expect(abs(p[0] - (2 + 3 / V) / 8) < 1e-15)
    }

    @Test("Written words are the same for the same seed and stream, different for another stream")
    func samplesDeterministic() {
        let m = Self.model(3)
        func write(_ stream: String) -> [String] {
            var rng = SeededRandom(seed: 7, stream: stream)
            return (0..<50).map { _ in m.sample(&rng).map(Self.alphabet.word) ?? "…" }
        }
        #expect(write("a") == write("a"))
        #expect(write("a") != write("b"))
        // Order-5 models of a tiny list mostly recite it.
        let copies = write("a").filter(Self.french.contains).count
        #expect(copies > 0)
    }

    @Test("Bayes' rule and logistic regression tell the toy words apart")
    func classifiers() throws {
        let bayes = CharNgramBayesClassifier(models: [Self.model(2), Self.model(2, Self.spanish)])
        let words = (Self.french + Self.spanish).map { Self.alphabet.symbols($0)! }
        let y = Self.french.map { _ in 0 } + Self.spanish.map { _ in 1 }
        #expect(zip(words, y).filter { bayes.predict($0.0) == $0.1 }.count >= 18)
        var f = CharNgramFeatures(order: 2)
        f.learn(words)
        var lr = SparseLogisticRegression(c: 10, maxIterations: 500, tolerance: 1e-8)
        try lr.fit(f.matrix(words), y)
        #expect(lr.convergence.converged)
        let p = lr.probabilities(f.matrix(words))
        #expect(zip(p, y).allSatisfy { ($0.0 >= 0.5 ? 1 : 0) == $0.1 })
        // The features of "chat" at n = 2: c h a t $ ^c ch ha at t$ (no lone ^).
        #expect(CharNgramFeatures(order: 2).keys(Self.alphabet.symbols("chat")!).count == 10)
    }
}
