@testable import CSFeed
import CSCore
import XCTest

/// Escaped markup in element content (`&lt;p&gt;`) reaches libxml2 as CDATA, which it reads several
/// times faster than entity references; the text must mean exactly the same, and nothing outside
/// element content (attribute values, comments, declarations) may change.
final class XMLEscapedTextTests: XCTestCase {
    private func repaired(_ text: String) -> String {
        var repair = XMLRepair(utf8: true)
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        let consumed = bytes.withUnsafeBytes { repair.process($0, final: true, into: &out) }
        XCTAssertEqual(consumed, bytes.count)
        return String(decoding: out, as: UTF8.self)
    }

    func testElementContentBecomesCDATA() {
        XCTAssertEqual(repaired("<content type=\"html\">&lt;p class=&quot;x&quot;&gt;A &amp; B&apos;s&lt;/p&gt;</content>"),
                       "<content type=\"html\"><![CDATA[<p class=\"x\">A & B's</p>]]></content>")
        // Text before the first reference stays text; the section starts at the reference.
        XCTAssertEqual(repaired("<t>AT&amp;T</t>"), "<t>AT<![CDATA[&T]]></t>")
    }

    func testWhatCannotBeCDATAIsLeftAsItIs() {
        for text in [
            "<a href=\"https://x.example/?a=1&amp;b=2\" title=\"a>b &lt;\">x</a>",   // attribute values
            "<t>&lt;b&gt;]]&gt;</t>",                  // would contain the end of a CDATA section
            "<t>&lt;b&gt;&#169;</t>",                  // a character reference
            "<t>&lt;b&gt;&custom;</t>",                // a declared entity
            "<!-- &lt; --><t/>",                       // a comment
            "<?pi &lt;?><t/>",                         // a processing instruction
            "<t/>&lt;after an empty element",
            "<t>&lt;b&gt; going on past the end of the input",
        ] {
            XCTAssertFalse(repaired(text).contains("CDATA"), text)
        }
    }

    func testItemsReadTheSameEitherWay() {
        let atom = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:f</id><updated>2026-04-22T18:43:05Z</updated>
            <entry><id>urn:1</id><title type="html">Patch &lt;b&gt;now&lt;/b&gt; &amp; later</title>
            <link href="https://x.example/a?b=1&amp;c=2"/><updated>2026-04-22T18:43:05Z</updated>
            <summary type="html">&lt;p&gt;Tom &amp;amp; Jerry&lt;/p&gt;</summary>
            <content type="html">&lt;h2&gt;Impact&lt;/h2&gt;&lt;p&gt;Full &quot;control&quot; &amp;gt; none&lt;/p&gt;</content></entry>
            </feed>
            """
        let r = parseFeed(atom)
        let record = try? XCTUnwrap(r.only)
        XCTAssertEqual(record?.str("title"), "Patch now & later")
        XCTAssertEqual(record?.str("url"), "https://x.example/a?b=1&c=2")
        XCTAssertEqual(record?.str("summary"), "Tom & Jerry")
        XCTAssertEqual(record?.str("content_html"), "<h2>Impact</h2><p>Full \"control\" &gt; none</p>")
        XCTAssertEqual(record?.path("sections", "impact")?.stringValue, "Full \"control\" > none")
        XCTAssertTrue(r.issues.isEmpty, "\(r.issues.map(\.message))")
    }

    /// Found while checking the change against the fuzz corpus: in a malformed document read again by
    /// libxml2's recovering parser, references after the first error were dropped (`AT&amp;T` became
    /// `ATT`). As CDATA the text survives.
    func testReferencesSurviveRecoveryFromMalformedXML() {
        let doc = """
            <rss version="2.0"><channel><title>t</title>
            <item><title>one</b></title><guid>1</guid></item>
            <item><title>AT&amp;T &lt;3</title><guid>2</guid></item>
            </channel></rss>
            """
        let r = parseFeed(doc)
        XCTAssertEqual(r.records.first { $0.str("id") == "2" }?.str("title"), "AT&T <3")
    }
}
