import CSCore
import XCTest
@testable import CSFeed

/// Microsoft's Channel Definition Format: a `<CHANNEL>` of `<ITEM HREF=...>`s, names upper case.
final class CDFTests: XCTestCase {
    func testItemsGiveTitleLinkSummaryAndDate() throws {
        let doc = """
        <?xml version="1.0"?>
        <CHANNEL HREF="https://vendor.example/" LASTMOD="2026-01-01T00:00:00Z">
          <TITLE>Vendor bulletins</TITLE>
          <ABSTRACT>Security bulletins of the vendor</ABSTRACT>
          <ITEM HREF="https://vendor.example/b/1" LASTMOD="2026-01-05T10:00:00-05:00" PRECACHE="NO">
            <TITLE>Bulletin 1</TITLE>
            <ABSTRACT>Update the agent &amp; restart it.</ABSTRACT>
            <USAGE VALUE="ScreenSaver"/>
          </ITEM>
          <ITEM HREF="https://vendor.example/b/2"><TITLE>Bulletin 2</TITLE></ITEM>
        </CHANNEL>
        """
        let r = parseFeed(doc)
        XCTAssertNil(r.error, r.error?.message ?? "")
        XCTAssertEqual(r.records.count, 2)
        let first = r.records[0]
        XCTAssertEqual(first.str("title"), "Bulletin 1")
        XCTAssertEqual(first.str("url"), "https://vendor.example/b/1")
        XCTAssertEqual(first.str("id"), "https://vendor.example/b/1", "the link is the id, as for any item without one")
        XCTAssertEqual(first.str("summary"), "Update the agent & restart it.")
        XCTAssertEqual(first.str("modified"), "2026-01-05T15:00:00Z")
        XCTAssertEqual(first.str("published"), "2026-01-05T15:00:00Z", "CDF's one date serves as published too")
        XCTAssertEqual(first.path("extensions", "USAGE", "@VALUE")?.stringValue, "ScreenSaver", "unmodelled elements are kept")
        XCTAssertEqual(first.path("source", "format")?.stringValue, "cdf")
        XCTAssertEqual(first.path("source", "feed_title")?.stringValue, "Vendor bulletins")
        XCTAssertEqual(first.path("source", "home_page_url")?.stringValue, "https://vendor.example/")
        XCTAssertNil(r.records[1].str("published"))
    }

    func testRelativeLinksAreReadAgainstTheNearestBaseAndNamesInAnyCase() throws {
        let doc = """
        <Channel Base="https://cdf.example/news/" Href="index.htm">
          <Title>Mixed case</Title>
          <ITEM HREF="1.htm"><Title>One</Title></ITEM>
          <channel BASE="https://other.example/archive/">
            <item href="2.htm" lastmod="2025-12-31T23:00:00Z"><abstract>Two</abstract></item>
          </channel>
        </Channel>
        """
        let r = parseFeed(doc)
        XCTAssertEqual(r.records.map { $0.str("url") }, ["https://cdf.example/news/1.htm", "https://other.example/archive/2.htm"],
                       "items of a sub-channel are read, against its own BASE")
        XCTAssertEqual(r.records[0].str("title"), "One")
        XCTAssertEqual(r.records[1].str("summary"), "Two")
        XCTAssertEqual(r.records[1].str("modified"), "2025-12-31T23:00:00Z")
        XCTAssertEqual(r.records[0].path("source", "home_page_url")?.stringValue, "https://cdf.example/news/index.htm")
    }

    func testAChannelRootHoldingRSSItemsGivesTheirLinksAndDescriptions() throws {
        let doc = """
        <channel><title>No rss wrapper</title>
          <item><title>One</title><link>https://bare.example/1</link><description>&lt;p&gt;First &amp;amp; only&lt;/p&gt;</description></item>
          <ITEM HREF="https://bare.example/2"><link>https://bare.example/not-this</link><ABSTRACT>Own</ABSTRACT><description>Nor this</description></ITEM>
        </channel>
        """
        let r = parseFeed(doc)
        XCTAssertEqual(r.records.count, 2)
        XCTAssertEqual(r.records[0].str("url"), "https://bare.example/1")
        XCTAssertEqual(r.records[0].str("summary"), "First & only", "an RSS description is HTML")
        XCTAssertEqual(r.records[1].str("url"), "https://bare.example/2", "HREF wins")
        XCTAssertEqual(r.records[1].str("summary"), "Own", "ABSTRACT wins")
        XCTAssertEqual(r.records[1].path("extensions", "link")?.stringValue, "https://bare.example/not-this")
        XCTAssertEqual(r.records[1].path("extensions", "description")?.stringValue, "Nor this")
    }

    func testMalformedCDFIsRecoveredLikeOtherFeeds() throws {
        // An unclosed element stops libxml2's stream; the recovering parser reads the items after it.
        let doc = """
        <CHANNEL HREF="https://cdf.example/"><TITLE>Broken<ITEM HREF="https://cdf.example/a"><TITLE>A</TITLE></ITEM>
        <ITEM HREF="https://cdf.example/b"><TITLE>B</TITLE></ITEM></CHANNEL>
        """
        let r = parseFeed(doc)
        XCTAssertEqual(r.records.map { $0.str("url") }, ["https://cdf.example/a", "https://cdf.example/b"])
    }
}
