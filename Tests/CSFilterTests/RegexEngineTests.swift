import XCTest
import CSCore
@testable import CSFilter

/// The linear-time engine behind `--grep` and `--where =~`: the inputs that made glibc's regexec take
/// seconds to minutes, what the syntax accepts and refuses, and stopping on request.
final class RegexEngineTests: XCTestCase {
    private func matches(_ pattern: String, _ text: String, caseInsensitive: Bool = true) throws -> Bool {
        var bytes = Array(text.utf8)
        return try LinearRegex(pattern, caseInsensitive: caseInsensitive).matches(&bytes)
    }

    private func compileError(_ pattern: String) -> String? {
        do { _ = try LinearRegex(pattern, caseInsensitive: true); return nil } catch { return error.message }
    }

    /// glibc took 9.6 s on `ransomware.*lateral` over a 570 KB content_text.
    func testLongTextWithManyPartialMatches() throws {
        let body = String(repeating: "Ransomware operators move fast. ", count: 18_000)   // about 570 KB
        XCTAssertGreaterThan(body.utf8.count, 560_000)
        XCTAssertFalse(try matches("ransomware.*lateral", body))
        XCTAssertTrue(try matches("ransomware.*lateral", body + " then laterally"))
        XCTAssertTrue(try matches("ransomware.*lateral", "LATERAL " + body + " RANSOMWARE, lateral"))
        XCTAssertFalse(try matches("ransomware.*lateral", "lateral " + body))
    }

    /// glibc ran for minutes on `(a+)+$` over a 100 KB title (nested quantifiers: exponential backtracking).
    func testNestedQuantifiersOnALongTitle() throws {
        let title = String(repeating: "a", count: 100_000)
        XCTAssertFalse(try matches("(a+)+$", title + "!"))
        XCTAssertTrue(try matches("(a+)+$", title))
        XCTAssertTrue(try matches("^(a|aa)+$", title))
        XCTAssertFalse(try matches("^(a|aa)+b$", title))
        XCTAssertFalse(try matches("((a*)*)*b", title))
        // Stacked repetitions (which made glibc's regcomp itself exponential) are harmless now.
        XCTAssertTrue(try matches("a" + String(repeating: "+", count: 24), title))
        XCTAssertFalse(try matches(String(repeating: "(", count: 24) + "a+" + String(repeating: ")+", count: 24) + "b", title))
    }

    /// A pattern whose DFA has a state per recent byte pattern (`a[ab]{14}c` remembers which of the last
    /// 15 bytes were 'a': 32,768 states, the cache holds 4096): the cache fills and is emptied again and
    /// again, and the rest of the text is run as the plain NFA simulation. The answers stay right.
    func testCacheThrashingFallsBackToTheSimulation() throws {
        var rng = RegexDifferentialTests.SeededGenerator(state: 3)
        let noise = String((0..<60_000).map { _ in Bool.random(using: &rng) ? Character("a") : Character("b") })
        XCTAssertFalse(try matches("a[ab]{14}c", noise))
        XCTAssertTrue(try matches("a[ab]{14}c", noise + "abbbbbbbbbbbbbbc" + noise))
        XCTAssertFalse(try matches("a[ab]{14}c", noise + "xabbbbbbbbbbbbbc" + noise), "one byte short")
        XCTAssertTrue(try matches("a[ab]{14}$", noise + "abbbbbbbbbbbbbb"))
        XCTAssertFalse(try matches("a[ab]{14}$", noise + "xbbbbbbbbbbbbbb"))
    }

