import Foundation
import Numerics

/// The synthetic 2-D teaching sets, generated from a seed (the same seed gives
/// the same points on every machine). Shapes follow scikit-learn's
/// `make_moons`, `make_circles` and `make_blobs`.
public enum Synthetic {
    /// Two interleaving half circles, `n/2` per class, plus N(0, noise²) jitter.
    public static func twoMoons(n: Int = 500, noise: Double = 0.25, seed: UInt64) -> Dataset {
        var rng = SeededRandom(seed: seed, stream: "two_moons")
        let nOut = n / 2, nIn = n - nOut
        var pts = [Double](), y = [Int]()
        for i in 0..<nOut {
            let t = nOut > 1 ? Double.pi * Double(i) / Double(nOut - 1) : 0
            pts += [cos(t), sin(t)]; y.append(0)
        }
        for i in 0..<nIn {
            let t = nIn > 1 ? Double.pi * Double(i) / Double(nIn - 1) : 0
            pts += [1 - cos(t), 1 - sin(t) - 0.5]; y.append(1)
        }
        for k in pts.indices { pts[k] += noise * rng.normal() }
        return shuffled(name: "two_moons", title: "Two moons", x: pts, y: y,
                        classNames: ["upper moon", "lower moon"], rng: &rng)
    }

    /// Two concentric circles (radius 1 and `factor`), `n/2` per class, plus noise.
    public static func circles(n: Int = 500, noise: Double = 0.1, factor: Double = 0.5, seed: UInt64) -> Dataset {
        var rng = SeededRandom(seed: seed, stream: "circles")
        let nOut = n / 2, nIn = n - nOut
        var pts = [Double](), y = [Int]()
        for i in 0..<nOut {
            let t = 2 * Double.pi * Double(i) / Double(nOut)
            pts += [cos(t), sin(t)]; y.append(0)
        }
        for i in 0..<nIn {
            let t = 2 * Double.pi * Double(i) / Double(nIn)
            pts += [factor * cos(t), factor * sin(t)]; y.append(1)
        }
        for k in pts.indices { pts[k] += noise * rng.normal() }
        return shuffled(name: "circles", title: "Circles", x: pts, y: y,
                        classNames: ["outer circle", "inner circle"], rng: &rng)
    }

    /// Two isotropic Gaussian blobs centred at (−1.5, 0) and (1.5, 0) with standard deviation `std`.
    public static func blobs(n: Int = 500, std: Double = 1, seed: UInt64) -> Dataset {
        var rng = SeededRandom(seed: seed, stream: "blobs")
        let centres = [(-1.5, 0.0), (1.5, 0.0)]
        var pts = [Double](), y = [Int]()
        for (c, centre) in centres.enumerated() {
            let count = n / 2 + (c < n % 2 ? 1 : 0)
            for _ in 0..<count {
                pts += [centre.0 + std * rng.normal(), centre.1 + std * rng.normal()]
                y.append(c)
            }
        }
        return shuffled(name: "blobs", title: "Blobs", x: pts, y: y,
                        classNames: ["left blob", "right blob"], rng: &rng)
    }

    /// XOR: x uniform on [−3, 3]², class 1 where x₁·x₂ > 0, then N(0, noise²) added to x.
    public static func xor(n: Int = 500, noise: Double = 0.3, seed: UInt64) -> Dataset {
        var rng = SeededRandom(seed: seed, stream: "xor")
        var pts = [Double](), y = [Int]()
        for _ in 0..<n {
            let a = rng.uniform(-3, 3), b = rng.uniform(-3, 3)
            y.append(a * b > 0 ? 1 : 0)
            pts += [a + noise * rng.normal(), b + noise * rng.normal()]
        }
        return Dataset(name: "xor", title: "XOR", featureNames: ["x₁", "x₂"],
                       classNames: ["x₁·x₂ < 0", "x₁·x₂ > 0"],
                       x: Matrix(rows: n, cols: 2, data: pts), y: y)
    }

    private static func shuffled(name: String, title: String, x: [Double], y: [Int],
                                 classNames: [String], rng: inout SeededRandom) -> Dataset {
        var order = Array(0..<y.count)
        rng.shuffle(&order)
        let m = Matrix(rows: y.count, cols: 2, data: x).rows(order)
        return Dataset(name: name, title: title, featureNames: ["x₁", "x₂"], classNames: classNames,
                       x: m, y: order.map { y[$0] })
    }
}
