import CSCore
import Foundation
import XCTest
import CSFeed

/// Broken, hostile and oddly encoded XML feeds.
final class XMLRobustnessTests: XCTestCase {
    private func rss(_ items: String, prolog: String = "<?xml version=\"1.0\"?>") -> String {
        "\(prolog)\n<rss version=\"2.0\"><channel><title>t</title>\n\(items)\n</channel></rss>\n"
    }

    func testBillionLaughsFailsFastWithAClearError() throws {
        var entities = "<!ENTITY lol \"lol\">\n"
        for level in 1...12 {
            let prev = level == 1 ? "lol" : "lol\(level - 1)"
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&\(prev);", count: 10) + "\">\n"
        }
        let doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n\(entities)]>\n"
            + "<rss version=\"2.0\"><channel><item><title>&lol12;</title><guid>b</guid></item></channel></rss>"
        // Expanding 10^12 entities would not finish: the check is that the expansion limit stops it.
        let result = parseFeed(doc)
        let failure = result.error ?? result.issues.first { $0.code == .resourceExhausted }.map { FeedError($0.code, $0.message) }
        XCTAssertEqual(failure?.code, .resourceExhausted)
        XCTAssertTrue(failure?.message.contains("entit") ?? false, failure?.message ?? "no error")
        XCTAssertFalse(result.records.contains { ($0.str("title")?.utf8.count ?? 0) > 1_000_000 })
    }

    func testSmallInternalEntitiesStillExpand() throws {
        let doc = rss("<item><title>&co; news</title><guid>a</guid></item>", prolog: "<!DOCTYPE rss [<!ENTITY co \"ACME\">]>")
        XCTAssertEqual(parseFeed(doc).only?.str("title"), "ACME news")
    }

    func testExternalEntitiesAndDTDsAreNeverLoaded() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("cs-feed-secret-\(getpid()).txt")
        try "TOP-SECRET".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let doc = """
        <?xml version="1.0"?>
        <!DOCTYPE rss SYSTEM "\(secret.absoluteString)" [<!ENTITY xxe SYSTEM "\(secret.absoluteString)">]>
        <rss version="2.0"><channel><item><title>x &xxe; y</title><guid>a</guid></item></channel></rss>
        """
        let result = parseFeed(doc)
        XCTAssertFalse(result.records.contains { $0.text.contains("TOP-SECRET") })
    }

    func testTruncatedDocumentEmitsItemsBeforeTheBreakAndReportsDataLoss() throws {
        let doc = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
            + "<item><title>one</title><guid>1</guid></item><item><title>two</title><guid>2</guid></item>"
            + "<item><title>thr"
        let result = parseFeed(doc)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.records.map { $0.str("title") }, ["one", "two"])
        let loss = try XCTUnwrap(result.issues(.dataLoss).first)
        XCTAssertEqual(loss.level, .error)
        XCTAssertTrue(loss.message.contains("2 items"), loss.message)
    }

    func testTruncatedBeforeAnyItemStillReports() throws {
        let result = parseFeed("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t")
        XCTAssertEqual(result.records.count, 0)
        XCTAssertTrue(result.error != nil || !result.issues(.dataLoss).isEmpty)
    }

    func testBareAmpersandsHTMLEntitiesAndControlCharacters() throws {
        let doc = rss("<item><title>AT&T&nbsp;&eacute;t\u{01}e &amp; R&D &unknownthing; &#169;</title><guid>a</guid></item>")
        let result = parseFeed(doc)
        XCTAssertEqual(result.only?.str("title"), "AT&T\u{A0}\u{E9}te & R&D &unknownthing; \u{A9}")
        XCTAssertTrue(result.issues.contains { $0.message.contains("control character") })
    }

    func testUnescapedVoidElementsDoNotSwallowLaterItems() throws {
        let doc = rss("<item><title>one</title><guid>1</guid><description>line<br>next<img src='x.png'><hr/></description></item>"
                      + "<item><title>two</title><guid>2</guid></item>")
        let result = parseFeed(doc)
        XCTAssertEqual(result.records.map { $0.str("id") }, ["1", "2"])
        XCTAssertEqual(result.records.first?.str("content_text"), "line\nnext")
        XCTAssertTrue(result.issues(.dataLoss).isEmpty)
    }

    func testMismatchedTagsRecoverTheFollowingItems() throws {
        let doc = rss("<item><title>one</title><guid>1</guid><description>broken <b>bold</description></item>"
                      + "<item><title>two</title><guid>2</guid></item><item><title>three</title><guid>3</guid></item>")
        let result = parseFeed(doc)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.records.map { $0.str("id") }, ["1", "2", "3"])
        XCTAssertFalse(result.issues.isEmpty, "the repair is reported")
    }

    func testInvalidUTF8IsReplacedAndReported() throws {
        var bytes = Array(rss("<item><title>caf\u{FFFF}</title><guid>a</guid></item>").utf8)
        // Replace the U+FFFF placeholder (EF BF BF) with a lone 0xE9 (Latin-1 é in a UTF-8 document).
        let marker: [UInt8] = [0xEF, 0xBF, 0xBF]
        let at = try XCTUnwrap((0...(bytes.count - 3)).first { Array(bytes[$0..<$0 + 3]) == marker })
        bytes.replaceSubrange(at..<at + 3, with: [0xE9])
        let result = parseFeed(bytes)
        XCTAssertEqual(result.only?.str("title"), "caf\u{FFFD}")
        XCTAssertTrue(result.issues.contains { $0.code == .dataLoss && $0.message.contains("UTF-8") })
    }

    func testWindows1252Declaration() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss version=\"2.0\"><channel><item><title>".utf8)
        bytes += [0x93, 0x63, 0x61, 0x66, 0xE9, 0x94, 0x20, 0x80]   // “café” €
        bytes += Array("</title><guid>a</guid></item></channel></rss>".utf8)
        let result = parseFeed(bytes)
        XCTAssertEqual(result.only?.str("title"), "\u{201C}caf\u{E9}\u{201D} \u{20AC}")
        XCTAssertTrue(result.issues(.dataLoss).isEmpty)
    }

    func testHTTPCharsetISO88591() throws {
        var bytes = Array("<rss version=\"2.0\"><channel><item><title>".utf8)
        bytes += [0x63, 0x61, 0x66, 0xE9]
        bytes += Array("</title><guid>a</guid></item></channel></rss>".utf8)
        let result = parseFeed(bytes, source: FeedSource(contentType: "application/rss+xml; charset=ISO-8859-1"))
        XCTAssertEqual(result.only?.str("title"), "caf\u{E9}")
    }

    func testUTF16WithBOM() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><item><title>h\u{E9}llo \u{1F600}</title><guid>a</guid></item></channel></rss>"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        XCTAssertEqual(parseFeed(bytes).only?.str("title"), "h\u{E9}llo \u{1F600}")
    }

    func testUTF32BothByteOrders() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-32\"?><rss version=\"2.0\"><channel><item><title>h\u{E9}llo \u{1F600}</title><guid>a</guid></item></channel></rss>"
        for bigEndian in [false, true] {
            var bytes: [UInt8] = bigEndian ? [0, 0, 0xFE, 0xFF] : [0xFF, 0xFE, 0, 0]
            for scalar in text.unicodeScalars {
                let v = scalar.value
                let le = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
                bytes += bigEndian ? le.reversed() : le
            }
            let result = parseFeed(bytes)
            XCTAssertEqual(result.only?.str("title"), "h\u{E9}llo \u{1F600}", "big-endian: \(bigEndian)")
            XCTAssertTrue(result.issues.isEmpty, "\(result.issues.map(\.message))")
        }
    }

    func testUTF8BOM() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(rss("<item><title>bom</title><guid>a</guid></item>").utf8)
        XCTAssertEqual(parseFeed(bytes).only?.str("title"), "bom")
    }

    func testUnparseableDateIsKeptUnderExtensionsWithAWarning() throws {
        let result = parseFeed(rss("<item><title>d</title><guid>a</guid><pubDate>the other day</pubDate></item>"))
        let r = try XCTUnwrap(result.only)
        XCTAssertEqual(r["published"]?.kind, .null)
        XCTAssertEqual(r.path("extensions", "pubDate")?.stringValue, "the other day")
        let w = try XCTUnwrap(result.issues.first { $0.message.contains("the other day") })
        XCTAssertEqual(w.level, .warning)
        XCTAssertEqual(w.item, 1)
    }

    func testManyItemsAndTheirIssuesComeOutInDocumentOrder() throws {
        // Records may be built on two threads; what comes out must still be in document order.
        var items = ""
        for i in 1...3000 {
            let date = i % 100 == 0 ? "not a date \(i)" : "Wed, 22 Apr 2026 18:43:05 GMT"
            items += "<item><title>item \(i)</title><guid>g\(i)</guid><pubDate>\(date)</pubDate>"
                + "<description>&lt;h2&gt;Impact&lt;/h2&gt;&lt;p&gt;impact \(i)&lt;/p&gt;</description></item>"
        }
        let result = parseFeed(rss(items))
        XCTAssertEqual(result.records.map { $0.str("id") ?? "" }, (1...3000).map { "g\($0)" })
        XCTAssertEqual(result.records.map { $0.path("sections", "impact")?.stringValue ?? "" }, (1...3000).map { "impact \($0)" })
        XCTAssertEqual(result.issues.compactMap(\.item), Array(stride(from: 100, through: 3000, by: 100)))
    }
}

