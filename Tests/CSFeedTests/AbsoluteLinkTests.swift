import CSCore
import XCTest
import CSFeed

/// Links in records are absolute: read against xml:base (nested, each relative to the one outside it,
/// RFC 3986 section 5), then the document's URL; JSON Feed links against the feed's home page, else its
/// feed_url, else the document's URL. Without any base a relative link stays as written.
final class AbsoluteLinkTests: XCTestCase {
    private func atom(feedBase: String?, entryBase: String?, href: String) -> String {
        let fb = feedBase.map { " xml:base=\"\($0)\"" } ?? ""
        let eb = entryBase.map { " xml:base=\"\($0)\"" } ?? ""
        return """
            <?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"\(fb)><title>T</title><id>urn:t</id>
            <entry\(eb)><id>urn:e1</id><title>E</title><link rel="alternate" href="\(href)"/>
            <content type="html">&lt;a href="more.html"&gt;more&lt;/a&gt;</content></entry></feed>
            """
    }

    private func url(_ doc: String, source: FeedSource = FeedSource()) -> String? {
        parseFeed(doc, source: source).only?["url"]?.stringValue
    }

    func testNestedXMLBaseAbsoluteOnEntryWinsOverFeed() {
        XCTAssertEqual(url(atom(feedBase: "https://a.example/feeds/", entryBase: "https://b.example/posts/", href: "p1")),
                       "https://b.example/posts/p1")
    }

    func testNestedXMLBaseRelativeOnAbsolute() {
        XCTAssertEqual(url(atom(feedBase: "https://a.example/one/two/", entryBase: "three/", href: "four")),
                       "https://a.example/one/two/three/four")
    }

    func testNestedXMLBaseDotDotForms() {
        // a/b/c is a file: ../d/ from it is a/d/; ../../e from a/d/ is /e.
        XCTAssertEqual(url(atom(feedBase: "https://a.example/a/b/c", entryBase: "../d/", href: "../../e")),
                       "https://a.example/e")
        XCTAssertEqual(url(atom(feedBase: "https://a.example/a/b/", entryBase: "./c/../d/", href: "e?x=1#f")),
                       "https://a.example/a/b/d/e?x=1#f")
    }

