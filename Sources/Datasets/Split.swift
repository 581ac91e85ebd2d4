import Numerics

/// Row indices of a train/test split.
public struct Split: Sendable, Equatable, Codable {
    public let train: [Int]
    public let test: [Int]
    public init(train: [Int], test: [Int]) { self.train = train; self.test = test }
}

public enum Splitter {
    /// A stratified split: in every class, `round(testFraction · n_c)` rows
    /// (at least one when the class has two or more) go to the test part,
    /// chosen by a seeded shuffle. Both index lists are returned sorted.
    public static func stratified(labels: [Int], classCount: Int, testFraction: Double = 0.3,
                                  seed: UInt64) -> Split {
        precondition(testFraction > 0 && testFraction < 1, "test fraction must be in (0, 1)")
        var rng = SeededRandom(seed: seed, stream: "stratified-split")
        var train = [Int](), test = [Int]()
        for c in 0..<classCount {
            var members = labels.indices.filter { labels[$0] == c }
            rng.shuffle(&members)
            var nTest = Int((testFraction * Double(members.count)).rounded())
            if members.count >= 2 { nTest = min(max(nTest, 1), members.count - 1) } else { nTest = 0 }
            test += members.prefix(nTest)
            train += members.dropFirst(nTest)
        }
        return Split(train: train.sorted(), test: test.sorted())
    }
}
