/// A perceptually uniform sequential colour map (viridis; van der Walt & Smith,
/// matplotlib 2015), sampled at 9 anchors and interpolated linearly.
public enum Colormap {
    static let viridis: [Color] = [
        Color(hex: 0x440154), Color(hex: 0x472D7B), Color(hex: 0x3B528B), Color(hex: 0x2C728E),
        Color(hex: 0x21918C), Color(hex: 0x28AE80), Color(hex: 0x5EC962), Color(hex: 0xADDC30), Color(hex: 0xFDE725),
    ]

    /// The colour at t ∈ [0, 1] (clamped).
    public static func viridis(_ t: Double) -> Color {
        let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(viridis.count - 1)
        let i = min(Int(x), viridis.count - 2)
        return viridis[i].mixed(with: viridis[i + 1], x - Double(i))
    }
}
