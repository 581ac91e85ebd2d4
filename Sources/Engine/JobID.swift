/// Where a job sits in the one-way flow: data → models (and studies) → figures → pages.
public enum Stage: String, Sendable, CaseIterable, Codable {
    case data, train, render, page
}

/// A job's name, whatever it makes. Ids are built from their parts by the study that owns the
/// job (`JobID<Output>` constructors), never parsed back: `path` is kept as parts, and
/// `description` (the parts joined by "/") is only for people — progress lines, the build
/// report — and for a stable order.
public struct AnyJobID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let stage: Stage
    public let path: [String]

    public init(stage: Stage, path: [String]) {
        precondition(!path.isEmpty, "a job id has at least one part")
        self.stage = stage; self.path = path
    }

    public var description: String { path.joined(separator: "/") }

    /// Ordered by their text, so that every listing (and every output built from one) is stable.
    public static func < (a: AnyJobID, b: AnyJobID) -> Bool { a.description < b.description }
}

/// The id of a job whose artifact is an `Output`: a job graph looks artifacts up by these, so a
/// reader gets the type the writer made, checked by the compiler.
public struct JobID<Output: Artifact>: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let erased: AnyJobID

    public init(_ stage: Stage, _ path: [String]) { erased = AnyJobID(stage: stage, path: path) }
    public init(_ stage: Stage, _ path: String...) { self.init(stage, path) }

    /// The id of a job nested under this one (a part of a study, the right-hand panel of a figure).
    public func child<Other: Artifact>(_ part: String...) -> JobID<Other> {
        JobID<Other>(erased.stage, erased.path + part)
    }

    public var stage: Stage { erased.stage }
    public var description: String { erased.description }
    public static func < (a: JobID, b: JobID) -> Bool { a.erased < b.erased }
}
