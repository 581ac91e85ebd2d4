import Datasets
import Foundation
import Models
import Numerics
import Plotting

// What each study's job makes, as an `Artifact` (Engine): how many models it trained, and for
// the largest ones how a build may let their bytes go early.
extension FigureArtifact: Artifact {
    public var siteFiles: [String: Data] { allFiles }
    public static var streamsFiles: Bool { true }
    public func withoutFileBytes() -> FigureArtifact? { withoutFiles }
}
extension PageArtifact: Artifact {
    public var siteFiles: [String: Data] { files.merging([path: html]) { _, page in page } }
}

/// A dataset with its train/test split and the plotting window shared by every model.
public struct DataArtifact: Sendable, Codable {
    public let spec: DatasetSpec
    public let dataset: Dataset
    public let split: Split
    public let grid: Grid

    public var train: Dataset { dataset.subset(split.train) }
    public var test: Dataset { dataset.subset(split.test) }
}

/// What the generative lens adds: class-conditional densities and samples.
/// The highest-density region of p(x|y=k) holding `mass`: {x : log p(x|y=k) ≥ threshold}.
public struct Region: Sendable, Codable {
    public let mass: Double
    public let threshold: Double
}

public struct GenerativeView: Sendable, Codable {
    /// log p(x | y = k) on the grid, one array per class.
    @PackedRows public var classLogDensity: [[Double]]
    /// Per class, the (mass, log-density threshold) pairs of the highest-density regions.
    public let regions: [[Region]]
    /// Points drawn from the fitted p(x, y).
    public let samples: [PlotPoint]
    /// log p(y = k).
    public let logPriors: [Double]
    /// A few test points with log p(x|y=k) and the model's P(y|x) there, for Bayes' flip.
    public let probes: [Probe]
}

/// One point where Bayes' rule is shown at work.
public struct Probe: Sendable, Codable {
    public let x: [Double]
    public let classLogDensity: [Double]
    public let proba: [Double]
}

/// A fitted model's numbers and its evaluation on the shared grid.
public struct FitArtifact: Sendable, Codable {
    public let dataset: String
    public let kind: String
    public let displayName: String
    public let lens: ModelCatalogue.Lens
    public let settings: [String: SettingValue]
    public let boundaryShape: String
    public let seed: UInt64
    public let nTrain: Int
    public let nTest: Int
    public let testAccuracy: Double
    public let testLogLoss: Double
    public let convergence: Convergence?
    /// P(y | x) on the grid, class-major within each cell.
    @Packed public var gridProba: [Double]
    public var generative: GenerativeView?

    /// The same fit without its grids (P(y|x) and log p(x|y) on the 200×200 cells): what a page
    /// reads (scores, settings, Bayes' probes, priors), once every figure drawn from it is done.
    var withoutGrids: FitArtifact {
        var f = self
        f.gridProba = []
        f.generative?.classLogDensity = []
        return f
    }

    /// "C=1, max_iter=1000" in key order.
    public var settingsText: String {
        settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: ", ")
    }
}

/// A rendered figure with everything the page shows around it.
/// One line of a figure's provenance block.
public struct ProvenanceItem: Sendable, Codable {
    public let name: String
    public let value: String
}

public struct FigureArtifact: Sendable, Codable {
    /// The 1× light PNG's path, `figures/x.png`; the other files sit beside it (`variants`).
    public let path: String
    /// The 1× light PNG.
    public let png: Data
    /// Every other file of the figure by path: `x@2x.png`, `x-dark.png`, `x-dark@2x.png`,
    /// and `x.svg` / `x.pdf` when `figures.formats` asks for them.
    public var variants: [String: Data] = [:]
    public let width: Int
    public let height: Int
    public let title: String
    public let alt: String
    public let caption: String
    public let provenance: [ProvenanceItem]
    /// The figure's row in metrics.json (classifier figures).
    public let metrics: MetricsEntry?
    /// Where metrics.json holds the numbers this figure shows (`"figures"` rows by default).
    public var numbers: String? = nil
    /// What makes the figure interactive (its data files), when it is.
    public var explorable: Explorable? = nil

