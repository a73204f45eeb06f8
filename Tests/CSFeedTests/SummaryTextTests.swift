import CSCore
import CSFeed
import XCTest

/// `summary` is plain text in every format, as `content_text` is: digests (Markdown, HTML) escape it, so
/// markup left in it would show as `&lt;p&gt;`.
final class SummaryTextTests: XCTestCase {
    func testRSSDescriptionBesideContentEncodedBecomesText() throws {
        let doc = #"<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title><item><guid>1</guid>"#
            + "<description>&lt;p&gt;Short &amp;amp; &lt;b&gt;sweet&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Second&lt;/p&gt;</description>"
            + "<content:encoded><![CDATA[<p>The body</p>]]></content:encoded></item>"
            + "<item><guid>2</guid><description><![CDATA[<p>Only a <i>description</i></p>]]></description></item></channel></rss>"
        let records = parseFeed(doc).records
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[0].str("summary"), "Short & sweet\nSecond")
        XCTAssertEqual(records[0].str("content_text"), "The body")
        XCTAssertEqual(records[1].str("summary"), "Only a description")
        XCTAssertEqual(records[1].str("content_html"), "<p>Only a <i>description</i></p>", "the body keeps its markup")
    }

    func testAtomSummaryOfEveryTypeIsText() throws {
        func summary(_ element: String) throws -> String? {
            let doc = #"<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:1</id>"#
                + "<updated>2026-01-01T00:00:00Z</updated>\(element)</entry></feed>"
            return try XCTUnwrap(parseFeed(doc).only, element).str("summary")
        }
        XCTAssertEqual(try summary(#"<summary type="html">&lt;p&gt;Tom &amp;amp; &lt;em&gt;Jerry&lt;/em&gt;&lt;/p&gt;</summary>"#), "Tom & Jerry")
        XCTAssertEqual(try summary(#"<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>X <b>Y</b></p></div></summary>"#), "X Y")
        XCTAssertEqual(try summary(#"<summary>a &lt; b &amp;&amp; c &gt; d</summary>"#), "a < b && c > d", "text stays as written")
        XCTAssertEqual(try summary(#"<summary type="html"><![CDATA[<img src="x.png">]]></summary>"#), nil, "no text at all")
    }

    func testJSONFeedSummaryWithMarkupBecomesText() throws {
        let doc = #"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":["#
            + #"{"id":"1","summary":"<p>Patch <b>now</b></p>"},{"id":"2","summary":"XSS via <script> tag"},{"id":"3","summary":"Plain & simple"}]}"#
        let records = parseFeed(doc).records
        XCTAssertEqual(records.map { $0.str("summary") }, ["Patch now", "XSS via <script> tag", "Plain & simple"])
    }

    /// Plain descriptions skip the HTML reader: what they give must be what it gives.
    func testPlainDescriptionsGiveWhatTheHTMLReaderGives() throws {
        let extractor = HTMLTextExtractor()
        for text in ["Short and plain.", " leading space", "trailing space ", "two  spaces", "line\nbreak", "tab\there",
                     "a < b", "AT&T", "non-breaking\u{00A0}space", "émigré “quoted” — dash", "x"] {
            let doc = "<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><description><![CDATA[\(text)]]></description>"
                + "<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">body</content:encoded></item></channel></rss>"
            let want = extractor.extract(text).text
            XCTAssertEqual(try XCTUnwrap(parseFeed(doc).only).str("summary"), want.isEmpty ? nil : want, text)
        }
    }
}
