import CSCore
import CSFeed
import CSTestSupport
import Foundation
import XCTest

/// Entity expansion and oversized items: what comes before the trouble is kept, the trouble is reported
/// where it is, and memory stays bounded.
final class EntityBudgetTests: XCTestCase {
    func testBillionLaughsKeepsEveryItemBeforeItAndGivesItsLine() throws {
        for good in [0, 1, 50, 300] {
            let (doc, line) = FeedDocuments.billionLaughs(good: good)
            let result = parseFeed(doc)
            XCTAssertEqual(result.records.map { $0.str("id") }, (0..<good).map { "g\($0)" }, "\(good) good items")
            let failure = try XCTUnwrap(result.error, "\(good) good items")
            XCTAssertEqual(failure.code, .resourceExhausted)
            XCTAssertTrue(failure.message.contains("entity expansion limit exceeded at line \(line) "), failure.message)
            XCTAssertTrue(failure.message.contains("\(good) items emitted before it"), failure.message)
        }
    }
}

extension EntityBudgetTests {
    func testAnItemOverTheBudgetIsSkippedWithItsLineAndField() throws {
        // Two texts of 9.9 MB (each under libxml2's 10 MB for one text), 19.8 MB for the item.
        let nineMB = String(repeating: "lorem ipsum dolor sit\n", count: 9_900_000 / 22)
        let doc = "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>t</title>\n"
            + "<item><guid>a</guid></item>\n<item><guid>big</guid><description>\(nineMB)</description>"
            + "<content:encoded>\(nineMB)</content:encoded></item>\n<item><guid>c</guid></item>\n</channel></rss>\n"
        let result = parseFeed(doc)
        XCTAssertEqual(result.records.map { $0.str("id") }, ["a", "c"])
        let issue = try XCTUnwrap(result.issues.first { $0.code == .resourceExhausted })
        XCTAssertEqual(issue.item, 2)
        XCTAssertEqual(issue.message, "its text is larger than 16 MiB (in <content:encoded>, item at line 3); item skipped")

        // One text longer than libxml2 holds: reported as such, without reading the document again.
        let huge = parseFeed("<rss version=\"2.0\"><channel><title>t</title>\n<item><guid>a</guid></item>\n<item><guid>big</guid><description>"
                             + String(repeating: "lorem ipsum dolor\n", count: 12_000_000 / 18) + "</description></item>\n</channel></rss>\n")
        XCTAssertEqual(huge.records.map { $0.str("id") }, ["a"])
        XCTAssertEqual(huge.error?.code, .resourceExhausted)
        XCTAssertTrue(huge.error?.message.contains("a text longer than 10 MB") ?? false, huge.error?.message ?? "no error")
        XCTAssertFalse(huge.error?.message.contains("entit") ?? true)

        let amplified = parseFeed(FeedDocuments.amplifiedRSS(items: 2, entityKB: 100, references: 300))
        XCTAssertEqual(amplified.records.count, 0)
        XCTAssertEqual(amplified.issues(.resourceExhausted).map(\.text), [
            "item 1: its text expands past 16 MiB through entity references (in <description>, item at line 4); item skipped",
            "item 2: its text expands past 16 MiB through entity references (in <description>, item at line 5); item skipped"])
    }
}
