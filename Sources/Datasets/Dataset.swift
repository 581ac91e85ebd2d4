import Foundation
import Numerics

/// A labelled data set: a feature matrix and integer class labels `0..<K`.
public struct Dataset: Sendable, Codable {
    public let name: String
    public let title: String
    public let featureNames: [String]
    public let classNames: [String]
    public let x: Matrix
    public let y: [Int]
    /// Rows left out because a used column was missing (`NA` or empty).
    public let droppedRows: Int

    public init(name: String, title: String, featureNames: [String], classNames: [String],
                x: Matrix, y: [Int], droppedRows: Int = 0) {
        precondition(x.rows == y.count, "one label per row")
        precondition(x.cols == featureNames.count, "one name per feature")
        self.name = name
        self.title = title
        self.featureNames = featureNames
        self.classNames = classNames
        self.x = x
        self.y = y
        self.droppedRows = droppedRows
    }

    public var count: Int { y.count }
    public var classCount: Int { classNames.count }

    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(name: name, title: title, featureNames: featureNames, classNames: classNames,
                x: x.rows(indices), y: indices.map { y[$0] }, droppedRows: droppedRows)
    }

    public func classCounts() -> [Int] {
        var c = [Int](repeating: 0, count: classCount)
        for v in y { c[v] += 1 }
        return c
    }
}

/// A transform applied to every feature after reading.
public enum FeatureTransform: String, Sendable, Codable {
    case none
    /// log(1 + x): for skewed, non-negative counts and percentages.
    case log1p
}

/// Which columns of a CSV are a dataset's features.
public enum FeatureColumns: Sendable, Equatable {
    /// These columns, in this order.
    case named([String])
    /// The first `count` columns (besides the label) whose every present value is a number.
    case firstNumeric(Int)
    /// Every numeric column besides the label and the ones listed.
    case allNumeric(excluding: [String])
}

/// The one way CSV text becomes data: `load(csv:…)` for a labelled dataset, `loadColumns(csv:…)`
/// for numeric columns with no label. Both parse with `CSVReader`, pick the columns by name,
/// drop (and count) rows with a missing value in a used column, and report every problem as
/// `FILE:LINE[:COLUMN]: what is wrong and what to do`.
public enum DatasetLoader {
    /// The most classes a dataset may have: every figure gives each class a colour and a legend line.
    public static let maxClasses = 20

    /// Values read as missing.
    public static let missingMarkers: Set<String> = ["", "NA", "N/A", "NaN", "nan", "?"]

    /// CSV bytes (`file` names them in errors) as a labelled dataset.
    public static func load(csv bytes: Data, file: String, name: String, title: String, label: String,
                            features: FeatureColumns, transform: FeatureTransform = .none) throws -> Dataset {
        try load(table: CSVReader.parse(bytes, file: file), name: name, title: title, label: label,
                 features: features, transform: transform)
    }

    /// CSV bytes as numeric columns with no label (Old Faithful, regression inputs and targets).
    public static func loadColumns(csv bytes: Data, file: String, columns: [String]) throws -> (x: Matrix, names: [String], droppedRows: Int) {
        try loadColumns(table: CSVReader.parse(bytes, file: file), columns: columns)
    }

    /// `features: nil` takes the first two numeric columns.
    public static func load(table: CSVTable, name: String, title: String, label: String,
                            features: [String]?, transform: FeatureTransform = .none) throws -> Dataset {
        try load(table: table, name: name, title: title, label: label,
                 features: features.map { .named($0) } ?? .firstNumeric(2), transform: transform)
    }