/// Repairs that must hold wherever the document's chunk boundaries fall.
final class XMLChunkBoundaryTests: XCTestCase {
    func testRepairsAcrossChunksOfALargeDocument() throws {
        var doc: [UInt8] = Array("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>big</title>".utf8)
        let count = 3000
        for i in 0..<count {
            let padding = String(repeating: "x", count: i % 97)   // shifts every construct against the chunk size
            doc += Array("<item><guid>g\(i)</guid><title>AT&T\(padding)&nbsp;caf".utf8)
            doc += [0xE9]                                          // invalid in UTF-8
            doc += Array("</title><description>a<br>b &amp; c</description>".utf8)
            doc += Array("<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><![CDATA[<p>x & y ]] z</p>]]></content:encoded></item>".utf8)
        }
        doc += Array("</channel></rss>".utf8)
        XCTAssertGreaterThan(doc.count, 3 * (256 << 10), "spans several read chunks")
        let result = parseFeed(doc)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.records.count, count)
        for (i, r) in result.records.enumerated() {
            let padding = String(repeating: "x", count: i % 97)
            guard r.str("title") == "AT&T\(padding)\u{A0}caf\u{FFFD}",
                  r.str("summary") == "a\nb & c",   // the description's text
                  r.str("content_html") == "<p>x & y ]] z</p>" else {
                XCTFail("item \(i): \(r.str("title") ?? "nil") | \(r.str("summary") ?? "nil") | \(r.str("content_html") ?? "nil")")
                return
            }
        }
        XCTAssertTrue(result.issues.contains { $0.message.hasPrefix("\(count) invalid UTF-8 bytes") }, "\(result.issues.map(\.message))")
    }
}
