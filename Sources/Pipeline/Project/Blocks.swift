import Foundation

/// Figures, one alone or two side by side: the block most directives make.
struct FiguresBlock: PageBlock {
    let figures: [JobID<FigureArtifact>]
    var requests: [any Request] = []
    /// Other jobs the page reads with them (the study behind a figure, for its references).
    var alsoReads: [AnyJobID] = []

    init(_ figures: [JobID<FigureArtifact>], requests: [any Request] = [], alsoReads: [AnyJobID] = []) {
        self.figures = figures; self.requests = requests; self.alsoReads = alsoReads
    }

    var reads: [AnyJobID] { figures.map(\.erased) + alsoReads }

    func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String {
        let figs = figures.map { artifacts[$0] }
        if figs.count == 1 { return try page.templates.render("figure", page.figureContext(figs[0])) + "\n" }
        return try page.templates.render("pair", ["figures": figs.map(page.figureContext)]) + "\n"
    }
}

/// A block that renders one template from one study artifact.
struct TemplateBlock<Output: Artifact>: PageBlock {
    let template: String
    let study: JobID<Output>
    var requests: [any Request] = []
    let context: @Sendable (Output, PageBuilder) throws -> [String: Any]

    var reads: [AnyJobID] { [study.erased] }

    func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String {
        try page.templates.render(template, context(artifacts[study], page)) + "\n"
    }
}

/// The pages themselves: the search box, and the figure templates every study's figures use.
enum PagesStudy: Study {
    static let figureVocabulary: Set<String> = ["src", "src_2x", "src_dark", "src_dark_2x", "files", "href", "label", "last",
                                               "width", "height", "alt", "caption", "title", "anchor", "provenance", "name", "value", "numbers",
                                               "explore_kind", "explore_id", "explore_src", "explore_count"]
    static let templates: [String: Set<String>] = [
        "layout": ["site_title", "title", "description", "has_math", "canonical", "og_url", "og_image", "og_image_alt", "card_width", "card_height", "body", "sections", "name", "named", "pages", "href",
                   "current", "section", "is_home", "page_number", "page_count", "search_href", "prev", "next",
                   "explore_scripts", "src"],
        "figure": figureVocabulary,
        "pair": figureVocabulary.union(["figures"]),
        "search": ["available"],
    ]

    /// The search box (Pagefind's, when it is installed).
    struct SearchBlock: PageBlock {
        var reads: [AnyJobID] { [] }
        func html(_ page: PageBuilder, _ artifacts: ArtifactStore) throws -> String {
            try page.templates.render("search", ["available": page.context.searchAvailable]) + "\n"
        }
    }

    static let directives = [
        Directive(name: "search", usage: "@search") { _, _ in [SearchBlock()] },
    ]

    static func plan(_ demand: Demand, _ context: PlanContext, into graph: inout JobGraph) throws {}

    static func metrics(_ artifacts: ArtifactStore) -> [String: any Encodable] {
        let pages = artifacts.all(PageArtifact.self).map(\.value)
        return ["claims": SiteBuilder.claims(artifacts), "explorables": pages.flatMap(\.explorables),
                "figures": artifacts.all(FigureArtifact.self).compactMap(\.value.metrics).sorted { $0.file < $1.file }]
    }
}
