import Foundation
import Models
import Numerics

// Issue 16, the seed's own example measured: how many words does it take to TELL French
// from Spanish, and how many to WRITE French? Character n-gram models (generative: they
// classify by Bayes' rule and write words) against logistic regression on the same n-gram
// counts (discriminative: it only tells apart), on training sets of growing size m.

/// The `language:` section of lenses.yml. Every key is optional.
public struct LanguageSettings: Sendable, Equatable, Codable {
    /// `word,language` CSV (two languages), relative to the project root.
    public var file = "data/words.csv"
    /// n-gram orders compared at the full training part; the size experiment uses the one whose
    /// written-language model has the lowest cross-entropy on that language's validation words.
    public var orders = [1, 2, 3, 4, 5]
    /// Log-spaced training sizes (words per language), from `smallest` to the whole training part.
    public var sizes = 8
    public var smallest = 10
    /// Random training sets per size.
    public var draws = 5
    /// Words written by the generative model per (size, draw).
    public var samples = 500
    /// Held out per language: test words (errors, cross-entropy), validation words (the order),
    /// and a dictionary (is a written word real?). The rest is the training part.
    public var test = 1000
    public var validation = 1000
    public var dictionary = 10000
    /// Logistic regression's C (scikit-learn's), L-BFGS iterations and tolerance.
    public var c = 1.0
    public var maxIterations = 300
    public var tolerance = 1e-4
    /// The language the generative model writes, and the judge's threshold P(language | word).
    public var write = "french"
    public var judgeThreshold = 0.9
    /// A task has "arrived" at the smallest m from which it stays this share of the way
    /// from its smallest-m value to its largest-m value.
    public var reach = 0.9
    /// Words shown per size in the table of written words.
    public var shown = 6
    public var level = 0.95
    /// Overrides the project seed for this study.
    public var seed: UInt64?
    /// The defaults; lenses.yml's `language:` section is read and checked by `ConfigLoader.language`.
    public init() {}
}

/// The words of words.csv, checked line by line.
public struct WordList: Sendable, Equatable {
    public var words: [String] = []
    /// Index into `languages` per word.
    public var labels: [Int] = []
    /// The two languages, in order of first appearance.
    public var languages: [String] = []
    public var lines: [Int] = []

    /// Parses `word,language` rows. Every problem is `FILE:LINE: what is wrong`.
    public static func parse(_ bytes: Data, file: String) throws -> WordList {
        var out = WordList()
        var seen = [String: Int]()   // "language\tword" → line
        var lineNo = 0
        var start = bytes.startIndex
        func fail(_ line: Int, _ m: String) -> PipelineError { PipelineError("\(file):\(line): \(m)") }
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var raw = bytes[start..<end]
            start = end < bytes.endIndex ? bytes.index(after: end) : end
            lineNo += 1
            if raw.last == 0x0D { raw = raw.dropLast() }
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw fail(lineNo, "not UTF-8 text (save the file as UTF-8)")
            }
            if lineNo == 1 {
                guard text.replacingOccurrences(of: " ", with: "") == "word,language" else {
                    throw fail(1, "the header must be 'word,language', got '\(text.prefix(60))'")
                }
                continue
            }
            if text.isEmpty && start >= bytes.endIndex { break }
            let fields = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 2 else { throw fail(lineNo, "expected 2 fields 'word,language', got \(fields.count)") }
            let word = fields[0], language = fields[1]
            guard !word.isEmpty else { throw fail(lineNo, "the word is empty") }
            guard word.count <= 60 else { throw fail(lineNo, "the word is longer than 60 letters") }
            guard word.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else {
                throw fail(lineNo, "'\(word)' has a character that is not a letter (words are letters only)")
            }
            guard word.lowercased() == word else { throw fail(lineNo, "'\(word)' is not lower-case") }
            guard !language.isEmpty, language.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" }) else {
                throw fail(lineNo, "the language must be a lower-case name such as french, got '\(language)'")
            }
            var label = out.languages.firstIndex(of: language)
            if label == nil {
                guard out.languages.count < 2 else {
                    throw fail(lineNo, "a third language '\(language)'; the study compares exactly two (\(out.languages.joined(separator: ", ")))")
                }
                out.languages.append(language)
                label = out.languages.count - 1
            }
            if let first = seen["\(language)\t\(word)"] { throw fail(lineNo, "'\(word)' is listed for \(language) already on line \(first)") }
            seen["\(language)\t\(word)"] = lineNo
            out.words.append(word); out.labels.append(label!); out.lines.append(lineNo)
        }
        guard out.languages.count == 2 else {
            throw fail(max(lineNo, 1), out.languages.isEmpty ? "no words; the study needs two languages"
                       : "every word is '\(out.languages[0])'; the study needs words of two languages")
        }
        return out
    }
}

