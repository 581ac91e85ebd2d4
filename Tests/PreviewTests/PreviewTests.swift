import Foundation
import Testing
@testable import Pipeline
@testable import Preview
#if canImport(Glibc)
import Glibc
#endif

/// A raw HTTP/1.1 GET on 127.0.0.1, so paths reach the server exactly as written
/// (URL libraries would normalise `..` away before sending). The blocking socket
/// calls run on a thread of their own: on the cooperative pool they would starve
/// the in-process server.
func rawGet(port: UInt16, path: String, timeout: Int = 60) async throws -> (status: Int, body: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try blockingGet(port: port, path: path, timeout: timeout) })
        }.start()
    }
}

func blockingGet(port: UInt16, path: String, timeout: Int) throws -> (status: Int, body: String) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var tv = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = port.bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let ok = withUnsafePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard ok == 0 else { throw POSIXError(.ECONNREFUSED) }
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var data = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        data += buffer[0..<n]
    }
    let text = String(decoding: data, as: UTF8.self)
    let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? -1
    let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    return (status, body)
}

@Suite("lenses serve")
struct PreviewTests {
    static func project() throws -> URL {
        let fm = FileManager.default
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let root = fm.temporaryDirectory.appendingPathComponent("lenses-serve-\(UUID().uuidString)")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        for item in ["templates", "content", "data", "lenses.yml"] {
            try fm.copyItem(at: repo.appendingPathComponent(item), to: root.appendingPathComponent(item))
        }
        // A small site keeps the debug test quick: the home page only.
        let yml = root.appendingPathComponent("lenses.yml")
        var text = try String(contentsOf: yml, encoding: .utf8)
        let pagesStart = text.range(of: "\npages:")!.lowerBound
        text = String(text[..<pagesStart]) + "\npages:\n  - {slug: index, file: content/index.md}\n"
        try text.write(to: yml, atomically: true, encoding: .utf8)
        return root
    }

    @Test("Path resolution stays inside the site folder")
    func resolve() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lenses-resolve-\(UUID().uuidString)")
        let site = root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("figures"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("hi".utf8).write(to: site.appendingPathComponent("index.html"))
        try Data("secret".utf8).write(to: root.appendingPathComponent("secret.txt"))
        try FileManager.default.createSymbolicLink(at: site.appendingPathComponent("link.txt"), withDestinationURL: root.appendingPathComponent("secret.txt"))
        #expect(PreviewServer.resolve(requestPath: "/", in: site)?.lastPathComponent == "index.html")
        #expect(PreviewServer.resolve(requestPath: "/index.html?x=1", in: site) != nil)
        for bad in ["/../secret.txt", "/%2e%2e/secret.txt", "/%252e%252e/secret.txt", "/figures/../../secret.txt",
                    "/link.txt", "//etc/passwd", "/..%2fsecret.txt", "/index.html%00.png", "/.lenses-site", "/nope.html"] {
            #expect(PreviewServer.resolve(requestPath: bad, in: site) == nil, "\(bad) must be refused")
        }
    }

    @Test("Serves index.html on a free loopback port, refuses traversal, rebuilds after a change and says so")
    func serveAndRebuild() async throws {
        let root = try Self.project()
        defer { try? FileManager.default.removeItem(at: root) }
        let session = PreviewSession(root: root, output: root.appendingPathComponent("site"), parallelism: 2) { _ in }
        let portBox = PortBox()
        let task = Task { try await session.run(port: 0, poll: .milliseconds(100)) { portBox.set($0) } }
        defer { task.cancel() }
        // Bounded waits, generous because CI machines may be busy with the rest of the suite.
        var deadline = Date().addingTimeInterval(300)
        while portBox.get() == nil && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let port = try #require(portBox.get())
        let index = try await rawGet(port: port, path: "/")
        #expect(index.status == 200)
        #expect(index.body.contains("Two lenses on machine learning"))
        #expect(index.body.contains("/__lenses/live.js"), "serve mode adds the live-reload script")
        let onDisk = try String(contentsOf: root.appendingPathComponent("site/index.html"), encoding: .utf8)
        #expect(!onDisk.contains("__lenses"), "the built site never contains it")
        #expect(try await rawGet(port: port, path: "/../lenses.yml").status == 404)
        #expect(try await rawGet(port: port, path: "/%2e%2e/lenses.yml").status == 404)

        let version = await session.status.snapshot().version
        let md = root.appendingPathComponent("content/index.md")
        try (try String(contentsOf: md, encoding: .utf8) + "\nA sentence added while serving.\n").write(to: md, atomically: true, encoding: .utf8)
        deadline = Date().addingTimeInterval(300)
        while await session.status.snapshot().version == version && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(await session.status.snapshot().version > version)
        #expect(try await rawGet(port: port, path: "/index.html").body.contains("A sentence added while serving."))
        let status = try await rawGet(port: port, path: "/__lenses/status")
        #expect(status.status == 200 && status.body.contains("\"version\""))
    }

    @Test("A flood of 1000 requests from a bounded loop is served without error")
    func flood() async throws {
        let root = try Self.project()
        defer { try? FileManager.default.removeItem(at: root) }
        let session = PreviewSession(root: root, output: root.appendingPathComponent("site"), parallelism: 2) { _ in }
        let portBox = PortBox()
        let task = Task { try await session.run(port: 0, poll: .seconds(5)) { portBox.set($0) } }
        defer { task.cancel() }
        let deadline = Date().addingTimeInterval(300)
        while portBox.get() == nil && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let port = try #require(portBox.get())
        var failures = 0
        for i in 0..<1000 {
            let r = try await rawGet(port: port, path: i % 2 == 0 ? "/index.html" : "/assets/style.css")
            if r.status != 200 { failures += 1 }
        }
        #expect(failures == 0)
    }
}

final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: UInt16?
    func set(_ p: UInt16) { lock.lock(); port = p; lock.unlock() }
    func get() -> UInt16? { lock.lock(); defer { lock.unlock() }; return port }
}
