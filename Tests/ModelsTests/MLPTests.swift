import Datasets
import Foundation
import Testing
@testable import Models
import Numerics

@Suite("Neural network (MLP)")
struct MLPTests {
    static let moons = Synthetic.twoMoons(n: 200, noise: 0.2, seed: 5)

    /// A tiny network (3 → 4 → 3 → 3) and a batch of 5 whose pre-activations all stay
    /// at least 1e-3 away from the ReLU kink, so a step of 1e-6 never crosses it.
    static func tinyProblem() -> (DenseNetwork, Matrix, [Int]) {
        var rng = SeededRandom(seed: 21)
        let net = DenseNetwork(sizes: [3, 4, 3, 3], hidden: .relu, output: .identity, using: &rng)
        let x = Matrix(rows: 5, cols: 3, data: (0..<15).map { _ in rng.normal() })
        return (net, x, [0, 2, 1, 2, 0])
    }

    @Test("Back-propagated gradients equal central finite differences (relative error < 1e-6, L2 term included)")
    func gradientCheck() throws {
        let (net, x, y) = Self.tinyProblem()
        let alpha = 0.3                                  // large, so the penalty's gradient matters
        let acts = net.trace(x).activations
        for a in acts.dropFirst().dropLast() {           // hidden pre-activations (after ReLU: 0 or > 0)
            #expect(a.data.allSatisfy { $0 == 0 || $0 > 1e-3 })
        }
        let (_, g) = MLPClassifier.lossAndGradient(net, x, y, classCount: 3, alpha: alpha)
        let h = 1e-6
        func loss(_ n: DenseNetwork) -> Double {
            MLPClassifier.lossAndGradient(n, x, y, classCount: 3, alpha: alpha).loss
        }
        var worst = 0.0
        // Relative error |a − n| / max(|a|, |n|, 1e-3): the floor keeps near-zero
        // components (absolute error ~1e-10 from rounding) from dominating.
        func compare(_ analytic: Double, _ numeric: Double) {
            worst = max(worst, abs(analytic - numeric) / max(abs(analytic), abs(numeric), 1e-3))
        }
        for l in net.layers.indices {
            for i in net.layers[l].weights.data.indices {
                var plus = net, minus = net
                plus.layers[l].weights.data[i] += h; minus.layers[l].weights.data[i] -= h
                compare(g.weights[l].data[i], (loss(plus) - loss(minus)) / (2 * h))
            }
            for i in net.layers[l].bias.indices {
                var plus = net, minus = net
                plus.layers[l].bias[i] += h; minus.layers[l].bias[i] -= h
                compare(g.biases[l][i], (loss(plus) - loss(minus)) / (2 * h))
            }
        }
        #expect(worst < 1e-6, "worst relative error \(worst)")
    }

    @Test("The batch loss is the mean cross-entropy plus α/(2b)·Σ‖W‖², computed here with plain loops")
    func lossValue() {
        let (net, x, y) = Self.tinyProblem()
        let alpha = 0.3
        var a = (0..<x.rows).map { x.row($0) }
        for l in net.layers.indices {
            let w = net.layers[l].weights
            a = a.map { row in
                (0..<w.cols).map { j in
                    let z = net.layers[l].bias[j] + (0..<w.rows).reduce(0.0) { $0 + row[$1] * w[$1, j] }
                    return l < net.layers.count - 1 ? max(0, z) : z
                }
            }
        }
        var expected = 0.0
        for (i, z) in a.enumerated() { expected += log(z.map { exp($0) }.reduce(0, +)) - z[y[i]] }
        expected /= 5
        expected += alpha / (2 * 5) * net.layers.reduce(0) { $0 + $1.weights.data.reduce(0) { $0 + $1 * $1 } }
        let got = MLPClassifier.lossAndGradient(net, x, y, classCount: 3, alpha: alpha).loss
        #expect(abs(got - expected) < 1e-12 * max(1, expected))
    }

