import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a number is written wherever the site shows one — page text, tables, captions, alt text,
/// figure labels, widget readouts: one function per style, so a style is written one way.
///
/// | style | example |
/// |---|---|
/// | `fixed(v, d)` | `fixed(0.85671, 3)` → `0.857` |
/// | `fixedOrNA(v, d)` | as `fixed`; NaN or ±∞ → `n/a` |
/// | `fixedUnsigned(v, d)` | as `fixed`, but a value that rounds to zero is never `-0.00` |
/// | `percent(v)` | `percent(0.1234)` → `12.3 %` (× 100, one decimal, a space, `%`) |
/// | `wholePercent(v)` | `wholePercent(0.125)` → `13 %` (× 100, rounded half away from zero) |
/// | `scientific(v)` | `scientific(0.000123)` → `1.2e-04` |
/// | `significant(v, n)` | `significant(0.012345, 3)` → `0.0123` (C's `%g`) |
/// | `grouped(n)` | `grouped(12345)` → `12,345` (commas between thousands) |
/// | `shortest(v)` | `shortest(1)` → `1`, `shortest(0.25)` → `0.25`, `shortest(1e-9)` → `1e-09` (round-trip) |
public enum NumberFormat {
    /// `decimals` digits after the point.
    public static func fixed(_ v: Double, _ decimals: Int) -> String {
        printf("%.*f", decimals, v)
    }

    /// `fixed`, with `n/a` for a value that is not finite (a score that could not be computed).
    public static func fixedOrNA(_ v: Double, _ decimals: Int) -> String {
        v.isFinite ? fixed(v, decimals) : "n/a"
    }

    /// `fixed`, but a negative value that rounds to zero is written without its sign.
    public static func fixedUnsigned(_ v: Double, _ decimals: Int) -> String {
        let s = fixed(v, decimals)
        return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
    }

    /// A share as a percentage: × 100, `decimals` digits, then ` %`.
    public static func percent(_ v: Double, decimals: Int = 1) -> String {
        fixed(100 * v, decimals) + " %"
    }

    /// A share as a whole percentage, rounded half away from zero: `wholePercent(0.125)` → `13 %`.
    public static func wholePercent(_ v: Double) -> String {
        "\(Int((v * 100).rounded())) %"
    }

    /// Scientific notation with `decimals` digits after the point (`1.2e-04`).
    public static func scientific(_ v: Double, decimals: Int = 1) -> String {
        printf("%.*e", decimals, v)
    }

    /// `digits` significant digits, in C's `%g` style (no trailing zeros; exponent when very large or small).
    public static func significant(_ v: Double, _ digits: Int) -> String {
        printf("%.*g", digits, v)
    }

    /// C's printf of one double at a precision: the text `String(format:)` gives (Foundation formats
    /// doubles with the C library's printf), without its format-string parsing and bridging, which
    /// made number formatting a visible share of a cold build (probe payloads format every grid cell).
    static func printf(_ format: StaticString, _ precision: Int, _ v: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buf in
            let n = withVaList([Int32(precision), v]) { vsnprintf(buf.baseAddress!, 512, UnsafeRawPointer(format.utf8Start).assumingMemoryBound(to: CChar.self), $0) }
            if n >= 0 && n < 512 { return String(decoding: UnsafeRawBufferPointer(start: buf.baseAddress!, count: Int(n)), as: UTF8.self) }
            // Longer than the buffer (a huge value at many decimals): Foundation's formatter.
            return String(format: "\(format)".replacingOccurrences(of: "*", with: "\(precision)"), v)
        }
    }

    /// A whole number with commas between the thousands: 4601 → `4,601`, −1234567 → `-1,234,567`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// The whole part of `v` (which callers round first), grouped.
    public static func grouped(_ v: Double) -> String {
        let g = grouped(Int(abs(v)))
        return v < 0 ? "-" + g : g
    }

    /// The shortest text that reads back as the same double, whole numbers without a point:
    /// settings as a person wrote them (`1`, `0.25`, `1e-09`).
    public static func shortest(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        return "\(v)"
    }
}
