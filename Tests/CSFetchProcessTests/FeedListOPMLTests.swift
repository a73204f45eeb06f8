import Foundation
import XCTest

/// `--feeds` OPML lists are read as XML (libxml2): what a comment hides is not fetched, nested outlines
/// are, entities are not expanded into URLs, and a malformed list is refused with its file and line.
final class FeedListOPMLTests: FetchTestCase {
    private func fetchCount(_ name: String) throws -> Int {
        Int(try server.control("/control/count?key=/files/\(name)")) ?? -1
    }

    func testCommentedOutOutlinesAreNotFetchedNestedOnesAre() throws {
        let dir = try temporaryDirectory()
        let live = try server.writeFeed("\(key)-live.json", items: [("l", "Live")])
        let nested = try server.writeFeed("\(key)-nested.json", items: [("n", "Nested")])
        let retired = try server.writeFeed("\(key)-retired.json", items: [("r", "Retired")])
        let opml = dir.appendingPathComponent("subs.opml")
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="2.0"><body>
              <outline text="Live" xmlUrl="\(live)"/>
              <!-- retired:
              <outline text="Retired" xmlUrl="\(retired)"/>
              -->
              <outline text="Group"><outline text="Inner"><outline text="Nested" xmlUrl="\(nested)"/></outline></outline>
            </body></opml>
            """.write(to: opml, atomically: true, encoding: .utf8)
        let run = try CSFetchRun.run(["--feeds", opml.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles.sorted(), ["Live", "Nested"])
        XCTAssertEqual(try fetchCount("\(key)-retired.json"), 0, "a commented-out outline is not fetched")
        XCTAssertEqual(try fetchCount("\(key)-live.json"), 1)
    }

    func testEntitiesAreNotExpandedIntoURLs() throws {
        let dir = try temporaryDirectory()
        let hidden = try server.writeFeed("\(key)-hidden.json", items: [("h", "Hidden")])
        let opml = dir.appendingPathComponent("subs.opml")
        try """
            <!DOCTYPE opml [<!ENTITY feed "\(hidden)">]>
            <opml version="2.0"><body>
            <outline text="By entity" xmlUrl="&feed;"/>
            </body></opml>
            """.write(to: opml, atomically: true, encoding: .utf8)
        let run = try CSFetchRun.run(["--log-format", "json", "--feeds", opml.path])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertEqual(run.records.count, 0)
        XCTAssertEqual(try fetchCount("\(key)-hidden.json"), 0, "the entity's URL is not fetched")
        let error = run.diagnostics.first { $0["level"] as? String == "error" }
        XCTAssertEqual(error?["input"] as? String, opml.path)
        XCTAssertEqual(error?["line"] as? Int, 3)
        XCTAssertTrue((error?["message"] as? String ?? "").contains("&feed;"), "\(error ?? [:])")
    }

    func testMalformedOPMLIsAnErrorNamingTheFileAndLine() throws {
        let dir = try temporaryDirectory()
        let first = try server.writeFeed("\(key)-first.json", items: [("f", "First")])
        let opml = dir.appendingPathComponent("broken.opml")
        try """
            <opml version="2.0"><body>
            <outline text="First" xmlUrl="\(first)"/>
            <outline text="Unclosed" xmlUrl="\(first)?again">
            </body></opml>
            """.write(to: opml, atomically: true, encoding: .utf8)
        let run = try CSFetchRun.run(["--feeds", opml.path])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("\(opml.path):4: not a well-formed OPML feed list: "), run.stderr)
        XCTAssertEqual(try fetchCount("\(key)-first.json"), 0, "nothing is fetched from a list that is not well-formed")
    }
}
