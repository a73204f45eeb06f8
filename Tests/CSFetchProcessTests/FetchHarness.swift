import CSTestSupport
import Foundation
import XCTest

/// The loopback server in Fixtures/feed_server.py, started for a test case and stopped with it.
/// It also stops by itself when its stdin closes or after ten minutes, so nothing outlives the tests.
final class FeedServer {
    let process = Process()
    let stdin = Pipe()
    let root: URL
    let port: Int
    /// The same routes over TLS with a self-signed certificate for 127.0.0.1 (nil without openssl).
    let tlsPort: Int?
    var certificate: URL { root.appendingPathComponent("tls/cert.pem") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cs-fetch-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/feed_server.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, root.path]
        let tls = FeedServer.makeCertificate(in: root.appendingPathComponent("tls"))
        if tls { process.arguments! += [root.appendingPathComponent("tls/cert.pem").path, root.appendingPathComponent("tls/key.pem").path] }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        try process.run()

        // The first line is "PORT <n>", then "TLSPORT <n>" when asked: read as they come (a server that
        // fails to start closes its stdout, which ends the read).
        var got: [String] = []
        let output = stdout.fileHandleForReading
        var bytes: [UInt8] = []
        while got.count < (tls ? 2 : 1) {
            let chunk = output.readData(ofLength: 1)
            if chunk.isEmpty { break }
            if chunk.first == 0x0A {
                got.append(String(decoding: bytes, as: UTF8.self))
                bytes = []
            } else {
                bytes.append(contentsOf: chunk)
            }
        }
        func portNumber(_ prefix: String, _ index: Int) -> Int? {
            guard index < got.count, got[index].hasPrefix(prefix + " ") else { return nil }
            return Int(got[index].dropFirst(prefix.count + 1))
        }
        guard let port = portNumber("PORT", 0) else {
            process.terminate()
            throw XCTSkip("python3 loopback server did not start (is python3 installed?)")
        }
        self.port = port
        tlsPort = tls ? portNumber("TLSPORT", 1) : nil
    }

    /// A self-signed certificate for 127.0.0.1, made with openssl(1); false when that is not possible.
    static func makeCertificate(in dir: URL) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"),
              (try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)) != nil else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", dir.appendingPathComponent("key.pem").path, "-out", dir.appendingPathComponent("cert.pem").path,
                             "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: root)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Writes a JSON Feed 1.1 under /files/.
    @discardableResult
    func writeFeed(_ name: String, title: String = "Test feed", items: [(id: String, title: String)]) throws -> String {
        let feed: [String: Any] = [
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": items.map { ["id": $0.id, "title": $0.title, "content_html": "<p>\($0.title)</p>"] },
        ]
        try JSONSerialization.data(withJSONObject: feed, options: [.sortedKeys]).write(to: root.appendingPathComponent(name))
        return url("/files/" + name)
    }

    /// A small GET for the server's introspection routes.
    func control(_ path: String) throws -> String {
        let result = try CSFetchRun.run([url(path), "--raw", "--retries", "0"])
        guard let record = result.records.first, let body = record["body"] as? String else {
            throw NSError(domain: "FeedServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "control \(path) failed: \(result.stderr)"])
        }
        return body
    }
}

/// One run of the built cs-fetch: its stdout records, stderr, exit status and wall time.
struct CSFetchRun {
    var stdout: String
    var stderr: String
    var status: Int32
    var seconds: Double

    var records: [[String: Any]] {
        stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }
    var titles: [String] { records.compactMap { $0["title"] as? String } }

    /// `--log-format json` diagnostics.
    var diagnostics: [[String: Any]] {
        stderr.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let dir = ProcessInfo.processInfo.environment["CS_BIN_DIR"] { candidates.append(URL(fileURLWithPath: dir)) }
        let bundle = Bundle.main.bundleURL
        candidates += [bundle.deletingLastPathComponent(), bundle]
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for dir in candidates {
            let url = dir.appendingPathComponent("cs-fetch")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw NSError(domain: "CSFetchRun", code: 1, userInfo: [NSLocalizedDescriptionKey:
            "cs-fetch not found (build it, or set CS_BIN_DIR); looked in \(candidates.map(\.path))"])
    }

    /// Runs cs-fetch; a run that has not ended after `limit` seconds (a hang guard) is killed and fails the test.
    /// `--no-progress` is added unless `progress` (the line would only show on a terminal anyway).
    static func run(_ arguments: [String], environment: [String: String] = [:], limit: Double = Readiness.hangGuard, progress: Bool = false) throws -> CSFetchRun {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = (progress ? [] : ["--no-progress"]) + arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"] { env.removeValue(forKey: key) }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        let stdout = Locked(Data()), stderr = Locked(Data())
        let group = DispatchGroup()
        for (pipe, sink) in [(out, stdout), (err, stderr)] {
            group.enter()
            DispatchQueue.global().async {
                sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        if group.wait(timeout: .now() + limit) == .timedOut {
            process.terminate()
            process.waitUntilExit()
            XCTFail("cs-fetch \(arguments) still running after \(limit) s")
            _ = group.wait(timeout: .now() + 10)
        }
        process.waitUntilExit()
        return CSFetchRun(stdout: String(decoding: stdout.get(), as: UTF8.self), stderr: String(decoding: stderr.get(), as: UTF8.self),
                          status: process.terminationStatus, seconds: Date().timeIntervalSince(started))
    }
}

final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    /// Read-modify-write under the lock (get then set would lose concurrent updates).
    func mutate(_ body: (inout T) -> Void) { lock.lock(); body(&value); lock.unlock() }
}
