import Foundation

/// A small grey-level image such as an 8 × 8 digit, values 0 (paper) … 1 (ink),
/// row-major, top row first. Values outside [0, 1] are clamped when drawn.
public struct GreyImage: Sendable, Equatable, Codable {
    public var width: Int
    public var height: Int
    public var pixels: [Double]
    public init(width: Int, height: Int, pixels: [Double]) {
        precondition(pixels.count == width * height, "an image needs width × height pixels")
        self.width = width; self.height = height; self.pixels = pixels
    }
}

/// One cell of an image grid: an image, an optional caption under it and an
/// optional coloured frame (e.g. red for a misclassified digit).
public struct ImageCell: Sendable {
    public var image: GreyImage?
    public var caption: String?
    public var frame: Color?
    public init(image: GreyImage?, caption: String? = nil, frame: Color? = nil) {
        self.image = image; self.caption = caption; self.frame = frame
    }
}

/// A grid of grey-level images — generated digits, decoded latent manifolds,
/// interpolations — with optional row and column headings and captions. Pixels are
/// drawn as sharp squares (no smoothing): what is shown is what the model produced.
public struct ImageGrid: Figure {
    public var width = 800
    public var height = 600
    public var scale = 1.0
    public var title: String
    public var subtitle: String
    public var rows: Int
    public var columns: Int
    /// Row-major cells (rows × columns; missing cells stay empty).
    public var cells: [ImageCell]
    public var rowLabels: [String] = []
    public var columnLabels: [String] = []
    /// Space between cells as a fraction of the cell size (0 for a seamless manifold).
    public var gap = 0.12
    /// A line of text under the grid.
    public var footnote: String?
    /// Axis captions drawn along the bottom and left of the grid (for a latent manifold).
    public var xAxisLabel: String?
    public var yAxisLabel: String?

    public init(title: String, subtitle: String, rows: Int, columns: Int, cells: [ImageCell]) {
        self.title = title; self.subtitle = subtitle; self.rows = rows; self.columns = columns; self.cells = cells
    }

    public func draw(on c: Canvas) {
        let W = Double(width), H = Double(height)
        c.frame(title: title, subtitle: subtitle, width: W, height: H)
        let bottom = H - (footnote == nil ? 14 : 34)
        draw(on: c, x: 24, y: 62, width: W - 48, height: bottom - 62)
        if let f = footnote {
            c.setColor(c.theme.muted)
            c.text(c.fitted(f, size: 12, maxWidth: W - 60), x: W / 2, y: H - 14, size: 12, anchor: .middle)
        }
    }

    /// Draws the grid (with its headings) centred in a rectangle of the c.
    public func draw(on c: Canvas, x: Double, y: Double, width w: Double, height h: Double) {
        let hasCaptions = cells.contains { $0.caption != nil }
        let leftPad = rowLabels.isEmpty ? 0.0 : min(110, rowLabels.map { c.textWidth($0, size: 12) }.max()! + 12)
        let topPad = columnLabels.isEmpty ? 0.0 : 20.0
        let axisPad = (xAxisLabel != nil || yAxisLabel != nil) ? 24.0 : 0.0
        let availW = w - leftPad - axisPad, availH = h - topPad - axisPad
        let captionH = hasCaptions ? 14.0 : 0.0
        // Each cell: a square image of side s, a gap g = gap·s, a caption line.
        let sW = availW / (Double(columns) * (1 + gap))
        let sH = (availH - Double(rows) * captionH) / (Double(rows) * (1 + gap))
        let s = max(1, min(sW, sH)).rounded(.down)
        let g = (gap * s).rounded()
        let gridW = Double(columns) * (s + g) - g, gridH = Double(rows) * (s + g + captionH) - g
        let x0 = (x + axisPad + leftPad + (availW - gridW) / 2).rounded()
        let y0 = (y + topPad + (availH - gridH) / 2).rounded()

        for (k, label) in columnLabels.enumerated() where k < columns {
            c.setColor(c.theme.ink)
            c.text(c.fitted(label, size: 12, maxWidth: s + g, bold: true), x: x0 + Double(k) * (s + g) + s / 2,
                   y: y0 - 7, size: 12, bold: true, anchor: .middle)
        }
        for (r, label) in rowLabels.enumerated() where r < rows {
            c.setColor(c.theme.ink)
            c.text(c.fitted(label, size: 12, maxWidth: leftPad - 8), x: x0 - 8,
                   y: y0 + Double(r) * (s + g + captionH) + s / 2 + 4, size: 12, anchor: .end)
        }
        for r in 0..<rows {
            for col in 0..<columns {
                let i = r * columns + col
                guard i < cells.count else { continue }
                let cell = cells[i]
                let cx = x0 + Double(col) * (s + g), cy = y0 + Double(r) * (s + g + captionH)
                if let img = cell.image {
                    c.drawImage(pixels: Self.pixels(img, c.theme), width: img.width, height: img.height,
                                into: cx, cy, s, s, smooth: false)
                    if g > 0 || cell.frame != nil {
                        c.setColor(c.theme.adapt(cell.frame ?? Color(hex: 0xC8C8C8)))
                        c.setLineWidth(cell.frame == nil ? 1 : 2.5)
                        c.strokeRect(x: cx + 0.5, y: cy + 0.5, width: s - 1, height: s - 1)
                    }
                }
                if let cap = cell.caption {
                    c.setColor(cell.frame.map(c.theme.adapt) ?? c.theme.ink)
                    c.text(c.fitted(cap, size: 10.5, maxWidth: s + g), x: cx + s / 2, y: cy + s + 11, size: 10.5, anchor: .middle)
                }
            }
        }
        if let xl = xAxisLabel {
            c.setColor(c.theme.ink)
            c.text(xl, x: x0 + gridW / 2, y: y0 + gridH + 18, size: 12.5, anchor: .middle)
        }
        if let yl = yAxisLabel {
            c.setColor(c.theme.ink)
            c.text(yl, x: x0 - leftPad - 10, y: y0 + gridH / 2, size: 12.5, anchor: .middle, rotated: true)
        }
    }

    /// Grey levels as RGB pixels: 0 → the theme's paper, 1 → its ink (dark on light figures, light on dark).
    static func pixels(_ img: GreyImage, _ theme: Theme) -> [UInt32] {
        return img.pixels.map { v in
            let t = min(max(v.isFinite ? v : 0, 0), 1)
            let col = theme.paper.mixed(with: theme.imageInk, t)
            func byte(_ v: Double) -> UInt32 { UInt32(min(max((v * 255).rounded(), 0), 255)) }
            return (byte(col.r) << 16) | (byte(col.g) << 8) | byte(col.b)
        }
    }
}