    func testRelativeXMLBaseResolvesAgainstTheDocumentURL() {
        let r = parseFeed(atom(feedBase: "/site/", entryBase: "posts/", href: "p1"),
                          source: FeedSource(url: "https://doc.example/feeds/atom.xml"))
        XCTAssertEqual(r.only?["url"]?.stringValue, "https://doc.example/site/posts/p1")
        // Links inside the content are read against the same base.
        XCTAssertEqual(r.only?["content_html"]?.stringValue, #"<a href="https://doc.example/site/posts/more.html">more</a>"#)
    }

    func testRSSItemLinkRelativeToTheDocumentURL() {
        let doc = """
            <rss version="2.0"><channel><title>R</title>
            <item><title>One</title><link>../posts/1</link><guid isPermaLink="false">r1</guid></item>
            <item><title>Two</title><link>https://other.example/2</link><guid isPermaLink="false">r2</guid></item>
            </channel></rss>
            """
        let r = parseFeed(doc, source: FeedSource(url: "https://r.example/feeds/rss.xml"))
        XCTAssertEqual(r.records.map { $0["url"]?.stringValue }, ["https://r.example/posts/1", "https://other.example/2"])
    }

    func testJSONFeedURLResolvesAgainstHomePageBeforeFeedURL() {
        let doc = #"""
            {"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"/blog/","feed_url":"https://cdn.example/x/feed.json",
             "items":[{"id":"1","url":"posts/1","external_url":"../ref","content_html":"<img src=\"i.png\">"}]}
            """#
        let r = parseFeed(doc, source: FeedSource(url: "https://j.example/feed.json"))
        let record = r.only
        XCTAssertEqual(record?["url"]?.stringValue, "https://j.example/blog/posts/1")
        XCTAssertEqual(record?["source"]?["home_page_url"]?.stringValue, "https://j.example/blog/")
        XCTAssertEqual(record?["extensions"]?["external_url"]?.stringValue, "https://j.example/ref")
        XCTAssertEqual(record?["content_html"]?.stringValue, #"<img src="https://j.example/blog/i.png">"#)
    }

    func testJSONFeedURLFallsBackToFeedURLThenDocumentURL() {
        let withFeedURL = #"{"version":"https://jsonfeed.org/version/1.1","feed_url":"https://cdn.example/x/feed.json","items":[{"id":"1","url":"p"}]}"#
        XCTAssertEqual(url(withFeedURL, source: FeedSource(url: "https://j.example/feed.json")), "https://cdn.example/x/p")
        let bare = #"{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"p","external_url":"https://abs.example/e"}]}"#
        let r = parseFeed(bare, source: FeedSource(url: "https://j.example/a/feed.json"))
        XCTAssertEqual(r.only?["url"]?.stringValue, "https://j.example/a/p")
        XCTAssertEqual(r.only?["extensions"]?["external_url"]?.stringValue, "https://abs.example/e")
    }

    func testWithoutAnyBaseRelativeLinksStayAsWritten() {
        XCTAssertEqual(url(atom(feedBase: nil, entryBase: nil, href: "posts/1")), "posts/1")
        let rss = #"<rss version="2.0"><channel><title>R</title><item><link>/posts/1</link><guid>g</guid></item></channel></rss>"#
        XCTAssertEqual(url(rss), "/posts/1")
        let json = #"{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"p","external_url":"../e"}]}"#
        let r = parseFeed(json)
        XCTAssertEqual(r.only?["url"]?.stringValue, "p")
        XCTAssertEqual(r.only?["extensions"]?["external_url"]?.stringValue, "../e")
    }
}

/// Enclosures and other links kept under `extensions` are absolute too.
final class AbsoluteExtensionLinkTests: XCTestCase {
    func testRSSEnclosureAndAtomLinksUnderExtensions() {
        let rss = """
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>R</title>
            <item><link>https://r.example/1</link><guid>g</guid><enclosure url="media/a.mp3" length="1" type="audio/mpeg"/>
            <atom:link rel="related" href="https://abs.example/x"/></item></channel></rss>
            """
        let r = parseFeed(rss, source: FeedSource(url: "https://r.example/feeds/rss.xml")).only
        XCTAssertEqual(r?["extensions"]?["enclosure"]?["@url"]?.stringValue, "https://r.example/feeds/media/a.mp3")
        XCTAssertEqual(r?["extensions"]?["enclosure"]?["@type"]?.stringValue, "audio/mpeg")
        XCTAssertEqual(r?["extensions"]?["atom:link"]?["@href"]?.stringValue, "https://abs.example/x")
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/blog/"><title>T</title><id>urn:t</id>
            <entry xml:base="2026/"><id>urn:e</id><link href="post"/><link rel="enclosure" href="../files/f.pdf"/></entry></feed>
            """
        let a = parseFeed(atom).only
        XCTAssertEqual(a?["url"]?.stringValue, "https://a.example/blog/2026/post")
        XCTAssertEqual(a?["extensions"]?["link"]?["@href"]?.stringValue, "https://a.example/blog/files/f.pdf")
        // No base: as written.
        let bare = parseFeed(rss).only
        XCTAssertEqual(bare?["extensions"]?["enclosure"]?["@url"]?.stringValue, "media/a.mp3")
    }

    func testJSONFeedAttachmentURLs() {
        let doc = #"{"version":"https://jsonfeed.org/version/1.1","home_page_url":"https://j.example/blog/","items":[{"id":"1","attachments":[{"url":"files/a.pdf","mime_type":"application/pdf"},{"url":"https://cdn.example/b.mp3"}]}]}"#
        let attachments = parseFeed(doc).only?["extensions"]?["attachments"]
        XCTAssertEqual(attachments?[0]?["url"]?.stringValue, "https://j.example/blog/files/a.pdf")
        XCTAssertEqual(attachments?[0]?["mime_type"]?.stringValue, "application/pdf")
        XCTAssertEqual(attachments?[1]?["url"]?.stringValue, "https://cdn.example/b.mp3")
    }
}
