import Foundation
import XCTest

/// cs-fetch parses with the URL the document finally came from (after redirects) as the base for
/// relative links, as RFC 3986 section 5.1.3 says.
final class FetchBaseURLTests: FetchTestCase {
    func testRelativeLinksResolveAgainstTheFinalURL() throws {
        let rss = """
            <rss version="2.0"><channel><title>R</title>
            <item><title>Rel</title><link>../posts/1</link><guid isPermaLink="false">r1</guid>
            <enclosure url="media/a.mp3" type="audio/mpeg"/></item></channel></rss>
            """
        try Data(rss.utf8).write(to: server.root.appendingPathComponent("\(key).xml"))
        let run = try CSFetchRun.run(["--log-format", "json", server.url("/redirect/\(key).xml")])
        XCTAssertEqual(run.status, 0, run.stderr)
        let record = try XCTUnwrap(run.records.first, run.stderr)
        XCTAssertEqual(record["url"] as? String, server.url("/posts/1"))
        let enclosure = (record["extensions"] as? [String: Any])?["enclosure"] as? [String: Any]
        XCTAssertEqual(enclosure?["@url"] as? String, server.url("/files/media/a.mp3"))
    }
}
