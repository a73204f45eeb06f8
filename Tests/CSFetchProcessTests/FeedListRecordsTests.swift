import CSTestSupport
import Foundation
import XCTest

/// Feed lists as `cs worker` hands them to cs-fetch: `-` reads the list from stdin, and a line may be a
/// JSON object with a `url` member (the record of a stream of feeds) beside plain URL lines.
final class FeedListRecordsTests: FetchTestCase {
    func testStdinListOfURLRecordsAndPlainLines() throws {
        let dir = try temporaryDirectory()
        let deadLetter = dir.appendingPathComponent("dead.ndjson").path
        let first = try server.writeFeed("\(key)-1.json", items: [("1", "From a record")])
        let second = try server.writeFeed("\(key)-2.json", items: [("2", "From a plain line")])
        let third = try server.writeFeed("\(key)-3.json", items: [("3", "A URL with a fragment")])
        let bad = [#"{"title": "no url here"}"#, #"{"url": "feeds/relative.json"}"#, #"{"url": "https://a.example/"#]
        let list = [#"{"url": "\#(first)"}"#, second, #"{"url": "\#(first)", "group": "again"}"#, #"  {"url": "\#(third)#top"}"#] + bad
        let run = try ToolRunner.run("cs-fetch", ["--no-progress", "--log-format", "json", "--dead-letter", deadLetter, "-"],
                                     stdin: Data((list.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(run.status, 2, run.stderr)
        let titles = run.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["title"] as? String }
        XCTAssertEqual(titles.sorted(), ["A URL with a fragment", "From a plain line", "From a record"], "each feed once; '#' in a record is no comment")
        let errors = run.stderr.split(separator: "\n").filter { $0.contains(#""level":"error""#) }
        XCTAssertEqual(errors.count, 3, run.stderr)
        for (n, line) in errors.enumerated() { XCTAssertTrue(line.contains(#""line":\#(n + 5)"#), "\(line)") }
        let kept = try String(contentsOfFile: deadLetter, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(kept, bad, "rejected lines are kept verbatim")
        XCTAssertEqual(try server.control("/control/count?key=/files/\(key)-1.json"), "1")
    }

    func testStdinTwiceIsAUsageError() throws {
        let run = try ToolRunner.run("cs-fetch", ["-", "--feeds", "-"])
        XCTAssertEqual(run.status, 64, run.stderr)
    }
}
