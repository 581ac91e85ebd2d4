/// A dense, row-major matrix of `Double`s: the one array type every module shares.
///
/// Element `(i, j)` lives at `data[i * cols + j]`, which is the layout BLAS calls
/// `CblasRowMajor` with leading dimension `cols`.
public struct Matrix: Sendable, Equatable, Codable {
    public let rows: Int
    public let cols: Int
    public var data: [Double]

    // The values are coded as one block of bytes (see `Packed`): caching a matrix costs a copy.
    private enum CodingKeys: String, CodingKey { case rows, cols, data }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try c.decode(Int.self, forKey: .rows), cols = try c.decode(Int.self, forKey: .cols)
        let data = try c.decode(Packed.self, forKey: .data).wrappedValue
        guard rows >= 0, cols >= 0, data.count == rows * cols else {
            throw DecodingError.dataCorruptedError(forKey: .data, in: c, debugDescription: "a \(rows)×\(cols) matrix needs \(rows * cols) values, got \(data.count)")
        }
        self.init(rows: rows, cols: cols, data: data)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows); try c.encode(cols, forKey: .cols)
        try c.encode(Packed(wrappedValue: data), forKey: .data)
    }

    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.data = [Double](repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, data: [Double]) {
        precondition(data.count == rows * cols, "matrix needs \(rows * cols) values, got \(data.count)")
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    /// Builds a matrix from rows of equal length.
    public init(_ rowArrays: [[Double]]) {
        let cols = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == cols }, "rows must have equal length")
        self.init(rows: rowArrays.count, cols: cols, data: rowArrays.flatMap { $0 })
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { data[i * cols + j] }
        set { data[i * cols + j] = newValue }
    }

    public func row(_ i: Int) -> [Double] { Array(data[(i * cols)..<((i + 1) * cols)]) }

    public func column(_ j: Int) -> [Double] { (0..<rows).map { data[$0 * cols + j] } }

    /// The rows whose indices are given, in that order.
    public func rows(_ indices: [Int]) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * cols)
        for i in indices { out.append(contentsOf: data[(i * cols)..<((i + 1) * cols)]) }
        return Matrix(rows: indices.count, cols: cols, data: out)
    }

    /// The columns whose indices are given, in that order.
    public func columns(_ indices: [Int]) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * rows)
        for i in 0..<rows { for j in indices { out.append(data[i * cols + j]) } }
        return Matrix(rows: rows, cols: indices.count, data: out)
    }

    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { t.data[j * rows + i] = data[i * cols + j] } }
        return t
    }

    /// Column means.
    public func columnMeans() -> [Double] {
        var m = [Double](repeating: 0, count: cols)
        guard rows > 0 else { return m }
        for i in 0..<rows { for j in 0..<cols { m[j] += data[i * cols + j] } }
        return m.map { $0 / Double(rows) }
    }

    /// Population (divide-by-n) column variances.
    public func columnVariances() -> [Double] {
        let mean = columnMeans()
        var v = [Double](repeating: 0, count: cols)
        guard rows > 0 else { return v }
        for i in 0..<rows {
            for j in 0..<cols {
                let d = data[i * cols + j] - mean[j]
                v[j] += d * d
            }
        }
        return v.map { $0 / Double(rows) }
    }

    public func columnMin() -> [Double] {
        (0..<cols).map { j in (0..<rows).map { data[$0 * cols + j] }.min() ?? .nan }
    }

    public func columnMax() -> [Double] {
        (0..<cols).map { j in (0..<rows).map { data[$0 * cols + j] }.max() ?? .nan }
    }

    public var allFinite: Bool { data.allSatisfy { $0.isFinite } }
}
