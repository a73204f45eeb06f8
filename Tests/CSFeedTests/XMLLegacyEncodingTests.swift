import CSCore
import Foundation
import XCTest
import CSFeed
import CSTestSupport

/// Documents in legacy encodings are converted to UTF-8 by cs (iconv) before libxml2 reads them: a byte
/// the encoding does not define costs one U+FFFD, not the rest of the document.
final class XMLLegacyEncodingTests: XCTestCase {
    func testEachJapaneseEncodingReadsTheSameText() {
        for (encoding, bytes) in FeedDocuments.nihongo {
            let result = parseFeed(FeedDocuments.legacyRSS(encoding, titles: [bytes + Array(" 1".utf8)]))
            XCTAssertEqual(result.only?.str("title"), "日本語 1", encoding)
            XCTAssertTrue(result.issues.isEmpty, "\(encoding): \(result.issues.map(\.message))")
        }
    }

    func testInvalidBytesAreReplacedAndTheRestOfTheDocumentKept() throws {
        let good = FeedDocuments.nihongo["EUC-JP"]!
        let result = parseFeed(FeedDocuments.legacyRSS("EUC-JP", titles: [good, good + [0xFF, 0xFE] + Array(" bad".utf8), good]))
        XCTAssertEqual(result.records.map { $0.str("id") }, ["g0", "g1", "g2"], "items after the bad bytes are lost")
        XCTAssertEqual(result.records[1].str("title"), "日本語\u{FFFD}\u{FFFD} bad")
        XCTAssertEqual(result.records[2].str("title"), "日本語")
        let loss = result.issues(.dataLoss)
        XCTAssertEqual(loss.count, 1, "\(result.issues.map(\.message))")
        XCTAssertTrue(loss.first?.message.contains("2 bytes not valid in euc-jp") == true, loss.first?.message ?? "")
        XCTAssertFalse(result.issues.contains { $0.message.contains("malformed") }, "\(result.issues.map(\.message))")
    }

    func testHTTPCharsetNamesTheEncodingOfAnUndeclaredDocument() {
        let doc = FeedDocuments.legacyRSS("", titles: [FeedDocuments.nihongo["Shift_JIS"]!], declared: false)
        let result = parseFeed(doc, source: FeedSource(contentType: "application/rss+xml; charset=\"Shift_JIS\""))
        XCTAssertEqual(result.only?.str("title"), "日本語")
    }

    func testISO88591IsReadAsWindows1252() {
        // 0x93/0x94 are smart quotes in windows-1252 (controls in ISO-8859-1); 0x81 is undefined in
        // windows-1252 and maps to U+0081 as the Encoding Standard says.
        let result = parseFeed(FeedDocuments.legacyRSS("ISO-8859-1", titles: [[0x93, 0x63, 0x61, 0x66, 0xE9, 0x94, 0x20, 0x81]]))
        XCTAssertEqual(result.only?.str("title"), "\u{201C}caf\u{E9}\u{201D} \u{81}")
        XCTAssertTrue(result.issues(.dataLoss).isEmpty, "\(result.issues.map(\.message))")
    }

    func testUSASCIILabelledUTF8IsReadAsUTF8() {
        let result = parseFeed(FeedDocuments.legacyRSS("us-ascii", titles: [Array("café".utf8), [0x41, 0xE9, 0x42]]))
        XCTAssertEqual(result.records.map { $0.str("title") }, ["café", "A\u{FFFD}B"])
        XCTAssertTrue(result.issues.contains { $0.code == .dataLoss && $0.message.contains("UTF-8") })
    }

    func testUnknownEncodingIsStillReportedNotCrashed() {
        let result = parseFeed(FeedDocuments.legacyRSS("x-no-such-charset", titles: [Array("plain".utf8)]))
        // libxml2 is left to decide; whatever it does, cs says something or emits the item.
        XCTAssertTrue(!result.records.isEmpty || result.error != nil || !result.issues.isEmpty)
    }
}
