import CSCore
import XCTest
import CSFeed
import Foundation

final class AtomTests: XCTestCase {
    func testAtom10() throws {
        let doc = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/">
          <title type="html">Atom &lt;b&gt;Feed&lt;/b&gt;</title>
          <link rel="self" href="/feed.atom"/>
          <link href="/"/>
          <author><name>Feed Author</name><email>fa@atom.example</email></author>
          <entry>
            <id>urn:uuid:1225c695</id>
            <title type="html">Lateral &lt;em&gt;Movement&lt;/em&gt; &amp;amp; more</title>
            <link rel="alternate" href="entries/1"/>
            <link rel="enclosure" href="https://atom.example/e.bin" length="3"/>
            <published>2026-04-22T18:43:05.123+02:00</published>
            <updated>2026-04-23T00:00:00Z</updated>
            <summary>Sum</summary>
            <content type="html">&lt;h3&gt;Impact&lt;/h3&gt;&lt;p&gt;Lost data.&lt;/p&gt;</content>
            <category term="critical" scheme="severity"/>
            <category term="Lateral Movement"/>
            <rights>CC</rights>
          </entry>
          <entry>
            <id>tag:atom.example,2026:2</id>
            <title>Plain</title>
            <author><name>Entry Author</name><uri>/people/e</uri></author>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>X<b>H</b>TML <a href="rel/x">link</a></p></div></content>
          </entry>
        </feed>
        """
        let result = parseFeed(doc)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.records.count, 2)
        let r = result.records[0]
        XCTAssertEqual(r.str("id"), "urn:uuid:1225c695")
        XCTAssertEqual(r.str("title"), "Lateral Movement & more")
        XCTAssertEqual(r.str("url"), "https://atom.example/entries/1")
        XCTAssertEqual(r.str("published"), "2026-04-22T16:43:05Z")
        XCTAssertEqual(r.str("modified"), "2026-04-23T00:00:00Z")
        XCTAssertEqual(r.str("summary"), "Sum")
        XCTAssertEqual(r.str("content_html"), "<h3>Impact</h3><p>Lost data.</p>")
        XCTAssertEqual(r.path("sections", "impact")?.stringValue, "Lost data.")
        XCTAssertEqual(r.str("severity"), "critical")
        XCTAssertEqual(r.strs("tags"), ["lateral-movement"])
        XCTAssertEqual(r["authors"]?.text, #"[{"name":"Feed Author","email":"fa@atom.example","url":null}]"#, "entries inherit the feed's author")
        XCTAssertEqual(r["extensions"]?.text, #"{"link":{"@rel":"enclosure","@href":"https://atom.example/e.bin","@length":"3"},"rights":"CC"}"#)
        XCTAssertEqual(r["source"]?.text, #"{"feed_url":"https://atom.example/feed.atom","feed_title":"Atom Feed","home_page_url":"https://atom.example/","format":"atom-1.0","fetched_at":null}"#)

        let x = result.records[1]
        XCTAssertEqual(x.str("content_html"), #"<p>X<b>H</b>TML <a href="https://atom.example/rel/x">link</a></p>"#,
                       "links inside content are resolved against xml:base")
        XCTAssertEqual(x.str("content_text"), "XHTML link")
        XCTAssertEqual(x["authors"]?.text, #"[{"name":"Entry Author","email":null,"url":"https://atom.example/people/e"}]"#)
        XCTAssertEqual(x["published"]?.kind, .null, "neither published nor updated")
    }

    func testAtom03WithBase64AndTextContent() throws {
        let body = Data("<p>Decoded <i>html</i></p>".utf8).base64EncodedString()
        let doc = """
        <feed version="0.3" xmlns="http://purl.org/atom/ns#">
          <title>Old Atom</title>
          <link rel="alternate" type="text/html" href="http://old.example/"/>
          <entry><title>One</title><id>tag:old,1</id><issued>2003-12-13T08:29:29-04:00</issued>
            <modified>2003-12-13T18:30:02Z</modified>
            <content type="text/html" mode="base64">\(body)</content></entry>
          <entry><title>Two</title><id>tag:old,2</id><content type="text/plain">Just &lt;text&gt;</content></entry>
        </feed>
        """
        let result = parseFeed(doc)
        XCTAssertEqual(result.records.count, 2)
        let r = result.records[0]
        XCTAssertEqual(r.path("source", "format")?.stringValue, "atom-0.3")
        XCTAssertEqual(r.path("source", "home_page_url")?.stringValue, "http://old.example/")
        XCTAssertEqual(r.str("published"), "2003-12-13T12:29:29Z")
        XCTAssertEqual(r.str("modified"), "2003-12-13T18:30:02Z")
        XCTAssertEqual(r.str("content_html"), "<p>Decoded <i>html</i></p>")
        XCTAssertEqual(r.str("content_text"), "Decoded html")
        XCTAssertEqual(result.records[1].str("content_html"), "Just &lt;text&gt;")
        XCTAssertEqual(result.records[1].str("content_text"), "Just <text>")
    }
}
