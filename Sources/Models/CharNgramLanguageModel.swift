#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

/// A character n-gram language model of one language's words — the generative lens on text.
///
/// A word w = c₁…c_L is padded with n − 1 start marks and one end mark $, and
///   p(w) = Π_{i=1}^{L+1} p(cᵢ | cᵢ₋ₙ₊₁ … cᵢ₋₁),  c_{L+1} = $,
/// so the model is a distribution over whole words of any length. The conditional
/// probabilities are smoothed by **interpolated Witten–Bell** (Witten & Bell 1991, in the
/// form of Chen & Goodman 1998, "An empirical study of smoothing techniques for language
/// modeling", TR-10-98, §2.4; Jurafsky & Martin, *Speech and Language Processing*, 3rd ed.
/// draft, ch. 3): for a context h of length k and its shortening h′ (drop the oldest symbol),
///   p_WB(c | h) = (C(h c) + T(h) · p_WB(c | h′)) / (C(h) + T(h)),
/// where C(h c) counts c after h in the training words, C(h) = Σ_c C(h c), and T(h) is the
/// number of distinct symbols seen after h; an unseen context (C(h) = 0) uses p_WB(c | h′).
/// The recursion ends in the uniform distribution 1/V over the V outcomes (every letter of
/// the alphabet and the end mark), so p(· | h) sums to 1 over the outcomes at every context
/// and no outcome has probability 0.
///
/// Classifying (two or more models, one per language): Bayes' rule,
///   argmax_y log p(y) + Σᵢ log p_y(cᵢ | hᵢ).
/// Writing: draw c from p(· | h) until the end mark — exactly, as the Witten–Bell mixture:
/// at context h, with probability C(h) / (C(h) + T(h)) draw from the counts after h, else
/// recurse to h′ (ending in a uniform draw).
public struct CharNgramLanguageModel: Sendable {
    public let order: Int
    public let alphabet: CharAlphabet
    /// Per context key (packed context symbols), the symbols seen after it with their counts.
    struct Entry: Sendable {
        var total: Int32 = 0
        var symbols: [UInt8] = []
        var counts: [Int32] = []
    }
    private var table: [UInt64: Entry] = [:]
    public private(set) var words = 0
    public private(set) var predictedSymbols = 0

    public init(order: Int, alphabet: CharAlphabet) {
        precondition((1...8).contains(order), "orders 1…8")
        self.order = order
        self.alphabet = alphabet
    }

    /// The padded sequence: n − 1 start marks, the letters, the end mark.
    func padded(_ letters: [Int]) -> [Int] {
        [Int](repeating: CharAlphabet.start, count: order - 1) + letters + [CharAlphabet.end]
    }

    /// Counts the words (letter symbols from `alphabet.symbols`). Can be called again to add words.
    public mutating func fit(_ words: [[Int]]) {
        for w in words {
            let s = padded(w)
            for i in (order - 1)..<s.count {
                // Every context length 0…n−1 ending just before i.
                for k in 0..<order {
                    let key = packSymbols(s, from: i - k, count: k)
                    table[key, default: Entry()].add(UInt8(s[i]))
                }
            }
            self.words += 1
            predictedSymbols += w.count + 1
        }
    }

    /// log p(symbol | the k symbols of s before position i), k = order − 1, by the recursion.
    @inline(__always) func logProbability(_ s: [Int], at i: Int) -> Double {
        var p = 1 / Double(alphabet.outcomeCount)
        let target = UInt8(s[i])
        for k in 0..<order {
            guard let e = table[packSymbols(s, from: i - k, count: k)] else { break }  // longer contexts are unseen too
            let types = Double(e.symbols.count), total = Double(e.total)
            var c = 0.0
            if let j = e.symbols.firstIndex(of: target) { c = Double(e.counts[j]) }
            p = (c + types * p) / (total + types)
        }
        return log(p)
    }

    /// log p(w) of a word (natural log), end mark included.
    public func logProbability(_ letters: [Int]) -> Double {
        let s = padded(letters)
        var total = 0.0
        for i in (order - 1)..<s.count { total += logProbability(s, at: i) }
        return total
    }

