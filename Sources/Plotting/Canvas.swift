import CCairo
import Foundation

/// An RGB colour with components in 0…1.
public struct Color: Sendable, Equatable {
    public var r: Double, g: Double, b: Double
    public init(_ r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }
    public init(hex: UInt32) {
        self.init(Double((hex >> 16) & 0xFF) / 255, Double((hex >> 8) & 0xFF) / 255, Double(hex & 0xFF) / 255)
    }
    /// Mixes toward `other` by `t` (0 = self, 1 = other).
    public func mixed(with other: Color, _ t: Double) -> Color {
        Color(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t)
    }
    public static let white = Color(1, 1, 1)
    public static let black = Color(0, 0, 0)
}

/// The Cairo and zlib versions drawing and compressing the figures (part of every cache key).
public let libraryVersions = "cairo \(String(cString: cairo_version_string())) · zlib \(zlibVersionString)"

/// Errors from drawing or encoding a figure.
public struct PlotError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Memory for the pixels of image canvases drawn one after another (never two at once).
public final class PixelBuffer {
    let base: UnsafeMutableRawPointer
    let capacity: Int
    /// Room for an RGB24 image of `width × height` logical pixels at `scale`.
    public init(width: Int, height: Int, scale: Double) {
        let w = Canvas.devicePixels(width, scale), h = Int(Canvas.devicePixels(height, scale))
        capacity = max(1, Int(cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, w)) * h)
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }
    deinit { base.deallocate() }
}

/// A thin, non-Sendable wrapper around one Cairo surface and context: an image
/// (PNG output) or a vector surface (SVG, PDF). Create it inside the task that draws
/// with it; never share it across threads.
public final class Canvas {
    public let width: Int
    public let height: Int
    /// The colours every chart draws with (light or dark).
    public let theme: Theme
    let surface: OpaquePointer
    let cr: OpaquePointer
    /// Where a vector surface writes its bytes.
    private let sink: Sink?
    /// The caller's pixel memory under an image surface (kept alive while the surface is).
    private let pixels: PixelBuffer?
    private var format: VectorFormat? = nil

    final class Sink { var data = Data() }

    /// Vector outputs.
    public enum VectorFormat: String, Sendable { case svg, pdf }

