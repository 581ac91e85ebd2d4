import Foundation
import Testing
@testable import Pipeline

@Suite("Bring your own dataset")
struct OwnDatasetTests {
    /// A small penguins-like file: the label first, a text column, NA and empty values.
    static let csv = """
    species,island,bill_length_mm,flipper_length_mm,sex
    Adelie,Torgersen,39.1,181,male
    Adelie,Torgersen,39.5,186,female
    Adelie,Torgersen,NA,NA,
    Adelie,Dream,36.7,193,female
    Adelie,Dream,39.3,190,male
    Adelie,Biscoe,38.9,181,female
    Adelie,Biscoe,,195,male
    Gentoo,Biscoe,46.1,211,female
    Gentoo,Biscoe,50.0,230,male
    Gentoo,Biscoe,48.7,210,female
    Gentoo,Biscoe,50.0,218,male
    Gentoo,Biscoe,47.6,215,female
    Gentoo,Biscoe,46.5,210,male
    Chinstrap,Dream,46.5,192,female
    Chinstrap,Dream,50.0,196,male
    Chinstrap,Dream,51.3,193,male
    Chinstrap,Dream,45.4,188,female
    Chinstrap,Dream,52.7,197,male
    Chinstrap,Dream,45.2,198,female

    """

    @Test("A CSV and a few lines of lenses.yml give a new gallery page, linked from the navigation")
    func newPage() async throws {
        let project = try TempProject()
        defer { project.remove() }
        try Self.csv.write(to: project.root.appendingPathComponent("data/penguins.csv"), atomically: true, encoding: .utf8)
        let yml = project.root.appendingPathComponent("lenses.yml")
        var text = try String(contentsOf: yml, encoding: .utf8)
        text = text.replacingOccurrences(of: "\nmodels:", with: """

          - name: penguins
            file: data/penguins.csv
            label: species

        models:
        """)
        try text.write(to: yml, atomically: true, encoding: .utf8)
        var spec = try ConfigLoader.load(root: project.root)
        // Keep the debug test quick: home page and the new dataset's gallery page only.
        spec.pages = spec.pages.filter { $0.slug == "index" || $0.dataset == "penguins" }
        #expect(spec.pages.map(\.slug) == ["index", "gallery-penguins"])
        let report = try await SiteBuilder.build(spec, options: BuildOptions(output: project.root.appendingPathComponent("site"), parallelism: 2))
        #expect(report.notes.contains { $0.contains("penguins") && $0.contains("2 rows") })
        let files = try snapshot(project.root.appendingPathComponent("site"))
        let page = String(decoding: try #require(files["gallery-penguins.html"]), as: UTF8.self)
        #expect(page.contains("Rows dropped"))
        #expect(page.contains("bill_length_mm"), "the first two numeric columns are the features")
        #expect(String(decoding: files["index.html"]!, as: UTF8.self).contains("href=\"gallery-penguins.html\""))
        #expect(files["figures/penguins--gaussian_nb--density--pair.png"] != nil)
    }
}