    /// p(· | context) over the outcomes (index 0 = end mark, 1… = letters); `context` are the
    /// symbols before the position (start marks included), of which the last n − 1 count.
    public func distribution(after context: [Int]) -> [Double] {
        let V = alphabet.outcomeCount
        var p = [Double](repeating: 1 / Double(V), count: V)
        let s = [Int](repeating: CharAlphabet.start, count: max(0, order - 1 - context.count)) + context.suffix(order - 1)
        for k in 0..<order {
            guard let e = table[packSymbols(s, from: s.count - k, count: k)] else { break }
            let types = Double(e.symbols.count), total = Double(e.total)
            var counts = [Double](repeating: 0, count: V)
            for (j, sym) in e.symbols.enumerated() { counts[CharAlphabet.outcome(ofSymbol: Int(sym))] = Double(e.counts[j]) }
            for o in 0..<V { p[o] = (counts[o] + types * p[o]) / (total + types) }
        }
        return p
    }

    /// Writes one word: letter symbols drawn until the end mark, or nil after `maxLength` letters.
    public func sample(_ rng: inout SeededRandom, maxLength: Int = 40) -> [Int]? {
        var s = [Int](repeating: CharAlphabet.start, count: order - 1)
        while s.count - (order - 1) <= maxLength {
            let next = draw(s, &rng)
            if next == CharAlphabet.end { return Array(s.dropFirst(order - 1)) }
            s.append(next)
        }
        return nil
    }

    /// One symbol after the sequence s, by the mixture: from the longest seen context down.
    func draw(_ s: [Int], _ rng: inout SeededRandom) -> Int {
        // The chain of seen contexts, shortest first.
        var entries = [Entry]()
        for k in 0..<order {
            guard let e = table[packSymbols(s, from: s.count - k, count: k)] else { break }
            entries.append(e)
        }
        for e in entries.reversed() {
            let total = Double(e.total), types = Double(e.symbols.count)
            if rng.uniform() * (total + types) < total {
                var u = Int32(rng.index(below: Int(e.total)))
                for (j, c) in e.counts.enumerated() {
                    if u < c { return Int(e.symbols[j]) }
                    u -= c
                }
            }
        }
        return CharAlphabet.symbol(ofOutcome: rng.index(below: alphabet.outcomeCount))
    }

    /// Bits per predicted symbol (letters and end marks) over the words: the cross-entropy.
    public func bitsPerCharacter(_ words: [[Int]]) -> Double {
        var nats = 0.0, n = 0
        for w in words { nats -= logProbability(w); n += w.count + 1 }
        return nats / Double(max(n, 1)) / log(2.0)
    }
}

extension CharNgramLanguageModel.Entry {
    mutating func add(_ symbol: UInt8) {
        total += 1
        if let j = symbols.firstIndex(of: symbol) { counts[j] += 1 } else { symbols.append(symbol); counts.append(1) }
    }
}

/// Bayes' rule over one character n-gram model per class.
public struct CharNgramBayesClassifier: Sendable {
    public let models: [CharNgramLanguageModel]
    public let logPriors: [Double]

    /// Priors from the numbers of training words of each model.
    public init(models: [CharNgramLanguageModel]) {
        self.models = models
        let n = Double(models.reduce(0) { $0 + $1.words })
        logPriors = models.map { log(Double($0.words) / n) }
    }

    /// P(y | word) for every class: softmax of log p(y) + log p_y(word).
    public func probabilities(_ letters: [Int]) -> [Double] {
        let scores = zip(models, logPriors).map { $1 + $0.logProbability(letters) }
        let m = scores.max()!
        let e = scores.map { exp($0 - m) }
        let z = e.reduce(0, +)
        return e.map { $0 / z }
    }

    /// The most probable class (lowest index on ties).
    public func predict(_ letters: [Int]) -> Int {
        let p = probabilities(letters)
        var best = 0
        for k in 1..<p.count where p[k] > p[best] { best = k }
        return best
    }
}
