#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Numerics

extension Synthetic {
    /// The centres of `modes` Gaussians spaced evenly on a circle of `radius`,
    /// the first at angle 0 (modes × 2).
    public static func ringCentres(modes: Int = 8, radius: Double = 2) -> Matrix {
        Matrix((0..<modes).map { k in
            let t = 2 * Double.pi * Double(k) / Double(modes)
            return [radius * cos(t), radius * sin(t)]
        })
    }

    /// The ring of Gaussians used to show mode collapse in GANs (Metz et al. 2017,
    /// "Unrolled generative adversarial networks"): `n` points, each from one of
    /// `modes` isotropic Gaussians N(c_k, std² I) picked uniformly at random, with the
    /// centres c_k on a circle of `radius`. The label is the mode.
    public static func ringOfGaussians(n: Int = 2000, modes: Int = 8, radius: Double = 2, std: Double = 0.05,
                                       seed: UInt64) -> Dataset {
        precondition(modes >= 1 && n >= 1, "a ring needs at least one mode and one point")
        var rng = SeededRandom(seed: seed, stream: "ring_of_gaussians")
        let centres = ringCentres(modes: modes, radius: radius)
        var x = Matrix(rows: n, cols: 2)
        var y = [Int]()
        for i in 0..<n {
            let k = rng.index(below: modes)
            x[i, 0] = centres[k, 0] + std * rng.normal()
            x[i, 1] = centres[k, 1] + std * rng.normal()
            y.append(k)
        }
        return Dataset(name: "ring_of_gaussians", title: "Ring of \(modes) Gaussians", featureNames: ["x₁", "x₂"],
                       classNames: (0..<modes).map { "mode \($0 + 1)" }, x: x, y: y)
    }
}
