import XCTest
import CSCore
@testable import CSFilter

/// The pieces of the selection, on hand-written records.
final class FilterUnitTests: XCTestCase {
    /// Whether `line` passes `spec` (the line is scanned as cs-filter scans it).
    func passes(_ spec: FilterSpec, _ line: String, now: Int = 0) throws -> Bool {
        let filter = try RecordFilter(spec, now: now)
        let scanner = RecordScanner()
        var bytes = Array(line.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buf in
            try scanner.scan(UnsafeBufferPointer(buf))
            return filter.matches(scanner)
        }
    }

    func spec(_ build: (inout FilterSpec) -> Void) -> FilterSpec {
        var s = FilterSpec()
        build(&s)
        return s
    }

    func testSeverityRangeSpellings() throws {
        XCTAssertEqual(try SeverityRange(parsing: "high"), SeverityRange(lower: .high, upper: .critical))
        XCTAssertEqual(try SeverityRange(parsing: "=medium"), SeverityRange(lower: .medium, upper: .medium))
        XCTAssertEqual(try SeverityRange(parsing: "low..high"), SeverityRange(lower: .low, upper: .high))
        XCTAssertEqual(try SeverityRange(parsing: "..low"), SeverityRange(lower: .info, upper: .low))
        XCTAssertEqual(try SeverityRange(parsing: "Moderate.."), SeverityRange(lower: .medium, upper: .critical))
        XCTAssertThrowsError(try SeverityRange(parsing: "high..low"))
        XCTAssertThrowsError(try SeverityRange(parsing: "hgih"))
        XCTAssertThrowsError(try SeverityRange(parsing: "="))
    }

    func testSeverityLeavesOutUnratedUnlessAsked() throws {
        let unrated = #"{"schema":"cs.advisory/1","severity":null}"#
        let missing = #"{"schema":"cs.advisory/1"}"#
        let high = #"{"schema":"cs.advisory/1","severity":"high"}"#
        let shouting = #"{"schema":"cs.advisory/1","severity":"CRITICAL"}"#
        let s = spec { $0.severities = ["medium"] }
        XCTAssertFalse(try passes(s, unrated))
        XCTAssertFalse(try passes(s, missing))
        XCTAssertTrue(try passes(s, high))
        XCTAssertTrue(try passes(s, shouting), "non-canonical spellings are parsed")
        let withUnrated = spec { $0.severities = ["medium"]; $0.includeUnrated = true }
        XCTAssertTrue(try passes(withUnrated, unrated))
        XCTAssertTrue(try passes(withUnrated, missing))
    }

    func testTagsCompareCanonically() throws {
        let line = #"{"schema":"cs.advisory/1","tags":["Entra_ID","persist\u0065nce"]}"#
        XCTAssertTrue(try passes(spec { $0.tags = ["entra-id"] }, line))
        XCTAssertTrue(try passes(spec { $0.tags = ["ENTRA ID"] }, line))
        XCTAssertTrue(try passes(spec { $0.tags = ["persistence"] }, line), "escapes are decoded")
        XCTAssertFalse(try passes(spec { $0.tags = ["entra"] }, line))
        XCTAssertFalse(try passes(spec { $0.notTags = ["entra id"] }, line))
    }

    func testTacticQueries() throws {
        let enriched = #"{"schema":"cs.advisory/1","tags":["persistence"],"attack":{"tactics":[{"id":"TA0006","name":"Credential Access"}]}}"#
        let plain = #"{"schema":"cs.advisory/1","tags":["credential_access"]}"#
        let prefixed = #"{"schema":"cs.advisory/1","tags":["attack.credential_access"]}"#
        for q in ["credential_access", "Credential Access", "TA0006", "attack.credential_access", "CREDENTIAL-ACCESS"] {
            XCTAssertTrue(try passes(spec { $0.tactics = [q] }, enriched), q)
            XCTAssertTrue(try passes(spec { $0.tactics = [q] }, plain), q)
            XCTAssertTrue(try passes(spec { $0.tactics = [q] }, prefixed), q)
        }
        // Enriched records are judged by their mapping, not their tags.
        XCTAssertFalse(try passes(spec { $0.tactics = ["persistence"] }, enriched))
        XCTAssertThrowsError(try RecordFilter(spec { $0.tactics = ["credential acces"] }, now: 0)) { e in
            XCTAssertTrue((e as! FilterSpecError).message.contains("unknown tactic"))
        }
    }

    func testTechniqueIncludesSubtechniquesOnlyFromParent() throws {
        let line = #"{"schema":"cs.advisory/1","attack":{"tactics":[],"techniques":[{"id":"T1110.003","name":"Password Spraying"}]}}"#
        let other = #"{"schema":"cs.advisory/1","attack":{"techniques":[{"id":"T11103","name":"x"},{"id":"T1110.0031","name":"y"}]}}"#
        XCTAssertTrue(try passes(spec { $0.techniques = ["T1110"] }, line))
        XCTAssertTrue(try passes(spec { $0.techniques = ["t1110.003"] }, line))
        XCTAssertTrue(try passes(spec { $0.techniques = ["password_spraying"] }, line))
        XCTAssertFalse(try passes(spec { $0.techniques = ["T1110.001"] }, line))
        XCTAssertFalse(try passes(spec { $0.techniques = ["T1110"] }, other))
    }

