import CZlib
import Foundation

/// The zlib version compressing every figure (part of the cache key: PNG bytes depend on it).
public let zlibVersionString = String(cString: zlibVersion())

/// A PNG encoder for 8-bit RGB pixels, written here rather than through Cairo's
/// `cairo_surface_write_to_png`, which always runs libpng at zlib's default level
/// with libpng's adaptive filtering and has no setting for either.
///
/// The format (PNG, ISO/IEC 15948:2004 = W3C PNG 2nd edition):
/// - signature `89 50 4E 47 0D 0A 1A 0A`, then chunks `length · type · data · CRC-32(type · data)`;
/// - IHDR: width, height, bit depth 8, colour type 2 (RGB) or 3 (indexed), deflate,
///   filter method 0, no interlace; PLTE (indexed only): the colours, 3 bytes each;
///   IDAT: the zlib stream of all scanlines; IEND.
/// - Each scanline is one filter-type byte then the row filtered bytewise, with a the byte
///   `bpp` to the left, b the byte above, c above-left (0 outside the image):
///   None x, Sub x − a, Up x − b, Average x − ⌊(a + b)/2⌋, Paeth x − PaethPredictor(a, b, c),
///   all mod 256 (§9.2). `adaptive` picks per row the filter with the least sum of
///   |bytes as signed 8-bit| — libpng's heuristic (the "minimum sum of absolute
///   differences" the specification recommends in §12.8).
/// - Indexed colour is lossless only when the image has at most 256 distinct colours;
///   `palette: true` uses it then (entries sorted by colour value, so the bytes do not
///   depend on pixel order) and falls back to RGB otherwise.
///
/// The output is a pure function of the pixels, the options and the zlib version:
/// no timestamps, no gamma or text chunks, one IDAT.
public enum PNGEncoder {
    public enum Filter: String, Sendable, CaseIterable {
        case none, sub, up, average, paeth, adaptive
    }

    public enum Strategy: String, Sendable, CaseIterable {
        /// zlib's default: LZ77 matches and Huffman codes.
        case standard
        /// zlib's Z_RLE: matches of distance 1 only (fast; good on filtered rows of flat colour).
        case rle
        /// zlib's Z_FILTERED: favours Huffman codes over short matches.
        case filtered
    }

    public struct Options: Sendable, Equatable, CustomStringConvertible {
        /// zlib level 0–9.
        public var level: Int
        public var filter: Filter
        public var strategy: Strategy
        /// Indexed colour when the image has ≤ 256 colours.
        public var palette: Bool
        public init(level: Int, filter: Filter, strategy: Strategy = .standard, palette: Bool = true) {
            precondition((0...9).contains(level), "zlib levels are 0–9")
            self.level = level; self.filter = filter; self.strategy = strategy; self.palette = palette
        }
        public var description: String {
            "level \(level), filter \(filter.rawValue)\(strategy == .standard ? "" : ", \(strategy.rawValue)")\(palette ? ", palette if ≤ 256 colours" : "")"
        }
        /// What every figure uses; chosen in bench/RESULTS.md (size and time of each choice).
        public static let figures = Options(level: 6, filter: .none, strategy: .standard, palette: true)
    }

