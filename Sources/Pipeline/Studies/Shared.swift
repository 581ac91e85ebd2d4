import Datasets
import Foundation
import Models
import Numerics
import Plotting

/// What several studies share: the highest-density regions their figures shade.
enum Studies {
    /// The highest-density regions (`Statistics.regionThresholds`) from log p at draws from p.
    static func quantileRegions(_ logp: [Double]) -> [Region] {
        Statistics.regionThresholds(logp).map { Region(mass: $0.mass, threshold: $0.threshold) }
    }
}
