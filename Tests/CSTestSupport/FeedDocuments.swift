import Foundation

/// Feed documents that unit suites (CSFeedTests) and process suites (CSFeedProcessTests) both read:
/// built here once so that the parser and cs-normalize are tested on the same bytes.
public enum FeedDocuments {
    /// `good` items, then one whose title is a billion laughs, then one more; the line of the bomb.
    public static func billionLaughs(good: Int) -> (doc: String, bombLine: Int) {
        var doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            doc += "<!ENTITY lol\(level) \"" + String(repeating: "&\(level == 1 ? "lol" : "lol\(level - 1)");", count: 10) + "\">\n"
        }
        doc += "]>\n<rss version=\"2.0\"><channel><title>t</title>\n"
        for i in 0..<good { doc += "<item><guid>g\(i)</guid><title>item \(i)</title><description>good \(i)</description></item>\n" }
        let bombLine = doc.filter { $0 == "\n" }.count + 1
        doc += "<item><guid>bomb</guid><title>&lol9;</title></item>\n<item><guid>after</guid></item>\n</channel></rss>\n"
        return (doc, bombLine)
    }

    /// An RSS document whose items each reference one `entityKB` KB entity `references` times.
    public static func amplifiedRSS(items: Int, entityKB: Int, references: Int) -> String {
        var doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY big \"" + String(repeating: "x", count: entityKB * 1000) + "\">]>\n"
        doc += "<rss version=\"2.0\"><channel><title>t</title>\n"
        for i in 0..<items {
            doc += "<item><guid>g\(i)</guid><description>" + String(repeating: "&big;", count: references) + "</description></item>\n"
        }
        return doc + "</channel></rss>\n"
    }

    /// "日本語" in each encoding.
    public static let nihongo: [String: [UInt8]] = [
        "EUC-JP": [0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC],
        "Shift_JIS": [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA],
        "ISO-2022-JP": [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1B, 0x28, 0x42],
    ]

    /// An RSS document in `encoding` whose items have the given raw title bytes.
    public static func legacyRSS(_ encoding: String, titles: [[UInt8]], declared: Bool = true) -> [UInt8] {
        var doc = Array((declared ? "<?xml version=\"1.0\" encoding=\"\(encoding)\"?>" : "") .utf8)
        doc += Array("\n<rss version=\"2.0\"><channel><title>t</title>\n".utf8)
        for (n, title) in titles.enumerated() {
            doc += Array("<item><guid>g\(n)</guid><title>".utf8) + title + Array("</title></item>\n".utf8)
        }
        return doc + Array("</channel></rss>\n".utf8)
    }

    /// An Atom document with the constructs a cut can fall into: declaration, attributes with both
    /// quotes, entities, escaped html, xhtml, CDATA, comments, a processing instruction.
    public static let truncationAtom = """
        <?xml version="1.0" encoding="utf-8"?>
        <?xml-stylesheet type="text/xsl" href="feed.xsl"?>
        <!-- generated -->
        <feed xmlns="http://www.w3.org/2005/Atom" xml:base='https://a.example/'>
          <title type="html">Alerts &amp;amp; notes</title>
          <link rel="self" href="https://a.example/feed.atom"/>
          <id>urn:uuid:60a76c80</id><updated>2026-04-22T18:43:05Z</updated>
          <entry>
            <id>urn:e1</id><title>First &lt;b&gt;entry&lt;/b&gt;</title>
            <link href="e/1"/><updated>2026-04-22T18:43:05Z</updated>
            <category term="ransomware" scheme="https://a.example/tags"/>
            <content type="html"><![CDATA[<p>Body with <a href="x">a link</a></p>]]></content>
          </entry>
          <entry>
            <id>urn:e2</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><b>Second</b></div></title>
            <summary>Plain &#8220;text&#8221;</summary>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>X<br/>Y</p></div></content>
            <updated>2026-04-23T08:00:00+02:00</updated>
          </entry>
        </feed>

        """
}
