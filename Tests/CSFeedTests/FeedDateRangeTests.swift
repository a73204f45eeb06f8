import CSCore
import XCTest
import CSFeed

/// Found by fuzz-feed (Tests/fuzz/corpus/feed/crash-five-digit-year.xml): a pubDate whose year had five
/// digits ("22 Apr 20205", after XML recovery dropped control characters between "202" and "05") was
/// emitted as published "20205-04-21T22:00:00Z", which is not RFC 3339. Dates outside years 0000-9999
/// are now unparseable: the record gets null and keeps the text under extensions.
final class FeedDateRangeTests: XCTestCase {
    private func format(_ s: String) -> String? { FeedDate.parse(s).map { RFC3339.format(epochSeconds: $0) } }

    func testYearsOutsideRFC3339AreUnparseable() {
        XCTAssertNil(format("Tue, 22 Apr 20205 +0200"))
        XCTAssertNil(format("22 Apr 12345678"))
        XCTAssertNil(format("9999-12-31T23:59:59-05:00"))    // 10000-01-01 in UTC
        XCTAssertNil(format("0000-01-01T00:00:00+01:00"))    // year -1 in UTC
        XCTAssertEqual(format("9999-12-31T23:59:59Z"), "9999-12-31T23:59:59Z")
        XCTAssertEqual(format("0000-01-01T00:00:00Z"), "0000-01-01T00:00:00Z")
        XCTAssertEqual(format("Tue, 22 Apr 2026 18:43:05 +0200"), "2026-04-22T16:43:05Z")
    }

    func testRecordKeepsTheUnparseableDate() {
        let r = parseFeed("""
            <rss version="2.0"><channel><item><guid>a</guid><title>t</title>\
            <pubDate>Tue, 22 Apr 202\u{1}05 +0200</pubDate></item></channel></rss>
            """)
        guard let record = r.only else { return XCTFail("no record: \(r.error?.message ?? "")") }
        XCTAssertEqual(record["published"]?.kind, .null)
        XCTAssertFalse(r.issues.isEmpty, "no diagnostic for the unparseable date")
    }
}
