/// The letters of a word list, and words as symbol sequences for the character n-gram models.
///
/// Symbols: 0 is the word-start mark (it only ever appears in a context), 1 the word-end
/// mark (it is only ever predicted), 2… the letters in ascending Unicode scalar order.
/// A word is a sequence of Unicode scalars (the data are NFC, so é is one scalar).
public struct CharAlphabet: Sendable, Codable, Equatable {
    public static let start = 0
    public static let end = 1
    /// The letters, as Unicode scalar values, ascending.
    public let letters: [UInt32]
    private let index: [UInt32: Int]

    enum CodingKeys: String, CodingKey { case letters }

    /// The alphabet of every scalar that occurs in `words`.
    public init(words: [String]) {
        var set = Set<UInt32>()
        for w in words { for s in w.unicodeScalars { set.insert(s.value) } }
        self.init(letters: set.sorted())
    }

    public init(letters: [UInt32]) {
        precondition(letters.count <= 120, "an alphabet of at most 120 letters (symbols are packed in 7 bits)")
        self.letters = letters
        var index = [UInt32: Int]()
        for (i, l) in letters.enumerated() { index[l] = i + 2 }
        self.index = index
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(letters: try c.decode([UInt32].self, forKey: .letters))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(letters, forKey: .letters)
    }

    /// Letters plus the end mark: the outcomes a model predicts at each position.
    public var outcomeCount: Int { letters.count + 1 }

    /// The word's letters as symbols (2…), or nil when a letter is not in the alphabet.
    public func symbols(_ word: String) -> [Int]? {
        var out = [Int]()
        out.reserveCapacity(word.unicodeScalars.count)
        for s in word.unicodeScalars {
            guard let i = index[s.value] else { return nil }
            out.append(i)
        }
        return out
    }

    /// The word spelt by letter symbols (marks are skipped).
    public func word(_ symbols: [Int]) -> String {
        var s = String.UnicodeScalarView()
        for v in symbols where v >= 2 { s.append(Unicode.Scalar(letters[v - 2])!) }
        return String(s)
    }

    /// Outcome index (0 = end mark, 1… = letters) ↔ symbol.
    @inline(__always) public static func symbol(ofOutcome o: Int) -> Int { o == 0 ? end : o + 1 }
    @inline(__always) public static func outcome(ofSymbol s: Int) -> Int { s == end ? 0 : s - 1 }
}

/// Packs a short run of symbols (at most 8, 7 bits each) and its length into one key.
@inline(__always) func packSymbols(_ s: [Int], from: Int, count: Int) -> UInt64 {
    var key = UInt64(count)
    for i in from..<(from + count) { key = (key << 7) | UInt64(s[i]) }
    return key
}
