import Datasets
import Foundation
import Models
import Plotting

/// Where a dataset comes from.
public enum DatasetSource: Sendable, Equatable, Codable {
    /// Generated from the project seed: `kind` is `two_moons`, `circles`, `blobs` or `xor`.
    case synthetic(kind: String, n: Int, noise: Double)
    /// A CSV file under the project root.
    case csv(file: String, label: String, features: [String]?, transform: FeatureTransform)
}

public struct DatasetSpec: Sendable, Equatable, Codable {
    public var name: String
    public var title: String
    public var source: DatasetSource
    public init(name: String, title: String, source: DatasetSource) {
        self.name = name; self.title = title; self.source = source
    }
}

/// One model instance under `models:`. Its `name` is what pages, gallery pairs, job ids and
/// figure files use; `kind: {settings}` in lenses.yml makes an instance named after its kind,
/// `name: {kind: KIND, settings…}` a named one, so one kind can appear with several settings.
public struct ModelSpec: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var settings: [String: SettingValue]
    public init(kind: String, settings: [String: SettingValue] = [:]) { self.name = kind; self.kind = kind; self.settings = settings }
    public init(name: String, kind: String, settings: [String: SettingValue] = [:]) {
        self.name = name; self.kind = kind; self.settings = settings
    }

    /// Named after its kind (the plain `kind: {settings}` form): shown as the kind's display name alone.
    public var isPlain: Bool { name == kind }

    /// The settings written in lenses.yml, in key order ("C=0.01, max_iter=50").
    public var settingsText: String { settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: ", ") }

    /// How figures, tables and captions name the model: the kind's display name, and for a named
    /// instance also its name and settings, e.g. `Logistic regression “strong” (C=0.01)`.
    public var label: String {
        let display = ModelCatalogue.entry(kind)?.displayName ?? kind
        if isPlain { return display }
        return "\(display) “\(name)”" + (settings.isEmpty ? "" : " (\(settingsText))")
    }
}

public struct PageSpec: Sendable, Equatable {
    /// Output name without `.html` (`index` is the home page).
    public var slug: String
    /// Markdown source, relative to the project root.
    public var file: String
    /// The page's own dataset, for pages made from one template per dataset
    /// (the gallery): directives without a dataset use it, and the title names it.
    public var dataset: String?
    public init(slug: String, file: String, dataset: String? = nil) { self.slug = slug; self.file = file; self.dataset = dataset }
}

public struct FigureSettings: Sendable, Equatable {
    public var width = 800
    public var height = 600
    /// Figures shown two side by side (pairs, the gallery) are drawn smaller: about the size they
    /// are shown at, so their text stays legible and the page light.
    public var pairWidth = 600
    public var pairHeight = 450
    /// Cells per side of the P(y|x) grid.
    public var grid = 200
    /// Samples drawn from each generative model for its density figure.
    public var samples = 200
    /// Monte Carlo draws per class used to place the highest-density contours.
    public var contourDraws = 4000
    /// Files written per figure besides the PNGs (always 1× and 2×, light and dark): SVG and PDF on request.
    public var formats: [FigureFormat] = [.png]
    public init() {}
}

/// Everything a build needs to know: the project folder, datasets, models, pages,
/// the seed and the figure settings, as read from `lenses.yml` by `ConfigLoader`.
public struct ProjectSpec: Sendable {
    public var root: URL
    public var siteTitle = "TwoLenses"
    /// The absolute URL the site is published at (`site.base_url`, ending in /): with it, pages
    /// carry `<link rel="canonical">` and absolute Open Graph URLs.
    public var baseURL: String?
    public var seed: UInt64 = 42
    public var testFraction = 0.3
    public var datasets: [DatasetSpec]
    public var models: [ModelSpec]
    public var pages: [PageSpec]
    public var regressions: [RegressionSpec] = []
    public var mixtures: [MixtureSpec] = []
    public var caseStudies: [CaseStudySpec] = []
    public var deep: DeepSpec?
    /// The learning-curve experiment (Ng & Jordan 2001): its settings and datasets.
    public var learningCurves = LearningCurvesConfig()
    /// Telling French from Spanish against writing French (issue 16); nil without a `language:` section.
    public var language: LanguageSettings?
    public var figures = FigureSettings()
    /// `explore:`: sizes and values of the interactive figures.
    public var explore = ExploreWidgets()
    /// The model pairs of the gallery by instance name, (discriminative, generative), each shown side by side.
    public var galleryPairs: [(String, String)] = [
        ("logistic_regression", "gaussian_nb"),
    ]

    public init(root: URL, datasets: [DatasetSpec], models: [ModelSpec], pages: [PageSpec]) {
        self.root = root; self.datasets = datasets; self.models = models; self.pages = pages
    }

    public func dataset(_ name: String) -> DatasetSpec? { datasets.first { $0.name == name } }
    /// The model instance with this name (for the plain form, the kind).
    public func model(_ name: String) -> ModelSpec? { models.first { $0.name == name } }
}