    @Test("Glorot-uniform initialisation: every weight and bias within ±√(6/(fan_in+fan_out))")
    func initialisation() {
        var rng = SeededRandom(seed: 4)
        let net = DenseNetwork(sizes: [2, 32, 32, 3], hidden: .relu, output: .identity, using: &rng)
        #expect(net.layers.map { [$0.weights.rows, $0.weights.cols] } == [[2, 32], [32, 32], [32, 3]])
        for (l, (fanIn, fanOut)) in [(2, 32), (32, 32), (32, 3)].enumerated() {
            let bound = (6 / Double(fanIn + fanOut)).squareRoot()
            #expect(net.layers[l].weights.data.allSatisfy { abs($0) <= bound })
            #expect(net.layers[l].bias.allSatisfy { abs($0) <= bound })
        }
        // Uniform(−B, B) has variance B²/3; 1024 draws put the sample variance within 15 %.
        let w = net.layers[1].weights.data, bound2 = 6.0 / 64
        let variance = w.reduce(0) { $0 + $1 * $1 } / Double(w.count)
        #expect(abs(variance / (bound2 / 3) - 1) < 0.15)
    }

    @Test("Training on two moons: the loss falls, the curve is reported, and the fit is good")
    func training() throws {
        var mlp = MLPClassifier()
        try mlp.fit(Self.moons.x, Self.moons.y, classCount: 2)
        #expect(mlp.epochs == mlp.lossCurve.count && mlp.epochs >= 1 && mlp.epochs <= 500)
        #expect(mlp.finalLoss == mlp.lossCurve.last)
        #expect(mlp.lossCurve.allSatisfy { $0.isFinite })
        #expect(mlp.finalLoss < 0.5 * mlp.lossCurve[0], "loss \(mlp.lossCurve[0]) → \(mlp.finalLoss)")
        #expect(Metrics.accuracy(mlp.predictProba(Self.moons.x), Self.moons.y) > 0.95)
        // Stored standardisation: the training mean and population standard deviation.
        let mean = Self.moons.x.columnMeans(), sd = Self.moons.x.columnVariances().map { $0.squareRoot() }
        #expect(zip(mlp.inputMean, mean).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(mlp.inputScale, sd).allSatisfy { abs($0 - $1) < 1e-12 })
        // Early stop (scikit-learn's rule): each of the last 11 epochs failed to beat the
        // best loss before it by tol, and the epoch before them did not.
        if mlp.stoppedEarly {
            let c = mlp.lossCurve, e = c.count
            func stalled(_ j: Int) -> Bool { c[j] > c[..<j].min()! - mlp.tolerance }
            #expect(e >= 12 && ((e - 11)..<e).allSatisfy(stalled) && (e == 12 || !stalled(e - 12)))
        }
    }