    public static func load(table: CSVTable, name: String, title: String, label: String,
                            features: FeatureColumns, transform: FeatureTransform = .none) throws -> Dataset {
        let labelIndex = try table.columnIndex(label, role: "label")
        let featureIndices: [Int]
        switch features {
        case .named(let features):
            featureIndices = try features.map { try table.columnIndex($0, role: "feature") }
            if let clash = features.first(where: { $0 == label }) {
                throw CSVError(file: table.file, line: 1, "'\(clash)' is the label column; it cannot also be a feature")
            }
        case .firstNumeric(let count):
            featureIndices = numericColumns(table, excluding: [labelIndex], count: count)
            if featureIndices.count < count {
                throw CSVError(file: table.file, line: 1, "needs \(count == 2 ? "two" : "\(count)") numeric feature columns besides the label '\(label)'")
            }
        case .allNumeric(let excluded):
            let excludedIndices = try excluded.map { try table.columnIndex($0, role: "excluded") }
            featureIndices = numericColumns(table, excluding: Set(excludedIndices + [labelIndex]), count: nil)
            if featureIndices.isEmpty {
                throw CSVError(file: table.file, line: 1, "has no numeric column besides the label '\(label)'\(excluded.isEmpty ? "" : " and the excluded ones"); every feature column must hold numbers (NA for missing)")
            }
        }
        var rows = [Double](), labels = [String](), dropped = 0
        rows.reserveCapacity(table.records.count * featureIndices.count)
        recordLoop: for (r, rec) in table.records.enumerated() {
            let labelText = rec[labelIndex].trimmingCharacters(in: .whitespaces)
            if missingMarkers.contains(labelText) { dropped += 1; continue }
            var values = [Double]()
            for j in featureIndices {
                let text = rec[j].trimmingCharacters(in: .whitespaces)
                if missingMarkers.contains(text) { dropped += 1; continue recordLoop }
                guard let v = Double(text) else {
                    throw CSVError(file: table.file, line: table.lines[r], column: j + 1,
                                   "column '\(table.header[j])' expected a number, found '\(text.prefix(40))'")
                }
                guard v.isFinite else {
                    throw CSVError(file: table.file, line: table.lines[r], column: j + 1,
                                   "column '\(table.header[j])' holds '\(text.prefix(40))'; expected a finite number (use NA for missing)")
                }
                switch transform {
                case .none: values.append(v)
                case .log1p:
                    guard v > -1 else {
                        throw CSVError(file: table.file, line: table.lines[r], column: j + 1,
                                       "log(1+x) needs x > -1, found \(text) in column '\(table.header[j])'")
                    }
                    values.append(Foundation.log1p(v))
                }
            }
            rows.append(contentsOf: values)
            labels.append(labelText)
        }
        if labels.isEmpty {
            throw CSVError(file: table.file, line: 2, "no rows left after dropping \(dropped) with missing values")
        }
        let classNames = sortedClassNames(Set(labels))
        guard classNames.count >= 2 else {
            throw CSVError(file: table.file, line: table.lines.first ?? 2, column: labelIndex + 1,
                           "label column '\(label)' holds only one class ('\(classNames[0].prefix(40))') in \(labels.count) usable rows; a classifier needs at least two")
        }
        guard classNames.count <= maxClasses else {
            let labelLine = table.lines.first ?? 2
            throw CSVError(file: table.file, line: labelLine, column: labelIndex + 1,
                           "label column '\(label)' has \(classNames.count) different values; lenses compares at most \(maxClasses) classes — is it really the class column?")
        }
        let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        let names = featureIndices.map { table.header[$0] }
        return Dataset(name: name, title: title,
                       featureNames: transform == .log1p ? names.map { "log(1+\($0))" } : names,
                       classNames: classNames,
                       x: Matrix(rows: labels.count, cols: featureIndices.count, data: rows),
                       y: labels.map { index[$0]! }, droppedRows: dropped)
    }

    /// Numeric columns with no label (Old Faithful, regression inputs and targets):
    /// rows with a missing value in any named column are dropped and counted.
    public static func loadColumns(table: CSVTable, columns: [String]) throws -> (x: Matrix, names: [String], droppedRows: Int) {
        guard !columns.isEmpty else { throw CSVError(file: table.file, line: 1, "no columns named to read") }
        let indices = try columns.map { try table.columnIndex($0, role: "numeric") }
        var values = [Double](), rows = 0, dropped = 0
        recordLoop: for (r, rec) in table.records.enumerated() {
            var row = [Double]()
            for j in indices {
                let text = rec[j].trimmingCharacters(in: .whitespaces)
                if missingMarkers.contains(text) { dropped += 1; continue recordLoop }
                guard let v = Double(text), v.isFinite else {
                    throw CSVError(file: table.file, line: table.lines[r], column: j + 1,
                                   "column '\(table.header[j])' expected a finite number, found '\(text.prefix(40))'")
                }
                row.append(v)
            }
            values += row
            rows += 1
        }
        guard rows > 0 else { throw CSVError(file: table.file, line: 2, "no rows left after dropping \(dropped) with missing values") }
        return (Matrix(rows: rows, cols: indices.count, data: values), columns, dropped)
    }

    /// Class names in numeric order when all are numbers, else in string order
    /// (as scikit-learn's `np.unique`).
    public static func sortedClassNames(_ names: Set<String>) -> [String] {
        let numeric = names.compactMap { n in Double(n).map { (n, $0) } }
        if numeric.count == names.count { return numeric.sorted { $0.1 < $1.1 }.map(\.0) }
        return names.sorted()
    }

    /// The columns, in header order, whose every present value is a number (at most `count`).
    static func numericColumns(_ table: CSVTable, excluding: Set<Int>, count: Int?) -> [Int] {
        var out = [Int]()
        for j in table.header.indices where !excluding.contains(j) {
            let values = table.records.map { $0[j].trimmingCharacters(in: .whitespaces) }
                .filter { !missingMarkers.contains($0) }
            if !values.isEmpty && values.allSatisfy({ Double($0) != nil }) { out.append(j) }
            if out.count == count { break }
        }
        return out
    }
}
