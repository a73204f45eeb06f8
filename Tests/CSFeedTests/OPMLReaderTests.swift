import CSFeed
import XCTest

/// OPML feed lists through libxml2 (OPMLReader): outlines at any depth, attributes as XML defines them,
/// comments and CDATA not read as outlines, entities never expanded, malformed lists an error with a line.
final class OPMLReaderTests: XCTestCase {
    private func urls(_ text: String) throws -> [String] {
        try OPMLReader.outlines(in: Array(text.utf8), url: "subs.opml").map(\.xmlUrl)
    }

    func testAttributesAsXMLReadsThem() throws {
        let opml = """
            <opml><body>
            <outline text="xmlUrl is not here" title="a"/>
            <outline xmlUrl="https://a.example/feed?x=1&amp;y=2" text="A"/>
            <outline text='B' xmlUrl = 'https://b.example/&#x66;eed' />
            <outline type="rss" htmlUrl="https://c.example/" text="no feed URL"/>
            <outline
               xmlUrl="https://d.example/rss"/>
            <outline XMLURL="https://e.example/" text="attribute names are case-sensitive"/>
            </body></opml>
            """
        XCTAssertEqual(try urls(opml), ["https://a.example/feed?x=1&y=2", "https://b.example/feed", "https://d.example/rss"])
    }

    func testNestedOutlinesInDocumentOrderWithTheirLines() throws {
        let opml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="2.0"><head><title>Subscriptions</title></head><body>
              <outline text="Security" xmlUrl="https://group.example/">
                <outline text="Vendors">
                  <outline xmlUrl="https://deep.example/feed"/>
                </outline>
                <outline xmlUrl="https://sibling.example/feed"/>
              </outline>
            </body></opml>
            """
        let outlines = try OPMLReader.outlines(in: Array(opml.utf8), url: nil)
        XCTAssertEqual(outlines.map(\.xmlUrl), ["https://group.example/", "https://deep.example/feed", "https://sibling.example/feed"])
        XCTAssertEqual(outlines.map(\.line), [3, 5, 7])
    }

    func testCommentsAndCDATAAreNotOutlines() throws {
        let opml = """
            <opml><body>
            <!-- <outline xmlUrl="https://commented.example/feed"/> -->
            <!--
              <outline text="Old" xmlUrl="https://old.example/feed"/>
            -->
            <outline xmlUrl="https://live.example/feed"/>
            <outline text="note"><![CDATA[<outline xmlUrl="https://cdata.example/feed"/>]]></outline>
            </body></opml>
            """
        XCTAssertEqual(try urls(opml), ["https://live.example/feed"])
    }

    func testEntitiesAreNotExpanded() throws {
        let opml = """
            <!DOCTYPE opml [
              <!ENTITY host "https://injected.example/">
              <!ENTITY secret SYSTEM "file:///etc/hostname">
            ]>
            <opml><head><title>&secret;</title></head><body>
            <outline xmlUrl="&host;feed"/>
            <outline xmlUrl="https://plain.example/?a=1&amp;b=2"/>
            </body></opml>
            """
        let outlines = try OPMLReader.outlines(in: Array(opml.utf8), url: nil)
        XCTAssertEqual(outlines.count, 2)
        XCTAssertEqual(outlines[0].unexpandedEntities, ["host"])
        XCTAssertEqual(outlines[0].xmlUrl, "feed", "the entity's text is left out, not expanded")
        XCTAssertEqual(outlines[1].unexpandedEntities, [])
        XCTAssertEqual(outlines[1].xmlUrl, "https://plain.example/?a=1&b=2")
        // An external entity in an attribute is not well-formed XML: the list is refused, nothing loaded.
        XCTAssertThrowsError(try urls("""
            <!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
            <opml><body><outline xmlUrl="&secret;"/></body></opml>
            """))
    }

    func testMalformedListIsAnErrorWithItsFirstErrorsLine() {
        let opml = """
            <opml><body>
            <outline xmlUrl="https://a.example/feed"/>
            <outline xmlUrl="https://b.example/feed">
            </body></opml>
            """
        XCTAssertThrowsError(try urls(opml)) { error in
            guard let error = error as? OPMLError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.line, 4, error.message)
            XCTAssertTrue(error.message.contains("mismatch"), error.message)
        }
        XCTAssertThrowsError(try urls("<opml><body><outline xmlUrl=\"&undefined;\"/></body></opml>")) { error in
            XCTAssertEqual((error as? OPMLError)?.line, 1)
        }
    }
}