/// One row of the order trade-off table (models fitted on the whole training part).
public struct LanguageOrderRow: Sendable, Codable, Equatable {
    public let order: Int
    public let validationBits: Double
    public let testBits: Double
    public let generativeError: Double
    public let discriminativeError: Double
    public let judgedShare: Double
    public let realShare: Double
    public let copyShare: Double
    public let features: Int
    public let converged: Bool
}

/// A task's value at every size: mean over draws with its interval.
public struct LanguageCurve: Sendable, Codable, Equatable {
    public let task: String
    public let mean: [Double]
    public let lower: [Double]
    public let upper: [Double]
    /// Mean over draws of the share of the way from the smallest-m value to the largest-m value.
    public let progress: [Double]
    public let progressLower: [Double]
    public let progressUpper: [Double]
    /// m from which the task stays `reach` of the way there: geometric mean over draws and interval.
    public let reachM: Double
    public let reachLower: Double
    public let reachUpper: Double
    public let reachPerDraw: [Double]
}

/// A test word the two classifiers disagree on.
public struct LanguageDisagreement: Sendable, Codable, Equatable {
    public let word: String
    public let language: String
    /// P(written language | word) of each classifier.
    public let generative: Double
    public let discriminative: Double
}

public struct LanguageArtifact: Sendable, Codable {
    public let settings: LanguageSettings
    public let seed: UInt64
    public let languages: [String]
    public let written: Int
    public let wordsPerLanguage: [Int]
    public let alphabetSize: Int
    /// Words listed in both languages (whole file), and the pairs of them both in the test part.
    public let sharedWords: Int
    public let sharedInTest: Int
    public let testSize: Int
    public let poolSize: Int
    public let order: Int
    public let orders: [LanguageOrderRow]
    public let sizes: [Int]
    /// Tasks: tell_discriminative, tell_generative (test error), write_bits (bits per character),
    /// write_judged, write_real, write_copy (shares of written words).
    public let curves: [LanguageCurve]
    /// Per size, the first written words of draw 0 ("" when a word did not end within 40 letters).
    public let writtenWords: [[String]]
    public let disagreements: [LanguageDisagreement]
    public let disagreementCount: Int
    public let generativeRight: Int
    public let discriminativeRight: Int
    public let judgeTestError: Double
    public let nonConverged: Int
    public let fits: Int

    public func curve(_ task: String) -> LanguageCurve? { curves.first { $0.task == task } }
}

public enum LanguageStudy {
    static let tasks: [(id: String, higherIsBetter: Bool)] = [
        ("tell_discriminative", false), ("tell_generative", false), ("write_bits", false),
        ("write_judged", true), ("write_real", true), ("write_copy", true),
    ]

    struct Parts {
        var test: [[Int]] = []      // per language, word indices
        var validation: [[Int]] = []
        var dictionary: [[Int]] = []
        var pool: [[Int]] = []
    }

    struct Unit: Sendable {
        var values: [Double]        // per task
        var written: [String]
        var converged: Bool
    }

    struct Fitted: Sendable {
        let bayes: CharNgramBayesClassifier
        let lr: SparseLogisticRegression
        let features: CharNgramFeatures
    }

    /// Both lenses on one training set (word indices per language).
    static func fit(order: Int, train: [[Int]], data: Prepared, settings: LanguageSettings) throws -> Fitted {
        let w = data.written
        var models = [CharNgramLanguageModel]()
        for l in 0..<2 {
            var m = CharNgramLanguageModel(order: order, alphabet: data.alphabet)
            m.fit(train[l].map { data.symbols[$0] })
            models.append(m)
        }
        var features = CharNgramFeatures(order: order)
        let trainRows = train[0] + train[1]
        features.learn(trainRows.map { data.symbols[$0] })
        var lr = SparseLogisticRegression(c: settings.c, maxIterations: settings.maxIterations, tolerance: settings.tolerance)
        // y = 1 for the written language.
        try lr.fit(features.matrix(trainRows.map { data.symbols[$0] }), trainRows.map { data.labels[$0] == w ? 1 : 0 })
        return Fitted(bayes: CharNgramBayesClassifier(models: models), lr: lr, features: features)
    }

