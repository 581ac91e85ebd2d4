import Datasets
import Foundation
import Models
import Numerics

/// Which rows each fit sees: one stratified test part per split index, and for every
/// (size, split) a stratified training set drawn from that split's pool.
///
/// Seeding: the test part of split s comes from the stream "learning-curves/NAME/test/s",
/// the training set of size m in split s from "learning-curves/NAME/train/m/s": no draw
/// depends on another, so any fit can be recomputed alone, in any order, on any thread.
/// Training sets of different sizes are drawn independently (NOT nested): the points of a
/// curve are independent estimates, each with its own interval.
public struct LearningCurvePlan: Sendable, Equatable {
    public let name: String
    public let seed: UInt64
    public let classCount: Int
    public let sizes: [Int]
    /// Per size, rows of each class in the training set (proportional to the pool, at least minPerClass).
    public let allocation: [[Int]]
    /// Per split, the sorted test rows.
    public let tests: [[Int]]
    /// Per split, the pool's rows of each class, sorted.
    public let pools: [[[Int]]]

    public var splits: Int { tests.count }
    public var poolSize: Int { pools.first.map { $0.reduce(0) { $0 + $1.count } } ?? 0 }

    public init(name: String, labels: [Int], classCount: Int, settings: LearningCurveSettings, seed: UInt64) throws {
        self.name = name
        self.seed = seed
        self.classCount = classCount
        var tests = [[Int]](), pools = [[[Int]]]()
        for s in 0..<settings.splits {
            var rng = SeededRandom(seed: seed, stream: "learning-curves/\(name)/test/\(s)")
            var test = [Int](), pool = [[Int]]()
            for c in 0..<classCount {
                var members = labels.indices.filter { labels[$0] == c }
                rng.shuffle(&members)
                // Splitter.stratified's rule: round(f · n_c) test rows, at least 1 when the class has 2+.
                var nTest = Int((settings.testFraction * Double(members.count)).rounded())
                if members.count >= 2 { nTest = min(max(nTest, 1), members.count - 1) } else { nTest = 0 }
                test += members.prefix(nTest)
                pool.append(members.dropFirst(nTest).sorted())
            }
            tests.append(test.sorted())
            pools.append(pool)
        }
        self.tests = tests
        self.pools = pools
        let poolCounts = pools[0].map(\.count)
        if let c = poolCounts.firstIndex(where: { $0 < settings.minPerClass }) {
            throw PipelineError("learning curves '\(name)': class \(c) has \(poolCounts[c]) rows left for training, fewer than min_per_class = \(settings.minPerClass); lower min_per_class or drop the class")
        }
        let smallest = settings.minPerClass * classCount
        sizes = Self.logSpacedSizes(from: smallest, to: poolCounts.reduce(0, +), count: settings.sizes)
        allocation = sizes.map { Self.allocate($0, counts: poolCounts, minimum: settings.minPerClass) }
    }

    /// `count` sizes from `lo` to `hi`, equally spaced in log m, rounded, without repeats.
    public static func logSpacedSizes(from lo: Int, to hi: Int, count: Int) -> [Int] {
        guard hi > lo, count >= 2 else { return [hi] }
        var out = [Int]()
        for i in 0..<count {
            let t = Double(i) / Double(count - 1)
            let m = i == count - 1 ? hi : Int(exp(log(Double(lo)) + t * (log(Double(hi)) - log(Double(lo)))).rounded())
            if out.last != m { out.append(min(max(m, lo), hi)) }
        }
        return out
    }

    /// Rows per class for a training set of size m: m · n_c / N rounded by largest remainders,
    /// at least `minimum` and at most n_c per class.
    public static func allocate(_ m: Int, counts: [Int], minimum: Int) -> [Int] {
        let total = counts.reduce(0, +)
        precondition(m <= total && m >= counts.reduce(0) { $0 + min($1, minimum) }, "size \(m) cannot be allocated")
        let share = counts.map { Double(m) * Double($0) / Double(total) }
        var out = counts.indices.map { min(max(Int(share[$0].rounded(.down)), min(minimum, counts[$0])), counts[$0]) }
        while out.reduce(0, +) < m {
            let c = counts.indices.filter { out[$0] < counts[$0] }.max { share[$0] - Double(out[$0]) < share[$1] - Double(out[$1]) }!
            out[c] += 1
        }
        while out.reduce(0, +) > m {
            let c = counts.indices.filter { out[$0] > min(minimum, counts[$0]) }.min { share[$0] - Double(out[$0]) < share[$1] - Double(out[$1]) }!
            out[c] -= 1
        }
        return out
    }

    /// The sorted training rows of size index i in split s.
    public func training(size i: Int, split s: Int) -> [Int] {
        var rng = SeededRandom(seed: seed, stream: "learning-curves/\(name)/train/\(sizes[i])/\(s)")
        var rows = [Int]()
        rows.reserveCapacity(sizes[i])
        for c in 0..<classCount {
            var members = pools[s][c]
            let take = allocation[i][c]
            // Partial Fisher–Yates: the first `take` places get a uniform random subset.
            for j in 0..<take {
                members.swapAt(j, j + rng.index(below: members.count - j))
            }
            rows += members.prefix(take)
        }
        return rows.sorted()
    }
}
