import XCTest
@testable import CSFetch
import CSCore

/// The small parsers of cs-fetch's inputs, on their own.
final class FetchUnitTests: XCTestCase {
    func testByteSizes() {
        XCTAssertEqual(ByteSize.parse("1048576"), 1 << 20)
        XCTAssertEqual(ByteSize.parse("512K"), 512 << 10)
        XCTAssertEqual(ByteSize.parse("64m"), 64 << 20)
        XCTAssertEqual(ByteSize.parse("2G"), 2 << 30)
        XCTAssertNil(ByteSize.parse("0"))
        XCTAssertNil(ByteSize.parse("-5"))
        XCTAssertNil(ByteSize.parse("M"))
        XCTAssertNil(ByteSize.parse("ten"))
        XCTAssertNil(ByteSize.parse("99999999999999999G"))
    }

    func testHeaderOption() {
        XCTAssertEqual(FetchOptions.header(parsing: "Authorization: Bearer a:b")?.value, "Bearer a:b")
        XCTAssertEqual(FetchOptions.header(parsing: "X-Empty:")?.value, "")
        XCTAssertNil(FetchOptions.header(parsing: "No Colon"))
        XCTAssertNil(FetchOptions.header(parsing: "Bad Name: x"))
        XCTAssertNil(FetchOptions.header(parsing: ": x"))
        XCTAssertNil(FetchOptions.header(parsing: "X-A: b\r\nX-B: c"))
    }

    func testFileURLOfARelativePath() {
        let url = FeedList.fileURL(for: "dir/my feed#1.xml")
        XCTAssertTrue(url.hasPrefix("file:///"), url)
        XCTAssertTrue(url.hasSuffix("/dir/my%20feed%231.xml"), url)
    }

    func testContentHashIgnoresFetchTime() throws {
        let a = try JSON.parse(#"{"uid":"u","title":"t","source":{"feed_url":"f","fetched_at":"2026-01-01T00:00:00Z"}}"#)
        let b = try JSON.parse(#"{"uid":"u","title":"t","source":{"feed_url":"f","fetched_at":"2026-02-02T00:00:00Z"}}"#)
        let c = try JSON.parse(#"{"uid":"u","title":"changed","source":{"feed_url":"f","fetched_at":"2026-01-01T00:00:00Z"}}"#)
        XCTAssertEqual(Fetcher.contentHash(a), Fetcher.contentHash(b))
        XCTAssertNotEqual(Fetcher.contentHash(a), Fetcher.contentHash(c))
        XCTAssertEqual(a["source"]?["fetched_at"]?.stringValue, "2026-01-01T00:00:00Z", "the record is left as it was")
    }
}
