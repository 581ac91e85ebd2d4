import Datasets
import Foundation
import Testing
@testable import Models
import Numerics

/// Central differences against the hand-derived backward passes: every activation,
/// every loss, the input gradient, the VAE's reparameterised ELBO and the GAN's two
/// losses. Relative error |a − n| / max(|a|, |n|, 1e-3), step h = 1e-6; the floor
/// keeps near-zero components (absolute error ~1e-10 from rounding) from dominating.
struct GradientCheck {
    var worst = 0.0
    static let h = 1e-6

    mutating func compare(_ analytic: Double, _ numeric: Double) {
        worst = max(worst, abs(analytic - numeric) / max(abs(analytic), abs(numeric), 1e-3))
    }

    /// Checks every weight and bias of `net` against `loss` perturbed there.
    mutating func network(_ net: DenseNetwork, _ g: NetworkGradient, _ loss: (DenseNetwork) -> Double) {
        let h = Self.h
        for l in net.layers.indices {
            for i in net.layers[l].weights.data.indices {
                var p = net, m = net
                p.layers[l].weights.data[i] += h; m.layers[l].weights.data[i] -= h
                compare(g.weights[l].data[i], (loss(p) - loss(m)) / (2 * h))
            }
            for i in net.layers[l].bias.indices {
                var p = net, m = net
                p.layers[l].bias[i] += h; m.layers[l].bias[i] -= h
                compare(g.biases[l][i], (loss(p) - loss(m)) / (2 * h))
            }
        }
    }

    /// Checks a gradient with respect to the entries of a matrix.
    mutating func matrix(_ x: Matrix, _ g: Matrix, _ loss: (Matrix) -> Double) {
        let h = Self.h
        for i in x.data.indices {
            var p = x, m = x
            p.data[i] += h; m.data[i] -= h
            compare(g.data[i], (loss(p) - loss(m)) / (2 * h))
        }
    }
}

@Suite("Neural training core")
struct NeuralCoreTests {
    static func randomMatrix(_ r: Int, _ c: Int, _ rng: inout SeededRandom, scale: Double = 1) -> Matrix {
        Matrix(rows: r, cols: c, data: (0..<(r * c)).map { _ in scale * rng.normal() })
    }

    /// Smallest |pre-activation| of the hidden layers (ReLU-type kinks must be farther than h).
    static func kinkDistance(_ net: DenseNetwork, _ x: Matrix) -> Double {
        var a = x, closest = Double.infinity
        for layer in net.layers.dropLast() {
            var z = BLAS.multiply(a, layer.weights)
            for i in 0..<z.rows { for j in 0..<z.cols { z[i, j] += layer.bias[j] } }
            closest = min(closest, z.data.map { abs($0) }.min()!)
            var y = z.data
            layer.activation.apply(&y)
            a = Matrix(rows: z.rows, cols: z.cols, data: y)
        }
        return closest
    }

