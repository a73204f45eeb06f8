import XCTest
import CSCore
@testable import CSFilter

/// Found by fuzz-where (Tests/fuzz/corpus/where/crash-stacked-plus.txt, an out-of-memory): glibc's
/// regcomp needed exponential time and memory for stacked repetitions such as `a++++++++++++++++++++`
/// (2 GB and minutes), so cs-filter refused them. Its own engine compiles them to a few instructions;
/// what is bounded now is the expansion of `{m,n}` (each copy is compiled), so nested large intervals
/// are refused as too complex.
final class RegexLimitsTests: XCTestCase {
    private func compileError(_ expression: String) -> String? {
        var spec = FilterSpec()
        spec.wheres = [expression]
        do { _ = try RecordFilter(spec, now: 0); return nil } catch { return error.message }
    }

    func testStackedRepetitionsCompileSmall() throws {
        for pattern in ["a" + String(repeating: "+", count: 24),
                        String(repeating: "(", count: 24) + "a+" + String(repeating: ")+", count: 24),
                        "((((a*)*)*)*)*", "x{1,2}{1,2}{1,2}{1,2}{1,2}"] {
            XCTAssertNil(compileError("title =~ \"\(pattern)\""), pattern)
            let program = try RegexProgram(RegexParser.parse(Array(pattern.utf8), caseInsensitive: true))
            XCTAssertLessThan(program.instructions.count, 200, pattern)
        }
    }

    func testNestedIntervalsAreRefused() {
        let e = compileError(#"title =~ "((a{1,255}){1,255}){1,255}""#)
        XCTAssertTrue(e?.contains("too complex") ?? false, e ?? "compiled")
        XCTAssertTrue(e?.contains("at column 10") ?? false, "the error points at the pattern: \(e ?? "")")
    }

    func testOrdinaryPatternsStillCompile() {
        for pattern in ["pass.*spray", "^CVE-[0-9]{4}-[0-9]{4,}$", "(a|b)*c{2,3}", "[+*?{]+", "\\\\++",
                        "((a+)?b)*", "[[:alpha:]]+[]]*", "x{3,}", "(ab){2}(cd){1,100}", "a{,5}", "[0-9]{1,1000}"] {
            XCTAssertNil(compileError("title =~ '\(pattern)'"), pattern)
        }
    }
}
