import XCTest
import CSCore
@testable import CSFilter

/// Found by fuzz-where (Tests/fuzz/corpus/where/crash-deep-*): deeply nested or very long expressions
/// overflowed the stack while being parsed, compiled or evaluated. They now fail with a clear error.
final class WhereLimitsTests: XCTestCase {
    private func compileError(_ expression: String) -> String? {
        var spec = FilterSpec()
        spec.wheres = [expression]
        do { _ = try RecordFilter(spec, now: 0); return nil } catch { return error.message }
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let parens = String(repeating: "(", count: 50_000) + "a" + String(repeating: ")", count: 50_000)
        XCTAssertTrue(compileError(parens)?.contains("nested deeper than 100") ?? false, compileError(parens) ?? "compiled")
        let nots = String(repeating: "not ", count: 20_000) + "a"
        XCTAssertTrue(compileError(nots)?.contains("nested deeper than 100") ?? false)
        // The limit is generous: 100 levels still compile and evaluate.
        let ok = String(repeating: "(", count: 100) + "severity == high" + String(repeating: ")", count: 100)
        XCTAssertNil(compileError(ok))
    }

    func testLongChainsAreAnErrorNotACrash() {
        for op in ["and", "or"] {
            let long = Array(repeating: "a", count: 10_001).joined(separator: " \(op) ")
            XCTAssertTrue(compileError(long)?.contains("more than 1000 'and'/'or'") ?? false, op)
            let ok = Array(repeating: "a", count: 1001).joined(separator: " \(op) ")
            XCTAssertNil(compileError(ok), op)
        }
    }

    func testNestingErrorNamesTheColumn() {
        do {
            _ = try WhereParser.parse(String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200))
            XCTFail("parsed")
        } catch {
            XCTAssertEqual(error.column, 101)
        }
    }
}
