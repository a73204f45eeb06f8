import CSCore
import Foundation
import XCTest
@testable import CSFeed

/// Cases where cs-normalize read less than feedparser does (found with Tests/bench/feedparser_agreement.py):
/// other spellings of the namespaces cs models, bodies in xhtml:body/body/fullitem, categories holding
/// elements, iTunes and Media RSS categories, Media RSS links, JSON Feed authors.
final class FeedparserCompatTests: XCTestCase {
    func testDublinCoreInItsOtherSpellings() throws {
        for uri in ["http://purl.org/dc/elements/1.0/", "http://purl.org/dc/elements/1.1", "HTTP://PURL.ORG/DC/ELEMENTS/1.1/"] {
            let doc = """
            <rss version="2.0" xmlns:x="\(uri)" xmlns:t="http://purl.org/dc/terms"><channel><title>DC</title>
              <item><guid>dc-1</guid><x:title>Patch Tuesday</x:title><x:creator>Ada Lovelace</x:creator>
                <x:subject>Windows</x:subject><t:issued>2026-03-10T17:00:00Z</t:issued><t:modified>2026-03-11T08:00:00Z</t:modified></item>
            </channel></rss>
            """
            let x = try XCTUnwrap(parseFeed(doc).only, uri)
            XCTAssertEqual(x.str("title"), "Patch Tuesday", uri)
            XCTAssertEqual(x["authors"]?.elements.first?["name"]?.stringValue, "Ada Lovelace", uri)
            XCTAssertEqual(x.strs("tags"), ["windows"], uri)
            XCTAssertEqual(x.str("published"), "2026-03-10T17:00:00Z", "dcterms without its trailing slash")
            XCTAssertEqual(x.str("modified"), "2026-03-11T08:00:00Z")
            XCTAssertEqual(x["extensions"]?.members.count, 0, "nothing left over under extensions for \(uri)")
        }
    }

    func testAtomNamespaceInLowerCaseAndContentModuleWithoutSlash() throws {
        let doc = """
        <rss version="2.0" xmlns:a="http://www.w3.org/2005/atom" xmlns:c="http://purl.org/rss/1.0/modules/content">
        <channel><title>Case</title>
          <item><guid>c-1</guid><a:updated>2026-01-02T03:04:05Z</a:updated><c:encoded>&lt;p&gt;Body&lt;/p&gt;</c:encoded></item>
        </channel></rss>
        """
        let x = try XCTUnwrap(parseFeed(doc).only)
        XCTAssertEqual(x.str("modified"), "2026-01-02T03:04:05Z")
        XCTAssertEqual(x.str("content_html"), "<p>Body</p>")
    }

    func testCreatorWithAnAddressIsReadAsAnAuthor() throws {
        let doc = """
        <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>C</title>
          <item><guid>a-1</guid><dc:creator>Grace Hopper (grace@example.org)</dc:creator><dc:creator>Alan (Turing) Team</dc:creator></item>
        </channel></rss>
        """
        let authors = try XCTUnwrap(parseFeed(doc).only?["authors"]?.elements)
        XCTAssertEqual(authors.map { $0["name"]?.stringValue }, ["Grace Hopper", "Alan (Turing) Team"],
                       "a creator without an address stays the name as written")
        XCTAssertEqual(authors.first?["email"]?.stringValue, "grace@example.org")

        let markup = """
        <rss version="2.0"><channel><title>M</title>
          <item><guid>a-2</guid><author><![CDATA[<p>Item Author</p>]]></author></item>
          <item><guid>a-3</guid><author>Jo Doe &lt;jo@example.org&gt;</author></item>
        </channel></rss>
        """
        let r = parseFeed(markup)
        XCTAssertEqual(r.records[0]["authors"]?.elements.first?["name"]?.stringValue, "<p>Item Author</p>",
                       "angle brackets around no address are no email")
        XCTAssertNil(r.records[0]["authors"]?.elements.first?["email"]?.stringValue)
        XCTAssertEqual(r.records[1]["authors"]?.elements.first?["email"]?.stringValue, "jo@example.org")
    }