    /// Everything measured for one training set (one size, one draw): the values of `tasks`, in order.
    /// Without a judge, the written words are judged by the fitted discriminative model itself.
    static func measure(_ fitted: Fitted, train: [[Int]], data: Prepared, settings: LanguageSettings,
                        judge: (SparseLogisticRegression, CharNgramFeatures)?, sampleStream: String, seed: UInt64)
        -> (values: [Double], written: [String], converged: Bool) {
        let w = data.written, other = 1 - w
        let bayes = fitted.bayes, models = bayes.models, lr = fitted.lr, features = fitted.features
        let testRows = data.parts.test[0] + data.parts.test[1]
        let pLR = lr.probabilities(features.matrix(testRows.map { data.symbols[$0] }))
        var wrongG = 0, wrongD = 0
        for (k, r) in testRows.enumerated() {
            let y = data.labels[r]
            if bayes.predict(data.symbols[r]) != y { wrongG += 1 }
            if (pLR[k] >= 0.5 ? w : other) != y { wrongD += 1 }
        }
        // The written language's model on its own test words.
        let bits = models[w].bitsPerCharacter(data.parts.test[w].map { data.symbols[$0] })

        var rng = SeededRandom(seed: seed, stream: sampleStream)
        var written = [String](), real = 0, copies = 0, judged = 0
        let trainingWords = Set(train[w].map { data.words[$0] })
        var samples = [[Int]]()
        for _ in 0..<settings.samples {
            guard let s = models[w].sample(&rng) else { written.append(""); continue }
            let word = data.alphabet.word(s)
            written.append(word)
            samples.append(s)
            if data.dictionary.contains(word) { real += 1 }
            if trainingWords.contains(word) { copies += 1 }
        }
        let (judgeLR, judgeFeatures) = judge ?? (lr, features)
        judged = judgeLR.probabilities(judgeFeatures.matrix(samples)).filter { $0 >= settings.judgeThreshold }.count
        let N = Double(settings.samples)
        let values = [Double(wrongD) / Double(testRows.count), Double(wrongG) / Double(testRows.count), bits,
                      Double(judged) / N, Double(real) / N, Double(copies) / N]
        return (values, Array(written.prefix(settings.shown)), lr.convergence.converged)
    }

    struct Prepared: Sendable {
        let list: WordList
        let alphabet: CharAlphabet
        let symbols: [[Int]]
        var words: [String] { list.words }
        var labels: [Int] { list.labels }
        let written: Int
        let parts: Parts
        /// The written language's dictionary part.
        let dictionary: Set<String>
    }

    /// The word list, checked against the settings: every problem of the file at its line, then the
    /// language to write and enough words per language for the held-out parts.
    public static func words(_ settings: LanguageSettings, bytes: Data) throws -> WordList {
        let list = try WordList.parse(bytes, file: settings.file)
        guard list.languages.contains(settings.write) else {
            throw PipelineError("lenses.yml: language.write: '\(settings.write)' is not a language of \(settings.file); it has \(list.languages.joined(separator: ", "))")
        }
        for l in 0..<2 {
            let n = list.labels.filter { $0 == l }.count, need = settings.test + settings.validation + settings.dictionary + settings.smallest
            guard n >= need else {
                throw PipelineError("lenses.yml: language: \(settings.file) has \(n) \(list.languages[l]) words; test + validation + dictionary + smallest need \(need)")
            }
        }
        return list
    }

