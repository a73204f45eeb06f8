import Foundation
import XCTest

/// `--feeds` lists name local files the way the command line does: by path, a relative one taken
/// from the list's own directory (the tests run elsewhere, so the working directory would not do).
final class FeedListPathTests: FetchTestCase {
    private func writeFeed(_ url: URL, title: String) throws {
        try Data(#"{"version":"https://jsonfeed.org/version/1.1","title":"L","items":[{"id":"1","title":"\#(title)"}]}"#.utf8).write(to: url)
    }

    func testListedPathsRelativeToTheListAbsoluteAndMissing() throws {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lists/feeds"), withIntermediateDirectories: true)
        try writeFeed(dir.appendingPathComponent("lists/feeds/near.json"), title: "Next to the list")
        try writeFeed(dir.appendingPathComponent("far.json"), title: "By absolute path")
        let url = try server.writeFeed("\(key).json", items: [("u", "By URL")])
        let list = dir.appendingPathComponent("lists/feeds.txt")
        try """
            feeds/near.json   # relative: from the list's directory
            \(dir.appendingPathComponent("far.json").path)
            \(url)
            feeds/missing.json
            """.write(to: list, atomically: true, encoding: .utf8)
        let run = try CSFetchRun.run(["--log-format", "json", "--feeds", list.path])
        XCTAssertEqual(run.titles.sorted(), ["By URL", "By absolute path", "Next to the list"], run.stderr)
        let missing = run.diagnostics.first { $0["level"] as? String == "error" }
        XCTAssertEqual(missing?["input"] as? String, list.path)
        XCTAssertEqual(missing?["line"] as? Int, 4)
        XCTAssertEqual(missing?["code"] as? String, "NOT_FOUND")
        XCTAssertTrue((missing?["message"] as? String ?? "").contains("feeds/missing.json"), "\(missing ?? [:])")
        XCTAssertEqual(run.status, 2)

        // The same file by list and by argument is the same feed: the same uid.
        let direct = try CSFetchRun.run([dir.appendingPathComponent("lists/feeds/near.json").path])
        let listed = run.records.first { $0["title"] as? String == "Next to the list" }
        XCTAssertEqual(listed?["uid"] as? String, direct.records.first?["uid"] as? String)
    }

    func testOPMLOutlinesMayNamePaths() throws {
        let dir = try temporaryDirectory()
        try writeFeed(dir.appendingPathComponent("local.json"), title: "From an OPML path")
        let opml = dir.appendingPathComponent("subs.opml")
        try #"<opml version="2.0"><body><outline text="L" xmlUrl="local.json"/></body></opml>"#.write(to: opml, atomically: true, encoding: .utf8)
        let run = try CSFetchRun.run(["--feeds", opml.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["From an OPML path"])
    }
}
