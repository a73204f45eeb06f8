import CSTestSupport
import Foundation
import XCTest

/// pipelines/splunk-hec-export, elasticsearch-export and syslog-export run with `cs run` on the
/// example feeds against loopback endpoints: Tests/CSSinkProcessTests/Fixtures/sink_server.py playing
/// Splunk HEC and Elasticsearch, and a small UDP syslog listener.
final class ExportPipelinesTests: XCTestCase {
    let token = "tok-\(UUID().uuidString)"

    /// How many records the pipelines send: every advisory of the example feeds.
    private func expectedCount() throws -> Int {
        try Shell.run("cs-normalize examples/feeds/*").lines.count
    }

    func testSplunkHECExport() throws {
        let server = try LoopbackSinkServer(script: ["token": token])
        defer { server.stop() }
        let out = try Shell.temporaryDirectory()
        let r = try Shell.run("cs run --stats pipelines/splunk-hec-export SPLUNK_HEC_URL=splunk-hec+http://127.0.0.1:\(server.port) OUT='\(out.path)'",
                              env: ["SPLUNK_HEC_TOKEN": token])
        XCTAssertEqual(r.status, 0, r.stderr)
        let arrived = try server.arrivals("hec")
        XCTAssertEqual(arrived.count, try expectedCount())
        XCTAssertTrue(arrived.values.allSatisfy { $0 == 1 }, "each advisory once: \(arrived)")
        let sinkRow = try XCTUnwrap(r.stderr.split(separator: "\n").first { $0.contains("cs-sink") })
        XCTAssertEqual(sinkRow.split(separator: " ").suffix(3).first.map(String.init), String(arrived.count), "delivered records are the sink's output: \(sinkRow)")
        XCTAssertFalse(r.stderr.contains(token))
    }

