import Datasets
import Foundation
import Models
import Numerics
import Plotting

/// A regulariser slider (`@regulariser DATASET MODEL`): the model refitted at each value of one
/// setting listed under `explore: regulariser: MODEL: {SETTING: [values]}`, each fit's P(y|x) map a
/// frame, and a readout of its test accuracy, log loss and how much of the map it is sure about.
///
/// The still figure (what the page shows with scripts off) is the frame at the model's own value
/// in `models:` when the list has it, else the middle one.
enum RegulariserExplorable {
    /// One frame's image files (paths inside the site), as `api.showFrame` takes them.
    struct Frame: Codable, Equatable {
        let src: String
        let src_2x: String
        let src_dark: String
        let src_dark_2x: String
        let alt: String
    }

    struct Payload: Codable, Equatable {
        let model: String
        let setting: String
        /// The values as shown, in slider order.
        let values: [String]
        /// The frame the still figure shows.
        let start: Int
        let frames: [Frame]
        /// Per frame, as shown: test accuracy, test log loss, and the share of the map where the
        /// most probable class has P(y|x) ≥ `sure_level`.
        let accuracy: [String]
        let log_loss: [String]
        let sure: [String]
        let sure_level: String
    }

    static let sureLevel = 0.9

    /// The share of grid cells where the largest class probability is at least `sureLevel`.
    static func sureShare(_ proba: [Double], classCount K: Int) -> Double {
        let cells = proba.count / K
        var n = 0
        for c in 0..<cells where (0..<K).map({ proba[c * K + $0] }).max()! >= sureLevel { n += 1 }
        return Double(n) / Double(max(cells, 1))
    }

    static func readout(_ p: Payload, frame i: Int) -> [String: String] {
        ["value": "\(p.setting) = \(p.values[i])", "accuracy": p.accuracy[i], "log_loss": p.log_loss[i], "sure": p.sure[i]]
    }

    /// A frame's files under `explore/ID-i`, from a rendered map (PNG files only).
    static func frameFiles(_ f: FigureArtifact, base: String) -> [String: Data] {
        var out = [String: Data]()
        for suffix in RenderedFigure.pngSuffixes {
            if let path = f.file(suffix) { out[RenderedFigure.path(base, suffix)] = path == f.path ? f.png : f.variants[path]! }
        }
        return out
    }

    static func frame(_ base: String, alt: String) -> Frame {
        Frame(src: base, src_2x: RenderedFigure.path(base, "@2x.png"), src_dark: RenderedFigure.path(base, "-dark.png"),
              src_dark_2x: RenderedFigure.path(base, "-dark@2x.png"), alt: alt)
    }

    static func render(_ ref: ExploreRef, data: DataArtifact, model: ModelSpec, sweep: RegulariserSweep, seed: UInt64,
                       figures: FigureSettings, pages: [String]) throws -> FigureArtifact {
        let display = ModelCatalogue.entry(model.kind)?.displayName ?? model.kind
        let name = model.isPlain ? display : model.label
        let start = sweep.values.firstIndex(of: model.settings[sweep.setting] ?? .text("\u{0}")) ?? sweep.values.count / 2
        var files = [String: Data](), frames = [Frame](), acc = [String](), loss = [String](), sure = [String]()
        var still: FigureArtifact? = nil
        for (i, value) in sweep.values.enumerated() {
            var settings = model.settings
            settings[sweep.setting] = value
            let spec = ModelSpec(name: model.name, kind: model.kind, settings: settings)
            let fit = try Stages.fit(data, model: spec, seed: seed, figures: figures)
            let label = "\(display), \(sweep.setting) = \(value)"
            let drawn = try Stages.render(data, fit, model: spec, view: .map, figures: figures, pages: pages, label: label)
            acc.append(NumberFormat.fixedOrNA(fit.testAccuracy, 3))
            loss.append(NumberFormat.fixedOrNA(fit.testLogLoss, 3))
            let share = sureShare(fit.gridProba, classCount: data.dataset.classCount)
            sure.append(NumberFormat.wholePercent(share))
            if i == start {
                still = drawn
                frames.append(frame(ref.path, alt: drawn.alt))
            } else {
                let base = "explore/\(ref.id)-\(i).png"
                files.merge(frameFiles(drawn, base: base)) { a, _ in a }
                frames.append(frame(base, alt: drawn.alt))
            }
        }
        let values = sweep.values.map(\.description)
        let p = Payload(model: name, setting: sweep.setting, values: values, start: start, frames: frames,
                        accuracy: acc, log_loss: loss, sure: sure, sure_level: NumberFormat.fixedOrNA(sureLevel, 1))
        // The caption states what this build measured at the two ends of the slider.
        let first = 0, last = values.count - 1
        // The still's caption names the model plainly (its title says the value).
        let stillLabel = "\(display), \(sweep.setting) = \(sweep.values[start])"
        let caption = still!.caption.replacingOccurrences(of: stillLabel, with: name) + " With scripts on, a slider refits the model at \(values.count) values of \(sweep.setting)"
            + " (\(values.joined(separator: ", "))): at \(sweep.setting) = \(values[first]) it is at least \(Int(sureLevel * 100)) % sure"
            + " on \(sure[first]) of the plotted window (test accuracy \(acc[first])), at \(sweep.setting) = \(values[last]) on \(sure[last])"
            + " (test accuracy \(acc[last]))."
        return try still!.slider(ref, caption: caption, payload: p, steps: values.count, frames: files,
                                 slider: "\(sweep.setting) ∈ {\(values.joined(separator: ", "))}, each a fit on the same training rows; shown: \(sweep.setting) = \(values[start])") {
            readout(p, frame: $0)
        }
    }
}
