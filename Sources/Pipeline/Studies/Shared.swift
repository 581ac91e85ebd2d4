import Datasets
import Foundation
import Models
import Numerics
import Plotting

/// What several studies share: reading columns of a CSV file, a padded plotting window, and the
/// highest-density regions their figures shade.
enum Studies {
    static let masses = [0.5, 0.8, 0.95]

    static func readColumns(_ bytes: Data, file: String, columns: [String]) throws -> (Matrix, Int) {
        let table = try CSVReader.parse(bytes, file: file)
        let (x, _, dropped) = try DatasetLoader.loadColumns(table: table, columns: columns)
        return (x, dropped)
    }

    static func paddedRange(_ v: [Double]) -> (Double, Double) {
        let lo = v.min() ?? 0, hi = v.max() ?? 1
        let span = hi > lo ? hi - lo : 1
        return (lo - 0.08 * span, hi + 0.08 * span)
    }

    static func quantileRegions(_ logp: [Double]) -> [Region] {
        masses.map { Region(mass: $0, threshold: Special.quantile(logp, 1 - $0)) }
    }
}
