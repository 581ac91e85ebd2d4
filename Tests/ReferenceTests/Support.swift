import Datasets
import Foundation
import Pipeline

/// The project's own datasets and splits (exactly the rows the site uses), and
/// the scikit-learn fixtures written by `tools/make_fixtures.py`.
enum Gallery {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let spec = try! ConfigLoader.load(root: repoRoot)
    static let datasets = ["two_moons", "circles", "blobs", "xor", "iris", "spam7"]

    static func split(_ name: String) throws -> (train: Dataset, test: Dataset) {
        let d = try ProjectData.load(name, spec: spec)
        return (d.train, d.test)
    }

    /// Decodes `Tests/ReferenceTests/Fixtures/<file>.json`.
    static func fixture<T: Decodable>(_ file: String, as type: T.Type = T.self) throws -> T {
        let url = repoRoot.appendingPathComponent("Tests/ReferenceTests/Fixtures/\(file).json")
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}