    /// A canvas of `width × height` logical pixels drawn at `scale` device pixels each:
    /// at scale 2 Cairo draws every line and glyph at twice the resolution (no upscaling).
    ///
    /// `pixels`, when given, holds the image instead of memory Cairo allocates: the variants of one
    /// figure are drawn into one buffer in turn (each cleared first, as Cairo clears its own), which
    /// spares the fresh pages of a new multi-megabyte surface per variant.
    public init(width: Int, height: Int, scale: Double = 1, theme: Theme = .light, pixels: PixelBuffer? = nil) throws {
        self.width = width
        self.height = height
        self.theme = theme
        let w = Self.devicePixels(width, scale), h = Self.devicePixels(height, scale)
        let created: OpaquePointer?
        if let pixels {
            let stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, w)
            let bytes = Int(stride) * Int(h)
            guard stride > 0, bytes <= pixels.capacity else { throw PlotError("cannot create a \(w)×\(h) image surface") }
            pixels.base.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
            created = cairo_image_surface_create_for_data(pixels.base.assumingMemoryBound(to: UInt8.self), CAIRO_FORMAT_RGB24, w, h, stride)
            self.pixels = pixels
        } else {
            created = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h)
            self.pixels = nil
        }
        guard let s = created, cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else {
            throw PlotError("cannot create a \(w)×\(h) image surface")
        }
        surface = s
        sink = nil
        cr = cairo_create(s)
        cairo_scale(cr, scale, scale)
        Self.setFontOptions(cr)
    }

    /// Device pixels of `logical` pixels drawn at `scale` (the image surface's and its `PixelBuffer`'s size).
    static func devicePixels(_ logical: Int, _ scale: Double) -> Int32 { Int32((Double(logical) * scale).rounded()) }

    /// A vector canvas of `width × height` points (1 logical pixel = 1 pt); `vectorData()`
    /// finishes it and returns the file.
    public init(vector format: VectorFormat, width: Int, height: Int, theme: Theme = .light) throws {
        self.format = format
        self.width = width
        self.height = height
        self.theme = theme
        let sink = Sink()
        self.sink = sink
        self.pixels = nil
        let write: cairo_write_func_t = { closure, bytes, length in
            guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        let created: OpaquePointer?
        switch format {
        case .svg:
            created = cairo_svg_surface_create_for_stream(write, closure, Double(width), Double(height))
            if let created { cairo_svg_surface_restrict_to_version(created, CAIRO_SVG_VERSION_1_1) }
        case .pdf:
            created = cairo_pdf_surface_create_for_stream(write, closure, Double(width), Double(height))
            if let created {
                // No dates: the same figure gives the same bytes on every build.
                cairo_pdf_surface_set_metadata(created, CAIRO_PDF_METADATA_CREATE_DATE, "")
                cairo_pdf_surface_set_metadata(created, CAIRO_PDF_METADATA_MOD_DATE, "")
            }
        }
        guard let s = created, cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else {
            throw PlotError("cannot create a \(width)×\(height) \(format.rawValue) surface")
        }
        surface = s
        cr = cairo_create(s)
        Self.setFontOptions(cr)
    }

    private static func setFontOptions(_ cr: OpaquePointer) {
        // Fixed font rendering so output is identical on every machine with the font.
        let options = cairo_font_options_create()
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
    }

    /// Finishes a vector canvas and returns its SVG or PDF bytes (the canvas cannot be drawn on after).
    public func vectorData() throws -> Data {
        guard let sink else { throw PlotError("not a vector canvas") }
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError("vector output failed: \(String(cString: cairo_status_to_string(status)))")
        }
        return format == .svg ? Self.renumberSVGIDs(sink.data) : sink.data
    }

    /// Cairo numbers the SVG's images, surfaces, patterns, clips and masks from process-wide
    /// counters, so the same figure drawn twice (or beside other jobs) gets other ids.
    /// Renumbering them in order of first appearance makes the file a function of the figure.
    static func renumberSVGIDs(_ data: Data) -> Data {
        let text = String(decoding: data, as: UTF8.self)
        var numbers = [String: Int]()
        let out = text.replacing(/(id="|#)(image|surface|source|pattern|clip|mask)(\d+)(?=[")])/) { m in
            let key = "\(m.output.2)\(m.output.3)"
            if numbers[key] == nil { numbers[key] = numbers.count + 1 }
            return "\(m.output.1)\(m.output.2)\(numbers[key]!)"
        }
        return Data(out.utf8)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    // MARK: state

    public func setColor(_ c: Color, alpha: Double = 1) {
        if alpha >= 1 { cairo_set_source_rgb(cr, c.r, c.g, c.b) } else { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha) }
    }
    public func setLineWidth(_ w: Double) { cairo_set_line_width(cr, w) }
    public func setDash(_ pattern: [Double]) {
        pattern.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(pattern.count), 0) }
    }
    public func setRoundCaps() {
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
    }
    public func save() { cairo_save(cr) }
    public func restore() { cairo_restore(cr) }
    public func clip(x: Double, y: Double, width: Double, height: Double) {
        cairo_rectangle(cr, x, y, width, height)
        cairo_clip(cr)
    }

    // MARK: shapes

    public func fillRect(x: Double, y: Double, width: Double, height: Double) {
        cairo_rectangle(cr, x, y, width, height)
        cairo_fill(cr)
    }
    public func strokeRect(x: Double, y: Double, width: Double, height: Double) {
        cairo_rectangle(cr, x, y, width, height)
        cairo_stroke(cr)
    }
    public func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
    }
    /// Strokes polylines (each an array of points) as one path.
    public func strokePolylines(_ lines: [[(Double, Double)]]) {
        for l in lines {
            guard let first = l.first else { continue }
            cairo_move_to(cr, first.0, first.1)
            for p in l.dropFirst() { cairo_line_to(cr, p.0, p.1) }
        }
        cairo_stroke(cr)
    }
    public func circle(x: Double, y: Double, radius: Double) {
        cairo_new_sub_path(cr)
        cairo_arc(cr, x, y, radius, 0, 2 * Double.pi)
    }
    public func fill() { cairo_fill(cr) }
    public func fillPreserve() { cairo_fill_preserve(cr) }
    public func stroke() { cairo_stroke(cr) }
    public func moveTo(_ x: Double, _ y: Double) { cairo_move_to(cr, x, y) }
    public func lineTo(_ x: Double, _ y: Double) { cairo_line_to(cr, x, y) }

    /// Paints RGB pixels (row-major, top row first) scaled into a rectangle.
    /// `smooth` selects bilinear filtering; otherwise each pixel is a sharp cell.
    public func drawImage(pixels: [UInt32], width w: Int, height h: Int,
                          into x: Double, _ y: Double, _ width: Double, _ height: Double, smooth: Bool) {
        guard let img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h)) else { return }
        defer { cairo_surface_destroy(img) }
        cairo_surface_flush(img)
        let stride = Int(cairo_image_surface_get_stride(img))
        if let base = cairo_image_surface_get_data(img) {
            for row in 0..<h {
                let dst = UnsafeMutableRawPointer(base + row * stride).assumingMemoryBound(to: UInt32.self)
                for col in 0..<w { dst[col] = pixels[row * w + col] }
            }
        }
        cairo_surface_mark_dirty(img)
        cairo_save(cr)
        cairo_rectangle(cr, x, y, width, height)
        cairo_clip(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, width / Double(w), height / Double(h))
        cairo_set_source_surface(cr, img, 0, 0)
        let pattern = cairo_get_source(cr)
        cairo_pattern_set_filter(pattern, smooth ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_NEAREST)
        cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD)
        cairo_paint(cr)
        cairo_restore(cr)
    }

    // MARK: text

    public enum Anchor { case start, middle, end }

    /// Draws text with its baseline at `y`, anchored horizontally at `x`.
    public func text(_ s: String, x: Double, y: Double, size: Double, bold: Bool = false,
                     anchor: Anchor = .start, rotated: Bool = false) {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var ext = cairo_text_extents_t()
        cairo_text_extents(cr, s, &ext)
        let dx: Double
        switch anchor {
        case .start: dx = 0
        case .middle: dx = -ext.x_advance / 2
        case .end: dx = -ext.x_advance
        }
        cairo_save(cr)
        cairo_translate(cr, x, y)
        if rotated { cairo_rotate(cr, -Double.pi / 2) }
        cairo_move_to(cr, dx, 0)
        cairo_show_text(cr, s)
        cairo_restore(cr)
    }

    /// The advance width of a string at a size.
    public func textWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var ext = cairo_text_extents_t()
        cairo_text_extents(cr, s, &ext)
        return ext.x_advance
    }
    /// A legend of line swatches under a heading, drawn down from (x, y) in a column `width` wide;
    /// returns the y below its last entry.
    public func lineLegend(_ heading: String, _ entries: [(label: String, color: Color, dash: [Double])],
                           x lx: Double, y top: Double, width: Double) -> Double {
        var row = top
        setColor(theme.muted); text(heading, x: lx, y: row + 4, size: 11.5, bold: true)
        row += 22
        for e in entries {
            setColor(theme.adapt(e.color)); setLineWidth(2.2); setDash(e.dash)
            line(lx, row, lx + 18, row); setDash([])
            setColor(theme.ink)
            text(fitted(e.label, size: 12, maxWidth: width - 34), x: lx + 26, y: row + 4, size: 12)
            row += 21
        }
        return row
    }


    /// Cuts a string with "…" so it fits in `maxWidth`.
    /// Every chart's frame: the theme's background over the whole figure, then the title
    /// (17 pt bold) and the subtitle (12.5 pt, muted) from (`x`, 28), each cut to fit `maxWidth`
    /// (by default the width less 30 px on each side).
    public func frame(title: String, subtitle: String, width W: Double, height H: Double, x: Double = 30,
                      maxWidth: Double? = nil) {
        let room = maxWidth ?? W - 60
        setColor(theme.background); fillRect(x: 0, y: 0, width: W, height: H)
        setColor(theme.ink)
        text(fitted(title, size: 17, maxWidth: room, bold: true), x: x, y: 28, size: 17, bold: true)
        setColor(theme.muted)
        text(fitted(subtitle, size: 12.5, maxWidth: room), x: x, y: 48, size: 12.5)
    }

    public func fitted(_ s: String, size: Double, maxWidth: Double, bold: Bool = false) -> String {
        if textWidth(s, size: size, bold: bold) <= maxWidth { return s }
        var chars = Array(s)
        while !chars.isEmpty && textWidth(String(chars) + "…", size: size, bold: bold) > maxWidth { chars.removeLast() }
        return String(chars) + "…"
    }

    // MARK: output

    /// The canvas as PNG bytes, encoded by `PNGEncoder` with `PNGEncoder.Options.figures`.
    public func pngData() throws -> Data {
        try pngData(options: .figures)
    }

    /// The canvas as PNG bytes with a chosen zlib level, filter and colour type.
    public func pngData(options: PNGEncoder.Options) throws -> Data {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { throw PlotError("PNG encoding failed: the surface has no pixels") }
        return try PNGEncoder.encode(xrgb: UnsafeRawPointer(data), width: Int(cairo_image_surface_get_width(surface)),
                                     height: Int(cairo_image_surface_get_height(surface)),
                                     stride: Int(cairo_image_surface_get_stride(surface)), options: options)
    }

    /// The canvas as PNG bytes from Cairo's own writer (libpng at zlib's default level,
    /// adaptive filters): the reference the benchmark compares `pngData()` with.
    public func cairoPNGData() throws -> Data {
        cairo_surface_flush(surface)
        let sink = Sink()
        let status = cairo_surface_write_to_png_stream(surface, { closure, bytes, length in
            guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue()
            sink.data.append(bytes, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError("PNG encoding failed: \(String(cString: cairo_status_to_string(status)))")
        }
        return sink.data
    }
}
