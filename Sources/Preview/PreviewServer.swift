import FlyingFox
import Foundation
import Pipeline

/// Serves a built site on 127.0.0.1 for previewing while writing.
///
/// - Only files inside the site folder are served: a request path is
///   percent-decoded, refused if it holds `..`, a backslash or a NUL, and the
///   resolved file (symlinks followed) must still lie inside the folder; anything
///   else is a 404.
/// - HTML responses get a small live-reload script; the built site never does.
public final class PreviewServer: Sendable {
    public let siteFolder: URL
    let server: HTTPServer
    let status: BuildStatus

    /// `port` 0 picks a free port; see `port()` once listening.
    public init(siteFolder: URL, port: UInt16, status: BuildStatus) throws {
        self.siteFolder = siteFolder
        self.status = status
        server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), timeout: 30)
    }

    public func start() async throws {
        let folder = siteFolder, status = status
        await server.appendRoute("GET,HEAD /__lenses/live.js") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .init("Cache-Control"): "no-store"],
                         body: Data(Self.liveReloadScript.utf8))
        }
        await server.appendRoute("GET,HEAD /__lenses/status") { _ in
            let s = await status.snapshot()
            let body = try JSONSerialization.data(withJSONObject: ["version": s.version, "error": s.error.map { $0 as Any } ?? NSNull()])
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json", .init("Cache-Control"): "no-store"], body: body)
        }
        await server.appendRoute("GET,HEAD *") { request in
            guard let file = Self.resolve(requestPath: request.path, in: folder),
                  var data = FileManager.default.contents(atPath: file.path) else {
                return HTTPResponse(statusCode: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                    body: Data("404: not in the site\n".utf8))
            }
            let type = Self.contentType(file.pathExtension)
            if type.hasPrefix("text/html") { data = Self.injectLiveReload(data) }
            return HTTPResponse(statusCode: .ok, headers: [.contentType: type, .init("Cache-Control"): "no-store"], body: data)
        }
        Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
    }

    public func port() async -> UInt16? {
        guard case .ip4(_, let port)? = await server.listeningAddress else { return nil }
        return port
    }

    public func stop() async { await server.stop(timeout: 1) }

    /// The file a request path names inside `folder`, or nil (→ 404).
    public static func resolve(requestPath: String, in folder: URL) -> URL? {
        var path = requestPath
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<q]) }
        // Decode until stable so %252e%252e cannot sneak through a second decoding.
        for _ in 0..<3 { if let d = path.removingPercentEncoding, d != path { path = d } else { break } }
        if path.contains("\0") || path.contains("\\") { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") && $0 != ".nojekyll" }) { return nil }
        let base = folder.resolvingSymlinksInPath().standardizedFileURL
        var url = base
        for p in parts { url.appendPathComponent(String(p)) }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
            url.appendPathComponent("index.html")
        }
        let resolved = url.resolvingSymlinksInPath().standardizedFileURL
        guard resolved.path.hasPrefix(base.path + "/"),
              FileManager.default.fileExists(atPath: resolved.path, isDirectory: &isDir), !isDir.boolValue else { return nil }
        return resolved
    }

    static func contentType(_ ext: String) -> String {
        switch ext.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "png": return "image/png"
        case "svg": return "image/svg+xml"
        case "pdf": return "application/pdf"
        case "woff2": return "font/woff2"
        case "txt": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    static func injectLiveReload(_ html: Data) -> Data {
        let tag = Data("<script src=\"/__lenses/live.js\"></script>\n".utf8)
        guard let end = html.range(of: Data("</body>".utf8), options: .backwards) else { return html + tag }
        var out = html
        out.insert(contentsOf: tag, at: end.lowerBound)
        return out
    }

    /// Polls the build status; reloads when a new build finished, shows a banner when one failed.
    static let liveReloadScript = """
    (function () {
      var seen = null;
      function banner(text) {
        var b = document.getElementById("lenses-build-error");
        if (!text) { if (b) b.remove(); return; }
        if (!b) {
          b = document.createElement("pre");
          b.id = "lenses-build-error";
          b.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;padding:.8em 1em;background:#7a1010;color:#fff;font:13px/1.4 monospace;white-space:pre-wrap;z-index:99";
          document.body.appendChild(b);
        }
        b.textContent = "lenses: the last build failed; this page shows the previous site.\\n" + text;
      }
      function poll() {
        fetch("/__lenses/status", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
          if (seen !== null && s.version !== seen) { location.reload(); return; }
          seen = s.version;
          banner(s.error);
        }).catch(function () {}).finally(function () { setTimeout(poll, 700); });
      }
      poll();
    })();
    """
}

/// The latest build's outcome, shared by the watcher and the server.
public actor BuildStatus {
    public private(set) var version = 0
    public private(set) var error: String?
    public init() {}
    public func succeeded() { version += 1; error = nil }
    public func failed(_ message: String) { error = message }
    public func snapshot() -> (version: Int, error: String?) { (version, error) }
}
