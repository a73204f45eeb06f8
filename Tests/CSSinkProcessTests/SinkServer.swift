import Foundation
import XCTest
import CSTestSupport

/// Fixtures/sink_server.py on a loopback port: plays Splunk HEC, Elasticsearch and a webhook, and
/// keeps what arrived (counted by uid) in a state file the test reads.
final class SinkServer {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    let process = Process()
    private let stdin = Pipe()
    let stateURL = ToolRunner.temporaryFile("sink-server-state.json")
    private(set) var port = 0

    init(script: [String: Any] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let scriptText = String(decoding: try JSONSerialization.data(withJSONObject: script), as: UTF8.self)
        process.arguments = ["python3", SinkServer.fixtures.appendingPathComponent("sink_server.py").path, stateURL.path, scriptText]
        process.standardInput = stdin          // the server exits when this closes
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Ready once the state file names the port (a server that dies first ends the wait).
        Readiness.wait(alive: { process.isRunning }) {
            port = (try? state())?["port"] as? Int ?? 0
            return port != 0
        }
        if port != 0 { return }
        stop()
        throw XCTSkip("sink_server.py did not start (python3 missing?)")
    }

    deinit { stop() }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: stateURL)
    }

    var base: String { "127.0.0.1:\(port)" }

    /// Lets the requests held by `"hold": N` (and any later ones) be answered.
    func release() {
        stdin.fileHandleForWriting.write(Data("release\n".utf8))
    }

    /// Requests that reached the server, answered or still held.
    func received() -> Int { (try? state())?["received"] as? Int ?? 0 }

    func state() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: stateURL)) as? [String: Any] ?? [:]
    }

    /// How many times each uid arrived at an endpoint ("hec", "elastic", "hook").
    func arrivals(_ endpoint: String) throws -> [String: Int] {
        try state()[endpoint] as? [String: Int] ?? [:]
    }

    /// The statuses the server answered, in order, for an endpoint.
    func statuses(_ endpoint: String) throws -> [Int] {
        (try state()["requests"] as? [[String: Any]] ?? []).filter { $0["endpoint"] as? String == endpoint }.compactMap { $0["status"] as? Int }
    }

    /// Waits until `condition` holds on the state (false if the server is gone, or at the hang guard).
    func wait(_ condition: ([String: Any]) -> Bool) -> Bool {
        Readiness.wait(alive: { process.isRunning }) { (try? state()).map(condition) ?? false }
    }

    @available(*, deprecated, message: "wait on the condition alone: wait { ... } (the only bound is Readiness.hangGuard)")
    func wait(seconds: Double, _ condition: ([String: Any]) -> Bool) -> Bool { wait(condition) }
}

/// Records for delivery tests: unique uids, some marked for the server to refuse ("[bad]") or to
/// push back on once ("[busy]").
enum DeliveryRecords {
    static func uid(_ i: Int) -> String { String(format: "%064x", 0xC5000 + i) }

    static func lines(_ count: Int, bad: Set<Int> = [], busy: Set<Int> = []) -> [String] {
        (0..<count).map { i in
            let mark = bad.contains(i) ? " [bad]" : busy.contains(i) ? " [busy]" : ""
            return SinkFixtures.line(SinkFixtures.record(i, severity: ["low", "medium", "high", "critical"][i % 4],
                                                         title: "Advisory \(i)\(mark)", tactics: [("TA0006", "Credential Access")],
                                                         uid: uid(i)))
        }
    }

    static func data(_ lines: [String]) -> Data { Data((lines.joined(separator: "\n") + "\n").utf8) }
}
