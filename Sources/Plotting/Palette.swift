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
    public static func classColor(_ k: Int) -> Color { classes[k % classes.count] }
    public static let ink = Color(hex: 0x222222)
    public static let muted = Color(hex: 0x5A5A5A)
    public static let frame = Color(hex: 0x8A8A8A)
}
