import CSCore
import CSFeed
import Foundation
import XCTest

/// Entity expansion and oversized items: what comes before the trouble is kept, the trouble is reported
/// where it is, and memory stays bounded.
final class EntityBudgetTests: XCTestCase {
    /// `good` items, then one whose title is a billion laughs, then one more; the line of the bomb.
    static func billionLaughs(good: Int) -> (doc: String, bombLine: Int) {
        var doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            doc += "<!ENTITY lol\(level) \"" + String(repeating: "&\(level == 1 ? "lol" : "lol\(level - 1)");", count: 10) + "\">\n"
        }
        doc += "]>\n<rss version=\"2.0\"><channel><title>t</title>\n"
        for i in 0..<good { doc += "<item><guid>g\(i)</guid><title>item \(i)</title><description>good \(i)</description></item>\n" }
        let bombLine = doc.filter { $0 == "\n" }.count + 1
        doc += "<item><guid>bomb</guid><title>&lol9;</title></item>\n<item><guid>after</guid></item>\n</channel></rss>\n"
        return (doc, bombLine)
    }

    func testBillionLaughsKeepsEveryItemBeforeItAndGivesItsLine() throws {
        for good in [0, 1, 50, 300] {
            let (doc, line) = Self.billionLaughs(good: good)
            let result = parseFeed(doc)
            XCTAssertEqual(result.records.map { $0.str("id") }, (0..<good).map { "g\($0)" }, "\(good) good items")
            let failure = try XCTUnwrap(result.error, "\(good) good items")
            XCTAssertEqual(failure.code, .resourceExhausted)
            XCTAssertTrue(failure.message.contains("entity expansion limit exceeded at line \(line) "), failure.message)
            XCTAssertTrue(failure.message.contains("\(good) items emitted before it"), failure.message)
        }
    }
}
