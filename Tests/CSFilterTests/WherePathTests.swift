import XCTest
import CSCore
@testable import CSFilter

/// Found by fuzz-where (Tests/fuzz/corpus/where/crash-dot-combining-mark.txt): `--where` with a path of
/// "." followed by a combining mark (U+0319) passed the field-name check, which split on Characters, and
/// then trapped in the compiler. It is now an error naming the path.
final class WherePathTests: XCTestCase {
    func testDotWithCombiningMarkIsNotAFieldName() {
        for expression in [".\u{319}", "a.\u{301}.", ".\u{319} == x", "title and .\u{300}"] {
            var spec = FilterSpec()
            spec.wheres = [expression]
            do {
                _ = try RecordFilter(spec, now: 0)
                XCTFail("compiled: \(expression)")
            } catch {
                XCTAssertTrue(error.message.contains("is not a field name"), error.message)
            }
        }
    }

    func testNonASCIIFieldNamesStillWork() throws {
        var spec = FilterSpec()
        spec.wheres = ["extensions.caf\u{e9} == oui"]
        let filter = try RecordFilter(spec, now: 0)
        let scanner = RecordScanner()
        var line = Array(#"{"extensions":{"café":"oui"}}"#.utf8)
        let matched = line.withUnsafeMutableBufferPointer { buf -> Bool in
            (try? scanner.scan(UnsafeBufferPointer(buf))) != nil && filter.matches(scanner)
        }
        XCTAssertTrue(matched)
    }
}
