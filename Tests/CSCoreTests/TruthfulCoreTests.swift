#if canImport(Glibc)
import Glibc
#endif
import XCTest
@testable import CSCore

/// Dead-letter writes, errno codes, escaped diagnostics and the record check (CSCore's part of
/// "Nothing lost, nothing claimed falsely").
final class TruthfulCoreTests: XCTestCase {
    func testDeadLetterWriteToAFullDiskIsCountedNotKept() throws {
        let deadLetter = try DeadLetter(path: "/dev/full")
        XCTAssertFalse(deadLetter.keep("a line"))
        XCTAssertFalse(deadLetter.keep(.url("https://x.example/f"), stage: "t", at: Position(input: "https://x.example/f"),
                                       code: .notFound, reason: "HTTP 404"))
        XCTAssertEqual(deadLetter.kept, 0)
        XCTAssertEqual(deadLetter.notKept, 2)
        XCTAssertEqual(deadLetter.writeError, ENOSPC)
    }

    func testDeadLetterKeepsLinesVerbatimAndEntriesAsJSON() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dead-\(UUID().uuidString).ndjson").path
        defer { unlink(path) }
        let deadLetter = try DeadLetter(path: path)
        XCTAssertTrue(deadLetter.keep("not json"))
        let record = #"{"schema":"cs.advisory/1","id":"r"}"#
        var bytes = Array(record.utf8)
        XCTAssertTrue(bytes.withUnsafeMutableBufferPointer {
            deadLetter.keep(.record(UnsafeBufferPointer($0)), stage: "cs-sink", at: Position(input: "in.ndjson", line: 3),
                            code: .unavailable, reason: "not delivered: HTTP 500", id: "r")
        })
        XCTAssertTrue(deadLetter.keep(.path("feed.xml"), stage: "cs-normalize", at: Position(input: "feed.xml"),
                                      code: .invalidArgument, reason: "no feed \u{1B}"))
        XCTAssertEqual(deadLetter.kept, 3)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(lines[0], "not json")
        let sink = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        XCTAssertEqual(sink["dead_letter"] as? String, "cs/1")
        XCTAssertEqual(sink["stage"] as? String, "cs-sink")
        XCTAssertEqual(sink["input"] as? String, "in.ndjson")
        XCTAssertEqual(sink["line"] as? Int, 3)
        XCTAssertEqual(sink["code"] as? String, "UNAVAILABLE")
        XCTAssertEqual(sink["reason"] as? String, "not delivered: HTTP 500")
        XCTAssertEqual(sink["id"] as? String, "r")
        XCTAssertEqual((sink["record"] as? [String: Any])?["id"] as? String, "r")
        XCTAssertTrue(lines[1].hasSuffix(#","record":"# + record + "}"), "the record is embedded as it came")
        let normalize = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        XCTAssertEqual(normalize["path"] as? String, "feed.xml")
        XCTAssertEqual(normalize["reason"] as? String, "no feed \u{1B}")
    }

    func testRejectionWithoutALineKeepsWhatItCan() {
        func item(_ p: Position) -> String {
            switch Stage.item(at: p) {
            case .url(let u): "url \(u)"
            case .path(let p): "path \(p)"
            case .position: "position"
            case .line, .record: "copy"
            }
        }
        XCTAssertEqual(item(Position(input: "https://a.example/feed")), "url https://a.example/feed")
        XCTAssertEqual(item(Position(input: "feed.xml")), "path feed.xml")
        XCTAssertEqual(item(Position(input: "big.ndjson", line: 7)), "position")
        XCTAssertEqual(item(Position(input: "-")), "position")
    }

    func testErrnoStatusCodes() {
        XCTAssertEqual(StatusCode(errno: ENOENT), .notFound)
        XCTAssertEqual(StatusCode(errno: ENOTDIR), .notFound)
        XCTAssertEqual(StatusCode(errno: EACCES), .permissionDenied)
        XCTAssertEqual(StatusCode(errno: EROFS), .permissionDenied)
        XCTAssertEqual(StatusCode(errno: ENOSPC), .resourceExhausted)
        XCTAssertEqual(StatusCode(errno: EIO), .dataLoss)
        XCTAssertEqual(StatusCode(errno: EISDIR), .invalidArgument)
    }

    func testVisibleEscapesControlsAndBidi() {
        XCTAssertEqual(DiagnosticEscape.visible("plain text, ünïcödé"), "plain text, ünïcödé")
        XCTAssertEqual(DiagnosticEscape.visible("a\u{1B}]0;t\u{07}\r\n\t\u{7F}"), #"a\x1b]0;t\x07\x0d\x0a\x09\x7f"#)
        XCTAssertEqual(DiagnosticEscape.visible("\u{9B}2K\u{85}"), #"\u{9b}2K\u{85}"#)
        XCTAssertEqual(DiagnosticEscape.visible("x\u{202E}y\u{2066}z\u{200F}"), #"x\u{202e}y\u{2066}z\u{200f}"#)
    }

    func testJSONEscapeKeepsJSONValidAndMeaningTheSame() throws {
        let o = JSON.object()
        let message = "é\u{7F}\u{9B}\u{202E}\u{1B}ok"
        o.set("message", .string(message))
        let escaped = DiagnosticEscape.json(o.serialized())
        let text = String(decoding: escaped, as: UTF8.self)
        XCTAssertEqual(text, #"{"message":"é\u007F\u009B\u202E\u001Bok"}"#)
        let back = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(escaped)) as? [String: Any])
        XCTAssertEqual(back["message"] as? String, message)
    }

    func testRecordCheck() throws {
        let scanner = RecordScanner()
        func problem(_ line: String, complete: Bool = false) throws -> String? {
            var bytes = Array(line.utf8)
            return try bytes.withUnsafeMutableBufferPointer { buf in
                try scanner.scan(UnsafeBufferPointer(buf))
                return complete ? AdvisoryCheck.fieldProblem(in: scanner, complete: true) : AdvisoryCheck.problem(in: scanner)
            }
        }
        XCTAssertNil(try problem(#"{"schema":"cs.advisory/1","id":"a","tags":["x","y"],"severity":null,"x-other":5}"#))
        XCTAssertNil(try problem(#"{"schema":"cs.advisory/1","id":"a","severity":"critical","tags":[],"exploited":true}"#))
        XCTAssertEqual(try problem(#"{"schema":"cs.advisory/1","title":"t"}"#), #"invalid cs.advisory/1 record: missing field "id""#)
        XCTAssertEqual(try problem(#"{"schema":"cs.advisory/1","id":7}"#), #"invalid cs.advisory/1 record: field "id" is not a string"#)
        XCTAssertEqual(try problem(#"{"schema":"cs.advisory/1","id":"a","tags":"x"}"#), #"invalid cs.advisory/1 record: field "tags" is not an array of strings"#)
        XCTAssertEqual(try problem(#"{"schema":"cs.advisory/1","id":"a","tags":["x",1]}"#), #"invalid cs.advisory/1 record: field "tags" is not an array of strings"#)
        for severity in ["42", #""urgent""#, #""High""#, #""lov""#, "true"] {
            XCTAssertEqual(try problem(#"{"schema":"cs.advisory/1","id":"a","severity":"# + severity + "}"),
                           #"invalid cs.advisory/1 record: field "severity" is not one of info, low, medium, high, critical or null"#, severity)
        }
        XCTAssertEqual(try problem(#"{"schema":"cs.advisory/1","id":"a","\u0074ags":"x"}"#), #"invalid cs.advisory/1 record: field "tags" is not an array of strings"#,
                       "an escaped member name is the same name")
        XCTAssertEqual(try problem(#"{"schema":"cs.advisory/1","id":"a"}"#, complete: true), #"missing field "uid""#)
    }
}