    /// The same two cases through `--where` and `--grep` as cs-filter compiles them.
    func testPathologicalPatternsThroughTheRecordFilter() throws {
        let scanner = RecordScanner()
        func selects(_ spec: FilterSpec, _ record: String) throws -> Bool {
            let filter = try RecordFilter(spec, now: 0)
            var line = record
            return try line.withUTF8 { buf in
                try scanner.scan(buf)
                return filter.matches(scanner)
            }
        }
        var whereSpec = FilterSpec()
        whereSpec.wheres = [#"title =~ "(a+)+$""#]
        let a = String(repeating: "a", count: 100_000)
        XCTAssertFalse(try selects(whereSpec, #"{"schema":"cs.advisory/1","title":"\#(a)!"}"#))
        XCTAssertTrue(try selects(whereSpec, #"{"schema":"cs.advisory/1","title":"\#(a)"}"#))
        var grepSpec = FilterSpec()
        grepSpec.grep = ["ransomware.*lateral"]
        let text = String(repeating: "ransomware again\\n", count: 35_000)
        XCTAssertFalse(try selects(grepSpec, #"{"schema":"cs.advisory/1","title":"t","content_text":"\#(text)"}"#))
        XCTAssertTrue(try selects(grepSpec, #"{"schema":"cs.advisory/1","title":"t","content_text":"\#(text) Lateral"}"#))
    }

    func testSyntax() throws {
        XCTAssertTrue(try matches(#"^CVE-\d{4}-\d{4,}$"#, "CVE-2024-3400"))
        XCTAssertFalse(try matches(#"^CVE-\d{4}-\d{4,}$"#, "CVE-2024-340"))
        XCTAssertTrue(try matches("[[:digit:]]{2}", "x42"))
        XCTAssertTrue(try matches(#"\bT1110\b"#, "uses T1110 and"))
        XCTAssertFalse(try matches(#"\bT1110\b"#, "uses T1110003"))
        XCTAssertTrue(try matches(#"\<spray"#, "password spraying"))
        XCTAssertFalse(try matches(#"\<pray"#, "password spraying"))
        XCTAssertTrue(try matches(#"line one\nline two"#, "line one\nline two"))
        XCTAssertTrue(try matches(#"a\tb"#, "a\tb"))
        XCTAssertTrue(try matches(#"\s\S\w\W"#, " x_!"))
        XCTAssertTrue(try matches("x{,2}y", "y"))
        XCTAssertTrue(try matches("a)", "a)"), "a ')' closing no group is literal, as in glibc")
        XCTAssertTrue(try matches("(|a)b", "b"))
        XCTAssertTrue(try matches("", "anything"))
        XCTAssertTrue(try matches("^$", ""))
        // Assertions inside repeated groups (glibc gets these wrong: it says yes to both).
        XCTAssertFalse(try matches("(-|$b){2}", "-b"))
        XCTAssertFalse(try matches(#"(-|\Bb){2}"#, "-b"))
        XCTAssertTrue(try matches("(a|$)+$", "aa"))
        XCTAssertFalse(try matches("^$", "x"))
        XCTAssertTrue(try matches("KERBEROS", "kerberos"))
        XCTAssertFalse(try matches("KERBEROS", "kerberos", caseInsensitive: false))
        XCTAssertTrue(try matches("[^a]", "A", caseInsensitive: false))
        XCTAssertFalse(try matches("[^a]", "A"), "case folding applies before a bracket is negated")
        XCTAssertTrue(try matches("caf.", "café"))
        XCTAssertTrue(try matches("café", "CAFé"))
        // NUL is an ordinary byte (a decoded "\u0000" no longer ends the text as it did for regexec).
        XCTAssertTrue(try matches("b$", "a\u{0}b"))
    }

    func testRefusedWithAReason() {
        let cases: [(String, String)] = [
            ("(a)\\1", "back-references such as \\1 are not supported"),
            ("(unclosed", "unmatched '('"),
            ("[abc", "unmatched '['"),
            ("*a", "nothing to repeat"),
            ("a|+", "nothing to repeat"),
            ("^*", "nothing to repeat"),
            ("a{2,1}", "maximum is below the minimum"),
            ("a{x}", "valid {m,n} interval"),
            ("a{1001}", "above 1000"),
            ("[z-a]", "invalid range end"),
            ("[[:foo:]]", "unknown character class"),
            ("\\x41", "unknown escape"),
            ("\\p{L}", "unknown escape"),
            ("abc\\", "trailing backslash"),
            ("((a{1,100}){1,100}){1,100}", "too complex"),
            (String(repeating: "(", count: 101) + String(repeating: ")", count: 101), "nested deeper than 100"),
            (String(repeating: "a", count: 4097), "longer than 4096 bytes"),
        ]
        for (pattern, reason) in cases {
            let e = compileError(pattern)
            XCTAssertTrue(e?.contains(reason) ?? false, "\(pattern.prefix(40)): \(e ?? "compiled")")
        }
    }

    func testRequiredLiteral() throws {
        func literal(_ p: String, _ ci: Bool = true) throws -> String? {
            RequiredLiteral.of(try RegexParser.parse(Array(p.utf8), caseInsensitive: ci)).map { String(decoding: $0, as: UTF8.self) }
        }
        XCTAssertEqual(try literal("ransomware.*lateral"), "ransomware")
        XCTAssertEqual(try literal("Pass(word)+ spray"), " spray")
        XCTAssertEqual(try literal("x(password)+y"), "password")
        XCTAssertEqual(try literal("\\bT1110\\b", false), "T1110")
        XCTAssertNil(try literal("a|b"))
        XCTAssertNil(try literal("(abc)?d*"))
        XCTAssertEqual(try literal("[Aa]b"), "ab")
    }

    /// A stop signal cuts a match short: the engine asks `stopRequested` between chunks of text.
    func testStopRequestEndsALongMatch() throws {
        let regex = try LinearRegex("(a+)+$", caseInsensitive: true)
        var asked = 0
        regex.stopRequested = { asked += 1; return true }
        var text = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        XCTAssertFalse(regex.matches(&text), "a stopped match answers false (and the runner must not use it)")
        XCTAssertEqual(asked, 1, "stopped at the first check, after the first chunk")
        regex.stopRequested = { false }
        XCTAssertTrue(regex.matches(&text))
    }
}
