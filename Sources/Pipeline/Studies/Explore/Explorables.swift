import Foundation

/// A figure that answers back: the still figure a page shows, plus data a small plain script
/// (`assets/explore.js` and `assets/explore-KIND.js`) looks values up in when the reader points,
/// drags or scrubs. Every value and frame is computed at build time by the job that draws the
/// figure, so it is cached and keyed like the figure itself; the script computes nothing.
///
/// With scripts off the page shows the still figure, as before. The data is a script file,
/// `explore/ID.js`, calling `LensesExplore.data("ID", {...})`: unlike `fetch`, a script tag also
/// loads from a site opened as plain files (`file://`), and only when the reader reaches the widget.
public struct Explorable: Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Point at the map: each model's P(y|x), and a generative model's p(x|y)p(y), at that point.
        case probe
        /// A slider over training-set sizes.
        case trainingSize = "training_size"
        /// A scrubber through training snapshots (epochs, EM steps).
        case training
        /// The decoder's image at each point of a latent plane.
        case latent
        /// A slider over a regularisation setting.
        case regulariser
    }

    public let kind: Kind
    /// Unique in the site (letters, digits, `-`, `_`); the data file is `explore/ID.js`.
    public let id: String
    /// Every file of the widget by path inside the site: `explore/ID.js` first of all, then frames.
    public private(set) var files: [String: Data]
    /// Frames (sliders, scrubbers) or grid cells (probes, latent walk).
    public let count: Int
    /// Points where the browser test moves the pointer, with what the readout must show there.
    public var samples: [ExplorableSample] = []

    /// `payload` is encoded as JSON (sorted keys, so the bytes are stable) into `explore/ID.js`;
    /// `frames` are further files (paths inside the site) the payload refers to.
    public init<P: Encodable>(kind: Kind, id: String, payload: P, count: Int, frames: [String: Data] = [:],
                              samples: [ExplorableSample] = []) throws {
        precondition(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }, "explorable id \(id)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // JSON inside a script: "</" and U+2028/2029 are escaped so the file cannot end the script early.
        let json = Self.scriptSafe(try encoder.encode(payload))
        let script = "LensesExplore.data(\"\(id)\", \(json));\n"
        var files = frames
        files[Self.dataPath(id)] = Data(script.utf8)
        self.kind = kind; self.id = id; self.files = files; self.count = count; self.samples = samples
    }

    /// JSON bytes as text safe inside a script element: `</` → `<\/`, U+2028 → `\u2028`, U+2029 → `\u2029`
    /// (one pass over the bytes; Foundation's `replacingOccurrences` on a multi-megabyte payload was slow).
    static func scriptSafe(_ json: Data) -> String {
        var out = [UInt8]()
        out.reserveCapacity(json.count + 64)
        json.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
            var i = 0
            let n = b.count
            while i < n {
                let c = b[i]
                if c == 0x3C, i + 1 < n, b[i + 1] == 0x2F {                       // "</"
                    out += [0x3C, 0x5C, 0x2F]; i += 2
                } else if c == 0xE2, i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 {  // U+2028, U+2029
                    out += Array("\\u202\(b[i + 2] == 0xA8 ? "8" : "9")".utf8); i += 3
                } else {
                    out.append(c); i += 1
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The same widget with its files' paths but not their bytes (once they are written).
    var withoutBytes: Explorable {
        var copy = self
        copy.files = files.mapValues { _ in Data() }
        return copy
    }

    public static func dataPath(_ id: String) -> String { "explore/\(id).js" }
    public var dataPath: String { Self.dataPath(id) }
    /// The kind's script, beside the shared `assets/explore.js`.
    public var script: String { "assets/explore-\(kind.rawValue.replacingOccurrences(of: "_", with: "-")).js" }
    /// Frames or grid cells, as metrics.json names the count.
    var countName: String { kind == .probe || kind == .latent ? "cells" : "frames" }
}

/// A point of a widget and what its readout shows there: `readout` maps the `data-key` of an
/// element inside the widget to its exact text. `x` is in the figure's data coordinates (for a
/// slider or scrubber: `[frame index]`).
public struct ExplorableSample: Sendable, Codable, Hashable {
    public let x: [Double]
    public let readout: [String: String]
    public init(x: [Double], readout: [String: String]) { self.x = x; self.readout = readout }
}

/// One row of metrics.json's `explorables`: a widget on one page.
public struct ExplorableEntry: Sendable, Codable {
    public let page: String
    public let kind: String
    public let id: String
    /// The figure it enhances (its 1× PNG).
    public let figure: String
    public let dataFiles: [String]
    public let frames: Int?
    public let cells: Int?
    public let samples: [ExplorableSample]

    init(page: String, figure: FigureArtifact, explorable e: Explorable) {
        self.page = page; kind = e.kind.rawValue; id = e.id; self.figure = figure.path
        dataFiles = e.files.keys.sorted()
        frames = e.countName == "frames" ? e.count : nil
        cells = e.countName == "cells" ? e.count : nil
        samples = e.samples
    }

    enum CodingKeys: String, CodingKey {
        case page, kind, id, figure, frames, cells, samples
        case dataFiles = "data_files"
    }
}

extension FigureArtifact {
    /// A slider over this still figure (`@regulariser`, `@training-size`): the still under the widget's
    /// path with `caption` and a "Slider" provenance line, carrying the widget: `steps` positions, the
    /// readout at each one as its sample.
    func slider<P: Encodable>(_ ref: ExploreRef, caption: String, payload: P, steps: Int, frames: [String: Data],
                              slider: String, readout: (Int) -> [String: String]) throws -> FigureArtifact {
        var figure = renamed(to: ref.path, caption: caption, provenance: provenance + [.init(name: "Slider", value: slider)])
        let samples = (0..<steps).map { ExplorableSample(x: [Double($0)], readout: readout($0)) }
        figure.explorable = try Explorable(kind: ref.kind, id: ref.id, payload: payload, count: steps, frames: frames, samples: samples)
        return figure
    }
}
