import Foundation

/// What a job makes. Any value the cache can store (`Codable`) and jobs can share (`Sendable`);
/// the engine knows nothing else about it but the few hooks below, each with a default, which
/// let a build bound its memory and write the site without knowing which study made what.
public protocol Artifact: Codable, Sendable {
    /// Models trained by the job that made this (for progress and the build report).
    var modelsTrained: Int { get }
    /// Let go as soon as every job that reads it has finished (large intermediates: trained
    /// models, parts of a study), even when the build would otherwise keep it.
    static var releasedAfterUse: Bool { get }
    /// The same artifact holding only what pages read, for when pages alone still need it;
    /// nil keeps it as it is.
    func forPagesOnly() -> Self?
    /// Files it puts into the site, by path.
    var siteFiles: [String: Data] { get }
    /// Its files go to the site's staging folder as soon as its job ends (a figure), instead of
    /// when the build ends (a page); the runner may then drop their bytes (`withoutFileBytes`).
    static var streamsFiles: Bool { get }
    /// The same artifact without its files' bytes, once they are written; nil keeps them.
    func withoutFileBytes() -> Self?
}

extension Artifact {
    public var modelsTrained: Int { 0 }
    public static var releasedAfterUse: Bool { false }
    public func forPagesOnly() -> Self? { nil }
    public var siteFiles: [String: Data] { [:] }
    public static var streamsFiles: Bool { false }
    public func withoutFileBytes() -> Self? { nil }
}

/// The artifacts a job may read (its dependencies'), or all of a build's: looked up by typed id.
public struct ArtifactStore: Sendable {
    public private(set) var values: [AnyJobID: any Artifact]

    public init(_ values: [AnyJobID: any Artifact] = [:]) { self.values = values }

    /// The artifact of a job this one depends on. The id's type is the type its job makes, so a
    /// missing or mistyped artifact is a planning bug, not an input error.
    public subscript<T: Artifact>(_ id: JobID<T>) -> T {
        guard let any = values[id.erased] else { preconditionFailure("job \(id) was not run or not declared as a dependency") }
        guard let value = any as? T else { preconditionFailure("job \(id) made a \(type(of: any)), not a \(T.self)") }
        return value
    }

    /// The artifact, when the store has it.
    public func get<T: Artifact>(_ id: JobID<T>) -> T? { values[id.erased] as? T }

    /// Every artifact of one type with its job id, in id order.
    public func all<T: Artifact>(_ type: T.Type) -> [(id: AnyJobID, value: T)] {
        values.keys.sorted().compactMap { id in (values[id] as? T).map { (id, $0) } }
    }

    public subscript(erased id: AnyJobID) -> (any Artifact)? {
        get { values[id] }
        set { values[id] = newValue }
    }

    public var ids: Dictionary<AnyJobID, any Artifact>.Keys { values.keys }

    public mutating func merge(_ other: ArtifactStore) { values.merge(other.values) { mine, _ in mine } }
}
