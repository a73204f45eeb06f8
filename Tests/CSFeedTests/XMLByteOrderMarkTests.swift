import CSCore
import CSFeed
import XCTest

/// A byte-order mark says what the bytes are, whatever the XML declaration or the HTTP charset names
/// (XML 1.0 appendix F, WHATWG Encoding "BOM sniff").
final class XMLByteOrderMarkTests: XCTestCase {
    private func doc(declaring encoding: String) -> [UInt8] {
        [0xEF, 0xBB, 0xBF] + Array(("<?xml version=\"1.0\" encoding=\"\(encoding)\"?><rss version=\"2.0\"><channel><title>t</title>"
            + "<item><guid>1</guid><title>café € “quoted”</title><description>naïve – ok</description></item></channel></rss>").utf8)
    }

    func testUTF8ByteOrderMarkWinsOverTheDeclaration() throws {
        for declared in ["windows-1252", "iso-8859-1", "koi8-r", "utf-16", "us-ascii"] {
            let result = parseFeed(doc(declaring: declared))
            let r = try XCTUnwrap(result.only, "\(declared): \(result.issues.map(\.text)) \(String(describing: result.error))")
            XCTAssertEqual(r.str("title"), "café € “quoted”", declared)
            XCTAssertEqual(r.str("summary"), "naïve – ok", declared)
            XCTAssertTrue(result.issues(.dataLoss).isEmpty, "\(declared): \(result.issues.map(\.text))")
        }
    }

    func testUTF8ByteOrderMarkWinsOverTheHTTPCharset() throws {
        let result = parseFeed(doc(declaring: "utf-8"), source: FeedSource(url: "https://h.example/f.xml", contentType: "text/xml; charset=windows-1252"))
        XCTAssertEqual(try XCTUnwrap(result.only).str("title"), "café € “quoted”")
    }
}
