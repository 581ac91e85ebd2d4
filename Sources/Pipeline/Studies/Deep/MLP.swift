import Datasets
import Foundation
import Models
import Numerics
import Plotting

// The MLP part: the discriminative network that classifies digits and can draw none.

public struct MLPArtifact: Sendable, Codable {
    public struct Example: Sendable, Codable {
        public let image: [Double]
        public let trueLabel: Int
        public let predicted: Int
        public let probability: Double
    }
    public let settings: [String: SettingValue]
    public let nTrain: Int
    public let nTest: Int
    public let seed: UInt64
    public let testAccuracy: Double
    public let testLogLoss: Double
    public let epochs: Int
    public let confusion: [[Int]]
    public let confident: [Example]
    public let confused: [Example]
    /// The trained classifier, reused to judge generated samples.
    public let model: MLPClassifier
}

extension DeepStudies {
    /// Trains the MLP classifier on the digits: accuracy, confusion, surest and worst answers.
    public static func computeMLP(_ d: DigitsData, settings s: DeepStudySettings, seed: UInt64) throws -> MLPArtifact {
        let mlp = try digitClassifier(MLPClassifier.self, seeded(s.mlp, seed), on: d)
        let p = mlp.predictProba(d.test)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        var right = [MLPArtifact.Example](), wrong = [MLPArtifact.Example]()
        for i in 0..<d.test.rows {
            let row = p.row(i)
            let k = Metrics.argmax(row)
            confusion[d.testLabels[i]][k] += 1
            let ex = MLPArtifact.Example(image: d.test.row(i), trueLabel: d.testLabels[i], predicted: k, probability: row[k])
            if k == d.testLabels[i] { right.append(ex) } else { wrong.append(ex) }
        }
        // Surest: one per class where possible, highest probability first (stable order on ties).
        let byConfidence = right.enumerated().sorted { ($0.element.probability, -$0.offset) > ($1.element.probability, -$1.offset) }.map(\.element)
        var confident = [MLPArtifact.Example](), seen = Set<Int>()
        for ex in byConfidence where !seen.contains(ex.trueLabel) { confident.append(ex); seen.insert(ex.trueLabel) }
        let confused = wrong.enumerated().sorted { ($0.element.probability, -$0.offset) > ($1.element.probability, -$1.offset) }
            .map(\.element).prefix(10)
        return MLPArtifact(settings: mlp.settings, nTrain: d.train.rows, nTest: d.test.rows, seed: seed,
                           testAccuracy: Metrics.accuracy(p, d.testLabels), testLogLoss: Metrics.logLoss(p, d.testLabels),
                           epochs: mlp.epochs, confusion: confusion, confident: Array(confident.prefix(10)),
                           confused: Array(confused), model: mlp)
    }

    public static func renderMLP(_ m: MLPArtifact, figures: FigureSettings) throws -> FigureArtifact {
        let names = DigitsData.classNames
        var panel = ClassifierPanel(
            title: "A neural network classifier: it can tell digits apart, and that is all",
            subtitle: "MLP, test accuracy \(f(m.testAccuracy, 3)) on \(m.nTest) held-out digits · hidden layers \(m.settings["hidden_layers"]?.description ?? "?")",
            confusion: ConfusionMatrix(counts: m.confusion, classNames: names),
            confident: m.confident.map { ImageCell(image: image($0.image), caption: "\($0.predicted) · \(f($0.probability, 3))") },
            confused: m.confused.map { ImageCell(image: image($0.image), caption: "\($0.trueLabel)→\($0.predicted) · \(f($0.probability, 2))",
                                                  frame: Color(hex: 0xB2182B)) },
            cannot: ["What it cannot do: draw a new digit.",
                     "It models P(y | x) only: give it an image and it returns ten probabilities.",
                     "It has no p(x), no distribution over images, so there is nothing to sample from.",
                     "To invent a digit a model must describe the images: the VAE, GAN and mixture do."])
        panel.width = figures.width; panel.height = figures.height
        return figure("mlp--classifier", try panel.render(formats: figures.formats), figures, title: panel.title,
                      alt: "Confusion matrix of an MLP on test digits (accuracy \(f(m.testAccuracy, 3))), its most confident correct digits and most confident mistakes, and an empty frame: it cannot generate",
                      caption: "A discriminative model answers one question, which digit is this, and answers it well. Asked for a new digit it has nothing to offer: it never modelled what digits look like.",
                      provenance: [.init(name: "Data", value: "digits.csv scaled to [0, 1]; \(m.nTrain) train / \(m.nTest) test digits, stratified 70/30"),
                                   .init(name: "Model", value: "MLP classifier: standardised inputs, ReLU, softmax, Adam"),
                                   .init(name: "Settings", value: settingsText(m.settings)),
                                   .init(name: "Test accuracy", value: f(m.testAccuracy, 3)),
                                   .init(name: "Test log-loss", value: f(m.testLogLoss, 3)),
                                   .init(name: "Seed", value: "\(m.seed)")])
    }

    // Judging
}
