import Foundation

/// The colours a figure is drawn in. Every chart takes its background, text, grid
/// and class colours from the canvas's theme, so one draw call makes the light and
/// the dark figure. Colours a caller passes in (a series colour, a frame) go
/// through `adapt(_:)`, which leaves them alone in the light theme and lifts them
/// off the dark background in the dark one.
public struct Theme: Sendable, Equatable {
    /// "light" or "dark": the file-name suffix of the dark variant is `-dark`.
    public var name: String
    public var background: Color
    public var ink: Color
    public var muted: Color
    public var frame: Color
    /// Grid lines behind the data.
    public var grid: Color
    /// The background of small panels (small multiples).
    public var panel: Color
    /// Faint context points drawn behind the data.
    public var faint: Color
    /// Fills and halos that separate a mark from what is under it (white on light figures).
    public var halo: Color
    /// What `deepen(_:_:)` mixes toward: black on light figures, white on dark ones.
    public var contrast: Color
    /// Class colours of 2-D figures (Okabe–Ito on light; the same hues lifted on dark).
    public var classes: [Color]
    /// How far a class colour is mixed toward the background for the P(y|x) tint.
    public var tintMix: Double
    /// Grey-level images: the colour of 0 (paper) and of 1 (ink).
    public var paper: Color
    public var imageInk: Color
    /// The "what it cannot do" note box.
    public var noteFill: Color
    public var noteStroke: Color
    public var noteTitle: Color
    /// Density contours of unlabelled data (p(x)).
    public var density: Color

    public var isDark: Bool { name == "dark" }

    public func classColor(_ k: Int) -> Color { classes[((k % classes.count) + classes.count) % classes.count] }

    /// The P(y|x) tint of class k: its colour mixed toward the background.
    public func tint(_ k: Int) -> Color { classColor(k).mixed(with: background, tintMix) }

    /// A colour made stronger against the background by `t` (darker on light, lighter on dark).
    public func deepen(_ c: Color, _ t: Double) -> Color { c.mixed(with: contrast, t) }

    /// A caller's colour for this theme. Light: unchanged. Dark: a colour of the light class
    /// palette becomes the dark palette's colour of the same class; greys have their
    /// lightness inverted (dark ink becomes light ink, never dimmer than 55 %), and
    /// colours darker than relative luminance 0.22 are mixed toward white in steps of
    /// 5 % until they reach it (so every line keeps a 4:1 contrast on the background).
    public func adapt(_ c: Color) -> Color {
        guard isDark else { return c }
        if let k = Palette.classes.firstIndex(of: c) { return classes[k] }  // the class palette maps one to one
        let hi = max(c.r, c.g, c.b), lo = min(c.r, c.g, c.b)
        if hi - lo < 0.06 {
            let v = max(1 - (c.r + c.g + c.b) / 3, 0.55)
            return Color(v, v, v)
        }
        var out = c, t = 0.0
        while out.luminance < 0.22 && t < 1 { t += 0.05; out = c.mixed(with: .white, t) }
        return out
    }

    public static let light = Theme(
        name: "light", background: .white, ink: Color(hex: 0x222222), muted: Color(hex: 0x5A5A5A),
        frame: Color(hex: 0x8A8A8A), grid: Color(hex: 0xECECEC), panel: Color(hex: 0xFAFAFA), faint: Color(hex: 0xB8B8B8),
        halo: .white, contrast: .black, classes: Palette.classes, tintMix: 0.55,
        paper: .white, imageInk: Color(hex: 0x111111),
        noteFill: Color(hex: 0xFBF3E4), noteStroke: Color(hex: 0xB26B00), noteTitle: Color(hex: 0x8A4F00),
        density: Color(hex: 0xB3261E))

    /// Matches the site's dark stylesheet: the figure is a panel (#1f2228) on the page (#16181c).
    public static let dark = Theme(
        name: "dark", background: Color(hex: 0x1F2228), ink: Color(hex: 0xE6E6E3), muted: Color(hex: 0xA5A9B0),
        frame: Color(hex: 0x6B7079), grid: Color(hex: 0x2E3239), panel: Color(hex: 0x24282E), faint: Color(hex: 0x5C6169),
        halo: Color(hex: 0x1F2228), contrast: .white, classes: Palette.darkClasses, tintMix: 0.62,
        paper: Color(hex: 0x1F2228), imageInk: Color(hex: 0xF2F2F2),
        noteFill: Color(hex: 0x2B2619), noteStroke: Color(hex: 0xE0A040), noteTitle: Color(hex: 0xF0B860),
        density: Color(hex: 0xFF7B6B))
}

extension Color {
    /// Relative luminance (WCAG 2): the sRGB components linearised and weighted.
    public var luminance: Double {
        func lin(_ v: Double) -> Double { v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }
}
