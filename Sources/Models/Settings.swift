import Foundation
import Numerics

/// A model's settings as given (in the project spec or a test), read with
/// checks that name the model, the key and what is allowed.
public struct Settings: Sendable, Equatable {
    public let model: String
    public let values: [String: SettingValue]

    public init(model: String, _ values: [String: SettingValue] = [:]) {
        self.model = model
        self.values = values
    }

    /// Refuses keys the model does not know.
    public func allow(_ keys: [String]) throws {
        if let bad = values.keys.sorted().first(where: { !keys.contains($0) }) {
            throw ModelError(model: model, "unknown setting '\(bad)'; allowed: \(keys.joined(separator: ", "))")
        }
    }

    public func number(_ key: String, default fallback: Double,
                       in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                       exclusiveLower: Bool = false) throws -> Double {
        let v: Double
        switch values[key] {
        case nil: return fallback
        case .number(let d)?: v = d
        case .integer(let i)?: v = Double(i)
        default: throw ModelError(model: model, "setting '\(key)' must be a number")
        }
        guard v.isFinite, range.contains(v), !(exclusiveLower && v == range.lowerBound) else {
            let lower = exclusiveLower ? "> \(NumberFormat.shortest(range.lowerBound))" : "≥ \(NumberFormat.shortest(range.lowerBound))"
            throw ModelError(model: model, "setting '\(key)' must be \(lower) and ≤ \(NumberFormat.shortest(range.upperBound)), got \(NumberFormat.shortest(v))")
        }
        return v
    }

    public func integer(_ key: String, default fallback: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        switch values[key] {
        case nil: return fallback
        case .integer(let i)?:
            guard range.contains(i) else {
                throw ModelError(model: model, "setting '\(key)' must be between \(range.lowerBound) and \(range.upperBound), got \(i)")
            }
            return i
        case .number(let d)? where d == d.rounded() && abs(d) < 1e15:
            return try Settings(model: model, [key: .integer(Int(d))]).integer(key, default: fallback, in: range)
        default: throw ModelError(model: model, "setting '\(key)' must be a whole number")
        }
    }

    public func text(_ key: String, default fallback: String, allowed: [String]) throws -> String {
        switch values[key] {
        case nil: return fallback
        case .text(let t)? where allowed.contains(t): return t
        case let other?:
            throw ModelError(model: model, "setting '\(key)' must be one of \(allowed.joined(separator: ", ")), got '\(other)'")
        }
    }

    public func flag(_ key: String, default fallback: Bool) throws -> Bool {
        switch values[key] {
        case nil: return fallback
        case .flag(let b)?: return b
        default: throw ModelError(model: model, "setting '\(key)' must be true or false")
        }
    }

    /// An integer list such as hidden layer sizes, written as text "32,32".
    public func integers(_ key: String, default fallback: [Int]) throws -> [Int] {
        switch values[key] {
        case nil: return fallback
        case .integer(let i)?: return [i]
        case .text(let t)?:
            let parts = t.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ModelError(model: model, "setting '\(key)' must be positive whole numbers separated by commas, got '\(t)'")
            }
            return parts.map { $0! }
        default: throw ModelError(model: model, "setting '\(key)' must be whole numbers separated by commas")
        }
    }
}