    /// The width and height a PNG's IHDR chunk states (the signature, then IHDR's length and type, then width and height).
    public static func size(_ png: Data) throws -> (width: Int, height: Int) {
        let b = [UInt8](png.prefix(24))
        guard b.count == 24, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], b[12..<16] == [0x49, 0x48, 0x44, 0x52] else {
            throw PlotError("not a PNG (no IHDR chunk)")
        }
        func be(_ i: Int) -> Int { b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    /// Encodes `height` rows of `width` pixels, each a native-endian `UInt32` 0x??RRGGBB
    /// (Cairo's RGB24), rows `stride` bytes apart.
    public static func encode(xrgb base: UnsafeRawPointer, width: Int, height: Int, stride: Int,
                              options: Options = .figures) throws -> Data {
        precondition(width > 0 && height > 0 && stride >= 4 * width, "bad image geometry")
        let palette = options.palette ? Self.palette(base, width: width, height: height, stride: stride) : nil
        let bpp = palette == nil ? 3 : 1
        let rowBytes = width * bpp
        /// Writes row `y`'s bytes, unfiltered, to `dst`.
        func unpack(_ y: Int, into dst: UnsafeMutablePointer<UInt8>) {
            let src = (base + y * stride).assumingMemoryBound(to: UInt32.self)
            if let palette {
                for x in 0..<width { dst[x] = palette.index(of: src[x] & 0xFFFFFF) }
            } else {
                for x in 0..<width {
                    let p = src[x]
                    dst[3 * x] = UInt8(truncatingIfNeeded: p >> 16)
                    dst[3 * x + 1] = UInt8(truncatingIfNeeded: p >> 8)
                    dst[3 * x + 2] = UInt8(truncatingIfNeeded: p)
                }
            }
        }
        // Every byte of these buffers is written before it is read: no zero-filling first.
        let filtered = [UInt8](unsafeUninitializedCapacity: height * (rowBytes + 1)) { outBuf, count in
            let out = outBuf.baseAddress!
            if options.filter == .none {
                for y in 0..<height {
                    out[y * (rowBytes + 1)] = 0
                    unpack(y, into: out + y * (rowBytes + 1) + 1)
                }
            } else {
                // Unfiltered rows, and one zero row above the first (for Up/Average/Paeth).
                let raw = UnsafeMutablePointer<UInt8>.allocate(capacity: (height + 1) * rowBytes + rowBytes)
                defer { raw.deallocate() }
                raw.initialize(repeating: 0, count: rowBytes)
                let scratch = raw + (height + 1) * rowBytes
                for y in 0..<height {
                    let prior = raw + y * rowBytes
                    unpack(y, into: prior + rowBytes)
                    filterRow(prior + rowBytes, prior: prior, count: rowBytes, bpp: bpp, filter: options.filter,
                              into: out + y * (rowBytes + 1), scratch: scratch)
                }
            }
            count = height * (rowBytes + 1)
        }
        let idat = try deflate(filtered, level: options.level, strategy: options.strategy)

        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.reserveCapacity(idat.count + 1024)
        var ihdr = [UInt8]()
        ihdr.appendBigEndian(UInt32(width))
        ihdr.appendBigEndian(UInt32(height))
        ihdr += [8, palette == nil ? 2 : 3, 0, 0, 0]
        appendChunk("IHDR", ihdr, to: &png)
        if let palette { appendChunk("PLTE", palette.entries, to: &png) }
        appendChunk("IDAT", idat, to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    // MARK: palette

    /// ≤ 256 distinct colours, sorted, with a lookup from colour to index.
    struct Palette {
        let colors: [UInt32]
        /// Open-addressing table: (colour + 1) and index.
        private var keys: [UInt32]
        private var values: [UInt8]
        private let mask: Int

        init(colors: [UInt32]) {
            self.colors = colors
            let size = 1024
            mask = size - 1
            keys = [UInt32](repeating: 0, count: size)
            values = [UInt8](repeating: 0, count: size)
            for (i, c) in colors.enumerated() {
                var slot = Palette.hash(c) & mask
                while keys[slot] != 0 { slot = (slot + 1) & mask }
                keys[slot] = c + 1
                values[slot] = UInt8(i)
            }
        }

        static func hash(_ c: UInt32) -> Int { Int((c &* 0x9E37_79B1) >> 22) }

        func index(of c: UInt32) -> UInt8 {
            var slot = Palette.hash(c) & mask
            while keys[slot] != c + 1 { slot = (slot + 1) & mask }
            return values[slot]
        }

        /// PLTE's payload: R, G, B per entry.
        var entries: [UInt8] { colors.flatMap { [UInt8($0 >> 16 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 & 0xFF)] } }
    }

    /// The image's palette, or nil when it has more than 256 colours.
    static func palette(_ base: UnsafeRawPointer, width: Int, height: Int, stride: Int) -> Palette? {
        let size = 1024, mask = size - 1
        var table = [UInt32](repeating: 0, count: size)  // colour + 1; 0 = empty
        var found = [UInt32]()
        found.reserveCapacity(257)
        var last: UInt32 = .max
        for y in 0..<height {
            let src = (base + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                let c = src[x] & 0xFFFFFF
                if c == last { continue }
                last = c
                var slot = Palette.hash(c) & mask
                while true {
                    let k = table[slot]
                    if k == c + 1 { break }
                    if k == 0 {
                        table[slot] = c + 1
                        found.append(c)
                        if found.count > 256 { return nil }
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        return Palette(colors: found.sorted())
    }

    // MARK: filters

    @inline(__always) static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Writes the filter byte and the filtered row to `dst` (count + 1 bytes).
    static func filterRow(_ row: UnsafePointer<UInt8>, prior: UnsafePointer<UInt8>, count n: Int, bpp: Int,
                          filter: Filter, into dst: UnsafeMutablePointer<UInt8>, scratch: UnsafeMutablePointer<UInt8>) {
        func apply(_ type: UInt8, _ out: UnsafeMutablePointer<UInt8>) {
            switch type {
            case 0:
                out.update(from: row, count: n)
            case 1:
                for i in 0..<min(bpp, n) { out[i] = row[i] }
                for i in bpp..<max(n, bpp) { out[i] = row[i] &- row[i - bpp] }
            case 2:
                for i in 0..<n { out[i] = row[i] &- prior[i] }
            case 3:
                for i in 0..<min(bpp, n) { out[i] = row[i] &- prior[i] >> 1 }
                for i in bpp..<max(n, bpp) { out[i] = row[i] &- UInt8((Int(row[i - bpp]) + Int(prior[i])) >> 1) }
            default:
                for i in 0..<min(bpp, n) { out[i] = row[i] &- prior[i] }  // Paeth(0, b, 0) = b
                for i in bpp..<max(n, bpp) { out[i] = row[i] &- paeth(row[i - bpp], prior[i], prior[i - bpp]) }
            }
        }
        switch filter {
        case .none: dst[0] = 0; apply(0, dst + 1)
        case .sub: dst[0] = 1; apply(1, dst + 1)
        case .up: dst[0] = 2; apply(2, dst + 1)
        case .average: dst[0] = 3; apply(3, dst + 1)
        case .paeth: dst[0] = 4; apply(4, dst + 1)
        case .adaptive:
            // Least sum of |signed byte|; ties go to the lower filter type.
            var bestSum = Int.max
            for type in UInt8(0)...4 {
                apply(type, scratch)
                var sum = 0
                for i in 0..<n { sum += abs(Int(Int8(bitPattern: scratch[i]))) }
                if sum < bestSum {
                    bestSum = sum
                    dst[0] = type
                    (dst + 1).update(from: scratch, count: n)
                }
            }
        }
    }

    // MARK: zlib and chunks

    static func deflate(_ input: [UInt8], level: Int, strategy: Strategy) throws -> [UInt8] {
        var stream = z_stream()
        let zStrategy: Int32
        switch strategy {
        case .standard: zStrategy = Z_DEFAULT_STRATEGY
        case .rle: zStrategy = Z_RLE
        case .filtered: zStrategy = Z_FILTERED
        }
        guard deflateInit2_(&stream, Int32(level), Z_DEFLATED, 15, 8, zStrategy,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw PlotError("PNG encoding failed: zlib could not start (level \(level))")
        }
        defer { deflateEnd(&stream) }
        var status: Int32 = Z_OK
        let output = [UInt8](unsafeUninitializedCapacity: Int(deflateBound(&stream, uLong(input.count)))) { outBuf, count in
            status = input.withUnsafeBufferPointer { inBuf in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress!)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress!
                stream.avail_out = uInt(outBuf.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
            count = status == Z_STREAM_END ? Int(stream.total_out) : 0
        }
        guard status == Z_STREAM_END else { throw PlotError("PNG encoding failed: zlib deflate returned \(status)") }
        return output
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to png: inout Data) {
        let typeBytes = Array(type.utf8)
        var header = [UInt8]()
        header.appendBigEndian(UInt32(data.count))
        header += typeBytes
        png.append(contentsOf: header)
        png.append(contentsOf: data)
        var crc = crc32(0, typeBytes, uInt(typeBytes.count))
        // (crc32 with a null buffer returns its initial value, so skip an empty payload.)
        if !data.isEmpty { crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) } }
        var tail = [UInt8]()
        tail.appendBigEndian(UInt32(truncatingIfNeeded: crc))
        png.append(contentsOf: tail)
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ v: UInt32) {
        append(UInt8(v >> 24)); append(UInt8(v >> 16 & 0xFF)); append(UInt8(v >> 8 & 0xFF)); append(UInt8(v & 0xFF))
    }
}