    func testXHTMLBodyBodyAndFullitemAreTheContent() throws {
        let doc = """
        <rss version="2.0"><channel><title>Bodies</title><link>https://bodies.example/</link>
          <item><guid>b-1</guid><description>Short</description>
            <body xmlns="http://www.w3.org/1999/xhtml"><p>Inline <a href="/x">XHTML</a> body</p></body></item>
          <item xmlns:xhtml="http://www.w3.org/1999/xhtml"><guid>b-2</guid><xhtml:body><p>Prefixed body</p></xhtml:body></item>
          <item><guid>b-3</guid><fullitem>&lt;p&gt;Escaped full item&lt;/p&gt;</fullitem></item>
          <item xmlns:content="http://purl.org/rss/1.0/modules/content/"><guid>b-4</guid>
            <fullitem>&lt;p&gt;second choice&lt;/p&gt;</fullitem><content:encoded>&lt;p&gt;content:encoded wins&lt;/p&gt;</content:encoded></item>
        </channel></rss>
        """
        let r = parseFeed(doc, source: FeedSource(url: "https://bodies.example/feed.xml"))
        XCTAssertEqual(r.records.count, 4)
        XCTAssertEqual(r.records[0].str("summary"), "Short")
        XCTAssertEqual(r.records[0].str("content_text"), "Inline XHTML body")
        XCTAssertTrue(r.records[0].str("content_html")?.contains("href=\"https://bodies.example/x\"") == true,
                      r.records[0].str("content_html") ?? "nil")
        XCTAssertEqual(r.records[1].str("content_text"), "Prefixed body")
        XCTAssertEqual(r.records[2].str("content_html"), "<p>Escaped full item</p>")
        XCTAssertEqual(r.records[3].str("content_text"), "content:encoded wins")
        XCTAssertEqual(r.records[3].path("extensions", "fullitem")?.stringValue, "<p>second choice</p>")
        for x in r.records { XCTAssertNil(x["extensions"]?["body"]); XCTAssertNil(x["extensions"]?["xhtml:body"]) }
    }

    func testCategoryHoldingAnElementGivesItsOwnText() throws {
        let doc = """
        <rss version="2.0"><channel><title>Cat</title>
          <item><guid>k-1</guid><title>Item title</title>
            <category>Threat Intel
              <image><url>https://cat.example/i.png</url><title>Icon title</title></image>
            </category></item>
        </channel></rss>
        """
        let x = try XCTUnwrap(parseFeed(doc).only)
        XCTAssertEqual(x.strs("tags"), ["threat-intel"])
        XCTAssertEqual(x.str("title"), "Item title", "the image's title is no title of the item")
    }

    func testITunesAndMediaCategoriesAreTags() throws {
        let doc = """
        <rss version="2.0" xmlns:itunes="http://www.itunes.com/DTDs/PodCast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss">
        <channel><title>Pod</title>
          <item><guid>p-1</guid><itunes:category text="Technology"><itunes:category text="Tech News"/></itunes:category>
            <media:category scheme="urn:x">Malware</media:category><media:category label="Phishing Kits"></media:category></item>
        </channel></rss>
        """
        let x = try XCTUnwrap(parseFeed(doc).only)
        XCTAssertEqual(x.strs("tags"), ["technology", "tech-news", "malware", "phishing-kits"])
        XCTAssertNil(x["extensions"]?["media:category"])
        XCTAssertNil(x["extensions"]?["itunes:category"])
    }

    func testMediaRSSLinksAreAbsoluteUnderExtensions() throws {
        for uri in ["http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss"] {
            let doc = """
            <rss version="2.0" xmlns:media="\(uri)"><channel><title>M</title><link>https://media.example/</link>
              <item xml:base="https://media.example/videos/"><guid>m-1</guid>
                <media:content url="clip.mp4" type="video/mp4"/><media:thumbnail url="/thumbs/clip.jpg"/>
                <media:player url="https://player.example/embed/1"/>
                <media:group><media:content url="a.mp4"/><media:content url="b.mp4"/><media:thumbnail url="g.jpg"/></media:group>
              </item>
            </channel></rss>
            """
            let x = try XCTUnwrap(parseFeed(doc).only, uri)
            XCTAssertEqual(x.path("extensions", "media:content", "@url")?.stringValue, "https://media.example/videos/clip.mp4", uri)
            XCTAssertEqual(x.path("extensions", "media:content", "@type")?.stringValue, "video/mp4")
            XCTAssertEqual(x.path("extensions", "media:thumbnail", "@url")?.stringValue, "https://media.example/thumbs/clip.jpg")
            XCTAssertEqual(x.path("extensions", "media:player", "@url")?.stringValue, "https://player.example/embed/1")
            let group = try XCTUnwrap(x.path("extensions", "media:group"))
            XCTAssertEqual(group["media:content"]?.elements.map { $0["@url"]?.stringValue },
                           ["https://media.example/videos/a.mp4", "https://media.example/videos/b.mp4"])
            XCTAssertEqual(group["media:thumbnail"]?["@url"]?.stringValue, "https://media.example/videos/g.jpg")
        }
    }

