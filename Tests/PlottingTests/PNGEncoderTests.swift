import CCairo
import CZlib
import Foundation
import Testing
@testable import Plotting

/// A minimal PNG reader for the encoder's output (8-bit RGB or indexed, no interlace),
/// written from the specification independently of the encoder: chunk walk with its
/// own CRC-32, zlib inflate, and the five unfilter rules.
enum TinyPNG {
    struct Image { var width: Int; var height: Int; var colorType: UInt8; var pixels: [UInt32]; var chunkTypes: [String]; var filters: Set<UInt8> }
    struct Failure: Error, CustomStringConvertible { let description: String }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func decode(_ data: Data) throws -> Image {
        let b = [UInt8](data)
        guard b.count > 8, Array(b[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw Failure(description: "no PNG signature") }
        func be32(_ o: Int) -> Int { Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]) }
        var o = 8, types = [String](), idat = [UInt8](), plte = [UInt8]()
        var width = 0, height = 0, colorType: UInt8 = 0
        while o < b.count {
            guard o + 12 <= b.count else { throw Failure(description: "truncated chunk at \(o)") }
            let n = be32(o)
            guard o + 12 + n <= b.count else { throw Failure(description: "chunk overruns the file") }
            let type = String(decoding: b[(o + 4)..<(o + 8)], as: UTF8.self)
            guard crc(b[(o + 4)..<(o + 8 + n)]) == UInt32(be32(o + 8 + n)) else { throw Failure(description: "bad CRC in \(type)") }
            types.append(type)
            let payload = b[(o + 8)..<(o + 8 + n)]
            switch type {
            case "IHDR":
                guard n == 13 else { throw Failure(description: "IHDR length \(n)") }
                width = be32(o + 8); height = be32(o + 12)
                guard b[o + 16] == 8, b[o + 18] == 0, b[o + 19] == 0, b[o + 20] == 0 else { throw Failure(description: "unexpected IHDR fields") }
                colorType = b[o + 17]
            case "PLTE": plte = Array(payload)
            case "IDAT": idat += payload
            default: break
            }
            o += 12 + n
        }
        let bpp = colorType == 2 ? 3 : 1
        let rowBytes = width * bpp
        var raw = [UInt8](repeating: 0, count: height * (rowBytes + 1))
        var size = uLong(raw.count)
        guard uncompress(&raw, &size, idat, uLong(idat.count)) == Z_OK, Int(size) == raw.count else { throw Failure(description: "inflate failed or wrong size") }
        var prior = [UInt8](repeating: 0, count: rowBytes), filters = Set<UInt8>()
        var pixels = [UInt32]()
        for y in 0..<height {
            let f = raw[y * (rowBytes + 1)]
            filters.insert(f)
            var row = Array(raw[(y * (rowBytes + 1) + 1)..<((y + 1) * (rowBytes + 1))])
            for i in 0..<rowBytes {
                let a = i >= bpp ? Int(row[i - bpp]) : 0, up = Int(prior[i]), c = i >= bpp ? Int(prior[i - bpp]) : 0
                let pred: Int
                switch f {
                case 0: pred = 0
                case 1: pred = a
                case 2: pred = up
                case 3: pred = (a + up) / 2
                case 4:
                    let p = a + up - c, pa = abs(p - a), pb = abs(p - up), pc = abs(p - c)
                    pred = pa <= pb && pa <= pc ? a : (pb <= pc ? up : c)
                default: throw Failure(description: "filter type \(f)")
                }
                row[i] = UInt8((Int(row[i]) + pred) & 0xFF)
            }
            for x in 0..<width {
                if colorType == 2 {
                    pixels.append(UInt32(row[3 * x]) << 16 | UInt32(row[3 * x + 1]) << 8 | UInt32(row[3 * x + 2]))
                } else {
                    let i = Int(row[x])
                    guard 3 * i + 2 < plte.count else { throw Failure(description: "index \(i) outside the palette") }
                    pixels.append(UInt32(plte[3 * i]) << 16 | UInt32(plte[3 * i + 1]) << 8 | UInt32(plte[3 * i + 2]))
                }
            }
            prior = row
        }
        return Image(width: width, height: height, colorType: colorType, pixels: pixels, chunkTypes: types, filters: filters)
    }
}