    public init(path: String, png: Data, variants: [String: Data] = [:], width: Int, height: Int, title: String, alt: String,
                caption: String, provenance: [ProvenanceItem], metrics: MetricsEntry?, numbers: String? = nil) {
        self.path = path; self.png = png; self.variants = variants; self.width = width; self.height = height
        self.title = title; self.alt = alt; self.caption = caption; self.provenance = provenance
        self.metrics = metrics; self.numbers = numbers
    }

    /// A figure from every file `Figure.render(formats:)` made.
    public init(path: String, rendered: RenderedFigure, width: Int, height: Int, title: String, alt: String,
                caption: String, provenance: [ProvenanceItem], metrics: MetricsEntry?, numbers: String? = nil) {
        var variants = [String: Data]()
        for (suffix, data) in rendered.files where suffix != ".png" { variants[RenderedFigure.path(path, suffix)] = data }
        self.init(path: path, png: rendered.png, variants: variants, width: width, height: height, title: title, alt: alt,
                  caption: caption, provenance: provenance, metrics: metrics, numbers: numbers)
    }

    /// The path of one file of the figure (`@2x.png`, `-dark.png`, `.svg`, …), if it was made.
    public func file(_ suffix: String) -> String? {
        let p = RenderedFigure.path(path, suffix)
        return suffix == ".png" || variants[p] != nil ? p : nil
    }

    /// All files: the 1× light PNG, its variants, and the explorable's data and frames.
    public var allFiles: [String: Data] {
        variants.merging([path: png]) { a, _ in a }.merging(explorable?.files ?? [:]) { a, _ in a }
    }

    /// The same figure under another 1× path (its variants follow), with another caption and provenance.
    func renamed(to newPath: String, caption: String, provenance: [ProvenanceItem]) -> FigureArtifact {
        let stem = String(path.dropLast(4)), newStem = String(newPath.dropLast(4))
        var moved = [String: Data]()
        for (p, bytes) in variants { moved[newStem + p.dropFirst(stem.count)] = bytes }
        var entry = metrics
        entry?.file = newPath
        return FigureArtifact(path: newPath, png: png, variants: moved, width: width, height: height, title: title,
                              alt: alt, caption: caption, provenance: provenance, metrics: entry)
    }

    /// The same figure without its files' bytes (paths, sizes and text stay), once they are written.
    var withoutFiles: FigureArtifact {
        var f = FigureArtifact(path: path, png: Data(), variants: variants.mapValues { _ in Data() }, width: width, height: height, title: title,
                               alt: alt, caption: caption, provenance: provenance, metrics: metrics, numbers: numbers)
        f.explorable = explorable?.withoutBytes
        return f
    }
}

/// One row of `metrics.json`'s `figures`.
public struct MetricsEntry: Sendable, Codable {
    public var file: String
    public var page: String
    public var pages: [String]
    public var dataset: String
    public var model: String
    /// A named instance's name (`name: {kind: …}` in lenses.yml); absent for a model named after its kind.
    public var instance: String? = nil
    public var kind: String
    public var view: String
    public var lens: String
    public var testAccuracy: Double
    public var testLogLoss: Double
    public var nTrain: Int
    public var nTest: Int
    public var seed: UInt64
    public var settings: [String: SettingValue]
    public var converged: Bool?
    public var iterations: Int?

    enum CodingKeys: String, CodingKey {
        case file, page, pages, dataset, model, instance, kind, view, lens, seed, settings, converged, iterations
        case testAccuracy = "test_accuracy", testLogLoss = "test_log_loss", nTrain = "n_train", nTest = "n_test"
    }
}

/// A rendered page.
public struct PageArtifact: Sendable, Codable {
    public let path: String
    public let html: Data
    /// The claims its prose makes, checked against this build ({{check …}}).
    public var claims: [ClaimResult] = []
    /// Files made with the page: its social card `cards/<slug>.png`.
    public var files: [String: Data] = [:]
    /// The interactive figures it shows, for metrics.json.
    public var explorables: [ExplorableEntry] = []
}
