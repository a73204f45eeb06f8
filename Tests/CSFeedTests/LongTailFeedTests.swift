import CSCore
import Foundation
import XCTest
@testable import CSFeed

/// Real feeds off the beaten track (the "long tail" where cs-normalize and feedparser disagreed):
/// base64 text, UserLand's RSS namespace, ids as links, borrowed date elements, markup in categories,
/// legacy formats.
final class LongTailFeedTests: XCTestCase {
    private func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

    func testAtom10NonTextTypesAreBase64AndDecoded() throws {
        let doc = """
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Binary-ish</title>
          <entry><id>tag:bin,1</id><title type="application/octet-stream">\(b64("Kernel patch notes"))</title>
            <summary type="application/x-custom">\(b64("A summary sent encoded"))</summary>
            <content type="application/octet-stream">\(b64("Body sent encoded"))</content></entry>
          <entry><id>tag:bin,2</id><title>Image</title>
            <content type="image/png">\(Data([0x89, 0x50, 0x4E, 0x47, 0xFF, 0x00]).base64EncodedString())</content></entry>
          <entry><id>tag:bin,3</id><title type="text/plain">Not encoded: text/* is text</title>
            <summary type="application/atom+xml">dGV4dA==</summary></entry>
        </feed>
        """
        let r = parseFeed(doc)
        XCTAssertEqual(r.records.count, 3)
        let x = r.records[0]
        XCTAssertEqual(x.str("title"), "Kernel patch notes")
        XCTAssertEqual(x.str("summary"), "A summary sent encoded")
        XCTAssertEqual(x.str("content_text"), "Body sent encoded")
        XCTAssertEqual(x.str("content_html"), "Body sent encoded")
        XCTAssertNil(x["extensions"]?["content"], "decoded content is not also kept encoded")
        // Bytes that are no UTF-8 text stay under extensions as the feed wrote them.
        XCTAssertNil(r.records[1].str("content_text"))
        XCTAssertEqual(r.records[1].path("extensions", "content", "@type")?.stringValue, "image/png")
        XCTAssertEqual(r.records[2].str("title"), "Not encoded: text/* is text")
        XCTAssertEqual(r.records[2].str("summary"), "dGV4dA==", "an XML type is not base64")
    }

    func testAtom03Base64TitleAndHTMLSummary() throws {
        let doc = """
        <feed version="0.3" xmlns="http://purl.org/atom/ns#"><title mode="base64">\(b64("Old & encoded"))</title>
          <entry><id>tag:old,9</id>
            <title type="text/html" mode="base64">\(b64("Update <b>now</b>"))</title>
            <summary type="text/html" mode="base64">\(b64("<p>Fixes <i>two</i> bugs</p>"))</summary>
            <content type="text/html" mode="escaped">&lt;p&gt;Escaped body&lt;/p&gt;</content></entry>
        </feed>
        """
        let x = try XCTUnwrap(parseFeed(doc).only)
        XCTAssertEqual(x.str("title"), "Update now")
        XCTAssertEqual(x.str("summary"), "Fixes two bugs")
        XCTAssertEqual(x.str("content_html"), "<p>Escaped body</p>", "mode=escaped is not base64")
        XCTAssertEqual(x.path("source", "feed_title")?.stringValue, "Old & encoded")
    }

    func testBase64AtomContentInsideRSS() throws {
        let doc = """
        <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>R</title>
          <item><guid>r1</guid><title>One</title><atom:content type="application/octet-stream">\(b64("Decoded in RSS"))</atom:content></item>
        </channel></rss>
        """
        let x = try XCTUnwrap(parseFeed(doc).only)
        XCTAssertEqual(x.str("content_text"), "Decoded in RSS")
    }

