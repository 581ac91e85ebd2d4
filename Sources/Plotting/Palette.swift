/// Class colours from the Okabe–Ito palette, chosen to stay distinct for the
/// common forms of colour blindness.
public enum Palette {
    public static let classes: [Color] = [
        Color(hex: 0x0072B2),  // blue
        Color(hex: 0xE69F00),  // orange
        Color(hex: 0x009E73),  // bluish green
        Color(hex: 0xCC79A7),  // reddish purple
        Color(hex: 0x56B4E9),  // sky blue
        Color(hex: 0xD55E00),  // vermillion
        Color(hex: 0xF0E442),  // yellow
        Color(hex: 0x000000),  // black
    ]
    /// The same hues for dark figures (background #1f2228): blue made a brighter royal blue
    /// (Okabe–Ito's blue has a 2.6:1 contrast there; lifting it toward white brought it within
    /// ΔE00 6.5 of the green under tritanopia, this one keeps ΔE00 ≥ 17 from every other class
    /// under every simulated vision at 3.0:1), and black replaced by a light grey; the rest
    /// already stand out. scripts/palette-check.py checks both lists.
    public static let darkClasses: [Color] = [
        Color(hex: 0x4260E1),  // royal blue
        Color(hex: 0xE69F00),  // orange
        Color(hex: 0x009E73),  // bluish green
        Color(hex: 0xCC79A7),  // reddish purple
        Color(hex: 0x56B4E9),  // sky blue
        Color(hex: 0xD55E00),  // vermillion
        Color(hex: 0xF0E442),  // yellow
        Color(hex: 0xDDDDDD),  // light grey (black on light figures)
    ]
    public static func classColor(_ k: Int) -> Color { classes[k % classes.count] }
    public static let ink = Color(hex: 0x222222)
    public static let muted = Color(hex: 0x5A5A5A)
    public static let frame = Color(hex: 0x8A8A8A)
}
