import CSCore
import XCTest
import CSFeed

final class JSONFeedTests: XCTestCase {
    static let feed = #"""
    {"version":"https://jsonfeed.org/version/1.1","title":"Threat Feed","home_page_url":"https://feed.example.org/",
     "feed_url":"https://feed.example.org/feed.json","authors":[{"name":"Feed Team","url":"https://feed.example.org/team"}],
     "items":[{"id":"/briefs/one/","url":"https://feed.example.org/briefs/one/","title":" Password Spraying ",
       "summary":"Short.","content_html":"<p>Body &amp; more.</p><h2 id=\"attack-chain\">Attack Chain</h2><ol><li>Step one.</li><li>Step <code>two</code>.</li></ol><h2>Impact</h2><p>Bad things.</p><h2 id=\"recommendation\">Recommendation</h2><ul><li>Do this.</li></ul>",
       "date_published":"2024-01-03T15:00:00+01:00","date_modified":"2024-01-04T15:00:00Z",
       "tags":["Entra ID","credential_access"],"_cs_tags":["entra-id","brute_force"],
       "_cs_severities":["high","Medium"],"_cs_type":"advisory","_cs_actors":["APT29"],"_cs_cves":["cve-2024-0001"],
       "_cs_vendors":["Microsoft"],"_cs_products":["Entra ID"],"_cs_exploited":true,
       "image":"https://feed.example.org/i.png","_other":{"k":[1,2]}},
      {"id":7,"content_text":"plain only","date_published":"yesterday-ish","authors":[{"name":"Jo"}]}]}
    """#

    func testMapsEveryFieldOfTheSchema() throws {
        let result = parseFeed(Self.feed, source: FeedSource(url: "https://mirror.example.net/feed.json", fetchedAt: "2026-01-01T00:00:00Z"))
        XCTAssertNil(result.error)
        XCTAssertEqual(result.records.count, 2)
        let r = result.records[0]
        XCTAssertEqual(r.keys, advisoryFields)
        XCTAssertEqual(r.str("schema"), "cs.advisory/1")
        XCTAssertEqual(r.str("id"), "/briefs/one/")
        XCTAssertEqual(r.str("uid"), recordUID(feedURL: "https://feed.example.org/feed.json", id: "/briefs/one/"))
        XCTAssertEqual(r.str("title"), "Password Spraying")
        XCTAssertEqual(r.str("url"), "https://feed.example.org/briefs/one/")
        XCTAssertEqual(r.str("summary"), "Short.")
        XCTAssertEqual(r.str("content_text"), "Body & more.\nAttack Chain\nStep one.\nStep two.\nImpact\nBad things.\nRecommendation\nDo this.")
        XCTAssertEqual(r.str("published"), "2024-01-03T14:00:00Z")
        XCTAssertEqual(r.str("modified"), "2024-01-04T15:00:00Z")
        XCTAssertEqual(r["authors"]?.text, #"[{"name":"Feed Team","email":null,"url":"https://feed.example.org/team"}]"#)
        XCTAssertEqual(r.strs("tags"), ["entra-id", "credential-access", "brute-force"])
        XCTAssertEqual(r.str("severity"), "high")
        XCTAssertEqual(r.strs("severities"), ["medium", "high"])
        XCTAssertEqual(r.str("type"), "advisory")
        XCTAssertEqual(r.strs("actors"), ["APT29"])
        XCTAssertEqual(r.strs("cves"), ["CVE-2024-0001"])
        XCTAssertEqual(r.strs("vendors"), ["Microsoft"])
        XCTAssertEqual(r.strs("products"), ["Entra ID"])
        XCTAssertEqual(r["exploited"]?.boolValue, true)
        XCTAssertEqual(r["sections"]?.text, #"{"attack_chain":["Step one.","Step two."],"impact":"Bad things.","recommendations":["Do this."]}"#)
        XCTAssertEqual(r["source"]?.text, #"{"feed_url":"https://feed.example.org/feed.json","feed_title":"Threat Feed","home_page_url":"https://feed.example.org/","format":"json-feed-1.1","fetched_at":"2026-01-01T00:00:00Z"}"#)
        XCTAssertEqual(r["extensions"]?.text, #"{"image":"https://feed.example.org/i.png","_other":{"k":[1,2]}}"#)
    }

    func testSecondItemUsesPlainTextNumericIdAndKeepsBadDate() throws {
        let result = parseFeed(Self.feed)
        let r = try XCTUnwrap(result.records.last)
        XCTAssertEqual(r.str("id"), "7")
        XCTAssertEqual(r.str("content_html"), "plain only", "plain text gets its (escaped) HTML form")
        XCTAssertEqual(r.str("content_text"), "plain only")
        XCTAssertEqual(r["published"]?.kind, .null)
        XCTAssertEqual(r.path("extensions", "date_published")?.stringValue, "yesterday-ish")
        XCTAssertEqual(r["authors"]?.text, #"[{"name":"Jo","email":null,"url":null}]"#)
        XCTAssertEqual(r["severity"]?.kind, .null)
        XCTAssertEqual(r.strs("severities"), [])
        XCTAssertEqual(r["exploited"]?.kind, .null)
        XCTAssertEqual(r["sections"]?.text, #"{"attack_chain":[],"impact":null,"recommendations":[]}"#)
        let warning = try XCTUnwrap(result.issues.first { $0.message.contains("yesterday-ish") })
        XCTAssertEqual(warning.level, .warning)
        XCTAssertEqual(warning.item, 2)
    }

    func testVersion10WithSingleAuthorAndRelativeURL() throws {
        let doc = #"{"version":"https://jsonfeed.org/version/1","title":"Old","author":{"name":"Ann"},"items":[{"id":"x","url":"/a/b"}]}"#
        let r = try XCTUnwrap(parseFeed(doc, source: FeedSource(url: "https://h.example/feeds/f.json")).only)
        XCTAssertEqual(r.path("source", "format")?.stringValue, "json-feed-1.0")
        XCTAssertEqual(r.str("url"), "https://h.example/a/b")
        XCTAssertEqual(r.path("authors")?.text, #"[{"name":"Ann","email":null,"url":null}]"#)
        // No feed_url or home_page_url in the document: its title identifies the feed (as it does when
        // the same document is read from a file).
        XCTAssertEqual(r.str("uid"), recordUID(feedURL: "Old", id: "x"))
    }

    func testIdFallsBackToURLThenToAHashOfTitleAndDate() throws {
        let doc = #"{"version":"https://jsonfeed.org/version/1.1","items":[{"url":"https://e.example/1","title":"A"},{"title":"B","date_published":"2024-01-01T00:00:00Z"}]}"#
        let result = parseFeed(doc)
        XCTAssertEqual(result.records[0].str("id"), "https://e.example/1")
        XCTAssertEqual(result.records[1].str("id"), SHA256.hex("B\n2024-01-01T00:00:00Z"))
        XCTAssertEqual(parseFeed(doc).records[1].str("uid"), result.records[1].str("uid"), "uid is stable across runs")
    }

    func testNotAFeed() {
        XCTAssertEqual(parseFeed("{\"hello\": 1}").error?.code, .invalidArgument)
        XCTAssertNotNil(parseFeed("{\"version\": ").error)
        XCTAssertNotNil(parseFeed("just text").error)
        XCTAssertNotNil(parseFeed("   ").error)
    }

    func testInvalidUTF8IsReplacedNotFatal() throws {
        var bytes = Array(#"{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"a","title":"caf"#.utf8)
        bytes += [0xE9]   // a Latin-1 byte in UTF-8 JSON
        bytes += Array(#""}]}"#.utf8)
        let result = parseFeed(bytes)
        XCTAssertEqual(result.only?.str("title"), "caf\u{FFFD}")
        XCTAssertTrue(result.issues.contains { $0.code == .dataLoss && $0.message.contains("UTF-8") })
    }

    func testUnknownSeverityIsReportedNotInvented() throws {
        let doc = #"{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"a","_cs_severities":["purple","critical"]}]}"#
        let result = parseFeed(doc)
        XCTAssertEqual(result.only?.strs("severities"), ["critical"])
        XCTAssertTrue(result.issues.contains { $0.message.contains("purple") })
    }
}

final class JSONWriteTests: XCTestCase {
    func testMatchesJanssonOnEscapesNumbersAndNesting() throws {
        let text = #"{"s":"q\" b\\ \b\f\n\r\t \u0001\u001f \u0000 é 😀 / \u007f","i":-42,"r":1.5,"e":1e300,"t":true,"f":false,"n":null,"a":[[],{},[1,{"k":"v"}]],"":""}"#
        let value = try JSON.parse(text)
        var out: [UInt8] = []
        value.write(to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), String(decoding: value.serialized(), as: UTF8.self))
    }

    func testEscapesAtEveryOffsetOfAWord() throws {
        for special in ["\"", "\\", "\n", "\u{1}", "\u{1F}", "é", "\u{7F}"] {
            for offset in 0..<20 {
                let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: 19 - offset)
                let value = JSON.string(text)
                var out: [UInt8] = []
                value.write(to: &out)
                let array = JSON.array()
                array.append(value)
                let expected = Array(array.serialized().dropFirst().dropLast())   // jansson dumps strings only inside containers
                XCTAssertEqual(out, expected, "\(special.unicodeScalars.map { $0.value }) at \(offset)")
            }
        }
    }
}