    func testUserLandRSSNamespaceIsRSSOwn() throws {
        for (root, p) in [(#"<rss version="2.0" xmlns="http://backend.userland.com/rss2">"#, ""),
                          (#"<u:rss version="2.0" xmlns:u="http://backend.userland.com/rss2">"#, "u:")] {
            let doc = """
            \(root)<\(p)channel><\(p)title>UserLand</\(p)title><\(p)link>https://ul.example/</\(p)link>
              <\(p)item><\(p)title>Radio post</\(p)title><\(p)link>https://ul.example/1</\(p)link>
                <\(p)description>&lt;p&gt;Said &lt;b&gt;this&lt;/b&gt;&lt;/p&gt;</\(p)description><\(p)guid isPermaLink="false">ul-1</\(p)guid>
                <\(p)pubDate>Sun, 06 Jun 2004 10:00:00 GMT</\(p)pubDate><\(p)category>Radio</\(p)category><\(p)comments>c</\(p)comments></\(p)item>
            </\(p)channel></\(p)rss>
            """
            let x = try XCTUnwrap(parseFeed(doc).only, p)
            XCTAssertEqual(x.str("title"), "Radio post", p)
            XCTAssertEqual(x.str("url"), "https://ul.example/1", p)
            XCTAssertEqual(x.str("id"), "ul-1", p)
            XCTAssertEqual(x.str("summary"), "Said this", p)
            XCTAssertEqual(x.str("published"), "2004-06-06T10:00:00Z", p)
            XCTAssertEqual(x.strs("tags"), ["radio"], p)
            XCTAssertEqual(x["extensions"]?.text, #"{"comments":"c"}"#, "unmodelled elements keyed as RSS's own (\(p))")
            XCTAssertEqual(x.path("source", "feed_title")?.stringValue, "UserLand", p)
        }
    }

    func testWebURLIdsAndGuidsServeAsURL() throws {
        let atom = """
        <feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
          <entry><id>https://ids.example/post/1</id><title>Id only</title></entry>
          <entry><id>tag:ids.example,2026:2</id><title>Tag id</title></entry>
          <entry><id>HTTP://ids.example/post/3</id><title>Has link</title><link href="https://ids.example/alt/3"/></entry>
        </feed>
        """
        let a = parseFeed(atom).records
        XCTAssertEqual(a.map { $0.str("url") }, ["https://ids.example/post/1", nil, "https://ids.example/alt/3"])
        let rss = """
        <rss version="2.0"><channel><title>R</title>
          <item><title>Upper</title><guid>HTTPS://guids.example/1</guid></item>
          <item><title>Not permalink</title><guid isPermaLink="false">https://guids.example/2</guid></item>
          <item><title>Not web</title><guid>urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427</guid></item>
        </channel></rss>
        """
        XCTAssertEqual(parseFeed(rss).records.map { $0.str("url") }, ["HTTPS://guids.example/1", nil, nil])
    }

    func testDublinCoreTermsAndAtom03DatesWithPrecedence() throws {
        let rss = """
        <rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dc="http://purl.org/dc/elements/1.1/"
             xmlns:a03="http://purl.org/atom/ns#" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>D</title>
          <item><guid>d1</guid><dcterms:created>2020-02-02T00:00:00Z</dcterms:created><dcterms:issued>2020-03-03T00:00:00Z</dcterms:issued></item>
          <item><guid>d2</guid><dcterms:created>2020-02-02T00:00:00Z</dcterms:created></item>
          <item><guid>d3</guid><dcterms:issued>2020-03-03T00:00:00Z</dcterms:issued><pubDate>Wed, 04 Mar 2020 00:00:00 GMT</pubDate>
            <dcterms:modified>2020-05-05T00:00:00Z</dcterms:modified><atom:updated>2020-06-06T00:00:00Z</atom:updated></item>
          <item><guid>d4</guid><dc:date>2020-01-01T00:00:00Z</dc:date><a03:issued>2020-07-07T00:00:00Z</a03:issued><a03:modified>2020-08-08T00:00:00Z</a03:modified></item>
        </channel></rss>
        """
        let r = parseFeed(rss).records
        XCTAssertEqual(r.map { $0.str("published") }, ["2020-03-03T00:00:00Z", "2020-02-02T00:00:00Z", "2020-03-04T00:00:00Z", "2020-07-07T00:00:00Z"])
        XCTAssertEqual(r.map { $0.str("modified") }, [nil, nil, "2020-06-06T00:00:00Z", "2020-08-08T00:00:00Z"])
        // What lost is kept under extensions, not dropped.
        XCTAssertEqual(r[0].path("extensions", "dcterms:created")?.stringValue, "2020-02-02T00:00:00Z")
        XCTAssertEqual(r[2].path("extensions", "dcterms:issued")?.stringValue, "2020-03-03T00:00:00Z")
        XCTAssertEqual(r[2].path("extensions", "dcterms:modified")?.stringValue, "2020-05-05T00:00:00Z")
        XCTAssertEqual(r[3].path("extensions", "dc:date")?.stringValue, "2020-01-01T00:00:00Z")

        // Atom: the standard element wins over Atom 0.3's and Dublin Core's wherever it stands.
        let atom = """
        <feed xmlns="http://www.w3.org/2005/Atom" xmlns:dcterms="http://purl.org/dc/terms/"><title>A</title>
          <entry><id>tag:d,1</id><created>2021-01-01T00:00:00Z</created><modified>2021-02-02T00:00:00Z</modified>
            <published>2021-03-03T00:00:00Z</published><updated>2021-04-04T00:00:00Z</updated></entry>
          <entry><id>tag:d,2</id><dcterms:created>2021-05-05T00:00:00Z</dcterms:created><issued>2021-06-06T00:00:00Z</issued></entry>
        </feed>
        """
        let a = parseFeed(atom).records
        XCTAssertEqual(a.map { $0.str("published") }, ["2021-03-03T00:00:00Z", "2021-06-06T00:00:00Z"])
        XCTAssertEqual(a[0].str("modified"), "2021-04-04T00:00:00Z")
    }

    func testSeveralCreatorsKeptInDocumentOrder() throws {
        let doc = """
        <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>C</title>
          <item><guid>c1</guid><dc:creator>Zoe Zimmer</dc:creator><dc:creator>Adam Abel</dc:creator>
            <author>mia@authors.example (Mia Moll)</author><dc:creator>Bea Berg</dc:creator></item>
        </channel></rss>
        """
        let x = try XCTUnwrap(parseFeed(doc).only)
        XCTAssertEqual(x["authors"]?.elements.compactMap { $0["name"]?.stringValue }, ["Zoe Zimmer", "Adam Abel", "Mia Moll", "Bea Berg"])
    }

    func testCategoryTagIsItsTextWithoutMarkup() throws {
        let doc = """
        <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>
          <item><guid>t1</guid>
            <category>&lt;img src="https://t.example/icon.png" alt=""/&gt;</category>
            <category>&lt;img src="https://t.example/lock.png"/&gt; Ransomware</category>
            <category><![CDATA[<a href="https://t.example/tag/apt">APT <b>groups</b></a>]]></category>
            <category domain="severity">&lt;span&gt;high&lt;/span&gt;</category>
            <dc:subject>&lt;em&gt;Phishing&lt;/em&gt;</dc:subject>
            <category>C &amp; C</category></item>
        </channel></rss>
        """
        let r = parseFeed(doc)
        let x = try XCTUnwrap(r.only)
        XCTAssertEqual(x.strs("tags"), ["ransomware", "apt-groups", "phishing", "c-&-c"].map { Tag.canonical($0) })
        XCTAssertEqual(x.str("severity"), "high")
        XCTAssertTrue(r.issues(.invalidArgument).isEmpty, "\(r.issues.map(\.text))")

        let atom = """
        <feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
          <entry><id>tag:t,2</id><category term="&lt;b&gt;Botnet&lt;/b&gt;"/><category>&lt;img src="x.png"/&gt;</category></entry>
        </feed>
        """
        XCTAssertEqual(try XCTUnwrap(parseFeed(atom).only).strs("tags"), ["botnet"])
    }

    func testLegacyFormatsAreUnimplementedAndNamed() throws {
        let cases: [(String, String)] = [
            (#"<opml version="2.0"><head><title>Subscriptions</title></head><body><outline type="rss" xmlUrl="https://f.example/rss"/></body></opml>"#, "OPML"),
            (#"<scriptingNews><header><scriptingNewsVersion>2.0b1</scriptingNewsVersion></header><item><text>Hello</text></item></scriptingNews>"#, "scriptingNews"),
            (#"<feed xmlns="http://purl.org/echo/"><title>Echo</title></feed>"#, "Atom older than 0.3"),
        ]
        for (doc, name) in cases {
            let r = parseFeed(doc)
            XCTAssertEqual(r.error?.code, .unimplemented, name)
            XCTAssertTrue(r.error?.message.contains(name) ?? false, r.error?.message ?? "no error for \(name)")
            XCTAssertTrue(r.records.isEmpty)
        }
        // Something that is no feed at all is still INVALID_ARGUMENT, a <feed> of another vocabulary too.
        XCTAssertEqual(parseFeed("<html><body>hi</body></html>").error?.code, .invalidArgument)
        XCTAssertEqual(parseFeed(#"<feed xmlns="urn:example:inventory"><entry/></feed>"#).error?.code, .invalidArgument)
        // A malformed legacy document goes through the recovering parser: the same answer.
        let broken = parseFeed(#"<opml version="1.0"><head><title>x</head><body></body></opml>"#)
        XCTAssertEqual(broken.error?.code, .unimplemented, broken.error?.message ?? "")
    }
}