    public static func run(_ settings: LanguageSettings, bytes: Data, seed projectSeed: UInt64,
                           parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> LanguageArtifact {
        let seed = settings.seed ?? projectSeed
        let list = try words(settings, bytes: bytes)
        let written = list.languages.firstIndex(of: settings.write)!
        let alphabet = CharAlphabet(words: list.words)
        let symbols = list.words.map { alphabet.symbols($0)! }
        var splitParts = Parts()
        for l in 0..<2 {
            var rows = list.labels.indices.filter { list.labels[$0] == l }
            var rng = SeededRandom(seed: seed, stream: "language/split/\(list.languages[l])")
            rng.shuffle(&rows)
            var at = 0
            func take(_ n: Int) -> [Int] { defer { at += n }; return Array(rows[at..<(at + n)]).sorted() }
            splitParts.test.append(take(settings.test))
            splitParts.validation.append(take(settings.validation))
            splitParts.dictionary.append(take(settings.dictionary))
            splitParts.pool.append(Array(rows[at...]))   // shuffled: a prefix is a random subset
        }
        let parts = splitParts
        let data = Prepared(list: list, alphabet: alphabet, symbols: symbols, written: written, parts: parts,
                            dictionary: Set(parts.dictionary[written].map { list.words[$0] }))
        let poolSize = min(parts.pool[0].count, parts.pool[1].count)
        let sizes = logSpaced(from: settings.smallest, to: poolSize, count: settings.sizes)
        let full = [Array(parts.pool[0].prefix(poolSize)), Array(parts.pool[1].prefix(poolSize))]

        // 1. The order trade-off on the whole training part; the judge is the discriminative
        //    model of each order (the chosen order's judges the size experiment).
        let threads = max(1, parallelism)
        let orderResults = try parallelMap(settings.orders.count, threads: threads) { k -> (LanguageOrderRow, Fitted) in
            let order = settings.orders[k]
            // No judge given: each order's samples are judged by its own discriminative model.
            let f = try fit(order: order, train: full, data: data, settings: settings)
            let r = measure(f, train: full, data: data, settings: settings, judge: nil,
                            sampleStream: "language/orders/\(order)", seed: seed)
            let validation = f.bayes.models[written].bitsPerCharacter(parts.validation[written].map { symbols[$0] })
            let row = LanguageOrderRow(order: order, validationBits: validation, testBits: r.values[2],
                                       generativeError: r.values[1], discriminativeError: r.values[0], judgedShare: r.values[3],
                                       realShare: r.values[4], copyShare: r.values[5], features: f.features.vocabulary.count,
                                       converged: r.converged)
            return (row, f)
        }
        let orders = orderResults.map(\.0)
        let best = orders.indices.min { orders[$0].validationBits < orders[$1].validationBits }!
        let order = orders[best].order
        let fullFit = orderResults[best].1
        let judge = (fullFit.lr, fullFit.features)

        // 2. The size experiment at that order: units (size, draw); at the whole training part
        //    every draw has the same training set, so only the written words differ.
        let D = settings.draws
        let units = try parallelMap(sizes.count * D, threads: threads) { u -> Unit in
            let i = u / D, d = u % D, m = sizes[i]
            var train = [[Int]]()
            for l in 0..<2 {
                var rows = Array(parts.pool[l].prefix(poolSize))
                if m < poolSize {
                    var rng = SeededRandom(seed: seed, stream: "language/train/\(m)/\(d)/\(list.languages[l])")
                    rng.shuffle(&rows)
                }
                train.append(Array(rows.prefix(m)))
            }
            // The whole training part is the same set in every draw: its fit is the order table's.
            let f = m == poolSize ? fullFit : try fit(order: order, train: train, data: data, settings: settings)
            let r = measure(f, train: train, data: data, settings: settings, judge: judge,
                            sampleStream: "language/samples/\(m)/\(d)", seed: seed)
            return Unit(values: r.values, written: r.written, converged: r.converged)
        }

        var curves = [LanguageCurve]()
        for (t, task) in tasks.enumerated() {
            var mean = [Double](), lower = [Double](), upper = [Double](), pm = [Double](), pl = [Double](), pu = [Double]()
            var perDraw = [[Double]](repeating: [], count: D)
            for i in sizes.indices {
                let v = (0..<D).map { units[i * D + $0].values[t] }
                for d in 0..<D { perDraw[d].append(v[d]) }
                let ci = Statistics.meanConfidenceInterval(v, level: settings.level)
                mean.append(ci.mean); lower.append(ci.lower); upper.append(ci.upper)
            }
            // Every draw scaled by the mean curve's ends: 0 at the smallest m, 1 at the largest.
            let progress = perDraw.map { scaled($0, from: mean.first!, to: mean.last!) }
            for i in sizes.indices {
                let ci = Statistics.meanConfidenceInterval(progress.map { $0[i] }, level: settings.level)
                pm.append(ci.mean); pl.append(ci.lower); pu.append(ci.upper)
            }
            let reach = progress.map { reachM($0, sizes: sizes, reach: settings.reach) }
            let ci = Statistics.meanConfidenceInterval(reach.map(log10), level: settings.level)
            curves.append(LanguageCurve(task: task.id, mean: mean, lower: lower, upper: upper,
                                        progress: pm, progressLower: pl, progressUpper: pu,
                                        reachM: pow(10, ci.mean), reachLower: pow(10, ci.lower), reachUpper: pow(10, ci.upper),
                                        reachPerDraw: reach))
        }

        // 3. Disagreements at the whole training part, chosen order.
        let fullBayes = fullFit.bayes
        let testRows = parts.test[0] + parts.test[1]
        let pD = judge.0.probabilities(judge.1.matrix(testRows.map { symbols[$0] }))
        var disagreements = [LanguageDisagreement](), gRight = 0, dRight = 0
        for (k, r) in testRows.enumerated() {
            let pG = fullBayes.probabilities(symbols[r])[written]
            let g = fullBayes.predict(symbols[r]), dd = pD[k] >= 0.5 ? written : 1 - written
            guard g != dd else { continue }
            if g == list.labels[r] { gRight += 1 }
            if dd == list.labels[r] { dRight += 1 }
            disagreements.append(LanguageDisagreement(word: list.words[r], language: list.languages[list.labels[r]],
                                                      generative: pG, discriminative: pD[k]))
        }
        let count = disagreements.count
        disagreements.sort { (abs($0.generative - $0.discriminative), $1.word) > (abs($1.generative - $1.discriminative), $0.word) }

        // Shared words: in both languages anywhere, and pairs with both rows in the test part.
        var byLanguage = [Set<String>(), Set<String>()]
        for (w, l) in zip(list.words, list.labels) { byLanguage[l].insert(w) }
        let testWords = (0..<2).map { l in Set(parts.test[l].map { list.words[$0] }) }
        let judgeTest = orders[best].discriminativeError
        return LanguageArtifact(
            settings: settings, seed: seed, languages: list.languages, written: written,
            wordsPerLanguage: (0..<2).map { l in list.labels.filter { $0 == l }.count }, alphabetSize: alphabet.letters.count,
            sharedWords: byLanguage[0].intersection(byLanguage[1]).count, sharedInTest: testWords[0].intersection(testWords[1]).count,
            testSize: testRows.count, poolSize: poolSize, order: order, orders: orders, sizes: sizes, curves: curves,
            writtenWords: sizes.indices.map { units[$0 * D].written }, disagreements: Array(disagreements.prefix(12)),
            disagreementCount: count, generativeRight: gRight, discriminativeRight: dRight, judgeTestError: judgeTest,
            nonConverged: units.filter { !$0.converged }.count + orders.filter { !$0.converged }.count,
            fits: 3 * (sizes.dropLast().count * D + orders.count))
    }

    /// `count` sizes from `a` to `b`, evenly spaced in log m and rounded (duplicates merged).
    static func logSpaced(from a: Int, to b: Int, count: Int) -> [Int] {
        guard b > a else { return [b] }
        var out = [Int]()
        for k in 0..<count {
            let v = Int((pow(10, log10(Double(a)) + Double(k) / Double(count - 1) * (log10(Double(b)) - log10(Double(a))))).rounded())
            if out.last != v { out.append(v) }
        }
        out[out.count - 1] = b
        return out
    }

    /// (v − v₀) / (v_M − v₀) per size: 0 at the smallest m, 1 at the largest.
    static func progressCurve(_ v: [Double]) -> [Double] { scaled(v, from: v.first!, to: v.last!) }

    /// (v − a) / (b − a); all 1 when a = b (nothing to learn).
    static func scaled(_ v: [Double], from a: Double, to b: Double) -> [Double] {
        let span = b - a
        guard span != 0 else { return v.map { _ in 1 } }
        return v.map { ($0 - a) / span }
    }

    /// The m from which progress stays ≥ reach, interpolated in log m between sizes.
    static func reachM(_ p: [Double], sizes: [Int], reach: Double) -> Double {
        var i = p.count - 1
        while i > 0 && p[i - 1] >= reach { i -= 1 }
        guard i > 0 else { return Double(sizes[0]) }
        let t = (reach - p[i - 1]) / (p[i] - p[i - 1])
        return pow(10, log10(Double(sizes[i - 1])) + t * (log10(Double(sizes[i])) - log10(Double(sizes[i - 1]))))
    }

    /// `body` over 0..<n on up to `threads` threads; results in index order, whatever the scheduling.
    static func parallelMap<T: Sendable>(_ n: Int, threads: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let box = ParallelBox<T>(n)
        let work: @Sendable (Int) -> Void = { _ in
            while let i = box.take() { box.put(Result { try body(i) }, i) }
        }
        let workers = max(1, min(threads, n))
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        return try box.results.map { try $0!.get() }
    }
}

/// Hands out indices in order and keeps each result in its own slot.
final class ParallelBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private(set) var results: [Result<T, Error>?]
    init(_ n: Int) { results = .init(repeating: nil, count: n) }
    func take() -> Int? { lock.lock(); defer { lock.unlock() }; guard next < results.count else { return nil }; next += 1; return next - 1 }
    func put(_ r: Result<T, Error>, _ i: Int) { lock.lock(); results[i] = r; lock.unlock() }
}