    func testTimeBounds() throws {
        let now = RFC3339.parse("2026-04-22T12:00:00Z")!
        let line = #"{"schema":"cs.advisory/1","published":"2026-04-20T08:00:00Z"}"#
        let offset = #"{"schema":"cs.advisory/1","published":"2026-04-20T10:00:00+02:00"}"#
        XCTAssertTrue(try passes(spec { $0.since = "7d" }, line, now: now))
        XCTAssertFalse(try passes(spec { $0.since = "24h" }, line, now: now))
        XCTAssertTrue(try passes(spec { $0.until = "2026-04-20" }, line, now: now), "a plain --until date includes that day")
        XCTAssertFalse(try passes(spec { $0.until = "2026-04-20T08:00:00Z" }, line, now: now), "--until is exclusive")
        XCTAssertTrue(try passes(spec { $0.since = "2026-04-20T08:00:00Z" }, offset, now: now), "non-canonical dates are parsed")
        XCTAssertFalse(try passes(spec { $0.since = "2026-04-20T08:00:01Z" }, offset, now: now))
        XCTAssertFalse(try passes(spec { $0.since = "7d" }, #"{"schema":"cs.advisory/1","published":null}"#, now: now))
        XCTAssertThrowsError(try RecordFilter(spec { $0.since = "2026-05-01"; $0.until = "2026-04-01" }, now: now))
    }

    func testWhereSyntaxErrorsCarryColumns() {
        func column(_ e: String) -> Int? {
            do { _ = try WhereParser.parse(e); return nil } catch { return error.column }
        }
        XCTAssertEqual(column("severity >="), 12)
        XCTAssertEqual(column("(severity >= high"), 18)
        XCTAssertEqual(column("severity >= high)"), 17)
        XCTAssertEqual(column("tags has \"x"), 10)
        XCTAssertEqual(column("severity >= high and"), 21)
        XCTAssertEqual(column("a.b. == 1"), 1)
        XCTAssertEqual(column("x = 1 & y"), 7)
        XCTAssertEqual(column("exploited > true"), 13)
        XCTAssertEqual(column(""), 1)
        XCTAssertNil(column(#"not (a or b) and c.d == "x" || !e"#))
        XCTAssertThrowsError(try WhereCompiler.compile(#"title =~ "(""#)) { e in
            XCTAssertTrue((e as! FilterSpecError).message.contains("at column 10"), "\(e)")
        }
    }

    func testWhereSemantics() throws {
        let line = #"{"schema":"cs.advisory/1","severity":"high","score":7.5,"exploited":false,"tags":["a","b"],"empty":[],"#
            + #""attack":{"tactics":[{"id":"TA0006","name":"Credential Access"}]},"title":"Password Spraying"}"#
        func w(_ e: String) throws -> Bool { try passes(spec { $0.wheres = [e] }, line) }
        XCTAssertTrue(try w("severity >= medium"))
        XCTAssertTrue(try w("severity > medium and severity <= critical"))
        XCTAssertFalse(try w("severity < high"))
        XCTAssertTrue(try w("severity == HIGH"))
        XCTAssertTrue(try w("score > 7 and score < 8"))
        XCTAssertTrue(try w("exploited == false and not exploited"))
        XCTAssertTrue(try w("tags == b"), "comparison on a list: any element")
        XCTAssertTrue(try w("attack.tactics has credential_access"))
        XCTAssertTrue(try w("attack.tactics.name == \"Credential Access\""))
        XCTAssertTrue(try w("title has spraying"))
        XCTAssertTrue(try w("missing == null and missing != 1"))
        XCTAssertFalse(try w("empty"))
        XCTAssertTrue(try w("title !~ \"^credential\""))
        XCTAssertTrue(try w("title =~ \"^password\""))
        XCTAssertFalse(try w("nope =~ \"x\""))
    }

    func testRecordPathReachesThroughArrays() throws {
        let line = #"{"a":{"b":[{"c":1},{"c":2},{"d":3}]},"x":null}"#
        let scanner = RecordScanner()
        var bytes = Array(line.utf8)
        try bytes.withUnsafeMutableBufferPointer { buf in
            try scanner.scan(UnsafeBufferPointer(buf))
            var seen: [String] = []
            RecordPath("a.b.c")!.forEachValue(in: scanner) { v in seen.append(String(decoding: v.bytes, as: UTF8.self)); return true }
            XCTAssertEqual(seen, ["1", "2"])
            XCTAssertTrue(RecordPath("x")!.exists(in: scanner))
            XCTAssertFalse(RecordPath("a.z")!.exists(in: scanner))
        }
        XCTAssertNil(RecordPath("a..b"))
        XCTAssertNil(RecordPath(""))
    }

    func testAdvisoryCheck() throws {
        let scanner = RecordScanner()
        func problem(_ line: String) throws -> String? {
            var bytes = Array(line.utf8)
            return try bytes.withUnsafeMutableBufferPointer { buf in
                try scanner.scan(UnsafeBufferPointer(buf))
                return AdvisoryCheck.problem(in: scanner)
            }
        }
        XCTAssertNil(try problem(#"{"schema":"cs.advisory/1","id":"a"}"#))
        XCTAssertNil(try problem(#"{"schema":"cs.advisory\/1","id":"a"}"#))
        XCTAssertEqual(try problem(#"{"schema":"cs.advisory/1"}"#), "invalid cs.advisory/1 record: missing field \"id\"")
        XCTAssertEqual(try problem(#"{"title":"x"}"#), "not a cs.advisory/1 record: no \"schema\" member")
        XCTAssertEqual(try problem(#"{"schema":2}"#), "not a cs.advisory/1 record: \"schema\" is not a string")
    }
}
