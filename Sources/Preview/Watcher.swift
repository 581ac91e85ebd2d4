import Foundation

/// Watches the project's inputs by polling modification times and sizes
/// (portable, and cheap for a few hundred files).
public struct Watcher: Sendable {
    public let root: URL
    public static let watched = ["content", "templates", "data", "lenses.yml"]

    public init(root: URL) { self.root = root }

    /// A fingerprint of every watched file's path, size and modification time.
    public func signature() -> [String: String] {
        let fm = FileManager.default
        var out = [String: String]()
        func add(_ path: String) {
            let url = root.appendingPathComponent(path)
            guard let attrs = try? fm.attributesOfItem(atPath: url.path) else { return }
            let size = (attrs[.size] as? NSNumber)?.intValue ?? -1
            let time = (attrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            out[path] = "\(size)@\(time)"
        }
        for item in Self.watched {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: root.appendingPathComponent(item).path, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                let subs = fm.enumerator(atPath: root.appendingPathComponent(item).path)?.allObjects as? [String] ?? []
                for sub in subs { add("\(item)/\(sub)") }
            } else {
                add(item)
            }
        }
        return out
    }

    /// The paths that differ between two signatures.
    public static func changes(_ a: [String: String], _ b: [String: String]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }
}
