import XCTest
import CSCore

/// Found by fuzz-scanner (Tests/fuzz/corpus/scanner/big-*.json): numbers jansson refuses to load
/// (integers beyond 64 bits, reals that overflow a double) passed RecordScanner, so cs-filter let through
/// lines that cs-enrich's and cs-sink's jansson paths then rejected. The two must agree.
final class RecordScannerNumberRangeTests: XCTestCase {
    private func accepts(_ text: String) -> Bool {
        let scanner = RecordScanner()
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buf in
            (try? scanner.scan(UnsafeBufferPointer(buf))) != nil
        }
    }

    private func janssonAccepts(_ text: String) -> Bool { (try? JSON.parse(text)) != nil }

    func testAgreesWithJanssonOnNumberRange() {
        let cases: [(String, Bool)] = [
            (#"{"n":9223372036854775807}"#, true),
            (#"{"n":-9223372036854775808}"#, true),
            (#"{"n":9223372036854775808}"#, false),
            (#"{"n":-9223372036854775809}"#, false),
            (#"{"n":123456789012345678901234567890}"#, false),
            (#"{"n":1e400}"#, false),
            (#"{"n":-1.5e309}"#, false),
            (#"{"n":1e-400}"#, true),
            (#"{"n":1.7976931348623157e308}"#, true),
            (#"{"n":0.000000000000000000000000000001}"#, true),
            (#"{"n":12345678901234567890.5}"#, true),
        ]
        for (text, ok) in cases {
            XCTAssertEqual(janssonAccepts(text), ok, "jansson on \(text)")
            XCTAssertEqual(accepts(text), ok, "RecordScanner on \(text)")
        }
    }

    func testRangeErrorPointsAtTheNumber() {
        let scanner = RecordScanner()
        var bytes = Array(#"{"a":1,"n":99999999999999999999}"#.utf8)
        let caught = bytes.withUnsafeMutableBufferPointer { buf -> RecordScanner.ScanError? in
            do throws(RecordScanner.ScanError) { try scanner.scan(UnsafeBufferPointer(buf)); return nil } catch { return error }
        }
        XCTAssertEqual(caught?.column, 12)
        XCTAssertTrue(caught?.message.contains("64-bit") ?? false, caught?.message ?? "accepted")
    }
}

/// Also found by fuzz-scanner (Tests/fuzz/corpus/scanner/key-escape.json): jansson rejects a member name
/// containing NUL (\u0000) at any depth; RecordScanner accepted it.
final class RecordScannerNULKeyTests: XCTestCase {
    func testRejectsNULInMemberNamesLikeJansson() {
        let scanner = RecordScanner()
        for (text, ok) in [(#"{"a\u0000":1}"#, false), (#"{"o":{"\u0000":1}}"#, false),
                           (#"{"a":"b\u0000c"}"#, true), (#"{"a\\u0000":1}"#, true)] {
            var bytes = Array(text.utf8)
            let accepted = bytes.withUnsafeMutableBufferPointer { buf in (try? scanner.scan(UnsafeBufferPointer(buf))) != nil }
            XCTAssertEqual(accepted, ok, "RecordScanner on \(text)")
            XCTAssertEqual((try? JSON.parse(text)) != nil, ok, "jansson on \(text)")
        }
    }
}
