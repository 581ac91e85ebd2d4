import CCairo
import Foundation

/// The picture a link to a page shows when shared (Open Graph / Twitter
/// `summary_large_image`): 1200 × 630, the site title, the page title and description,
/// and the page's first figure scaled in beside them.
public struct SocialCard: Figure {
    public var width = 1200
    public var height = 630
    public var scale = 1.0
    public var siteTitle: String
    public var tagline: String
    public var title: String
    /// The page's description (front matter), under the title; empty for none.
    public var description = ""
    /// A line along the bottom edge; empty for none.
    public var footer = ""
    /// A PNG to show (the page's first figure, ideally its 2× file), or nil.
    public var figure: Data?

    public init(siteTitle: String, tagline: String, title: String, figure: Data?) {
        self.siteTitle = siteTitle; self.tagline = tagline; self.title = title; self.figure = figure
    }

    static let accent = Color(hex: 0x0B5CAD)

    public func draw(on c: Canvas) {
        let W = Double(width), H = Double(height)
        c.setColor(c.theme.background); c.fillRect(x: 0, y: 0, width: W, height: H)
        c.setColor(c.theme.adapt(Self.accent)); c.fillRect(x: 0, y: 0, width: W, height: 12)
        let margin = 64.0
        let image = figure.flatMap { try? c.pngSize($0) }
        let textW = image == nil ? W - 2 * margin : 470.0
        c.setColor(c.theme.adapt(Self.accent))
        c.text(c.fitted(siteTitle, size: 30, maxWidth: textW, bold: true), x: margin, y: 96, size: 30, bold: true)
        c.setColor(c.theme.muted)
        var y = 136.0
        for line in c.wrapped(tagline, size: 20, maxWidth: textW).prefix(2) {
            c.text(line, x: margin, y: y, size: 20); y += 28
        }
        // The title: as large as fits in at most four lines.
        var size = 52.0, lines = c.wrapped(title, size: size, maxWidth: textW, bold: true)
        while lines.count > 4 && size > 30 { size -= 4; lines = c.wrapped(title, size: size, maxWidth: textW, bold: true) }
        c.setColor(c.theme.ink)
        y = max(y + 40, 250)
        for line in lines.prefix(4) {
            c.text(c.fitted(line, size: size, maxWidth: textW, bold: true), x: margin, y: y, size: size, bold: true)
            y += size * 1.22
        }
        // The description, in the room left above the footer.
        c.setColor(c.theme.muted)
        y -= size * 0.3
        let bottom = H - (footer.isEmpty ? 40 : 80)
        let about = c.wrapped(description, size: 24, maxWidth: textW)
        for (i, line) in about.enumerated() where y + 24 <= bottom {
            let last = i + 1 < about.count && y + 24 + 32 > bottom
            c.text(last ? c.fitted(line + " …", size: 24, maxWidth: textW) : line, x: margin, y: y + 24, size: 24)
            y += 32
            if last { break }
        }
        if !footer.isEmpty {
            c.setColor(c.theme.muted)
            c.text(c.fitted(footer, size: 17, maxWidth: W - 2 * margin), x: margin, y: H - 40, size: 17)
        }
        if let figure, let (iw, ih) = image {
            let boxX = margin + textW + 40, boxY = 60.0, boxW = W - boxX - 40, boxH = H - boxY - 50
            let k = min(boxW / Double(iw), boxH / Double(ih))
            let w = Double(iw) * k, h = Double(ih) * k
            let x = (boxX + (boxW - w) / 2).rounded(), yy = (boxY + (boxH - h) / 2).rounded()
            c.drawPNG(figure, into: x, yy, w, h)
            c.setColor(c.theme.frame); c.setLineWidth(1)
            c.strokeRect(x: x + 0.5, y: yy + 0.5, width: w - 1, height: h - 1)
        }
    }
}

extension Canvas {
    /// Splits text into lines no wider than `maxWidth` at spaces (a word wider than that gets a line of its own).
    public func wrapped(_ s: String, size: Double, maxWidth: Double, bold: Bool = false) -> [String] {
        var lines = [String](), line = ""
        for word in s.split(separator: " ") {
            let next = line.isEmpty ? String(word) : line + " " + word
            if !line.isEmpty && textWidth(next, size: size, bold: bold) > maxWidth { lines.append(line); line = String(word) } else { line = next }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    private final class Reader { let data: Data; var offset = 0; init(_ d: Data) { data = d } }

    private func decodePNG(_ png: Data) throws -> OpaquePointer {
        let reader = Reader(png)
        let surface = withExtendedLifetime(reader) {
            cairo_image_surface_create_from_png_stream({ closure, buffer, length in
                guard let closure, let buffer else { return CAIRO_STATUS_READ_ERROR }
                let r = Unmanaged<Reader>.fromOpaque(closure).takeUnretainedValue()
                let n = Int(length)
                guard r.offset + n <= r.data.count else { return CAIRO_STATUS_READ_ERROR }
                r.data.copyBytes(to: buffer, from: r.offset..<(r.offset + n))
                r.offset += n
                return CAIRO_STATUS_SUCCESS
            }, Unmanaged.passUnretained(reader).toOpaque())
        }
        guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            if let surface { cairo_surface_destroy(surface) }
            throw PlotError("cannot decode a PNG")
        }
        return surface
    }

    /// The pixel size of a PNG, from its IHDR chunk (bytes 16–23, big-endian).
    public func pngSize(_ png: Data) throws -> (Int, Int) {
        try PNGEncoder.size(png)
    }

    /// Paints a PNG scaled (bilinear, Cairo's "good" filter) into a rectangle.
    public func drawPNG(_ png: Data, into x: Double, _ y: Double, _ width: Double, _ height: Double) {
        guard let img = try? decodePNG(png) else { return }
        defer { cairo_surface_destroy(img) }
        let iw = Double(cairo_image_surface_get_width(img)), ih = Double(cairo_image_surface_get_height(img))
        cairo_save(cr)
        cairo_rectangle(cr, x, y, width, height)
        cairo_clip(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, width / iw, height / ih)
        cairo_set_source_surface(cr, img, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD)
        cairo_paint(cr)
        cairo_restore(cr)
    }
}
