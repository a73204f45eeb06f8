import CSCore
import XCTest
import CSFeed

/// The JSON Feed reader takes the document apart piece by piece instead of parsing it whole: layouts,
/// repeated members and broken documents must still come out as jansson would have read them.
final class JSONFeedStreamTests: XCTestCase {
    static let v11 = "https://jsonfeed.org/version/1.1"

    func testFeedLevelMembersAfterItemsCountAsBefore() throws {
        let items = #"[{"id":"a","url":"/a"},{"id":"b"}]"#
        let head = #""version":"\#(Self.v11)","title":"T","feed_url":"https://f.example/feed.json","authors":[{"name":"Ann"}]"#
        let specOrder = parseFeed("{\(head),\"items\":\(items)}")
        let sortedKeys = parseFeed(#"{"authors":[{"name":"Ann"}],"feed_url":"https://f.example/feed.json","items":\#(items),"title":"T","version":"\#(Self.v11)"}"#)
        XCTAssertEqual(specOrder.records.count, 2)
        XCTAssertEqual(sortedKeys.records.map(\.text), specOrder.records.map(\.text))
        let r = try XCTUnwrap(sortedKeys.records.first)
        XCTAssertEqual(r.str("uid"), recordUID(feedURL: "https://f.example/feed.json", id: "a"))
        XCTAssertEqual(r.str("url"), "https://f.example/a")
        XCTAssertEqual(r.path("source", "feed_title")?.stringValue, "T")
        XCTAssertEqual(r["authors"]?.text, #"[{"name":"Ann","email":null,"url":null}]"#)
    }

    func testRepeatedMembersKeepTheLastValueAsJanssonDoes() throws {
        let doc = #"{"version":"\#(Self.v11)","title":"first","items":[{"id":"old"}],"#
            + #""items":[{"id":"a","title":"one","tags":["x"],"ext":1,"title":"two","tags":["y"],"ext":2}],"title":"last"}"#
        let result = parseFeed(doc)
        let r = try XCTUnwrap(result.only, "only the last items array counts")
        XCTAssertEqual(r.str("id"), "a")
        XCTAssertEqual(r.str("title"), "two")
        XCTAssertEqual(r.strs("tags"), ["y"])
        XCTAssertEqual(r["extensions"]?.text, #"{"ext":2}"#)
        XCTAssertEqual(r.path("source", "feed_title")?.stringValue, "last")
    }

    func testItemsBeforeABreakAreEmittedAndTheBreakIsReported() throws {
        let doc = #"{"version":"\#(Self.v11)","title":"T","items":[{"id":"a"},{"id":"b"},"# + "\n" + #"{"id":"c" "title":"x"},{"id":"d"}]}"#
        let result = parseFeed(doc)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.records.map { $0.str("id") }, ["a", "b"])
        let issue = try XCTUnwrap(result.issues.first { $0.level == .error })
        XCTAssertEqual(issue.code, .dataLoss)
        XCTAssertTrue(issue.message.contains("line 2, column 11"), issue.message)
        XCTAssertTrue(issue.message.contains("2 items before it emitted"), issue.message)
    }

    func testTruncatedDocumentEmitsTheCompleteItems() throws {
        let full = #"{"version":"\#(Self.v11)","title":"T","items":[{"id":"a","title":"A"},{"id":"b","title":"B"}]}"#
        for (cut, complete) in [(1, ["a", "b"]), (3, ["a"]), (12, ["a"])] {
            let result = parseFeed(String(full.dropLast(cut)))
            XCTAssertEqual(result.records.map { $0.str("id") }, complete, "cut \(cut) from the end")
            let issue = try XCTUnwrap(result.issues.first { $0.level == .error }, "cut at \(cut)")
            XCTAssertEqual(issue.code, .dataLoss)
            XCTAssertTrue(issue.message.contains("line 1, column"), issue.message)
        }
    }

    func testBreakBeforeAnyItemIsAnError() throws {
        let result = parseFeed(#"{"version":"\#(Self.v11)","title":"T" "items":[{"id":"a"}]}"#)
        XCTAssertEqual(result.records.count, 0)
        XCTAssertEqual(result.error?.code, .invalidArgument)
        XCTAssertTrue(result.error?.message.contains("line 1, column 59") ?? false, result.error?.message ?? "")
    }

    func testHostileValuesGiveAClearErrorNotACrash() throws {
        let head = #"{"version":"\#(Self.v11)","title":"T","items":[{"id":"ok"},"#
        let cases: [(String, String)] = [
            (String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000), "nesting"),
            (#"{"id":"n","n":1e400}"#, "out of range"),
            (#"{"id":"n","n":123456789012345678901234567890}"#, "64-bit"),
            (#"{"id":"s","s":"\ud800"}"#, "surrogate"),
        ]
        for (item, expected) in cases {
            let result = parseFeed(head + item + "]}")
            XCTAssertEqual(result.records.map { $0.str("id") }, ["ok"], expected)
            let issue = try XCTUnwrap(result.issues.first { $0.level == .error }, expected)
            XCTAssertTrue(issue.message.contains(expected), issue.message)
        }
        let huge = String(repeating: "x", count: 8 << 20)
        let big = parseFeed(head + #"{"id":"big","title":"\#(huge)"}]}"#)
        XCTAssertEqual(big.records.last?.str("title")?.count, huge.count)
    }

    func testItemsThatAreNotObjectsAreSkippedInOrder() throws {
        let result = parseFeed(#"{"version":"\#(Self.v11)","items":[{"id":"a"},[1],"x",{"id":"b"}]}"#)
        XCTAssertEqual(result.records.map { $0.str("id") }, ["a", "b"])
        XCTAssertEqual(result.issues.filter { $0.level == .error }.map(\.item), [2, 3])
    }

    func testDocumentLevelProblems() throws {
        XCTAssertEqual(parseFeed(#"{"version":"\#(Self.v11)","items":{}}"#).error?.message, #"JSON Feed "items" is not an array"#)
        let noItems = parseFeed(#"{"version":"\#(Self.v11)","title":"empty"}"#)
        XCTAssertNil(noItems.error)
        XCTAssertEqual(noItems.records.count, 0)
        let noVersion = parseFeed(#"{"items":[{"id":"a"}]}"#)
        XCTAssertEqual(noVersion.only?.path("source", "format")?.stringValue, "json-feed-1.1")
        XCTAssertTrue(noVersion.issues.contains { $0.message.contains("without a jsonfeed.org") })
        let trailing = parseFeed(#"{"version":"\#(Self.v11)","items":[{"id":"a"}]} {"#)
        XCTAssertEqual(trailing.records.count, 1)
        XCTAssertTrue(trailing.issues.contains { $0.level == .error && $0.message.contains("after the JSON Feed object") })
    }

    func testByteOrderMarkAndInvalidUTF8InMemberNames() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array(#"{"version":"\#(Self.v11)","items":[{"id":"a","x"#.utf8) + [0xFF] + Array(#"":1}]}"#.utf8)
        let result = parseFeed(bytes)
        XCTAssertEqual(result.only?["extensions"]?.text, "{\"x\u{FFFD}\":1}")
        XCTAssertTrue(result.issues.contains { $0.code == .dataLoss && $0.message.contains("1 invalid UTF-8 byte") })
    }
}
