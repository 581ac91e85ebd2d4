import Testing
@testable import Datasets
import Numerics

@Suite("Synthetic datasets and splits")
struct SyntheticTests {
    @Test("Each synthetic set has 500 points, balanced classes, and is the same for the same seed",
          arguments: ["two_moons", "circles", "blobs"])
    func balancedAndSeeded(kind: String) {
        func make(_ seed: UInt64) -> Dataset {
            switch kind {
            case "two_moons": return Synthetic.twoMoons(seed: seed)
            case "circles": return Synthetic.circles(seed: seed)
            default: return Synthetic.blobs(seed: seed)
            }
        }
        let a = make(1), b = make(1), c = make(2)
        #expect(a.count == 500 && a.classCounts() == [250, 250])
        #expect(a.x == b.x && a.y == b.y)
        #expect(a.x != c.x)
    }

    @Test("Circles: mean radius 1 outside and 0.5 inside (noise 0.1)")
    func circleRadii() {
        let d = Synthetic.circles(seed: 9)
        for (k, r) in [(0, 1.0), (1, 0.5)] {
            let radii = (0..<d.count).filter { d.y[$0] == k }.map { (d.x[$0, 0] * d.x[$0, 0] + d.x[$0, 1] * d.x[$0, 1]).squareRoot() }
            #expect(abs(radii.reduce(0, +) / Double(radii.count) - r) < 0.03)
        }
    }

    @Test("Blobs: class means near (±1.5, 0) within 4 standard errors")
    func blobCentres() {
        let d = Synthetic.blobs(seed: 4)
        for (k, cx) in [(0, -1.5), (1, 1.5)] {
            let xs = (0..<d.count).filter { d.y[$0] == k }.map { d.x[$0, 0] }
            #expect(abs(xs.reduce(0, +) / Double(xs.count) - cx) < 4 / Double(xs.count).squareRoot())
        }
    }

    @Test("XOR: labels agree with the sign of x₁·x₂ except near the axes")
    func xorLabels() {
        let d = Synthetic.xor(seed: 3)
        let far = (0..<d.count).filter { abs(d.x[$0, 0]) > 1.2 && abs(d.x[$0, 1]) > 1.2 }
        #expect(far.count > 100)
        #expect(far.allSatisfy { (d.x[$0, 0] * d.x[$0, 1] > 0 ? 1 : 0) == d.y[$0] })
    }

    @Test("A stratified split keeps class proportions, covers every row once and is seeded")
    func stratified() {
        let labels = Array(repeating: 0, count: 100) + Array(repeating: 1, count: 50) + Array(repeating: 2, count: 10)
        let s = Splitter.stratified(labels: labels, classCount: 3, testFraction: 0.3, seed: 11)
        #expect(Set(s.train).isDisjoint(with: s.test))
        #expect((s.train + s.test).sorted() == Array(0..<160))
        let testCounts = (0..<3).map { k in s.test.filter { labels[$0] == k }.count }
        #expect(testCounts == [30, 15, 3])
        #expect(Splitter.stratified(labels: labels, classCount: 3, seed: 11) == s)
        #expect(Splitter.stratified(labels: labels, classCount: 3, seed: 12) != s)
    }
}