/// Where two pixel arrays first differ (nil when equal), so a failure reports one
/// position instead of Swift Testing diffing two 480,000-element arrays.
func firstDifference(_ a: [UInt32], _ b: [UInt32]) -> String? {
    guard a.count == b.count else { return "\(a.count) pixels vs \(b.count)" }
    guard let i = a.indices.first(where: { a[$0] != b[$0] }) else { return nil }
    return "pixel \(i): \(String(a[i], radix: 16)) vs \(String(b[i], radix: 16))"
}

@Suite("PNG encoder")
struct PNGEncoderTests {
    /// The canvas's own pixels, 0xRRGGBB, row by row.
    static func surfacePixels(_ c: Canvas) -> [UInt32] {
        cairo_surface_flush(c.surface)
        let base = cairo_image_surface_get_data(c.surface)!
        let stride = Int(cairo_image_surface_get_stride(c.surface))
        let w = Int(cairo_image_surface_get_width(c.surface)), h = Int(cairo_image_surface_get_height(c.surface))
        return (0..<h).flatMap { y in
            (0..<w).map { x in UnsafeRawPointer(base + y * stride).load(fromByteOffset: 4 * x, as: UInt32.self) & 0xFFFFFF }
        }
    }

    /// A real figure: antialiased text, a smooth P(y|x) tint, lines and points.
    static func figureCanvas() throws -> Canvas {
        let fig = FigureTests.sampleFigure()
        let c = try Canvas(width: fig.width, height: fig.height)
        fig.draw(on: c)
        return c
    }

    /// Flat, axis-aligned rectangles only: few colours, so the palette applies.
    static func flatCanvas(width: Int = 97, height: Int = 61) throws -> Canvas {
        let c = try Canvas(width: width, height: height)
        c.setColor(.white); c.fillRect(x: 0, y: 0, width: Double(width), height: Double(height))
        for k in 0..<5 {
            c.setColor(Palette.classColor(k)); c.fillRect(x: Double(7 * k), y: Double(3 * k), width: 20, height: 30)
        }
        return c
    }

    static let allOptions: [PNGEncoder.Options] = PNGEncoder.Filter.allCases.flatMap { f in
        [PNGEncoder.Options(level: 1, filter: f, palette: false), PNGEncoder.Options(level: 9, filter: f, strategy: .rle, palette: true),
         PNGEncoder.Options(level: 6, filter: f, strategy: .filtered, palette: true)]
    } + [.figures]

    @Test("Every filter, level and strategy decodes to exactly the surface's pixels (a real figure, > 256 colours)")
    func roundTripFigure() throws {
        let c = try Self.figureCanvas()
        let expected = Self.surfacePixels(c)
        #expect(Set(expected).count > 256)  // so this is the RGB path
        for o in Self.allOptions {
            let img = try TinyPNG.decode(try c.pngData(options: o))
            #expect(img.width == 800 && img.height == 600 && img.colorType == 2, "\(o)")
            #expect(firstDifference(img.pixels, expected) == nil, "pixels differ with \(o)")
        }
    }

