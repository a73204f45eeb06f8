import CSTestSupport
import XCTest
import CSCore
@testable import CSSink

/// The delivery pieces without a network: syslog message building, HEC answers, and the retry
/// loop driven by a scripted endpoint.
final class DeliveryUnitTests: XCTestCase {
    private func scanned(_ line: String, _ body: (UnsafeBufferPointer<UInt8>, RecordScanner) throws -> Void) throws {
        let bytes = Array(line.utf8)
        try bytes.withUnsafeBufferPointer { buf in
            let scanner = RecordScanner()
            try scanner.scan(buf)
            try body(buf, scanner)
        }
    }

    func testSyslogMessageEscapesParamsAndMapsSeverity() throws {
        var record = SinkFixtures.record(1, severity: "critical", title: "Title with \"quotes\"\nand a break",
                                         tactics: [("TA0006", "Credential Access"), ("TA0001", "Initial Access")])
        record["id"] = #"a"b\c]d"#
        let message = SyslogMessage(facility: 4, maxBytes: 2048)
        try scanned(SinkFixtures.line(record)) { _, scanner in
            let text = String(decoding: try message.encode(scanner, timestamp: "2026-04-22T18:43:05Z").get(), as: UTF8.self)
            XCTAssertTrue(text.hasPrefix("<34>1 2026-04-22T18:43:05Z "), text)  // auth (4) * 8 + crit (2)
            XCTAssertTrue(text.contains(" cs-sink \(getpid()) advisory [cs@32473 id=\"a\\\"b\\\\c\\]d\" uid=\""), text)
            XCTAssertTrue(text.contains(" severity=\"critical\" tactics=\"TA0006,TA0001\""), text)
            XCTAssertTrue(text.hasSuffix("] Title with \"quotes\" and a break"), text)
        }
        XCTAssertEqual(SyslogMessage.severityCode(nil), 6)
        XCTAssertEqual(SyslogMessage.severityCode(.low), 5)
        XCTAssertEqual(String(decoding: SyslogMessage.octetCounted(Array("<14>1 x".utf8)), as: UTF8.self), "7 <14>1 x")
    }

    func testSyslogTruncationKeepsCharactersWhole() throws {
        let record = SinkFixtures.record(0, severity: "low", title: String(repeating: "日本", count: 400))
        let message = SyslogMessage(facility: 16, maxBytes: 600)
        try scanned(SinkFixtures.line(record)) { _, scanner in
            let bytes = try message.encode(scanner, timestamp: "2026-04-22T18:43:05Z").get()
            XCTAssertLessThanOrEqual(bytes.count, 600)
            XCTAssertGreaterThan(bytes.count, 590, "uses the room there is")
            let text = String(decoding: bytes, as: UTF8.self)
            XCTAssertFalse(text.contains("\u{FFFD}"), "no character cut in half")
            XCTAssertTrue(text.hasSuffix("…"))
        }
        XCTAssertEqual(SyslogMessage.prefix(Array("aé".utf8), bytes: 2), Array("a".utf8))
    }

    func testHECAnswer() {
        let a = HECAnswer(Array(#"{"text":"Invalid data format","code":6,"invalid-event-number":3}"#.utf8))
        XCTAssertEqual(a.code, 6)
        XCTAssertEqual(a.invalidEvent, 3)
        XCTAssertEqual(a.description, ": Invalid data format (code 6)")
        XCTAssertEqual(HECAnswer(Array("<html>".utf8)).description, "")
    }

    /// The retry loop: only the records that failed go again; a Retry-After over the limit is not
    /// waited for; after the retries, what is left is dead-lettered; delivered records are counted.
    func testDelivererRetriesOnlyWhatFailed() throws {
        let stage = Stage(name: "cs-sink-test", settings: StageSettings(quiet: true))
        let endpoint = ScriptedEndpoint()
        var options = DeliveryOptions()
        options.retries = 2
        options.baseBackoff = 0.01
        let deliverer = Deliverer(endpoint: endpoint, stage: stage, options: options, destination: "test")
        var pauses: [Double] = []
        deliverer.pause = { pauses.append($0); return true }
        let records = (0..<4).map { PendingRecord(line: Array("r\($0)".utf8), position: Position(input: "-", line: $0 + 1), id: "\($0)", uid: nil, payload: []) }
        // Attempt 1: 0 delivered, 1 rejected, 2 and 3 retried. Attempt 2: 2 delivered, 3 retried. Attempt 3: 3 retried again: given up.
        endpoint.script = [
            [.delivered, .rejected(.invalidArgument, "bad"), .retry(.unavailable, "busy", after: nil), .retry(.unavailable, "busy", after: nil)],
            [.delivered, .retry(.unavailable, "busy", after: nil)],
            [.retry(.unavailable, "still busy", after: nil)],
        ]
        deliverer.deliver(records)
        XCTAssertEqual(endpoint.batches.map { $0.map(\.id!) }, [["0", "1", "2", "3"], ["2", "3"], ["3"]])
        XCTAssertEqual(stage.recordsDelivered, 2)
        XCTAssertEqual(stage.rejected, 2)

        XCTAssertEqual(pauses.count, 2, "a pause before each of the two retries")
        XCTAssertTrue(pauses.allSatisfy { $0 > 0 && $0 <= 0.02 }, "backoffs from 0.01 s: \(pauses)")

        endpoint.batches = []
        pauses = []
        endpoint.script = [[.retry(.resourceExhausted, "HTTP 429", after: 600)]]
        deliverer.deliver([records[0]])
        XCTAssertEqual(endpoint.batches.count, 1, "a Retry-After of 600 s is not waited for")
        XCTAssertEqual(pauses, [], "no pause at all")
        XCTAssertEqual(stage.rejected, 3)

        endpoint.batches = []
        endpoint.script = [[.delivered, .resend], [.delivered]]
        deliverer.deliver(Array(records[0..<2]))
        XCTAssertEqual(endpoint.batches.map(\.count), [2, 1], "records the server did not look at are resent at once")
        XCTAssertEqual(stage.recordsDelivered, 4)

        endpoint.script = [[.retry(.resourceExhausted, "HTTP 429", after: 7)], [.delivered]]
        deliverer.deliver([records[0]])
        XCTAssertEqual(pauses, [7], "a Retry-After under the limit is waited for")
    }
}

final class ScriptedEndpoint: DeliveryEndpoint {
    var script: [[RecordVerdict]] = []
    var batches: [[PendingRecord]] = []

    func payload(_ line: UnsafeBufferPointer<UInt8>, _ scanner: RecordScanner) -> Result<[UInt8], EncodeError> { .success(Array(line)) }

    func attempt(_ batch: [PendingRecord]) -> [RecordVerdict] {
        batches.append(batch)
        return script.isEmpty ? Array(repeating: .delivered, count: batch.count) : script.removeFirst()
    }
}
