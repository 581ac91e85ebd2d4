/// Values of a function on a regular grid of cell centres:
/// `values[j * nx + i]` is f(x_i, y_j) with x_i = xMin + (i + ½)(xMax − xMin)/nx.
public struct Grid: Sendable, Equatable, Codable {
    public let nx: Int, ny: Int
    public let xMin: Double, xMax: Double, yMin: Double, yMax: Double

    public init(nx: Int, ny: Int, xMin: Double, xMax: Double, yMin: Double, yMax: Double) {
        precondition(nx >= 2 && ny >= 2 && xMax > xMin && yMax > yMin, "a grid needs ≥ 2×2 cells and a positive extent")
        self.nx = nx; self.ny = ny
        self.xMin = xMin; self.xMax = xMax; self.yMin = yMin; self.yMax = yMax
    }

    public func x(_ i: Double) -> Double { xMin + (i + 0.5) * (xMax - xMin) / Double(nx) }
    public func y(_ j: Double) -> Double { yMin + (j + 0.5) * (yMax - yMin) / Double(ny) }

    /// The grid's points, row by row (y outer, x inner), as (x, y) pairs.
    public var points: [Double] {
        var p = [Double]()
        p.reserveCapacity(nx * ny * 2)
        for j in 0..<ny { for i in 0..<nx { p.append(x(Double(i))); p.append(y(Double(j))) } }
        return p
    }
}

/// Marching squares (Lorensen & Cline's idea in 2-D) with the pieces joined into
/// polylines, so dashed lines and joins draw cleanly.
public enum Contours {
    /// The level set {f = level} as polylines in data coordinates.
    /// Non-finite values count as below every level.
    public static func lines(_ values: [Double], grid: Grid, level: Double) -> [[(Double, Double)]] {
        let nx = grid.nx, ny = grid.ny
        precondition(values.count == nx * ny, "contour values do not fit the grid")
        func v(_ i: Int, _ j: Int) -> Double {
            let x = values[j * nx + i]
            return x.isFinite ? x : -Double.greatestFiniteMagnitude
        }
        // Edge ids: horizontal edge (i,j)-(i+1,j) → j*nx + i; vertical edge (i,j)-(i,j+1) → nx*ny + j*nx + i.
        func hEdge(_ i: Int, _ j: Int) -> Int { j * nx + i }
        func vEdge(_ i: Int, _ j: Int) -> Int { nx * ny + j * nx + i }
        var point = [Int: (Double, Double)]()
        func crossing(_ id: Int, _ i0: Int, _ j0: Int, _ i1: Int, _ j1: Int) -> Int {
            if point[id] == nil {
                let a = v(i0, j0), b = v(i1, j1)
                var t = (level - a) / (b - a)
                if !t.isFinite { t = 0.5 }
                t = min(max(t, 0), 1)
                point[id] = (grid.x(Double(i0) + t * Double(i1 - i0)), grid.y(Double(j0) + t * Double(j1 - j0)))
            }
            return id
        }
        var segments = [(Int, Int)]()
        for j in 0..<(ny - 1) {
            for i in 0..<(nx - 1) {
                let bl = v(i, j) >= level, br = v(i + 1, j) >= level
                let tr = v(i + 1, j + 1) >= level, tl = v(i, j + 1) >= level
                let code = (bl ? 1 : 0) | (br ? 2 : 0) | (tr ? 4 : 0) | (tl ? 8 : 0)
                if code == 0 || code == 15 { continue }
                let bottom = { crossing(hEdge(i, j), i, j, i + 1, j) }
                let top = { crossing(hEdge(i, j + 1), i, j + 1, i + 1, j + 1) }
                let left = { crossing(vEdge(i, j), i, j, i, j + 1) }
                let right = { crossing(vEdge(i + 1, j), i + 1, j, i + 1, j + 1) }
                switch code {
                case 1, 14: segments.append((left(), bottom()))
                case 2, 13: segments.append((bottom(), right()))
                case 3, 12: segments.append((left(), right()))
                case 4, 11: segments.append((right(), top()))
                case 6, 9: segments.append((bottom(), top()))
                case 7, 8: segments.append((left(), top()))
                case 5, 10:
                    let centre = (v(i, j) + v(i + 1, j) + v(i + 1, j + 1) + v(i, j + 1)) / 4
                    let centreAbove = centre >= level
                    // code 5: bl and tr above. If the centre is above too, they connect.
                    if (code == 5) == centreAbove {
                        segments.append((left(), top())); segments.append((bottom(), right()))
                    } else {
                        segments.append((left(), bottom())); segments.append((right(), top()))
                    }
                default: break
                }
            }
        }
        return join(segments).map { chain in chain.map { point[$0]! } }
    }

    /// Joins segments that share endpoints into chains of edge ids (deterministic order).
    static func join(_ segments: [(Int, Int)]) -> [[Int]] {
        var adjacency = [Int: [Int]]()
        for (k, s) in segments.enumerated() {
            adjacency[s.0, default: []].append(k)
            adjacency[s.1, default: []].append(k)
        }
        var used = [Bool](repeating: false, count: segments.count)
        var chains = [[Int]]()
        func other(_ k: Int, _ end: Int) -> Int { segments[k].0 == end ? segments[k].1 : segments[k].0 }
        func extend(_ chain: inout [Int]) {
            while let last = chain.last, let k = adjacency[last]?.first(where: { !used[$0] }) {
                used[k] = true
                chain.append(other(k, last))
            }
        }
        // Start open chains at their ends first, then closed loops anywhere.
        let order = segments.indices.sorted { a, b in
            let ea = min(adjacency[segments[a].0]!.count, adjacency[segments[a].1]!.count)
            let eb = min(adjacency[segments[b].0]!.count, adjacency[segments[b].1]!.count)
            return ea != eb ? ea < eb : a < b
        }
        for k in order where !used[k] {
            used[k] = true
            let (a, b) = segments[k]
            let startAtA = adjacency[a]!.count == 1 || adjacency[b]!.count != 1
            var chain = startAtA ? [a, b] : [b, a]
            extend(&chain)
            var back = [chain[0]]
            extend(&back)
            chains.append(back.reversed().dropLast() + chain)
        }
        return chains
    }
}
