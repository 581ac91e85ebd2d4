/// A scalar field drawn as a colour map (e.g. a density p(x|y)p(y)), with a colour bar.
public struct ScalarLayer: Sendable {
    public var grid: Grid
    public var values: [Double]
    /// The value mapped to the top of the colour map (the bottom is 0 or `minimum`).
    public var maximum: Double
    public var minimum: Double
    public var label: String
    public init(grid: Grid, values: [Double], label: String, minimum: Double = 0, maximum: Double? = nil) {
        precondition(values.count == grid.nx * grid.ny, "scalar layer does not fit its grid")
        self.grid = grid
        self.values = values
        self.label = label
        self.minimum = minimum
        self.maximum = maximum ?? (values.filter(\.isFinite).max() ?? 1)
    }
}

/// A curve in data coordinates with its own legend entry (a regression line, E[y|x]).
public struct CurveLayer: Sendable {
    public var label: String
    public var points: [(Double, Double)]
    public var color: Color
    public var width: Double
    public var dash: [Double]
    public init(label: String, points: [(Double, Double)], color: Color, width: Double = 2.2, dash: [Double] = []) {
        self.label = label; self.points = points; self.color = color; self.width = width; self.dash = dash
    }
}
