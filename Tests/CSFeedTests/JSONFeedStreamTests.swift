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

    /// The same bytes handed over a few at a time, as from a pipe (no survey possible).
    func streamed(_ bytes: [UInt8], chunk: Int) -> ParseResult {
        var result = ParseResult()
        let outcome: Result<Void, FeedError> = bytes.withUnsafeBytes { b in
            Result { () throws(FeedError) in
                try FeedParser.parseJSONFeedStream(b, chunk: chunk, source: FeedSource(), report: { result.issues.append($0) },
                                                   emit: { result.records.append($0.json) })
            }
        }
        if case .failure(let error) = outcome { result.error = error }
        return result
    }

    func testChunkedReadingMatchesTheWholeDocument() throws {
        var doc: [UInt8] = [0xEF, 0xBB, 0xBF]
        doc += Array(#"{"authors":[{"name":"Ann"}],"items":[{"id":"1","title":"caf\u00e9 \"q\" \\ é😀 "#.utf8) + [0xE9, 0xF0, 0x9F]
        doc += Array(#"","n":[1.5e3,-0,{"a":[true,null]}]},"x",{"id":2}],"title":"T","version":"https://jsonfeed.org/version/1"}"#.utf8)
        let whole = parseFeed(doc)
        XCTAssertEqual(whole.records.count, 2)
        XCTAssertTrue(whole.issues.contains { $0.message == "3 invalid UTF-8 bytes replaced by U+FFFD" })
        for chunk in [1, 2, 3, 5, 64] {
            let s = streamed(doc, chunk: chunk)
            XCTAssertEqual(s.records.map(\.text), whole.records.map(\.text), "chunk \(chunk)")
            XCTAssertEqual(s.issues.filter { $0.level == .error }.map(\.item), [2], "chunk \(chunk)")
            XCTAssertTrue(s.issues.contains { $0.message == "3 invalid UTF-8 bytes replaced by U+FFFD" }, "chunk \(chunk)")
        }
        // Cut anywhere, the pieces read as the whole cut document does.
        for cut in stride(from: 10, to: doc.count, by: 7) {
            let piece = Array(doc.prefix(cut))
            let w = parseFeed(piece), s = streamed(piece, chunk: 3)
            XCTAssertEqual(s.records.map(\.text), w.records.map(\.text), "cut at \(cut)")
            XCTAssertEqual(s.error?.code, w.error?.code, "cut at \(cut)")
        }
    }

    func testAPipeWarnsWhenFeedLevelMembersFollowStreamedItems() throws {
        let doc = Array(#"{"version":"1.1","items":[{"id":"a"}],"items":[{"id":"b"}],"title":"late"}"#.utf8)
        XCTAssertEqual(parseFeed(doc).records.map { $0.str("id") }, ["b"])
        let s = streamed(doc, chunk: 4)
        XCTAssertEqual(s.records.map { $0.str("id") }, ["a", "b"])
        XCTAssertEqual(s.records.last?.path("source", "feed_title")?.kind, .null)
        XCTAssertTrue(s.issues.contains { $0.message.contains("more than one \"items\"") })
        XCTAssertTrue(s.issues.contains { $0.message.contains("feed-level \"title\" after \"items\"") })
    }
}
