import XCTest
import CSCore
@testable import CSFilter

/// Found by fuzz-where (Tests/fuzz/corpus/where/crash-stacked-plus.txt, an out-of-memory): glibc's
/// regcomp needs exponential time and memory for stacked repetitions such as `a++++++++++++++++++++`
/// (2 GB and minutes). cs-filter now refuses such patterns with a clear error instead.
final class RegexComplexityTests: XCTestCase {
    private func compileError(_ expression: String) -> String? {
        var spec = FilterSpec()
        spec.wheres = [expression]
        do { _ = try RecordFilter(spec, now: 0); return nil } catch { return error.message }
    }

    func testStackedRepetitionsAreRefusedQuickly() {
        for pattern in ["a" + String(repeating: "+", count: 24),
                        String(repeating: "(", count: 24) + "a+" + String(repeating: ")+", count: 24),
                        "((((a*)*)*)*)*", "x{1,2}{1,2}{1,2}{1,2}{1,2}"] {
            let e = compileError("title =~ \"\(pattern)\"")
            XCTAssertTrue(e?.contains("too complex") ?? false, "\(pattern): \(e ?? "compiled")")
        }
        XCTAssertTrue(compileError(#"title =~ "((a{1,255}){1,255}){1,255}""#)?.contains("intervals") ?? false)
    }

    func testOrdinaryPatternsStillCompile() {
        for pattern in ["(?i)pass.*spray", "^CVE-[0-9]{4}-[0-9]{4,}$", "(a|b)*c{2,3}", "[+*?{]+", "\\\\++",
                        "((a+)?b)*", "[[:alpha:]]+[]]*", "x{3,}", "(ab){2}(cd){1,100}", "a{,5}"] {
            let e = compileError("title =~ '\(pattern)'")
            XCTAssertFalse(e?.contains("too complex") ?? false, "\(pattern): \(e ?? "")")
        }
        XCTAssertNil(RegexComplexity.problem(Array("((a+)+)+".utf8)))
        XCTAssertNotNil(RegexComplexity.problem(Array("((((a+)+)+)+)+".utf8)))
    }
}
