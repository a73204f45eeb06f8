import CSCore
import CSFeed
import Foundation
import XCTest

/// The feed's part of `uid`: what the document says about itself (self link, home page, title), then
/// where it came from (URL, file path). Two feeds whose items share guids must not share uids, and a
/// document fetched from a URL and the same document read from a file must give the same uids.
final class FeedIdentityTests: XCTestCase {
    private func rss(title: String?, link: String?, selfLink: String? = nil, guids: [String] = ["1", "2"]) -> String {
        var doc = #"<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>"#
        if let title { doc += "<title>\(title)</title>" }
        if let link { doc += "<link>\(link)</link>" }
        if let selfLink { doc += #"<atom:link rel="self" href="\#(selfLink)"/>"# }
        for g in guids { doc += "<item><guid isPermaLink=\"false\">\(g)</guid><title>item \(g)</title></item>" }
        return doc + "</channel></rss>"
    }

    private func uids(_ doc: String, source: FeedSource = FeedSource()) -> [String] {
        parseFeed(doc, source: source).records.compactMap { $0.str("uid") }
    }

    func testFeedsFromFilesWithTheSameGuidsGetDifferentUids() {
        let a = uids(rss(title: "Vendor A advisories", link: "https://a.example/"))
        let b = uids(rss(title: "Vendor B advisories", link: "https://b.example/"))
        XCTAssertEqual(a.count, 2)
        XCTAssertEqual(Set(a + b).count, 4, "items with the same guids in two feeds collided")
    }

    func testTheOrderOfIdentity() {
        XCTAssertEqual(uids(rss(title: "T", link: "https://h.example/", selfLink: "https://h.example/feed.xml"))[0],
                       recordUID(feedURL: "https://h.example/feed.xml", id: "1"), "the self link comes first")
        XCTAssertEqual(uids(rss(title: "T", link: "https://h.example/"))[0],
                       recordUID(feedURL: "https://h.example/", id: "1"), "then the home page")
        XCTAssertEqual(uids(rss(title: " T ", link: nil))[0], recordUID(feedURL: "T", id: "1"), "then the title")
        XCTAssertEqual(uids(rss(title: nil, link: nil), source: FeedSource(url: "https://h.example/f.xml"))[0],
                       recordUID(feedURL: "https://h.example/f.xml", id: "1"), "then the document's URL")
        XCTAssertEqual(uids(rss(title: nil, link: nil), source: FeedSource(path: "feeds/f.xml"))[0],
                       recordUID(feedURL: "feeds/f.xml", id: "1"), "then the file's path")
    }

    /// cs-fetch passes the URL it fetched; cs-normalize a file passes its path. The same document gives
    /// the same uids either way whenever it names itself in any way.
    func testFetchedAndReadFromAFileGiveTheSameUids() {
        let fetched = FeedSource(url: "https://h.example/feed.xml", fetchedAt: "2026-01-01T00:00:00Z")
        let file = FeedSource(path: "saved/feed.xml")
        for doc in [rss(title: "T", link: "https://h.example/", selfLink: "https://h.example/feed.xml"),
                    rss(title: "T", link: "https://h.example/"),
                    rss(title: "T", link: nil)] {
            XCTAssertEqual(uids(doc, source: fetched), uids(doc, source: file), doc)
        }
        let atom = #"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><link href="https://h.example/"/>"#
            + "<entry><id>urn:x:1</id><title>one</title><updated>2026-01-01T00:00:00Z</updated></entry></feed>"
        XCTAssertEqual(uids(atom, source: fetched), [recordUID(feedURL: "https://h.example/", id: "urn:x:1")])
        XCTAssertEqual(uids(atom, source: file), uids(atom, source: fetched))
        let json = #"{"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"https://h.example/","items":[{"id":"1"}]}"#
        XCTAssertEqual(uids(json, source: fetched), [recordUID(feedURL: "https://h.example/", id: "1")])
        XCTAssertEqual(uids(json, source: file), uids(json, source: fetched))
    }
}
