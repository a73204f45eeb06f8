import Foundation
import XCTest
import CSTestSupport

/// cs-sink's RFC 5424 messages as Debian's rsyslog parses them, over UDP and over TCP with
/// octet-counted framing.
final class SyslogDeliveryTests: XCTestCase {
    /// rsyslog's names for the severities cs-sink maps advisories to.
    static let expectedSeverity = ["critical": "crit", "high": "err", "medium": "warning", "low": "notice", "info": "info"]

    func testUDPAndTCPMessagesAsRsyslogParsesThem() throws {
        let rsyslog = try RsyslogReceiver()
        defer { rsyslog.stop(); rsyslog.removeFiles() }
        let udp = try ToolRunner.run("cs-sink", ["--to", "syslog+udp://127.0.0.1:\(rsyslog.udpPort)"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(udp.status, 0, udp.stderr)
        let tcp = try ToolRunner.run("cs-sink", ["--to", "syslog+tcp://127.0.0.1:\(rsyslog.tcpPort)", "--batch", "3", "--facility", "auth"],
                                     stdin: SinkFixtures.ndjson)
        XCTAssertEqual(tcp.status, 0, tcp.stderr)
        let records = SinkFixtures.records
        let lines = rsyslog.lines(atLeast: 2 * records.count)
        XCTAssertEqual(lines.count, 2 * records.count, lines.joined(separator: "\n"))
        for input in ["imudp", "imtcp"] {
            let received = lines.filter { $0.hasPrefix(input + "|") }
            XCTAssertEqual(received.count, records.count, "\(input): every record, one message each")
            for (i, record) in records.enumerated() {
                let id = record["id"] as! String, uid = record["uid"] as! String
                guard let line = received.first(where: { $0.contains("id=\"\(id)\"") }) else {
                    XCTFail("\(input): no message for \(id)"); continue
                }
                let fields = line.split(separator: "|", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
                XCTAssertEqual(fields[1], "advisory", "MSGID")
                let severity = record["severity"] as? String
                XCTAssertEqual(fields[2], severity.map { Self.expectedSeverity[$0]! } ?? "info", "\(id): PRI severity")
                XCTAssertTrue(fields[3].hasPrefix("[cs@32473 id=\"\(id)\" uid=\"\(uid)\""), fields[3])
                if let severity { XCTAssertTrue(fields[3].contains(" severity=\"\(severity)\""), fields[3]) }
                let title = (record["title"] as! String).trimmingCharacters(in: .whitespaces)
                let plain = String(title.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
                XCTAssertEqual(fields[4], plain, "\(input) record \(i): MSG is the title, control characters as spaces")
            }
            let spraying = try XCTUnwrap(received.first { $0.contains("id=\"/briefs/1\"") })
            XCTAssertTrue(spraying.contains(" tactics=\"TA0006\" techniques=\"T1110,T1110.003\""), spraying)
            let many = try XCTUnwrap(received.first { $0.contains("id=\"/briefs/5\"") })
            XCTAssertTrue(many.contains(" tactics=\"TA0001,TA0002,TA0005\""), many)
            let cve = try XCTUnwrap(received.first { $0.contains("id=\"/briefs/2\"") })
            XCTAssertTrue(cve.contains(" cves=\"CVE-2024-3400\""), cve)
        }
    }

    /// Over --max-message: a long title is cut at a character boundary and ends with "…"; a record
    /// whose structured data alone is too big is dead-lettered with the reason.
    func testOversizeMessagesAreCutOrDeadLettered() throws {
        let rsyslog = try RsyslogReceiver()
        defer { rsyslog.stop(); rsyslog.removeFiles() }
        let longTitle = SinkFixtures.line(SinkFixtures.record(0, severity: "high", title: String(repeating: "é", count: 1500)))
        var hugeID = SinkFixtures.record(1, severity: "high", title: "short")
        hugeID["id"] = "/briefs/" + String(repeating: "x", count: 600)
        let hugeLine = SinkFixtures.line(hugeID)
        let dead = ToolRunner.temporaryFile("dead.ndjson")
        defer { try? FileManager.default.removeItem(at: dead) }
        let r = try ToolRunner.run("cs-sink", ["--to", "syslog+udp://127.0.0.1:\(rsyslog.udpPort)", "--max-message", "480", "--dead-letter", dead.path],
                                   stdin: Data((longTitle + "\n" + hugeLine + "\n").utf8))
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("<stdin>:2: not delivered: syslog message would take"), r.stderr)
        XCTAssertTrue(r.stderr.contains("over the limit of 480 (--max-message)"), r.stderr)
        XCTAssertEqual(try String(contentsOf: dead, encoding: .utf8), hugeLine + "\n")
        let lines = rsyslog.lines(atLeast: 1)
        XCTAssertEqual(lines.count, 1)
        let msg = try XCTUnwrap(lines.first?.split(separator: "|", maxSplits: 4, omittingEmptySubsequences: false).last.map(String.init))
        XCTAssertTrue(msg.hasPrefix("éééé") && msg.hasSuffix("é…"), msg)
        XCTAssertLessThan(msg.utf8.count, 480 - 100, "the whole message, header included, is at most 480 bytes")
    }

    /// TCP: a receiver that restarts between batches; the next batch goes over a new connection.
    func testTCPReconnectsAfterTheReceiverRestarts() throws {
        let rsyslog = try RsyslogReceiver()
        defer { rsyslog.stop(); rsyslog.removeFiles() }
        let p = Process()
        p.executableURL = try ToolRunner.executable("cs-sink")
        p.arguments = ["--to", "syslog+tcp://127.0.0.1:\(rsyslog.tcpPort)", "--batch", "1", "--retries", "5"]
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let lines = SinkFixtures.lines
        input.fileHandleForWriting.write(Data((lines[0] + "\n").utf8))
        XCTAssertEqual(rsyslog.lines(atLeast: 1).count, 1)
        rsyslog.stop()
        let second = try RsyslogReceiver(reusing: rsyslog)
        defer { second.stop() }
        input.fileHandleForWriting.write(Data((lines[1] + "\n").utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let all = second.lines(atLeast: 2)
        XCTAssertEqual(all.count, 2, all.joined(separator: "\n"))
        XCTAssertTrue(all.last?.contains("id=\"/briefs/1\"") ?? false)
    }
}
