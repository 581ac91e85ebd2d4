import Foundation
import Models

/// `explore:` in lenses.yml: the sizes and values of the probe, regulariser and training-size widgets.
///
/// ```yaml
/// explore:
///   probe: {cells: 50}                  # lookup points per side of a probe's map
///   regulariser:                        # per model (a name under models:): one setting and its values
///     logistic_regression: {C: [0.001, 0.01, 0.1, 1, 10, 100, 1000]}
///   training_size: {sizes: 7, smallest: 4}   # log-spaced rows per class, from smallest up to the whole training part
/// ```
public struct ExploreWidgets: Sendable, Equatable {
    public var probe = ProbeSettings()
    /// Model name → the setting a `@regulariser` slider moves, and its values in slider order.
    public var regulariser: [String: RegulariserSweep] = [:]
    public var trainingSize = TrainingSizeSettings()
    public init() {}
}

/// One setting of one model and the values a slider steps through.
public struct RegulariserSweep: Sendable, Equatable, Codable {
    public let setting: String
    public let values: [SettingValue]
}

public struct TrainingSizeSettings: Sendable, Equatable, Codable {
    /// Slider steps: training sizes spaced evenly on a log scale.
    public var sizes = 7
    /// Rows per class of the smallest training set.
    public var smallest = 4
    public init() {}
}

extension ConfigLoader {
    static func explore(_ field: Field, models: [ModelSpec]) throws -> ExploreWidgets {
        var out = ExploreWidgets()
        let m = try field.mapping(allowed: ["probe", "regulariser", "training_size"])
        if let p = m["probe"] {
            let pm = try p.mapping(allowed: ["cells"])
            if let c = pm["cells"] { out.probe.cells = try c.integer(in: 4...100) }
        }
        if let r = m["regulariser"] {
            for (key, value) in try r.mappingInOrder() {
                let name = try key.string()
                guard let model = models.first(where: { $0.name == name }) else {
                    throw key.error("model '\(name)' is not listed under models; listed: \(models.map(\.name).joined(separator: ", "))")
                }
                let pairs = try value.mappingInOrder()
                guard pairs.count == 1 else { throw value.error("give one setting and its values, e.g. {C: [0.01, 1, 100]}") }
                let (settingKey, list) = pairs[0]
                let setting = try settingKey.string()
                let items = try list.sequence(nonEmpty: true)
                guard (2...20).contains(items.count) else { throw list.error("a slider needs 2 to 20 values, got \(items.count)") }
                var values = [SettingValue]()
                for item in items {
                    let v = try item.settingValue()
                    guard !values.contains(v) else { throw item.error("value \(v) appears twice") }
                    var settings = model.settings
                    settings[setting] = v
                    do { _ = try ModelCatalogue.make(kind: model.kind, settings: settings) } catch let e as ModelError {
                        throw item.error(e.message)
                    }
                    values.append(v)
                }
                out.regulariser[name] = RegulariserSweep(setting: setting, values: values)
            }
        }
        if let t = m["training_size"] {
            let tm = try t.mapping(allowed: ["sizes", "smallest"])
            if let s = tm["sizes"] { out.trainingSize.sizes = try s.integer(in: 2...20) }
            if let s = tm["smallest"] { out.trainingSize.smallest = try s.integer(in: 2...1000) }
        }
        return out
    }
}
