import CSCore
import XCTest
import CSFeed

final class RSSTests: XCTestCase {
    static let rss2 = """
    <?xml version="1.0" encoding="utf-8"?>
    <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/"
         xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:x="urn:example:x">
    <channel>
      <title>Entra_id — Threat Feed</title>
      <link>https://feed.example.org/tags/entra_id/</link>
      <atom:link href="https://feed.example.org/tags/entra_id/feed.xml" rel="self" type="application/rss+xml"/>
      <item>
        <title>Entra ID Excessive Account Lockouts Detected</title>
        <link>https://feed.example.org/briefs/lockouts/</link>
        <pubDate>Wed, 22 Apr 2026 18:43:05 +0000</pubDate>
        <author>hello@example.org</author>
        <guid isPermaLink="true">https://feed.example.org/briefs/lockouts/</guid>
        <description>Short &amp; plain.</description>
        <content:encoded><![CDATA[<p>Body text with &ldquo;quotes&rdquo;.</p>
    <h2 id="attack-chain">Attack Chain</h2>
    <ol><li><strong>Initial Access:</strong> The attacker guesses.</li><li>Lockout.</li></ol>
    <h2 id="impact">Impact</h2>
    <p>Accounts compromised.</p>
    <h2 id="recommendation">Recommendation</h2>
    <ul><li>Deploy the rule.</li><li>Block IPs.</li></ul>]]></content:encoded>
        <category domain="severity">high</category>
        <category domain="type">advisory</category>
        <category>azure</category>
        <category>entra_id</category>
        <category>credential_access</category>
        <comments>https://feed.example.org/c/1</comments>
        <enclosure url="https://feed.example.org/a.pdf" length="10" type="application/pdf"/>
        <x:score>7</x:score>
        <x:score>8</x:score>
      </item>
      <item>
        <title>Second</title>
        <link>/briefs/second/</link>
        <author>jo@example.org (Jo Doe)</author>
        <dc:creator>Someone Else</dc:creator>
        <description>&lt;p&gt;Only a description&lt;/p&gt;</description>
        <dc:date>2026-04-20</dc:date>
      </item>
      <item>
        <description>No title, no link, no guid</description>
        <pubDate>Sun, 19 Apr 2026 10:00:00 GMT</pubDate>
      </item>
    </channel>
    </rss>
    """

