import Foundation

/// A chart that draws itself on any canvas: the same call draws the 1× and 2× PNG,
/// the light and dark theme (from `Canvas.theme`) and the SVG and PDF files.
public protocol Figure: Sendable {
    /// Logical size: the 1× PNG's pixels, the SVG's and PDF's points.
    var width: Int { get }
    var height: Int { get }
    /// The pixel density of `renderPNG()` (1 by default).
    var scale: Double { get }
    func draw(on c: Canvas)
}

/// The file formats a figure is written in (`figures.formats` in lenses.yml).
public enum FigureFormat: String, Sendable, CaseIterable, Codable {
    case png, svg, pdf
}

/// Every file of one figure, by the suffix that replaces `.png` in its path:
/// `.png`, `@2x.png`, `-dark.png`, `-dark@2x.png` and, when asked for, `.svg` and `.pdf`.
public struct RenderedFigure: Sendable {
    public var files: [String: Data]
    /// The 1× light PNG (what browsers without srcset and every existing consumer see).
    public var png: Data { files[".png"]! }

    public static let pngSuffixes = [".png", "@2x.png", "-dark.png", "-dark@2x.png"]

    /// The suffixes written for a list of formats, in a fixed order.
    public static func suffixes(_ formats: [FigureFormat]) -> [String] {
        pngSuffixes + (formats.contains(.svg) ? [".svg"] : []) + (formats.contains(.pdf) ? [".pdf"] : [])
    }

    /// `figures/x.png` with suffix `-dark@2x.png` → `figures/x-dark@2x.png`.
    public static func path(_ base: String, _ suffix: String) -> String {
        (base.hasSuffix(".png") ? String(base.dropLast(4)) : base) + suffix
    }
}

extension Figure {
    /// The light figure at `scale`, as PNG.
    public func renderPNG() throws -> Data {
        try renderPNG(scale: scale, theme: .light)
    }

    public func renderPNG(scale: Double, theme: Theme, pixels: PixelBuffer? = nil) throws -> Data {
        let canvas = try Canvas(width: width, height: height, scale: scale, theme: theme, pixels: pixels)
        draw(on: canvas)
        return try canvas.pngData()
    }

    /// The light figure as SVG or PDF.
    public func renderVector(_ format: Canvas.VectorFormat, theme: Theme = .light) throws -> Data {
        let canvas = try Canvas(vector: format, width: width, height: height, theme: theme)
        draw(on: canvas)
        return try canvas.vectorData()
    }

    /// Every file of the figure: PNG at 1× and 2× in the light and dark theme, and
    /// SVG and PDF (light) when `formats` lists them.
    public func render(formats: [FigureFormat] = [.png]) throws -> RenderedFigure {
        var files = [String: Data]()
        let pixels = PixelBuffer(width: width, height: height, scale: 2)
        files[".png"] = try renderPNG(scale: 1, theme: .light, pixels: pixels)
        files["@2x.png"] = try renderPNG(scale: 2, theme: .light, pixels: pixels)
        files["-dark.png"] = try renderPNG(scale: 1, theme: .dark, pixels: pixels)
        files["-dark@2x.png"] = try renderPNG(scale: 2, theme: .dark, pixels: pixels)
        if formats.contains(.svg) { files[".svg"] = try renderVector(.svg) }
        if formats.contains(.pdf) { files[".pdf"] = try renderVector(.pdf) }
        return RenderedFigure(files: files)
    }
}
