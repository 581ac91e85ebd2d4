import Foundation

/// A confusion matrix as a heat map: row = true class, column = predicted class,
/// each cell's count written in it; the diagonal (correct) is shaded blue, errors
/// red, by their share of the row.
public struct ConfusionMatrix: Sendable {
    public var counts: [[Int]]
    public var classNames: [String]

    public init(counts: [[Int]], classNames: [String]) {
        precondition(counts.count == classNames.count && counts.allSatisfy { $0.count == classNames.count },
                     "a K × K matrix with K class names")
        self.counts = counts; self.classNames = classNames
    }

    /// Draws the matrix with its axis captions in a square of side `size` at (x, y)
    /// (the labels take a margin of 36 points at the top and left inside it).
    public func draw(on c: Canvas, x: Double, y: Double, size: Double) {
        let K = classNames.count
        let margin = 36.0
        let cell = ((size - margin) / Double(max(K, 1))).rounded(.down)
        let ox = x + margin, oy = y + margin
        c.setColor(c.theme.ink)
        c.text("predicted class →", x: ox + cell * Double(K) / 2, y: y + 12, size: 11.5, anchor: .middle)
        c.text("true class →", x: x + 10, y: oy + cell * Double(K) / 2, size: 11.5, anchor: .middle, rotated: true)
        for k in 0..<K {
            c.text(classNames[k], x: ox + (Double(k) + 0.5) * cell, y: oy - 6, size: 11, bold: true, anchor: .middle)
            c.text(classNames[k], x: ox - 6, y: oy + (Double(k) + 0.5) * cell + 4, size: 11, bold: true, anchor: .end)
        }
        let good = Color(hex: 0x2166AC), bad = Color(hex: 0xB2182B)
        for i in 0..<K {
            let total = max(counts[i].reduce(0, +), 1)
            for j in 0..<K {
                let n = counts[i][j]
                let share = Double(n) / Double(total)
                let base = i == j ? good : bad
                let t = n == 0 ? 0 : (i == j ? share : min(1, 0.25 + 3 * share))
                c.setColor(c.theme.background.mixed(with: base, t * 0.9))
                c.fillRect(x: ox + Double(j) * cell, y: oy + Double(i) * cell, width: cell, height: cell)
                if n > 0 {
                    c.setColor(t > 0.55 ? .white : c.theme.ink)
                    c.text("\(n)", x: ox + (Double(j) + 0.5) * cell, y: oy + (Double(i) + 0.5) * cell + 4,
                           size: min(11.5, cell * 0.42), anchor: .middle)
                }
            }
        }
        c.setColor(c.theme.frame); c.setLineWidth(1)
        c.strokeRect(x: ox + 0.5, y: oy + 0.5, width: cell * Double(K) - 1, height: cell * Double(K) - 1)
    }
}

/// The discriminative model's page in one figure: what it can show — its confusion
/// matrix, the test images it is surest about and those it gets wrong most
/// confidently — and a panel saying what it cannot do: draw a new image, because
/// it models P(y | x) and has no p(x).
public struct ClassifierPanel: Figure {
    public var width = 800
    public var height = 600
    public var scale = 1.0
    public var title: String
    public var subtitle: String
    public var confusion: ConfusionMatrix
    /// Most confident correct test images, with captions such as "7 · 1.00".
    public var confident: [ImageCell]
    /// Misclassified test images, with captions such as "8 → 1 · 0.93".
    public var confused: [ImageCell]
    /// The lines of the "cannot" panel.
    public var cannot: [String]

    public init(title: String, subtitle: String, confusion: ConfusionMatrix, confident: [ImageCell],
                confused: [ImageCell], cannot: [String]) {
        self.title = title; self.subtitle = subtitle; self.confusion = confusion
        self.confident = confident; self.confused = confused; self.cannot = cannot
    }

    public func draw(on c: Canvas) {
        let W = Double(width), H = Double(height)
        c.frame(title: title, subtitle: subtitle, width: W, height: H)

        // Left: the confusion matrix.
        c.setColor(c.theme.ink)
        c.text("What it can do: classify (test set)", x: 24, y: 80, size: 13, bold: true)
        confusion.draw(on: c, x: 20, y: 92, size: 340)

        // Right: confident and confused test images.
        let rx = 392.0, rw = W - rx - 20
        c.setColor(c.theme.ink)
        c.text("Surest correct answers", x: rx, y: 80, size: 13, bold: true)
        var g1 = ImageGrid(title: "", subtitle: "", rows: 2, columns: (confident.count + 1) / 2, cells: confident)
        g1.gap = 0.28
        g1.draw(on: c, x: rx, y: 88, width: rw, height: 150)
        c.setColor(c.theme.ink)
        c.text("Most confident mistakes (true → predicted)", x: rx, y: 262, size: 13, bold: true)
        var g2 = ImageGrid(title: "", subtitle: "", rows: 2, columns: (confused.count + 1) / 2, cells: confused)
        g2.gap = 0.28
        g2.draw(on: c, x: rx, y: 270, width: rw, height: 150)

        // Bottom: what it cannot do.
        let by = 452.0, bh = H - by - 16
        c.setColor(c.theme.noteFill); c.fillRect(x: 20, y: by, width: W - 40, height: bh)
        c.setColor(c.theme.noteStroke); c.setLineWidth(1.5); c.setDash([6, 4])
        c.strokeRect(x: 20.5, y: by + 0.5, width: W - 41, height: bh - 1)
        // An empty image frame with a question mark: the sample it cannot draw.
        let side = bh - 28
        c.strokeRect(x: 38.5, y: by + 14.5, width: side, height: side)
        c.setDash([])
        c.setColor(c.theme.noteStroke)
        c.text("?", x: 38 + side / 2, y: by + 14 + side / 2 + 14, size: 40, bold: true, anchor: .middle)
        var ty = by + 28
        for (i, line) in cannot.enumerated() {
            c.setColor(i == 0 ? c.theme.noteTitle : c.theme.ink)
            c.text(c.fitted(line, size: i == 0 ? 14 : 12.5, maxWidth: W - 100 - side, bold: i == 0),
                   x: 58 + side, y: ty, size: i == 0 ? 14 : 12.5, bold: i == 0)
            ty += i == 0 ? 24 : 19
        }
    }
}