    func testRSS2MapsEveryField() throws {
        let result = parseFeed(Self.rss2, source: FeedSource(url: "https://mirror.example.net/rss", fetchedAt: "2026-05-01T00:00:00Z"))
        XCTAssertNil(result.error)
        XCTAssertEqual(result.records.count, 3)
        let r = result.records[0]
        XCTAssertEqual(r.keys, advisoryFields)
        XCTAssertEqual(r.str("id"), "https://feed.example.org/briefs/lockouts/")
        XCTAssertEqual(r.str("uid"), recordUID(feedURL: "https://feed.example.org/tags/entra_id/feed.xml", id: "https://feed.example.org/briefs/lockouts/"))
        XCTAssertEqual(r.str("title"), "Entra ID Excessive Account Lockouts Detected")
        XCTAssertEqual(r.str("summary"), "Short & plain.")
        XCTAssertTrue(r.str("content_html")?.hasPrefix("<p>Body text with &ldquo;quotes&rdquo;.</p>") ?? false)
        XCTAssertEqual(r.str("content_text"), "Body text with \u{201C}quotes\u{201D}.\nAttack Chain\nInitial Access: The attacker guesses.\nLockout.\nImpact\nAccounts compromised.\nRecommendation\nDeploy the rule.\nBlock IPs.")
        XCTAssertEqual(r.str("published"), "2026-04-22T18:43:05Z")
        XCTAssertEqual(r["authors"]?.text, #"[{"name":null,"email":"hello@example.org","url":null}]"#)
        XCTAssertEqual(r.strs("tags"), ["azure", "entra-id", "credential-access"])
        XCTAssertEqual(r.str("severity"), "high")
        XCTAssertEqual(r.strs("severities"), ["high"])
        XCTAssertEqual(r.str("type"), "advisory")
        XCTAssertEqual(r.path("sections", "attack_chain")?.stringElements, ["Initial Access: The attacker guesses.", "Lockout."])
        XCTAssertEqual(r.path("sections", "impact")?.stringValue, "Accounts compromised.")
        XCTAssertEqual(r.path("sections", "recommendations")?.stringElements, ["Deploy the rule.", "Block IPs."])
        XCTAssertEqual(r["source"]?.text, #"{"feed_url":"https://feed.example.org/tags/entra_id/feed.xml","feed_title":"Entra_id — Threat Feed","home_page_url":"https://feed.example.org/tags/entra_id/","format":"rss-2.0","fetched_at":"2026-05-01T00:00:00Z"}"#)
        XCTAssertEqual(r["extensions"]?.text,
                       #"{"comments":"https://feed.example.org/c/1","enclosure":{"@url":"https://feed.example.org/a.pdf","@length":"10","@type":"application/pdf"},"x:score":["7","8"]}"#)
    }

    func testAuthorsDescriptionOnlyAndRelativeLinks() throws {
        let result = parseFeed(Self.rss2, source: FeedSource(url: "https://mirror.example.net/rss"))
        let r = result.records[1]
        // No guid: the link is the id; the relative link is resolved against the document URL.
        XCTAssertEqual(r.str("url"), "https://mirror.example.net/briefs/second/")
        XCTAssertEqual(r.str("id"), "https://mirror.example.net/briefs/second/")
        XCTAssertEqual(r["authors"]?.text, #"[{"name":"Jo Doe","email":"jo@example.org","url":null},{"name":"Someone Else","email":null,"url":null}]"#)
        XCTAssertEqual(r.str("content_html"), "<p>Only a description</p>")
        XCTAssertEqual(r.str("content_text"), "Only a description")
        XCTAssertEqual(r.str("published"), "2026-04-20T00:00:00Z")
        XCTAssertEqual(r["extensions"]?.text, "{}")
    }

    func testItemWithoutIdentityGetsAStableHash() throws {
        let r = parseFeed(Self.rss2).records[2]
        XCTAssertEqual(r.str("id"), SHA256.hex("\nSun, 19 Apr 2026 10:00:00 GMT"))
        XCTAssertEqual(r["title"]?.kind, .null)
        XCTAssertEqual(r.str("published"), "2026-04-19T10:00:00Z")
    }

    func testRSS091AndGuidPermalinkAsLink() throws {
        let doc = """
        <rss version="0.91"><channel><title>Old</title><link>http://old.example/</link>
        <item><title>T</title><guid>http://old.example/p/1</guid></item>
        <item><title>U</title><guid isPermaLink="false">tag-2</guid></item></channel></rss>
        """
        let result = parseFeed(doc)
        XCTAssertEqual(result.records.count, 2)
        XCTAssertEqual(result.records[0].path("source", "format")?.stringValue, "rss-0.91")
        XCTAssertEqual(result.records[0].str("url"), "http://old.example/p/1")
        XCTAssertEqual(result.records[1]["url"]?.kind, .null)
        XCTAssertEqual(result.records[1].str("id"), "tag-2")
    }

    func testRSS10RDF() throws {
        let doc = """
        <?xml version="1.0"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                 xmlns:dc="http://purl.org/dc/elements/1.1/">
          <channel rdf:about="http://rdf.example/"><title>RDF feed</title><link>http://rdf.example/</link>
            <items><rdf:Seq><rdf:li resource="http://rdf.example/1"/></rdf:Seq></items></channel>
          <item rdf:about="http://rdf.example/1"><title>One</title><link>http://rdf.example/1</link>
            <description>Desc</description><dc:date>2003-12-13T18:30:02Z</dc:date><dc:subject>Credential_Access</dc:subject>
            <dc:creator>Mark</dc:creator></item>
        </rdf:RDF>
        """
        let r = try XCTUnwrap(parseFeed(doc).only)
        XCTAssertEqual(r.path("source", "format")?.stringValue, "rss-1.0")
        XCTAssertEqual(r.path("source", "feed_title")?.stringValue, "RDF feed")
        XCTAssertEqual(r.str("id"), "http://rdf.example/1")
        XCTAssertEqual(r.str("title"), "One")
        XCTAssertEqual(r.str("published"), "2003-12-13T18:30:02Z")
        XCTAssertEqual(r.strs("tags"), ["credential-access"])
        XCTAssertEqual(r["authors"]?.text, #"[{"name":"Mark","email":null,"url":null}]"#)
    }

    func testRSS090() throws {
        let doc = """
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
          <channel><title>Mozilla Dot Org</title><link>http://www.mozilla.org</link></channel>
          <item><title>New Status Updates</title><link>http://www.mozilla.org/status/</link></item>
          <item><title>Bugzilla Reorganized</title><link>http://www.mozilla.org/bugs/</link></item>
        </rdf:RDF>
        """
        let result = parseFeed(doc)
        XCTAssertEqual(result.records.count, 2)
        XCTAssertEqual(result.records[1].path("source", "format")?.stringValue, "rss-0.90")
        XCTAssertEqual(result.records[1].str("url"), "http://www.mozilla.org/bugs/")
    }

    func testXMLBaseResolvesLinks() throws {
        let doc = """
        <rss version="2.0"><channel xml:base="http://base.example/news/"><title>t</title>
        <item xml:base="sub/"><title>a</title><link>item.html</link></item></channel></rss>
        """
        let r = try XCTUnwrap(parseFeed(doc, source: FeedSource(url: "http://ignored.example/")).only)
        XCTAssertEqual(r.str("url"), "http://base.example/news/sub/item.html")
    }

    func testRelativeLinksInsideContentAreResolved() throws {
        let doc = """
        <rss version="2.0"><channel><title>t</title><item xml:base="https://b.example/posts/"><guid>a</guid>
        <description><![CDATA[<p><a href="../about" title="x href=y">About</a> <img SRC='img/p.png'> <a href="#top">top</a>
        <a href="https://abs.example/">abs</a> <a href = mailto:a@b.example>mail</a> href="not/in/a/tag"</p>]]></description>
        </item></channel></rss>
        """
        let r = try XCTUnwrap(parseFeed(doc).only)
        XCTAssertEqual(r.str("content_html"), """
            <p><a href="https://b.example/about" title="x href=y">About</a> <img SRC='https://b.example/posts/img/p.png'> <a href="#top">top</a>
            <a href="https://abs.example/">abs</a> <a href = mailto:a@b.example>mail</a> href="not/in/a/tag"</p>
            """)
        XCTAssertEqual(r.str("summary"), r.str("content_text"), "the summary is the description's text")
    }

    func testSecondLinkIsKeptUnderExtensions() throws {
        let doc = """
        <rss version="2.0"><channel><title>t</title><item><guid>1</guid><link>http://a.example/</link>
        <link>http://b.example/</link><link href="http://c.example/"/></item></channel></rss>
        """
        let r = try XCTUnwrap(parseFeed(doc).only)
        XCTAssertEqual(r.str("url"), "http://a.example/")
        XCTAssertEqual(r["extensions"]?.text, #"{"link":["http://b.example/",{"@href":"http://c.example/"}]}"#)
    }

    func testMarkupInTitlesBecomesText() throws {
        let doc = """
        <rss version="2.0"><channel><title>t</title>
        <item><guid>1</guid><title>Patch &lt;b&gt;now&lt;/b&gt; &amp;amp; later</title></item>
        <item><guid>2</guid><title>XSS via &lt;script&gt; tag</title></item>
        <item><guid>3</guid><title>one&lt;br&gt;two</title></item>
        </channel></rss>
        """
        XCTAssertEqual(parseFeed(doc).records.map { $0.str("title") }, ["Patch now & later", "XSS via <script> tag", "one two"])
    }

    func testNotAFeedXML() {
        let result = parseFeed("<html><body>hi</body></html>")
        XCTAssertEqual(result.error?.code, .invalidArgument)
        XCTAssertTrue(result.error?.message.contains("<html>") ?? false, result.error?.message ?? "")
    }
}
