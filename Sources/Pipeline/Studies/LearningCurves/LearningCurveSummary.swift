import Datasets
import Foundation
import Models
import Numerics

// The summarising job: every part's measurements combined into curves, paired comparisons,
// crossovers and a verdict per model pair.
extension LearningCurves {
    /// The study from its parts (in part order).
    public static func finish(_ spec: LearningCurveSpec, dataset: Dataset, settings: LearningCurveSettings,
                              seed: UInt64, parts: [LearningCurveMeasurements]) throws -> LearningCurveArtifact {
        try checkSpec(spec, settings)
        let plan = try LearningCurvePlan(name: spec.name, labels: dataset.y, classCount: dataset.classCount, settings: settings, seed: seed)
        let raw = combine(parts)
        precondition(raw.splits == plan.splits && raw.sizes == plan.sizes, "the parts do not cover the study")
        return summarise(spec, dataset: dataset, plan: plan, measurements: raw, settings: settings, seed: seed)
    }

    static func checkSpec(_ spec: LearningCurveSpec, _ settings: LearningCurveSettings) throws {
        guard spec.logisticDivisor > 0, spec.logisticDivisor.isFinite, spec.binarizeThreshold.isFinite,
              spec.tolerance(settings) > 0, spec.tolerance(settings).isFinite else {
            throw PipelineError("learning curves '\(spec.name)': logistic_divisor and tol must be positive, binarize finite")
        }
    }

    public static func summarise(_ spec: LearningCurveSpec, dataset: Dataset, plan: LearningCurvePlan,
                                 measurements raw: LearningCurveMeasurements, settings: LearningCurveSettings,
                                 seed: UInt64) -> LearningCurveArtifact {
        let learners = learners(spec, settings: settings)
        let sizes = plan.sizes
        var intervals = [[Statistics.Interval]]()
        var curves = [LearnerCurve]()
        for (l, learner) in learners.enumerated() {
            var points = [CurvePoint](), row = [Statistics.Interval]()
            for (i, m) in sizes.enumerated() {
                let e = raw.testErrors(learner: l, size: i)
                let ci = Statistics.meanConfidenceInterval(e, level: settings.level)
                row.append(ci)
                let idx = (0..<raw.splits).map { raw.index(learner: l, size: i, split: $0) }
                points.append(CurvePoint(m: m, mean: ci.mean, lower: ci.lower, upper: ci.upper, standardDeviation: ci.standardDeviation,
                                         nonConverged: idx.filter { !raw.converged[$0] }.count,
                                         zeroTrainingError: idx.filter { raw.trainingError[$0] == 0 }.count,
                                         failed: idx.filter { raw.failed[$0] }.count))
            }
            intervals.append(row)
            curves.append(LearnerCurve(learner: learner.id, points: points))
        }
        var comparisons = [Comparison]()
        for pair in pairs(spec) {
            let g = learners.firstIndex { $0.id == pair.generative }!, d = learners.firstIndex { $0.id == pair.discriminative }!
            var points = [ComparisonPoint]()
            for (i, m) in sizes.enumerated() {
                let test = Statistics.pairedTTest(raw.testErrors(learner: g, size: i), raw.testErrors(learner: d, size: i))
                points.append(ComparisonPoint(m: m, nbError: intervals[g][i].mean, lrError: intervals[d][i].mean,
                                              meanDifference: test.meanDifference,
                                              intervalsDisjoint: intervals[g][i].isDisjoint(from: intervals[d][i]),
                                              pairedT: test.statistic, pairedP: test.pValue))
            }
            let (v, r) = verdict(points, criterion: "intervals") { $0.intervalsDisjoint }
            let (pv, pr) = verdict(points, criterion: "paired") { $0.pairedP < settings.significance }
            comparisons.append(Comparison(pair: pair, points: points, verdict: v, reason: r, pairedVerdict: pv, pairedReason: pr))
        }
        return LearningCurveArtifact(spec: spec, settings: settings, seed: seed, rows: dataset.count, droppedRows: dataset.droppedRows,
                                     features: dataset.featureNames, classNames: dataset.classNames, classCounts: dataset.classCounts(),
                                     poolSize: plan.poolSize, testSize: plan.tests.first?.count ?? 0, sizes: sizes,
                                     learners: learners, curves: curves, comparisons: comparisons,
                                     fits: learners.count * sizes.count * plan.splits)
    }

    /// The verdict from the sizes where one learner is significantly better under `significant`.
    static func verdict(_ points: [ComparisonPoint], criterion: String,
                        significant: (ComparisonPoint) -> Bool) -> (LearningCurveVerdict, VerdictReason) {
        let nbBetter = points.filter { significant($0) && $0.meanDifference < 0 }.map(\.m)
        let lrBetterFlags = points.map { significant($0) && $0.meanDifference > 0 }
        let lrBetter = zip(points, lrBetterFlags).filter(\.1).map(\.0.m)
        var crossover: Int?
        for i in points.indices.reversed() {
            guard lrBetterFlags[i] else { break }
            crossover = points[i].m
        }
        let v: LearningCurveVerdict
        if crossover != nil && !nbBetter.isEmpty { v = .ngJordan }
        else if nbBetter.isEmpty && !lrBetter.isEmpty { v = .lrNeverWorse }
        else { v = .noLRAdvantage }
        let first = points.first!, last = points.last!
        return (v, VerdictReason(criterion: criterion, nbBetterSizes: nbBetter, lrBetterSizes: lrBetter, crossover: crossover,
                                 smallestM: first.m, largestM: last.m,
                                 nbErrorAtSmallest: first.nbError, lrErrorAtSmallest: first.lrError,
                                 nbErrorAtLargest: last.nbError, lrErrorAtLargest: last.lrError))
    }
}
