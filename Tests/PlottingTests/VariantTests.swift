import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Plotting

@Suite("Figure files: 2×, dark, SVG, PDF, social card")
struct VariantTests {
    static let all = Result { try FigureTests.sampleFigure().render(formats: [.png, .svg, .pdf]) }

    @Test("Every file is made: PNG at 1× and 2× in both themes, SVG and PDF")
    func files() throws {
        let r = try Self.all.get()
        #expect(r.files.keys.sorted() == ["-dark.png", "-dark@2x.png", ".pdf", ".png", ".svg", "@2x.png"])
        #expect(try FigureTests.sampleFigure().render().files.keys.sorted() == ["-dark.png", "-dark@2x.png", ".png", "@2x.png"])
        #expect(RenderedFigure.path("figures/a--b.png", "-dark@2x.png") == "figures/a--b-dark@2x.png")
    }

    @Test("The 2× PNGs have exactly twice the 1× size and are drawn, not upscaled")
    func doubled() throws {
        let r = try Self.all.get()
        for theme in ["", "-dark"] {
            let one = try PNGEncoder.size(r.files["\(theme).png"]!), two = try PNGEncoder.size(r.files["\(theme)@2x.png"]!)
            #expect(one == (800, 600))
            #expect(two.width == 2 * one.width && two.height == 2 * one.height)
        }
        // Drawn at scale 2, text and lines have more detail: a nearest-neighbour upscale of the
        // 1× image would compress to about the same size, the redrawn figure does not.
        #expect(r.files["@2x.png"]!.count > r.files[".png"]!.count + r.files[".png"]!.count / 2)
    }

    @Test("The dark figure differs from the light one and has a dark background")
    func dark() throws {
        let r = try Self.all.get()
        #expect(r.files["-dark.png"] != r.files[".png"])
        #expect(r.files["-dark@2x.png"] != r.files["@2x.png"])
        #expect(Theme.dark.background.luminance < 0.05 && Theme.light.background.luminance > 0.9)
        #expect(Theme.dark.ink.luminance > 0.7)
        // Light colours pass through; the class palette maps one to one onto the dark palette.
        #expect(Theme.light.adapt(Color(hex: 0x0072B2)) == Color(hex: 0x0072B2))
        #expect(Theme.dark.adapt(Palette.classes[0]) == Palette.darkClasses[0])
        #expect(Theme.dark.adapt(Color(hex: 0x333333)).luminance > 0.5)
    }

    @Test("The SVG is well-formed XML with an svg root; the PDF starts with %PDF and ends with %%EOF")
    func vectors() throws {
        let r = try Self.all.get()
        final class Root: NSObject, XMLParserDelegate {
            var name: String?
            var width: String?
            func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
                if name == nil { name = elementName; width = attributeDict["width"] }
            }
        }
        let parser = XMLParser(data: r.files[".svg"]!)
        let root = Root()
        parser.delegate = root
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(root.name == "svg")
        #expect(root.width?.hasPrefix("800") == true)
        let pdf = r.files[".pdf"]!
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
        let tail = String(decoding: pdf.suffix(16), as: UTF8.self)
        #expect(tail.contains("%%EOF"))
    }

    @Test("Every file is byte-identical on a second render (no dates in the PDF)")
    func deterministic() throws {
        let a = try Self.all.get()
        Thread.sleep(forTimeInterval: 1.1)
        let b = try FigureTests.sampleFigure().render(formats: [.png, .svg, .pdf])
        for k in a.files.keys.sorted() { #expect(a.files[k] == b.files[k], "\(k)") }
    }

    @Test("The social card is 1200×630, with and without a figure")
    func card() throws {
        let r = try Self.all.get()
        let with = try SocialCard(siteTitle: "TwoLenses", tagline: "two lenses", title: "A page title long enough to wrap over two lines of the card",
                                  figure: r.files["@2x.png"]).renderPNG()
        let without = try SocialCard(siteTitle: "TwoLenses", tagline: "two lenses", title: "Short", figure: nil).renderPNG()
        #expect(try PNGEncoder.size(with) == (1200, 630))
        #expect(try PNGEncoder.size(without) == (1200, 630))
        #expect(with != without)
    }
}