    func testAnotherNamespacesContentElementKeepsItsURLAsWritten() throws {
        let doc = """
        <rss version="2.0" xmlns:y="urn:other"><channel><title>O</title>
          <item xml:base="https://o.example/"><guid>o-1</guid><y:content url="kept.bin"/></item>
        </channel></rss>
        """
        let x = try XCTUnwrap(parseFeed(doc).only)
        XCTAssertEqual(x.path("extensions", "y:content", "@url")?.stringValue, "kept.bin")
    }

    func testJSONFeedAuthors() throws {
        let doc = """
        {"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"https://j.example/blog/",
         "authors":[{"name":"Feed Author","url":"/about"}],
         "items":[
          {"id":"1","authors":[{"name":"Jo","url":"people/jo","avatar":"https://j.example/jo.png"},{"url":"mailto:kim@j.example"}]},
          {"id":"2","authors":[],"author":{"name":"Old Style","url":"https://old.example/"}},
          {"id":"3","authors":{"name":"No Brackets"}},
          {"id":"4"}]}
        """
        let r = parseFeed(doc)
        XCTAssertEqual(r.records.count, 4)
        func authors(_ i: Int) -> [[String?]] {
            (r.records[i]["authors"]?.elements ?? []).map { a in ["name", "email", "url"].map { a[$0]?.stringValue } }
        }
        XCTAssertEqual(authors(0), [["Jo", nil, "https://j.example/blog/people/jo"], [nil, "kim@j.example", nil]])
        XCTAssertEqual(r.records[0].path("extensions", "authors")?.elements.first?["avatar"]?.stringValue,
                       "https://j.example/jo.png", "an avatar has no place in authors: the member is kept")
        XCTAssertEqual(authors(1), [["Old Style", nil, "https://old.example/"]], "an empty authors gives way to author")
        XCTAssertNil(r.records[1]["extensions"]?["author"])
        XCTAssertEqual(authors(2), [["No Brackets", nil, nil]])
        XCTAssertEqual(authors(3), [["Feed Author", nil, "https://j.example/about"]], "the feed's author, its url absolute")
    }
}

/// Elements of other vocabularies that stand in for a missing title or summary, and Atom written loosely.
final class FeedparserStandInTests: XCTestCase {
    func testMediaTitleAndITunesSummaryStandInOnlyWhenMissing() throws {
        let doc = """
        <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
        <channel><title>S</title>
          <item><guid>s-1</guid><media:title type="plain">Episode 12</media:title><itunes:summary>What we found</itunes:summary></item>
          <item><guid>s-2</guid><media:title>Not this</media:title><title>The item's own</title>
            <itunes:summary>Nor this</itunes:summary><description>Its own description</description></item>
          <item><guid>s-3</guid><media:description>Described by Media RSS</media:description></item>
        </channel></rss>
        """
        let r = parseFeed(doc)
        XCTAssertEqual(r.records.count, 3)
        XCTAssertEqual(r.records[0].str("title"), "Episode 12")
        XCTAssertEqual(r.records[0].str("summary"), "What we found")
        XCTAssertNil(r.records[0]["extensions"]?["media:title"], "a stand-in that counts is not kept twice")
        XCTAssertEqual(r.records[1].str("title"), "The item's own", "the format's own title wins, whatever the order")
        XCTAssertEqual(r.records[1].str("summary"), "Its own description")
        XCTAssertEqual(r.records[1].path("extensions", "media:title")?.stringValue, "Not this")
        XCTAssertEqual(r.records[1].path("extensions", "itunes:summary")?.stringValue, "Nor this")
        XCTAssertEqual(r.records[2].str("summary"), "Described by Media RSS")
    }

