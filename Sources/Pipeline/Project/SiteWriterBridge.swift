import Foundation
import Site

/// Lets other modules write a whole site atomically without importing Site.
public enum SiteWriterBridge {
    public static func write(files: [String: Data], to target: URL) throws {
        try SiteWriter.write(files: files, to: target)
    }
}

/// The site's staging folder takes figures' files as their render jobs end.
extension SiteStaging: FileSink {}
