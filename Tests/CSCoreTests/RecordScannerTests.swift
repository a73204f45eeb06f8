import XCTest
import CJansson
@testable import CSCore

final class RecordScannerTests: XCTestCase {
    private func scan(_ text: String, _ body: (RecordScanner) throws -> Void = { _ in }) throws {
        let scanner = RecordScanner()
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { buf in
            try scanner.scan(UnsafeBufferPointer(buf))
            try body(scanner)
        }
    }

    private func scanError(_ text: String) -> RecordScanner.ScanError? {
        do { try scan(text); return nil } catch let e as RecordScanner.ScanError { return e } catch { return nil }
    }

    func testReadsTopLevelFields() throws {
        try scan(#"{"schema":"cs.advisory/1","severity":"high","tags":["a","b\u0041"],"n":-1.5e3,"ok":true,"x":null,"o":{"k":[1,{"z":"}"}]}}"#) { s in
            XCTAssertEqual(s.value("schema")?.string, "cs.advisory/1")
            XCTAssertEqual(s.value("severity")?.string, "high")
            XCTAssertEqual(s.value("tags")?.strings, ["a", "bA"])
            XCTAssertEqual(s.value("n")?.number, -1500)
            XCTAssertTrue(s.value("ok")!.isTrue)
            XCTAssertTrue(s.value("x")!.isNull)
            XCTAssertNil(s.value("missing"))
            XCTAssertEqual(s.keys, ["schema", "severity", "tags", "n", "ok", "x", "o"])
            let k = s.value("o")!.member("k")!
            var count = 0
            k.forEachElement { _ in count += 1; return true }
            XCTAssertEqual(count, 2)
        }
    }

    func testDecodesEscapesAndSurrogatePairs() throws {
        try scan(#"{"t":"a\"b\\c\/d\n\u00e9\ud83d\ude00"}"#) { s in
            XCTAssertEqual(s.value("t")?.string, "a\"b\\c/d\né😀")
        }
    }

    func testEscapedKeyIsFound() throws {
        try scan(#"{"sev\u0065rity":"low"}"#) { s in XCTAssertEqual(s.value("severity")?.string, "low") }
    }

    func testLongStringsWithQuotesAcrossWordBoundaries() throws {
        let long = String(repeating: "abcdefg\\\"", count: 100) + "é—"
        try scan("{\"t\":\"\(long)\",\"u\":1}") { s in
            XCTAssertEqual(s.value("u")?.number, 1)
            XCTAssertEqual(s.value("t")?.string?.count, 100 * 8 + 2)
        }
    }

    func testRejectsInvalidJSONWithColumn() {
        XCTAssertEqual(scanError("garbage")?.column, 1)
        XCTAssertEqual(scanError("[1,2]")?.message.hasPrefix("expected a JSON object"), true)
        XCTAssertNotNil(scanError(#"{"a":1"#))                 // truncated
        XCTAssertNotNil(scanError(#"{"a":1,}"#))               // trailing comma
        XCTAssertNotNil(scanError(#"{"a":01}"#))               // leading zero
        XCTAssertNotNil(scanError(#"{"a":tru}"#))
        XCTAssertNotNil(scanError(#"{"a":"\x"}"#))             // bad escape
        XCTAssertNotNil(scanError("{\"a\":\"tab\there\"}"))    // raw control character
        XCTAssertNotNil(scanError(#"{"a":1} x"#))              // trailing garbage
        XCTAssertNotNil(scanError(""))
        XCTAssertEqual(scanError(#"{"a":1,"b":?}"#)?.column, 12)
    }

    func testRejectsInvalidUTF8() {
        let scanner = RecordScanner()
        for bad: [UInt8] in [[0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xE2, 0x82]] {
            var line = Array(#"{"a":""#.utf8) + bad + Array(#""}"#.utf8)
            let rejected = line.withUnsafeMutableBufferPointer { buf -> Bool in
                do { try scanner.scan(UnsafeBufferPointer(buf)); return false } catch { return true }
            }
            XCTAssertTrue(rejected, "\(bad)")
        }
    }

    func testDeepNestingIsBounded() {
        let deep = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        XCTAssertEqual(scanError(deep)?.message.contains("nesting"), true)
    }

    /// The scanner must accept exactly what jansson accepts, on a corpus of small valid and invalid lines.
    func testAgreesWithJansson() {
        let cases = [#"{}"#, #"{"a":[]}"#, #"{"a":[1,2,{"b":null}]}"#, #"{"a":1e5,"b":-0.5,"c":0}"#, #"{"a":"x"} "#,
                     #" {"a":true}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":-}"#, #"{"a" 1}"#, #"{a:1}"#, #"{"a":[1,]}"#,
                     #"{"a":"\u12"}"#, #"{"a":"\uD800"}"#, #"{"a":1e}"#, #"{"a":1E+2}"#, #"{"":""}"#]
        for c in cases {
            let jansson = (try? JSON.parse(c)) != nil
            XCTAssertEqual(scanError(c) == nil, jansson, c)
        }
    }
}
