#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded pseudo-random generator: xoshiro256** (Blackman & Vigna 2018),
/// seeded through SplitMix64. Every random draw in TwoLenses comes from one of
/// these, so the same seed always gives the same site.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?

    public init(seed: UInt64) {
        var sm = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&sm); s1 = splitMix(&sm); s2 = splitMix(&sm); s3 = splitMix(&sm)
    }

    /// A generator for a named sub-stream: the same (seed, name) always gives the
    /// same stream, whatever order jobs run in.
    public init(seed: UInt64, stream name: String) {
        // FNV-1a over the UTF-8 bytes of the name, mixed with the seed.
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        self.init(seed: seed ^ h)
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform on [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform on [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

    /// Standard normal draw (Box–Muller, both values used).
    public mutating func normal() -> Double {
        if let z = spareNormal { spareNormal = nil; return z }
        var u1 = uniform()
        while u1 <= 0 { u1 = uniform() }
        let u2 = uniform()
        let r = (-2 * log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareNormal = r * sin(theta)
        return r * cos(theta)
    }

    public mutating func normal(mean: Double, std: Double) -> Double { mean + std * normal() }

    /// An index drawn with the given (unnormalised, non-negative) weights.
    public mutating func categorical(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0, "categorical needs a positive total weight")
        var u = uniform() * total
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.lastIndex { $0 > 0 } ?? 0
    }

    /// Uniform integer in 0..<n without modulo bias.
    public mutating func index(below n: Int) -> Int {
        precondition(n > 0)
        return Int(next(upperBound: UInt64(n)))
    }

    /// A Fisher–Yates shuffle driven by this generator (deterministic for a seed).
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, index(below: i + 1))
        }
    }
}
