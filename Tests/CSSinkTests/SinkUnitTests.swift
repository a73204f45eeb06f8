import CSTestSupport
import XCTest
import CSCore
@testable import CSSink

final class SinkUnitTests: XCTestCase {
    func scanned<T>(_ line: String, _ body: (RecordScanner) throws -> T) throws -> T {
        let scanner = RecordScanner()
        var bytes = Array(line.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buf in
            try scanner.scan(UnsafeBufferPointer(buf))
            return try body(scanner)
        }
    }

    func testCSVQuotingAndFormulaSafety() {
        let csv = DelimitedFormatter(.csv)
        XCTAssertEqual(csv.escape("plain"), "plain")
        XCTAssertEqual(csv.escape("a,b"), "\"a,b\"")
        XCTAssertEqual(csv.escape("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(csv.escape("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(csv.escape("=1+2"), "'=1+2")
        XCTAssertEqual(csv.escape("+1"), "'+1")
        XCTAssertEqual(csv.escape("-1"), "'-1")
        XCTAssertEqual(csv.escape("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(csv.escape("\tx"), "'\tx")
        XCTAssertEqual(csv.escape("\rx"), "\"'\rx\"")
        XCTAssertEqual(csv.escape("=HYPERLINK(\"u\",\"a,b\")"), "\"'=HYPERLINK(\"\"u\"\",\"\"a,b\"\")\"")
        XCTAssertEqual(csv.escape("a=b"), "a=b")
        XCTAssertEqual(csv.row(["a", "b,c"]), Array("a,\"b,c\"\r".utf8))
    }

    func testTSVReplacesSeparators() {
        let tsv = DelimitedFormatter(.tsv)
        XCTAssertEqual(tsv.escape("a\tb\nc\rd"), "a b c d")
        XCTAssertEqual(tsv.escape("=cmd"), "'=cmd")
        XCTAssertEqual(tsv.escape("\tlead"), "' lead")
        XCTAssertEqual(tsv.row(["x", "y"]), Array("x\ty".utf8))
    }

    func testFieldValues() throws {
        let line = #"{"schema":"cs.advisory/1","title":"T \u00e9","n":3,"flag":true,"none":null,"cves":["A","B"],"#
            + #""attack":{"tactics":[{"id":"TA0006","name":"Credential Access"},{"id":"TA0003","name":"Persistence"}]},"source":{"feed_url":"u"}}"#
        let fields = try FieldList(parsing: "title, n,flag,none,missing,cves,tactics,tactic_names,feed_url,attack")
        let values = try scanned(line) { fields.values($0) }
        XCTAssertEqual(values[0], "T é")
        XCTAssertEqual(Array(values[1...8]), ["3", "true", "", "", "A; B", "TA0006; TA0003", "Credential Access; Persistence", "u"])
        XCTAssertTrue(values[9].hasPrefix("{\"tactics\":["), values[9])
        XCTAssertThrowsError(try FieldList(parsing: "title,,url"))
        XCTAssertThrowsError(try FieldList(parsing: "a..b"))
    }

    func summaries() throws -> [AdvisorySummary] {
        try SinkFixtures.lines.enumerated().map { i, line in try scanned(line) { AdvisorySummary($0, sequence: i) } }
    }

    func testSeveritySortMostSevereFirstThenNewest() throws {
        let sorted = SinkSort.severity.sorted(try summaries())
        XCTAssertEqual(sorted.map { $0.severity?.name ?? "-" }, ["critical", "high", "high", "medium", "low", "info", "-"])
        // Two highs: the newer (published 2026-04-30) first.
        XCTAssertEqual(sorted[1].title, "Entra ID Federated Identity Credential Issuer Modified")
        XCTAssertEqual(SinkSort.none.sorted(try summaries()).map(\.sequence), Array(0..<7))
        XCTAssertEqual(SinkSort.published.sorted(try summaries()).first?.sequence, 6)
    }

    func testTableFitsWidthAndEscapesNothingDangerous() throws {
        let items = SinkSort.severity.sorted(try summaries())
        for width in [40, 60, 100, 160] {
            let lines = TableFormatter(width: width, color: false).render(items)
            XCTAssertEqual(lines.count, items.count + 1)
            for line in lines { XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, "\(width): \(line)") }
            XCTAssertTrue(lines[0].hasPrefix("SEVERITY  PUBLISHED   TITLE"))
            XCTAssertFalse(lines.joined().contains("\u{1B}"), "no escape sequences without colour, even from titles")
            XCTAssertFalse(lines.joined().contains("\t"))
        }
        let narrow = TableFormatter(width: 60, color: false).render(items)
        XCTAssertTrue(narrow.contains { $0.contains("…") }, "long titles are truncated")
        let wide = TableFormatter(width: 200, color: false).render(items)
        XCTAssertTrue(wide.contains { $0.hasPrefix("high      2026-04-11  Entra ID Excessive Account Lockouts Detected") && $0.hasSuffix("Credential Access") })
        let colored = TableFormatter(width: 100, color: true).render(items)
        XCTAssertTrue(colored[1].hasPrefix("\u{1B}[1;31mcritical"), colored[1])
        XCTAssertEqual(colored.filter { $0.contains("\u{1B}[31m") }.count, 2, "the two high rows are red (title escapes were removed)")
    }

    func testWideCharactersKeepColumnsAligned() throws {
        let lines = [
            #"{"schema":"cs.advisory/1","severity":"high","published":"2026-04-01T00:00:00Z","title":"Entra ID lockouts","attack":{"tactics":[{"id":"TA0006","name":"Credential Access"}]}}"#,
            #"{"schema":"cs.advisory/1","severity":"low","published":"2026-04-02T00:00:00Z","title":"複数の製品における脆弱性に関する注意喚起","attack":{"tactics":[{"id":"TA0001","name":"Initial Access"}]}}"#,
        ]
        let items = try lines.enumerated().map { i, l in try scanned(l) { AdvisorySummary($0, sequence: i) } }
        for width in [60, 100] {
            let rendered = TableFormatter(width: width, color: false).render(items)
            let tacticColumns = rendered.map { line -> Int in
                let prefix = line.components(separatedBy: line.contains("Credential") ? "Credential" : (line.contains("Initial") ? "Initial" : "TACTICS"))[0]
                return DisplayWidth.of(prefix)
            }
            XCTAssertEqual(Set(tacticColumns).count, 1, "tactics start in one column: \(rendered)")
            for line in rendered { XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, line) }
        }
        XCTAssertEqual(DisplayWidth.of("脆弱性 ok"), 9)
        XCTAssertEqual(DisplayWidth.truncate("脆弱性脆弱性", 6), "脆弱…")
    }

    func testMarkdownDigest() throws {
        let md = MarkdownFormatter().render(SinkSort.severity.sorted(try summaries()))
        let headings = md.split(separator: "\n").filter { $0.hasPrefix("## ") }
        XCTAssertEqual(headings, ["## Critical (1)", "## High (2)", "## Medium (1)", "## Low (1)", "## Info (1)", "## Unrated (1)"])
        XCTAssertTrue(md.contains("7 advisories: 1 critical, 2 high, 1 medium, 1 low, 1 info, 1 unrated"))
        XCTAssertTrue(md.contains("### [Entra ID Excessive Account Lockouts Detected](<https://feed.example.org/briefs/1>)"))
        XCTAssertTrue(md.contains("- Tactics: Credential Access ([TA0006](https://attack.mitre.org/tactics/TA0006/))"))
        XCTAssertTrue(md.contains("Password Spraying ([T1110.003](https://attack.mitre.org/techniques/T1110/003/))"))
        XCTAssertTrue(md.contains("- CVEs: CVE-2024-3400"))
        XCTAssertFalse(md.contains("<script>"))
        XCTAssertTrue(md.contains("&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\*\\*bold\\*\\* \\[x\\]\\(javascript:alert\\(1\\)\\)"))
        XCTAssertFalse(md.contains("](javascript:") || md.contains("(<javascript:"), "only http(s) URLs become links")
        XCTAssertTrue(md.contains("### @SUM\\(A1:A9\\) low one  \\[31mred \\[0m"))
    }

    func testDestinations() throws {
        XCTAssertEqual(try SinkDestination(parsing: nil), .stdout)
        XCTAssertEqual(try SinkDestination(parsing: "-"), .stdout)
        XCTAssertEqual(try SinkDestination(parsing: "out.ndjson"), .file("out.ndjson"))
        XCTAssertEqual(try SinkDestination(parsing: "sqlite:a.db"), .sqlite("a.db"))
        XCTAssertThrowsError(try SinkDestination(parsing: "sqlite:"))
        XCTAssertThrowsError(try SinkDestination(parsing: "ftp://hooks.example/x"))
        XCTAssertThrowsError(try SinkDestination(parsing: "https://user:secret@hooks.example/x"), "credentials in URLs")
        guard case let .network(hook) = try SinkDestination(parsing: "https://hooks.example/x") else { return XCTFail("webhook") }
        XCTAssertEqual(hook.kind, .webhook)
        XCTAssertEqual(hook.url, "https://hooks.example/x")
        guard case let .network(hec) = try SinkDestination(parsing: "splunk-hec+https://splunk.example") else { return XCTFail("hec") }
        XCTAssertEqual(hec.kind, .splunkHEC)
        XCTAssertEqual(hec.url, "https://splunk.example:8088/services/collector/event")
        guard case let .network(es) = try SinkDestination(parsing: "elastic+http://[::1]:9201/advisories") else { return XCTFail("elastic") }
        XCTAssertEqual(es.kind, .elastic)
        XCTAssertEqual(es.index, "advisories")
        XCTAssertEqual(es.url, "http://[::1]:9201/_bulk")
        guard case let .network(sys) = try SinkDestination(parsing: "syslog+tcp://siem.example:601") else { return XCTFail("syslog") }
        XCTAssertEqual(sys.kind, .syslogTCP)
        XCTAssertEqual(sys.host, "siem.example")
        XCTAssertEqual(sys.port, 601)
        XCTAssertThrowsError(try SinkDestination(parsing: "syslog+udp://siem.example"), "syslog needs a port")
        XCTAssertThrowsError(try SinkDestination(parsing: "elastic+https://es.example:9200/a/b"), "one index")
    }
}