    @Test("An image of ≤ 256 colours becomes an indexed PNG with a sorted palette, losslessly")
    func roundTripPalette() throws {
        let c = try Self.flatCanvas()
        let expected = Self.surfacePixels(c)
        for o in Self.allOptions where o.palette {
            let png = try c.pngData(options: o)
            let img = try TinyPNG.decode(png)
            #expect(img.colorType == 3, "\(o)")
            #expect(img.chunkTypes == ["IHDR", "PLTE", "IDAT", "IEND"])
            #expect(firstDifference(img.pixels, expected) == nil, "pixels differ with \(o)")
        }
        let palette = try #require(PNGEncoder.palette(UnsafeRawPointer(cairo_image_surface_get_data(c.surface)!), width: 97, height: 61,
                                                      stride: Int(cairo_image_surface_get_stride(c.surface))))
        #expect(palette.colors == Set(expected).sorted())
        // The same image without the palette option is RGB, and larger.
        let rgb = try c.pngData(options: .init(level: 6, filter: .up, palette: false))
        #expect(try TinyPNG.decode(rgb).colorType == 2)
        #expect(firstDifference(try TinyPNG.decode(rgb).pixels, expected) == nil)
    }

    @Test("Cairo's own PNG reader reads the encoder's output back to the same pixels")
    func cairoReadsIt() throws {
        for c in [try Self.figureCanvas(), try Self.flatCanvas()] {
            let expected = Self.surfacePixels(c)
            for o in [PNGEncoder.Options.figures, .init(level: 1, filter: .paeth, palette: true), .init(level: 9, filter: .adaptive, palette: false)] {
                final class Source { var bytes: [UInt8]; var offset = 0; init(_ b: [UInt8]) { bytes = b } }
                let source = Source([UInt8](try c.pngData(options: o)))
                let read = cairo_image_surface_create_from_png_stream({ closure, out, length in
                    let s = Unmanaged<Source>.fromOpaque(closure!).takeUnretainedValue()
                    let n = Int(length)
                    guard s.offset + n <= s.bytes.count, let out else { return CAIRO_STATUS_READ_ERROR }
                    s.bytes.withUnsafeBufferPointer { out.update(from: $0.baseAddress! + s.offset, count: n) }
                    s.offset += n
                    return CAIRO_STATUS_SUCCESS
                }, Unmanaged.passUnretained(source).toOpaque())
                defer { cairo_surface_destroy(read) }
                #expect(cairo_surface_status(read) == CAIRO_STATUS_SUCCESS)
                let w = Int(cairo_image_surface_get_width(read)), h = Int(cairo_image_surface_get_height(read))
                let stride = Int(cairo_image_surface_get_stride(read))
                let base = cairo_image_surface_get_data(read)!
                let pixels = (0..<h).flatMap { y in
                    (0..<w).map { x in UnsafeRawPointer(base + y * stride).load(fromByteOffset: 4 * x, as: UInt32.self) & 0xFFFFFF }
                }
                #expect(firstDifference(pixels, expected) == nil, "Cairo reads different pixels with \(o)")
            }
        }
    }

    @Test("Chunks: signature, IHDR first, IEND last and empty, every CRC right (checked by TinyPNG's own CRC-32)")
    func chunks() throws {
        let png = try Self.figureCanvas().pngData()
        let img = try TinyPNG.decode(png)  // throws on any bad CRC or truncated chunk
        #expect(img.chunkTypes.first == "IHDR" && img.chunkTypes.last == "IEND")
        #expect(img.chunkTypes.filter { $0 == "IDAT" }.count == 1)
        #expect(Array(png.suffix(12)) == [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])  // IEND's fixed CRC
        // A flipped byte inside IDAT is caught by the CRC.
        var broken = png
        broken[broken.count / 2] ^= 0x01
        #expect(throws: TinyPNG.Failure.self) { try TinyPNG.decode(broken) }
    }

    @Test("Adaptive filtering uses more than one filter type on a real figure")
    func adaptiveMixes() throws {
        let img = try TinyPNG.decode(try Self.figureCanvas().pngData(options: .init(level: 6, filter: .adaptive, palette: false)))
        #expect(img.filters.count > 1)
        let up = try TinyPNG.decode(try Self.figureCanvas().pngData(options: .init(level: 6, filter: .up, palette: false)))
        #expect(up.filters == [2])
    }

    @Test("Tiny images (1×1, 1×n, n×1) round-trip with every filter")
    func tiny() throws {
        for (w, h) in [(1, 1), (1, 5), (5, 1), (2, 3)] {
            let c = try Canvas(width: w, height: h)
            c.setColor(Color(0.2, 0.4, 0.6)); c.fillRect(x: 0, y: 0, width: 1, height: 1)
            c.setColor(Color(0.9, 0.1, 0.3)); c.fillRect(x: 0.5, y: 0.5, width: 3, height: 3)
            let expected = Self.surfacePixels(c)
            for o in Self.allOptions {
                #expect(firstDifference(try TinyPNG.decode(try c.pngData(options: o)).pixels, expected) == nil, "\(w)×\(h) with \(o)")
            }
        }
    }

    @Test("The same figure gives the same bytes every time, also encoded on many threads at once")
    func deterministic() async throws {
        let reference = try Self.figureCanvas().pngData()
        #expect(try Self.figureCanvas().pngData() == reference, "two encodings differ")
        let results = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<8 { group.addTask { try Self.figureCanvas().pngData() } }
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == reference })
    }
}
