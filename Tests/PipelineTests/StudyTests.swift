import Foundation
import Testing
@testable import Pipeline

@Suite("Regression and Old Faithful pages")
struct StudyTests {
    @Test("Regression page: E[y|x] of the joint Gaussian equals OLS; Old Faithful: BIC picks k = 2; numbers in metrics.json")
    func studies() async throws {
        let project = try TempProject()
        defer { project.remove() }
        var spec = try ConfigLoader.load(root: project.root)
        spec.pages = spec.pages.filter { ["index", "regression", "old-faithful"].contains($0.slug) }
        let site = project.root.appendingPathComponent("site")
        _ = try await SiteBuilder.build(spec, options: BuildOptions(output: site, parallelism: 2))
        let files = try snapshot(site)
        for f in ["figures/regression--faithful_waiting.png", "figures/regression--iris_sepal.png",
                  "figures/mixture--faithful--criteria.png", "figures/mixture--faithful--density.png"] {
            #expect(files[f] != nil, "\(f) missing")
        }
        let doc = try JSONSerialization.jsonObject(with: files["metrics.json"]!) as! [String: Any]
        let regressions = doc["regressions"] as! [[String: Any]]
        #expect(regressions.count == 2)
        for r in regressions {
            let gap = r["largest_ols_vs_joint_gap"] as! Double
            #expect(gap < 1e-8, "E[y|x] of the joint Gaussian is the OLS prediction")
            for c in r["coefficients"] as! [[String: Any]] {
                #expect(abs((c["ols"] as! Double) - (c["joint"] as! Double)) < 1e-8)
            }
        }
        let mixture = (doc["mixtures"] as! [[String: Any]]).first!
        #expect(mixture["chosen_k"] as? Int == 2)
        let criteria = mixture["criteria"] as! [[String: Any]]
        #expect(criteria.map { $0["k"] as! Int } == [1, 2, 3, 4, 5])
        let page = String(decoding: files["old-faithful.html"]!, as: UTF8.self)
        #expect(page.contains("← BIC's choice"))
    }
}