    /// Required settings are named before anything starts; the token is never taken from the command line.
    func testSplunkHECExportNeedsItsSettings() throws {
        let noURL = try Shell.run("cs run pipelines/splunk-hec-export")
        XCTAssertNotEqual(noURL.status, 0)
        XCTAssertTrue(noURL.stderr.contains("SPLUNK_HEC_URL is not set: set it to splunk-hec+https://HOST:8088"), noURL.stderr)
        let noToken = try Shell.run("cs run pipelines/splunk-hec-export SPLUNK_HEC_URL=splunk-hec+http://127.0.0.1:9",
                                    env: ["SPLUNK_HEC_TOKEN": ""])
        XCTAssertNotEqual(noToken.status, 0)
        XCTAssertTrue(noToken.stderr.contains("SPLUNK_HEC_TOKEN"), noToken.stderr)
        let dry = try Shell.run("cs run --dry-run pipelines/splunk-hec-export SPLUNK_HEC_URL=splunk-hec+https://splunk.example:8088",
                                env: ["SPLUNK_HEC_TOKEN": token])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("--token-env SPLUNK_HEC_TOKEN"), dry.stdout)
        XCTAssertFalse(dry.stdout.contains(token), "the token is not on the command line")
    }

    func testElasticsearchExport() throws {
        let server = try LoopbackSinkServer(script: ["token": token])
        defer { server.stop() }
        let out = try Shell.temporaryDirectory()
        let r = try Shell.run("cs run pipelines/elasticsearch-export ES_URL=elastic+http://127.0.0.1:\(server.port)/advisories OUT='\(out.path)'",
                              env: ["ES_AUTHORIZATION": "ApiKey \(token)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let arrived = try server.arrivals("elastic")
        XCTAssertEqual(arrived.count, try expectedCount())
        XCTAssertTrue(arrived.values.allSatisfy { $0 == 1 })
        // A rerun replaces the same documents (the server counts index actions per _id).
        XCTAssertEqual(try Shell.run("cs run pipelines/elasticsearch-export ES_URL=elastic+http://127.0.0.1:\(server.port)/advisories OUT='\(out.path)'",
                                     env: ["ES_AUTHORIZATION": "ApiKey \(token)"]).status, 0)
        XCTAssertEqual(Set(try server.arrivals("elastic").keys), Set(arrived.keys), "same _ids: no new documents")
        // Wrong credentials: every record is kept in the dead-letter file, the run fails with 2.
        let denied = try Shell.run("cs run pipelines/elasticsearch-export ES_URL=elastic+http://127.0.0.1:\(server.port)/advisories OUT='\(out.path)'",
                                   env: ["ES_AUTHORIZATION": "Basic d3Jvbmc="])
        XCTAssertEqual(denied.status, 2, denied.stderr)
        let dead = try String(contentsOf: out.appendingPathComponent("elasticsearch.dead-letter.ndjson"), encoding: .utf8)
        XCTAssertEqual(dead.split(separator: "\n").count, arrived.count)
    }

    func testSyslogExport() throws {
        let expected = try expectedCount()
        let receiver = try UDPSyslogListener(expecting: expected)
        defer { receiver.stop() }
        let out = try Shell.temporaryDirectory()
        let r = try Shell.run("cs run pipelines/syslog-export SYSLOG_URL=syslog+udp://127.0.0.1:\(receiver.port) SYSLOG_FACILITY=auth OUT='\(out.path)'")
        XCTAssertEqual(r.status, 0, r.stderr)
        let messages = receiver.messages()
        XCTAssertEqual(messages.count, expected)
        for m in messages {
            // auth is facility 4: PRI = 32 + severity (2 crit .. 6 info).
            XCTAssertTrue(["<34>1 ", "<35>1 ", "<36>1 ", "<37>1 ", "<38>1 "].contains(String(m.prefix(6))), m)
            XCTAssertTrue(m.contains(" cs-sink ") && m.contains(" advisory [cs@32473 id=\""), m)
        }
        let uids = messages.compactMap { m -> String? in
            guard let r = m.range(of: "uid=\"") else { return nil }
            return String(m[r.upperBound...].prefix(64))
        }
        XCTAssertEqual(Set(uids).count, expected, "one message per advisory")
    }
}

/// Tests/CSSinkProcessTests/Fixtures/sink_server.py on a loopback port (see that file for its script).
final class LoopbackSinkServer {
    let process = Process()
    private let stdin = Pipe()
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("cs-sink-server-\(UUID().uuidString).json")
    private(set) var port = 0

    init(script: [String: Any]) throws {
        let server = Shell.repoRoot.appendingPathComponent("Tests/CSSinkProcessTests/Fixtures/sink_server.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", server.path, state.path, String(decoding: try JSONSerialization.data(withJSONObject: script), as: UTF8.self)]
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Ready once the state file names the port (a server that dies first ends the wait).
        Readiness.wait(alive: { process.isRunning }) {
            port = ((try? JSONSerialization.jsonObject(with: Data(contentsOf: state))) as? [String: Any])?["port"] as? Int ?? 0
            return port != 0
        }
        if port != 0 { return }
        stop()
        throw XCTSkip("sink_server.py did not start")
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    func arrivals(_ endpoint: String) throws -> [String: Int] {
        let s = try JSONSerialization.jsonObject(with: Data(contentsOf: state)) as? [String: Any]
        return s?[endpoint] as? [String: Int] ?? [:]
    }
}

/// A UDP listener on 127.0.0.1 (Python) that writes each datagram received as one line of a file;
/// it stops after `expecting` datagrams, when its stdin closes, or after ten minutes (a hang guard).
final class UDPSyslogListener {
    let process = Process()
    private let stdin = Pipe()
    let dir: URL
    private(set) var port = 0

    init(expecting: Int) throws {
        dir = try Shell.temporaryDirectory()
        let script = """
            import socket, sys, threading, os
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            out = open(sys.argv[1] + "/messages", "ab", buffering=0)
            open(sys.argv[1] + "/port.tmp", "w").write(str(s.getsockname()[1]))
            os.replace(sys.argv[1] + "/port.tmp", sys.argv[1] + "/port")
            threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
            threading.Timer(600, lambda: os._exit(0)).start()
            for _ in range(int(sys.argv[2])):
                out.write(s.recv(65536).replace(b"\\n", b" ") + b"\\n")
            os._exit(0)
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, dir.path, String(expecting)]
        process.standardInput = stdin
        try process.run()
        Readiness.wait(alive: { process.isRunning }) {
            port = (try? String(contentsOf: dir.appendingPathComponent("port"), encoding: .utf8)).flatMap { Int($0) } ?? 0
            return port != 0
        }
        if port != 0 { return }
        stop()
        throw XCTSkip("UDP listener did not start")
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// The messages received, once the listener has them all (it exits then; or at its hang guard).
    func messages() -> [String] {
        process.waitUntilExit()
        let text = (try? String(contentsOf: dir.appendingPathComponent("messages"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }
}