    @Test("P(y|x) rows sum to 1 and lie in [0, 1], even at ±1e300")
    func probabilities() throws {
        var mlp = MLPClassifier(maxIterations: 30)
        try mlp.fit(Self.moons.x, Self.moons.y, classCount: 2)
        let x = Matrix([[0, 0], [1, 0.5], [-1e6, 1e6], [1e300, -1e300], [-1e300, 1e300], [3, -2]])
        let p = mlp.predictProba(x)
        #expect(p.allFinite)
        for i in 0..<p.rows {
            #expect(abs(p.row(i).reduce(0, +) - 1) < 1e-12)
            #expect(p.row(i).allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    @Test("Same seed, same network and probabilities; another seed, another network")
    func determinism() throws {
        var a = MLPClassifier(maxIterations: 20, seed: 3), b = a, c = MLPClassifier(maxIterations: 20, seed: 4)
        try a.fit(Self.moons.x, Self.moons.y, classCount: 2)
        try b.fit(Self.moons.x, Self.moons.y, classCount: 2)
        try c.fit(Self.moons.x, Self.moons.y, classCount: 2)
        #expect(a.network == b.network && a.lossCurve == b.lossCurve)
        #expect(a.predictProba(Self.moons.x) == b.predictProba(Self.moons.x))
        #expect(a.network != c.network)
    }

    @Test("Settings: hidden_layers as text sets the layer shapes; bad values refused; registered in the catalogue")
    func settings() throws {
        let d = try MLPClassifier(settings: Settings(model: "MLP"))
        #expect(d.hiddenLayers == [32, 32] && d.alpha == 1e-4 && d.learningRate == 1e-3 && d.batchSize == nil && d.seed == 0)
        #expect(d.settings["hidden_layers"] == .text("32,32"))
        var s = try MLPClassifier(settings: Settings(model: "MLP",
            ["hidden_layers": .text("16, 8"), "max_iter": .integer(3), "batch_size": .integer(50)]))
        try s.fit(Self.moons.x, Self.moons.y, classCount: 2)
        #expect(s.network.layers.map { [$0.weights.rows, $0.weights.cols] } == [[2, 16], [16, 8], [8, 2]])
        #expect(s.network.layers.map(\.activation) == [.relu, .relu, .identity])
        #expect(s.epochs == 3)
        #expect(throws: ModelError.self) { try MLPClassifier(settings: Settings(model: "MLP", ["hidden_layers": .text("32,x")])) }
        #expect(throws: ModelError.self) { try MLPClassifier(settings: Settings(model: "MLP", ["learning_rate": .number(0)])) }
        #expect(throws: ModelError.self) { try MLPClassifier(settings: Settings(model: "MLP", ["layers": .text("3")])) }
        let made = try ModelCatalogue.make(kind: "mlp", settings: ["max_iter": .integer(2)])
        #expect(made is MLPClassifier)
        #expect(made.boundaryShape == "curved boundary (neural network)")
        #expect(ModelCatalogue.entry("mlp")?.displayName == "Neural network (MLP)")
    }

    @Test("A non-finite loss stops training with a clear message naming the epoch")
    func divergence() {
        let (net, _, _) = Self.tinyProblem()
        #expect(MLPClassifier.divergence(epoch: 3, loss: 0.7, network: net) == nil)
        let e = MLPClassifier.divergence(epoch: 3, loss: .nan, network: net)
        #expect(e?.message.contains("diverged at epoch 3") == true && e?.message.contains("lower learning_rate") == true)
        var broken = net
        broken.layers[1].weights.data[0] = .infinity
        #expect(MLPClassifier.divergence(epoch: 8, loss: 0.5, network: broken) != nil)
    }

    @Test("Degenerate inputs: one class refused; constant feature, duplicates and wide data fit with finite probabilities")
    func degenerate() throws {
        var one = MLPClassifier(maxIterations: 5)
        let e = #expect(throws: ModelError.self) { try one.fit(Matrix([[0, 1], [1, 2]]), [0, 0], classCount: 2) }
        #expect(e?.message.contains("only one class") == true)

        var huge = MLPClassifier(maxIterations: 5)
        let h = #expect(throws: ModelError.self) { try huge.fit(Matrix([[1e300, 0], [-1e300, 1]]), [0, 1], classCount: 2) }
        #expect(h?.message.contains("too large to standardise") == true)

        func check(_ x: Matrix, _ y: [Int], _ k: Int, _ label: String) throws -> MLPClassifier {
            var m = MLPClassifier(maxIterations: 200)
            try m.fit(x, y, classCount: k)
            let p = m.predictProba(x)
            #expect(p.allFinite, "\(label)")
            #expect((0..<p.rows).allSatisfy { abs(p.row($0).reduce(0, +) - 1) < 1e-12 }, "\(label)")
            return m
        }
        let constant = Matrix((0..<Self.moons.x.rows).map { [Self.moons.x[$0, 0], 4.0] })
        let c = try check(constant, Self.moons.y, 2, "constant column")
        #expect(c.inputScale[1] == 1 && c.inputMean[1] == 4)
        _ = try check(Matrix([[0, 0], [0, 0], [0, 0], [1, 1], [1, 1]]), [0, 1, 0, 1, 1], 2, "duplicated rows")
        var rng = SeededRandom(seed: 8)
        let wide = Matrix(rows: 6, cols: 20, data: (0..<120).map { _ in rng.normal() })
        let w = try check(wide, [0, 1, 2, 0, 1, 2], 3, "20 features, 6 rows")
        #expect(Metrics.accuracy(w.predictProba(wide), [0, 1, 2, 0, 1, 2]) == 1)   // it can memorise six points
    }
}