    func testAtomItemsAndLinksWrittenAsText() throws {
        let doc = """
        <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://loose.example/"><title>Loose</title>
          <item><id>tag:loose,1</id><title>An item, not an entry</title><link>posts/1</link></item>
          <entry><id>tag:loose,2</id><link rel="enclosure">https://loose.example/a.mp3</link>
            <link rel="alternate" type="text/html">https://loose.example/posts/2</link></entry>
        </feed>
        """
        let r = parseFeed(doc)
        XCTAssertEqual(r.records.map { $0.str("id") }, ["tag:loose,1", "tag:loose,2"])
        XCTAssertEqual(r.records[0].str("title"), "An item, not an entry")
        XCTAssertEqual(r.records[0].str("url"), "https://loose.example/posts/1", "a link's text stands for its href")
        XCTAssertEqual(r.records[1].str("url"), "https://loose.example/posts/2", "an enclosure is not the item's link")
    }

    func testMediaGroupTitleAndDescriptionStandIn() throws {
        let doc = """
        <feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"><title>M</title>
          <entry><id>m-1</id>
            <media:group><media:title>Talk recording</media:title><media:description>A talk on lateral movement</media:description>
              <media:content url="https://m.example/talk.mp4" type="video/mp4"/></media:group></entry>
          <entry><id>m-2</id><title>Its own title</title><summary>Its own summary</summary>
            <media:group><media:description>Not this</media:description></media:group></entry>
          <entry><id>m-3</id>
            <media:group><media:content url="https://m.example/a.mp3"><media:description>From the content</media:description></media:content></media:group></entry>
        </feed>
        """
        let r = parseFeed(doc)
        XCTAssertEqual(r.records.count, 3)
        XCTAssertEqual(r.records[0].str("title"), "Talk recording")
        XCTAssertEqual(r.records[0].str("summary"), "A talk on lateral movement")
        XCTAssertEqual(r.records[0].path("extensions", "media:group", "media:content", "@url")?.stringValue, "https://m.example/talk.mp4",
                       "the group is kept whole")
        XCTAssertEqual(r.records[1].str("title"), "Its own title")
        XCTAssertEqual(r.records[1].str("summary"), "Its own summary", "the entry's own summary wins")
        XCTAssertEqual(r.records[1].path("extensions", "media:group", "media:description")?.stringValue, "Not this",
                       "a group's stand-in that does not count is not kept twice")
        XCTAssertNil(r.records[1]["extensions"]?["media:description"])
        XCTAssertEqual(r.records[2].str("summary"), "From the content", "a description inside the group's media:content")
    }

    func testAtomElementsWithoutANamespaceInAnRSSItem() throws {
        let doc = """
        <rss version="2.0"><channel><title>Mixed</title>
          <item><title>Atom-style</title><link href="https://mixed.example/1"/><link rel="enclosure" href="https://mixed.example/1.mp3"/>
            <id>urn:uuid:1</id><updated>2026-02-01T00:00:00Z</updated><published>2026-01-31T00:00:00Z</published>
            <summary>Written as Atom</summary></item>
          <item><summary>Not this</summary><description>The description</description><id>urn:not-this</id>
            <guid isPermaLink="false">g-2</guid><link href="https://mixed.example/not-this"/><link>https://mixed.example/2</link>
            <published>2026-01-01T00:00:00Z</published><pubDate>Sun, 01 Feb 2026 00:00:00 GMT</pubDate></item>
        </channel></rss>
        """
        let r = parseFeed(doc)
        XCTAssertEqual(r.records.count, 2)
        let atomStyle = r.records[0]
        XCTAssertEqual(atomStyle.str("url"), "https://mixed.example/1", "an alternate href, not the enclosure")
        XCTAssertEqual(atomStyle.str("id"), "urn:uuid:1")
        XCTAssertEqual(atomStyle.str("modified"), "2026-02-01T00:00:00Z")
        XCTAssertEqual(atomStyle.str("published"), "2026-01-31T00:00:00Z")
        XCTAssertEqual(atomStyle.str("summary"), "Written as Atom")
        let rss = r.records[1]
        XCTAssertEqual(rss.str("summary"), "The description", "RSS's own elements win, whatever the order")
        XCTAssertEqual(rss.str("id"), "g-2")
        XCTAssertEqual(rss.str("url"), "https://mixed.example/2")
        XCTAssertEqual(rss.str("published"), "2026-02-01T00:00:00Z")
        XCTAssertEqual(rss.path("extensions", "summary")?.stringValue, "Not this", "what does not count is kept")
        XCTAssertEqual(rss.path("extensions", "id")?.stringValue, "urn:not-this")
        XCTAssertEqual(rss.path("extensions", "link", "@href")?.stringValue, "https://mixed.example/not-this")
        XCTAssertEqual(rss.path("extensions", "published")?.stringValue, "2026-01-01T00:00:00Z")
    }
}