    @Test("Every activation: back-propagated weight, bias and input gradients equal central differences (rel. error < 1e-6)",
          arguments: Activation.allCases)
    func activations(_ act: Activation) {
        var rng = SeededRandom(seed: 7, stream: act.rawValue)
        let net = DenseNetwork(sizes: [3, 5, 4, 2], hidden: act, output: act, using: &rng)
        let x = Self.randomMatrix(6, 3, &rng)
        let t = Self.randomMatrix(6, 2, &rng)
        if act == .relu || act == .leakyRelu { #expect(Self.kinkDistance(net, x) > 1e-4) }
        func loss(_ n: DenseNetwork, _ input: Matrix) -> Double { Loss.squaredError(n(input), targets: t).value }
        let tr = net.trace(x)
        let (g, gx) = net.backward(tr, outputGradient: Loss.squaredError(tr.output, targets: t).gradient, inputGradient: true)
        var check = GradientCheck()
        check.network(net, g) { loss($0, x) }
        check.matrix(x, gx!) { loss(net, $0) }
        #expect(check.worst < 1e-6, "\(act): worst relative error \(check.worst)")
    }

    @Test("Losses: softmax cross-entropy, Bernoulli, logistic, Gaussian KL and squared error match central differences")
    func losses() {
        var rng = SeededRandom(seed: 11)
        let z = Self.randomMatrix(5, 4, &rng, scale: 2)
        var check = GradientCheck()
        let labels = [0, 3, 1, 1, 2]
        check.matrix(z, Loss.softmaxCrossEntropy(logits: z, labels: labels).gradient) {
            Loss.softmaxCrossEntropy(logits: $0, labels: labels).value
        }
        let t = Matrix(rows: 5, cols: 4, data: (0..<20).map { _ in rng.uniform() })   // grey levels in [0, 1]
        check.matrix(z, Loss.bernoulli(logits: z, targets: t).gradient) {
            Loss.bernoulli(logits: $0, targets: t).perRow.reduce(0, +) / 5
        }
        for target in [1.0, 0.9, 0.0] {
            check.matrix(z, Loss.logistic(logits: z, target: target).gradient) { Loss.logistic(logits: $0, target: target).value }
        }
        let mu = Self.randomMatrix(5, 3, &rng), v = Self.randomMatrix(5, 3, &rng)
        let kl = Loss.gaussianKL(mean: mu, logVariance: v)
        check.matrix(mu, kl.gradMean) { Loss.gaussianKL(mean: $0, logVariance: v).perRow.reduce(0, +) / 5 }
        check.matrix(v, kl.gradLogVariance) { Loss.gaussianKL(mean: mu, logVariance: $0).perRow.reduce(0, +) / 5 }
        check.matrix(z, Loss.squaredError(z, targets: t).gradient) { Loss.squaredError($0, targets: t).value }
        #expect(check.worst < 1e-6, "worst relative error \(check.worst)")
    }

    @Test("Loss values: cross-entropy, Bernoulli, KL by plain formulas; KL(N(0,1) ‖ N(0,1)) = 0; extreme logits stay finite")
    func lossValues() {
        let z = Matrix([[1, -2, 0.5], [0, 0, 0]])
        let ce = Loss.softmaxCrossEntropy(logits: z, labels: [2, 1]).value
        let expected = ((log(exp(1) + exp(-2) + exp(0.5)) - 0.5) + log(3)) / 2
        #expect(abs(ce - expected) < 1e-14)
        let t = Matrix([[1, 0, 0.25], [0.5, 0.5, 0.5]])
        let b = Loss.bernoulli(logits: z, targets: t).perRow
        func sig(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        let row0 = -(log(sig(1)) + log(1 - sig(-2)) + 0.25 * log(sig(0.5)) + 0.75 * log(1 - sig(0.5)))
        #expect(abs(b[0] - row0) < 1e-14 && abs(b[1] - 3 * log(2)) < 1e-14)
        let kl = Loss.gaussianKL(mean: Matrix([[0, 0], [1, 0]]), logVariance: Matrix([[0, 0], [0, log(2)]])).perRow
        #expect(kl[0] == 0)
        #expect(abs(kl[1] - 0.5 * (1 + (2 - 1 - log(2)))) < 1e-14)
        let extreme = Loss.bernoulli(logits: Matrix([[800, -800]]), targets: Matrix([[0, 1]]))
        #expect(extreme.perRow[0] == 1600 && extreme.gradient.allFinite)
    }

    @Test("Softmax backward pass equals central differences of a weighted sum of probabilities")
    func softmax() {
        var rng = SeededRandom(seed: 12)
        let z = Self.randomMatrix(4, 5, &rng), w = Self.randomMatrix(4, 5, &rng)
        func f(_ z: Matrix) -> Double { zip(Softmax.forward(z).data, w.data).reduce(0) { $0 + $1.0 * $1.1 } }
        let g = Softmax.backward(probabilities: Softmax.forward(z), outputGradient: w)
        var check = GradientCheck()
        check.matrix(z, g) { f($0) }
        #expect(check.worst < 1e-6, "worst relative error \(check.worst)")
        // Softmax cross-entropy through a network: logits from tanh hidden units.
        let net = DenseNetwork(sizes: [3, 4, 3], hidden: .tanh, output: .identity, using: &rng)
        let x = Self.randomMatrix(5, 3, &rng), y = [0, 2, 1, 1, 0]
        let tr = net.trace(x)
        let (gn, _) = net.backward(tr, outputGradient: Loss.softmaxCrossEntropy(logits: tr.output, labels: y).gradient)
        var c2 = GradientCheck()
        c2.network(net, gn) { Loss.softmaxCrossEntropy(logits: $0(x), labels: y).value }
        #expect(c2.worst < 1e-6, "worst relative error \(c2.worst)")
    }

    @Test("VAE: the reparameterised negative ELBO's encoder and decoder gradients equal central differences (fixed ε)")
    func vaeGradient() {
        var rng = SeededRandom(seed: 13)
        let enc = DenseNetwork(sizes: [5, 4, 4], hidden: .tanh, output: .identity, using: &rng)   // latent L = 2
        let dec = DenseNetwork(sizes: [2, 4, 5], hidden: .tanh, output: .identity, using: &rng)
        let x = Matrix(rows: 3, cols: 5, data: (0..<15).map { _ in rng.uniform() })
        let eps = Self.randomMatrix(3, 2, &rng)
        let r = VariationalAutoencoder.lossAndGradients(encoder: enc, decoder: dec, x: x, epsilon: eps)
        var check = GradientCheck()
        check.network(enc, r.encoder) { VariationalAutoencoder.lossAndGradients(encoder: $0, decoder: dec, x: x, epsilon: eps).loss }
        check.network(dec, r.decoder) { VariationalAutoencoder.lossAndGradients(encoder: enc, decoder: $0, x: x, epsilon: eps).loss }
        #expect(check.worst < 1e-6, "worst relative error \(check.worst)")
    }

    @Test("GAN: discriminator loss and the generator's non-saturating loss through D equal central differences")
    func ganGradient() {
        var rng = SeededRandom(seed: 14)
        let gen = DenseNetwork(sizes: [2, 4, 3], hidden: .tanh, output: .sigmoid, using: &rng)
        let disc = DenseNetwork(sizes: [3, 5, 1], hidden: .leakyRelu, output: .identity, using: &rng)
        let real = Matrix(rows: 4, cols: 3, data: (0..<12).map { _ in rng.uniform() })
        let z = Self.randomMatrix(4, 2, &rng)
        let fake = gen(z)
        #expect(Self.kinkDistance(disc, real) > 1e-4 && Self.kinkDistance(disc, fake) > 1e-4)
        typealias GAN = GenerativeAdversarialNetwork
        var check = GradientCheck()
        let d = GAN.discriminatorLossAndGradient(disc, real: real, fake: fake, realLabel: 0.9)
        check.network(disc, d.gradient) { GAN.discriminatorLossAndGradient($0, real: real, fake: fake, realLabel: 0.9).loss }
        let g = GAN.generatorLossAndGradient(gen, disc, noise: z)
        check.network(gen, g.gradient) { GAN.generatorLossAndGradient($0, disc, noise: z).loss }
        #expect(check.worst < 1e-6, "worst relative error \(check.worst)")
        // The non-saturating loss is −mean log D(G(z)).
        let dz = disc(fake).data.map { 1 / (1 + exp(-$0)) }
        #expect(abs(g.loss - (-dz.map { log($0) }.reduce(0, +) / 4)) < 1e-12)
    }

    @Test("Forward pass of a ReLU network equals plain loops; the MLP classifier trains on this core")
    func matchesLoops() throws {
        var b = SeededRandom(seed: 21)
        let net = DenseNetwork(sizes: [3, 6, 4, 3], hidden: .relu, output: .identity, using: &b)
        var rng = SeededRandom(seed: 22)
        let x = Self.randomMatrix(7, 3, &rng)
        var a = (0..<x.rows).map { x.row($0) }
        for (l, layer) in net.layers.enumerated() {
            a = a.map { row in
                (0..<layer.outputs).map { j in
                    let z = layer.bias[j] + (0..<layer.inputs).reduce(0.0) { $0 + row[$1] * layer.weights[$1, j] }
                    return l < net.layers.count - 1 ? max(0, z) : z
                }
            }
        }
        let out = net(x)
        for i in 0..<x.rows { for j in 0..<3 { #expect(abs(out[i, j] - a[i][j]) < 1e-12) } }
        #expect(net.parameterCount == 3 * 6 + 6 + 6 * 4 + 4 + 4 * 3 + 3)
        // MLPClassifier's network is this core with the same Glorot draws from its init stream.
        var mlp = MLPClassifier(hiddenLayers: [6, 4], maxIterations: 1, seed: 5)
        try mlp.fit(x, [0, 1, 2, 0, 1, 2, 0], classCount: 3)
        var initRNG = SeededRandom(seed: 5, stream: "mlp/init")
        let fresh = DenseNetwork(sizes: [3, 6, 4, 3], hidden: .relu, output: .identity, using: &initRNG)
        #expect(mlp.network.layers.map(\.activation) == fresh.layers.map(\.activation))
        #expect(mlp.network.layers.map(\.weights.rows) == fresh.layers.map(\.weights.rows))
        #expect(mlp.network != fresh)   // one epoch of Adam moved it
    }

    @Test("Adam's first step: θ − lr·√(1−β₂)·g / (√(1−β₂)·|g| + ε), about −lr·sign(g) (bias correction)")
    func adam() {
        var rng = SeededRandom(seed: 23)
        var net = DenseNetwork(sizes: [2, 3], hidden: .relu, output: .identity, using: &rng)
        let before = net
        var g = NetworkGradient(zerosLike: net)
        for i in g.weights[0].data.indices { g.weights[0].data[i] = Double(i) - 2.5 }
        g.biases[0] = [0.5, -3, 2]
        var adam = AdamOptimizer(for: net, learningRate: 0.01, beta1: 0.5)
        adam.step(&net, g)
        let r = (1 - 0.999).squareRoot()
        func moved(_ g: Double) -> Double { -0.01 * r * g / (r * abs(g) + 1e-8) }
        for i in g.weights[0].data.indices {
            #expect(abs(net.layers[0].weights.data[i] - (before.layers[0].weights.data[i] + moved(g.weights[0].data[i]))) < 1e-15)
            #expect(abs(net.layers[0].weights.data[i] - before.layers[0].weights.data[i] + 0.01 * (g.weights[0].data[i] > 0 ? 1 : -1)) < 1e-8)
        }
        #expect(abs(net.layers[0].bias[1] - (before.layers[0].bias[1] + moved(-3))) < 1e-15)
        #expect(adam.steps == 1)
    }

    @Test("Mini-batches cover every row once per epoch, in a seeded order")
    func batches() {
        var a = SeededRandom(seed: 1), b = SeededRandom(seed: 1)
        let x = Training.batches(count: 10, size: 4, using: &a)
        #expect(x.map(\.count) == [4, 4, 2])
        #expect(x.flatMap { $0 }.sorted() == Array(0..<10))
        #expect(x == Training.batches(count: 10, size: 4, using: &b))
        let e = Training.divergence(model: "VAE", step: 17)
        #expect(e.message == "training diverged at step 17 (the loss is not finite); lower learning_rate")
    }
}

@Suite("Sample quality measures")
struct SampleQualityTests {
    @Test("Nearest neighbours by GEMM agree with a brute-force search")
    func nearest() {
        var rng = SeededRandom(seed: 31)
        let ref = Matrix(rows: 40, cols: 5, data: (0..<200).map { _ in rng.normal() })
        let q = Matrix(rows: 12, cols: 5, data: (0..<60).map { _ in rng.normal() })
        let (idx, dist) = SampleQuality.nearestNeighbours(of: q, in: ref)
        for i in 0..<q.rows {
            let d = (0..<ref.rows).map { r in zip(q.row(i), ref.row(r)).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() }
            let best = d.indices.min { d[$0] < d[$1] }!
            #expect(idx[i] == best && abs(dist[i] - d[best]) < 1e-12)
        }
        // A query equal to a reference row is at distance 0 from it.
        #expect(SampleQuality.nearestNeighbours(of: ref.rows([7]), in: ref).index == [7])
    }

    @Test("Mode coverage counts samples within the radius and modes above the share")
    func coverage() {
        let centres = Synthetic.ringCentres(modes: 4, radius: 1)
        var rows = [[Double]]()
        for _ in 0..<30 { rows.append([1.01, 0]) }          // mode 0
        for _ in 0..<5 { rows.append([0, 0.99]) }           // mode 1, 5 %
        for _ in 0..<1 { rows.append([-1, 0]) }             // mode 2, 1 %
        for _ in 0..<64 { rows.append([0.5, 0.5]) }         // between modes
        let c = SampleQuality.modeCoverage(Matrix(rows), centres: centres, radius: 0.1, minShare: 0.02)
        #expect(c.counts == [30, 5, 1, 0] && c.covered == 2 && abs(c.quality - 0.36) < 1e-12)
    }

    @Test("Ring of Gaussians: seeded, labelled by mode, points near their centres")
    func ring() {
        let a = Synthetic.ringOfGaussians(n: 400, std: 0.05, seed: 3), b = Synthetic.ringOfGaussians(n: 400, std: 0.05, seed: 3)
        #expect(a.x == b.x && a.y == b.y)
        let c = Synthetic.ringCentres()
        #expect(abs(c[2, 0]) < 1e-12 && abs(c[2, 1] - 2) < 1e-12)
        for i in 0..<a.x.rows {
            let d = ((a.x[i, 0] - c[a.y[i], 0]) * (a.x[i, 0] - c[a.y[i], 0]) + (a.x[i, 1] - c[a.y[i], 1]) * (a.x[i, 1] - c[a.y[i], 1])).squareRoot()
            #expect(d < 0.3)   // 6σ
        }
        #expect(Set(a.y).count == 8)
    }
}
