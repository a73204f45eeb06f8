import XCTest
import CSCore
@testable import CSFeed

/// `cs.fetch/1` has one owner: what FetchEnvelope.record writes (cs-fetch --raw), FetchEnvelope(line:)
/// reads back (cs-normalize), text and binary bodies alike.
final class FetchEnvelopeTests: XCTestCase {
    private func roundTrip(body: [UInt8], status: Int = 200, finalURL: String = "https://f.example/feed.xml") throws -> (JSON, FetchEnvelope) {
        let record = FetchEnvelope.record(url: "https://f.example/feed", finalURL: finalURL, status: status,
                                          fetchedAt: "2026-04-22T10:00:00Z", etag: "\"v1\"", lastModified: nil,
                                          contentType: "application/rss+xml", body: body)
        let line = record.serialized()
        let envelope = try line.withUnsafeBufferPointer { try FetchEnvelope(line: $0) }
        return (record, envelope)
    }

    func testTextBodyRoundTrips() throws {
        let (record, envelope) = try roundTrip(body: Array("<rss>é</rss>".utf8))
        XCTAssertEqual(record["schema"]?.stringValue, FetchEnvelope.schema)
        XCTAssertEqual(record["body_encoding"]?.stringValue, "utf-8")
        XCTAssertEqual(record["body"]?.stringValue, "<rss>é</rss>")
        XCTAssertEqual(record["etag"]?.stringValue, "\"v1\"")
        XCTAssertEqual(envelope.body, Array("<rss>é</rss>".utf8))
        XCTAssertEqual(envelope.url, "https://f.example/feed")
        XCTAssertEqual(envelope.status, 200)
        XCTAssertEqual(envelope.source.url, "https://f.example/feed.xml")
        XCTAssertEqual(envelope.source.fetchedAt, "2026-04-22T10:00:00Z")
    }

    func testBinaryBodyRoundTripsThroughBase64() throws {
        let body: [UInt8] = [0xFF, 0xFE, 0x00, 0x80, 0x41]
        let (record, envelope) = try roundTrip(body: body, status: 0, finalURL: "")
        XCTAssertEqual(record["body_encoding"]?.stringValue, "base64")
        XCTAssertEqual(record["body"]?.stringValue, "//4AgEE=")
        XCTAssertEqual(record["status"]?.kind, .null, "no HTTP status is null")
        XCTAssertEqual(envelope.body, body)
        XCTAssertNil(envelope.status)
        XCTAssertEqual(envelope.source.url, "https://f.example/feed", "no final URL: the URL asked for")
    }
}
