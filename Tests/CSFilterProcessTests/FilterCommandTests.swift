import Foundation
import XCTest
import CSTestSupport

/// cs-filter as users run it: every selection flag against the same generated records, with the
/// expected output computed from the records' model, compared line for line (so order and bytes count).
final class FilterCommandTests: XCTestCase {
    static let records = AdvisoryFixtures.make(count: 600)
    static let input = Data(AdvisoryFixtures.ndjson(records).utf8)

    func expectSelection(_ args: [String], file: StaticString = #filePath, line: UInt = #line,
                         _ wanted: (FixtureRecord) -> Bool) throws {
        let result = try ToolRunner.run("cs-filter", args, stdin: Self.input)
        XCTAssertEqual(result.status, 0, "\(args): \(result.stderr)", file: file, line: line)
        let expected = Self.records.filter(wanted).map(\.line)
        XCTAssertFalse(expected.isEmpty, "fixture should exercise \(args)", file: file, line: line)
        XCTAssertLessThan(expected.count, Self.records.count, "fixture should exercise \(args)", file: file, line: line)
        XCTAssertEqual(result.lines.count, expected.count, "\(args)", file: file, line: line)
        XCTAssertEqual(result.lines, expected, "\(args)", file: file, line: line)
    }

    static func rank(_ s: String?) -> Int { s.flatMap { ["info", "low", "medium", "high", "critical"].firstIndex(of: $0) } ?? -1 }

    func testSeverity() throws {
        try expectSelection(["--sev", "high"]) { Self.rank($0.severity) >= 3 }
        try expectSelection(["--sev", "=medium"]) { $0.severity == "medium" }
        try expectSelection(["--sev", "low..medium"]) { (1...2).contains(Self.rank($0.severity)) }
        try expectSelection(["--sev", "..low"]) { (0...1).contains(Self.rank($0.severity)) }
        try expectSelection(["--sev", "important"]) { Self.rank($0.severity) >= 3 }
        try expectSelection(["--sev", "critical", "--include-unrated"]) { $0.severity == nil || $0.severity == "critical" }
        try expectSelection(["--sev", "=info", "--sev", "=critical"]) { $0.severity == "info" || $0.severity == "critical" }
    }

    func testTags() throws {
        try expectSelection(["--tag", "persistence"]) { $0.tags.contains("persistence") }
        try expectSelection(["--tag", "Entra ID", "--tag", "user_management"]) { $0.tags.contains("entra-id") || $0.tags.contains("user-management") }
        try expectSelection(["--not-tag", "windows"]) { !$0.tags.contains("windows") }
        try expectSelection(["--tag", "azure", "--not-tag", "windows"]) { $0.tags.contains("azure") && !$0.tags.contains("windows") }
    }

    func testTacticInAnySpelling() throws {
        let expected: (FixtureRecord) -> Bool = { r in
            if let tactics = r.tactics { return tactics.contains { $0.id == "TA0006" } }
            return r.tags.contains("credential-access") || r.tags.contains("attack.credential-access")
        }
        for spelling in ["credential_access", "Credential Access", "TA0006", "ta0006", "attack.credential_access", "credential-access"] {
            try expectSelection(["--tactic", spelling], expected)
        }
        try expectSelection(["--tactic", "TA0006", "--tactic", "persistence"]) { r in
            if let tactics = r.tactics { return tactics.contains { $0.id == "TA0006" || $0.id == "TA0003" } }
            return r.tags.contains("credential-access") || r.tags.contains("attack.credential-access") || r.tags.contains("persistence")
        }
        try expectSelection(["--not-tactic", "Privilege Escalation"]) { r in
            if let tactics = r.tactics { return !tactics.contains { $0.id == "TA0004" } }
            return !r.tags.contains("privilege-escalation")
        }
    }

    func testTechnique() throws {
        try expectSelection(["--technique", "T1110"]) { r in
            if r.tactics != nil { return r.techniques.contains { $0.id == "T1110" || $0.id.hasPrefix("T1110.") } }
            return r.tags.contains("t1110")
        }
        try expectSelection(["--technique", "t1110.003"]) { r in
            r.tactics != nil && r.techniques.contains { $0.id == "T1110.003" }
        }
        try expectSelection(["--technique", "brute_force"]) { r in
            if r.tactics != nil { return r.techniques.contains { $0.name == "Brute Force" } }
            return r.tags.contains("brute-force")
        }
    }

    func testListsAndScalars() throws {
        try expectSelection(["--cve", "cve-2024-3400"]) { $0.cves.contains("CVE-2024-3400") }
        try expectSelection(["--not-cve", "CVE-2024-3400"]) { !$0.cves.contains("CVE-2024-3400") }
        try expectSelection(["--vendor", "palo alto networks"]) { $0.vendors.contains("Palo Alto Networks") }
        try expectSelection(["--product", "entra_id", "--product", "PAN-OS"]) { $0.products.contains("Entra ID") || $0.products.contains("PAN-OS") }
        try expectSelection(["--not-product", "Azure CLI"]) { !$0.products.contains("Azure CLI") }
        try expectSelection(["--actor", "apt29"]) { $0.actors.contains("APT29") }
        try expectSelection(["--actor", "G0016"]) { $0.actors.contains("APT29") && $0.tactics != nil }
        try expectSelection(["--type", "Advisory"]) { $0.type == "advisory" }
        try expectSelection(["--not-type", "advisory"]) { $0.type != "advisory" }
        try expectSelection(["--exploited"]) { $0.exploited == true }
        try expectSelection(["--not-exploited"]) { $0.exploited != true }
    }

    func testDates() throws {
        try expectSelection(["--since", "2026-05-01"]) { ($0.published ?? "") >= "2026-05-01T00:00:00Z" }
        try expectSelection(["--until", "2026-03-15"]) { $0.published.map { $0 < "2026-03-16T00:00:00Z" } ?? false }
        try expectSelection(["--since", "2026-04-01T00:00:00+02:00", "--until", "2026-06-01T00:00:00Z"]) {
            $0.published.map { $0 >= "2026-03-31T22:00:00Z" && $0 < "2026-06-01T00:00:00Z" } ?? false
        }
        try expectSelection(["--since", "2026-05-01", "--date-field", "modified"]) { ($0.modified ?? "") >= "2026-05-01T00:00:00Z" }
        try expectSelection(["--since", "2026-05-01", "--date-field", "updated"]) { ($0.modified ?? $0.published ?? "") >= "2026-05-01T00:00:00Z" }
        // Durations count back from now: every fixture date is in 2026, so a huge window keeps all dated records.
        let all = try ToolRunner.run("cs-filter", ["--since", "100000d", "--count"], stdin: Self.input)
        XCTAssertEqual(all.text, "\(Self.records.filter { $0.published != nil }.count)\n")
    }

    func testGrep() throws {
        func text(_ r: FixtureRecord) -> String { [r.title, r.summary, r.contentText].joined(separator: "\u{0}").lowercased() }
        try expectSelection(["--grep", "KERBEROASTING"]) { text($0).contains("kerberoasting") }
        try expectSelection(["--grep", "spraying token|issuer lockout"]) { text($0).contains("spraying token") || text($0).contains("issuer lockout") }
        try expectSelection(["--grep", "^advisory 1[0-9]:"]) { $0.title.range(of: "^Advisory 1[0-9]:", options: .regularExpression) != nil }
        try expectSelection(["--not-grep", "sysmon"]) { !text($0).contains("sysmon") }
        try expectSelection(["--grep", "Kerberoasting", "--case-sensitive"]) { [$0.title, $0.summary, $0.contentText].joined().contains("Kerberoasting") }
        // content_text is decoded before matching: the JSON "\n" is a line break.
        try expectSelection(["--grep", "sysmon\nsecond"]) { $0.contentText.lowercased().contains("sysmon\nsecond") }
    }

    func testCombinedFlagsAnd() throws {
        try expectSelection(["--sev", "high", "--tactic", "TA0006", "--not-tag", "windows"]) { r in
            let tactic = r.tactics.map { $0.contains { $0.id == "TA0006" } }
                ?? (r.tags.contains("credential-access") || r.tags.contains("attack.credential-access"))
            return Self.rank(r.severity) >= 3 && tactic && !r.tags.contains("windows")
        }
    }

    func testWhere() throws {
        try expectSelection(["--where", #"severity >= high and (tags has "persistence" or attack.tactics has "TA0006")"#]) { r in
            Self.rank(r.severity) >= 3 && (r.tags.contains("persistence") || (r.tactics ?? []).contains { $0.id == "TA0006" })
        }
        try expectSelection(["--where", #"exploited == true && cves has "CVE-2024-3400""#]) { $0.exploited == true && $0.cves.contains("CVE-2024-3400") }
        try expectSelection(["--where", "not attack"]) { $0.tactics == nil }
        try expectSelection(["--where", "severity == null"]) { $0.severity == nil }
        try expectSelection(["--where", "severity != null and severity < medium"]) { (0...1).contains(Self.rank($0.severity)) }
        try expectSelection(["--where", #"published >= "2026-05-01" and published < "2026-07-01""#]) {
            $0.published.map { $0 >= "2026-05-01" && $0 < "2026-07-01" } ?? false
        }
        try expectSelection(["--where", #"title =~ "advisory 1[0-9]:""#]) { $0.title.range(of: "Advisory 1[0-9]:", options: .regularExpression) != nil }
        try expectSelection(["--where", "attack.techniques.id == T1110.003"]) { r in r.tactics != nil && r.techniques.contains { $0.id == "T1110.003" } }
        try expectSelection(["--where", #"attack.tactics has "credential_access" or not (products has "Entra ID")"#]) { r in
            (r.tactics ?? []).contains { $0.id == "TA0006" } || !r.products.contains("Entra ID")
        }
        try expectSelection(["--where", "type == advisory", "--where", "source.format == json-feed-1.1 and extensions._cs_rank >= 300"]) {
            $0.type == "advisory" && $0.index >= 300
        }
        try expectSelection(["--where", #"title has "ADVISORY 12""#]) { $0.title.lowercased().contains("advisory 12") }
    }

    func testCountLimitDedupeInvert() throws {
        let count = try ToolRunner.run("cs-filter", ["--sev", "high", "--count"], stdin: Self.input)
        XCTAssertEqual(count.text, "\(Self.records.filter { Self.rank($0.severity) >= 3 }.count)\n")

        let limited = try ToolRunner.run("cs-filter", ["--sev", "high", "--limit", "5"], stdin: Self.input)
        XCTAssertEqual(limited.status, 0)
        XCTAssertEqual(limited.lines, Array(Self.records.filter { Self.rank($0.severity) >= 3 }.map(\.line).prefix(5)))

        let deduped = try ToolRunner.run("cs-filter", ["--dedupe"], stdin: Self.input)
        var seen = Set<String>()
        XCTAssertEqual(deduped.lines, Self.records.filter { seen.insert($0.uid).inserted }.map(\.line))
        XCTAssertEqual(deduped.lines.count, Self.records.count - 3)

        try expectSelection(["--sev", "high", "--invert"]) { Self.rank($0.severity) < 3 }
    }

    func testExitStatus() throws {
        let none = try ToolRunner.run("cs-filter", ["--cve", "CVE-1999-0001"], stdin: Self.input)
        XCTAssertEqual(none.status, 0, "nothing matched is not a failure without -e")
        XCTAssertTrue(none.stdout.isEmpty)
        let noneE = try ToolRunner.run("cs-filter", ["-e", "--cve", "CVE-1999-0001"], stdin: Self.input)
        XCTAssertEqual(noneE.status, 1)
        let someE = try ToolRunner.run("cs-filter", ["--exit-status", "--sev", "high"], stdin: Self.input)
        XCTAssertEqual(someE.status, 0)
    }

    func testPassthroughIsByteForByte() throws {
        // Odd but valid JSON: spacing, escapes, key order, a repeated key, CRLF line end.
        let lines = [
            #"{ "schema" : "cs.advisory/1", "id" : "a", "title":"caf\u00e9 \/ \"q\"", "severity" : "high" , "tags":[ "a" ] }"#,
            #"{"severity":"critical","schema":"cs.advisory/1","id":"b","n":1.5e3,"x":{"y":[null,true,false]}}"#,
            #"{"schema":"cs.advisory/1","id":"c","severity":"low"}"#,
        ]
        let input = Data((lines[0] + "\r\n" + lines[1] + "\n\n" + lines[2]).utf8)
        let result = try ToolRunner.run("cs-filter", ["--sev", "high"], stdin: input)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, Data((lines[0] + "\n" + lines[1] + "\n").utf8))
        // No selection at all: every record, unchanged.
        let all = try ToolRunner.run("cs-filter", [], stdin: Self.input)
        XCTAssertEqual(all.stdout, Self.input)
    }

    func testBadLinesAreRejectedWithPosition() throws {
        let good = Self.records.prefix(2).map(\.line)
        let deadLetter = ToolRunner.temporaryFile("dead.ndjson")
        defer { try? FileManager.default.removeItem(at: deadLetter) }
        let garbage = "{\"schema\": \"cs.advisory/1\", oops"
        let other = #"{"schema":"cs.other/1","severity":"high"}"#
        let input = Data([good[0], garbage, good[1], "[1,2]", other].joined(separator: "\n").utf8 + [0x0A])
        let result = try ToolRunner.run("cs-filter", ["--dead-letter", deadLetter.path], stdin: input)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(result.lines, good)
        XCTAssertTrue(result.stderr.contains("<stdin>:2: expected a member name in quotes, found 'o' at column 29 (INVALID_ARGUMENT)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("<stdin>:4:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("<stdin>:5: not a cs.advisory/1 record: schema is \"cs.other/1\""), result.stderr)
        XCTAssertTrue(result.stderr.contains("3 inputs rejected"), result.stderr)
        XCTAssertEqual(try String(contentsOf: deadLetter, encoding: .utf8), [garbage, "[1,2]", other].joined(separator: "\n") + "\n")

        // A file argument names the file in the position.
        let file = ToolRunner.temporaryFile("in.ndjson")
        defer { try? FileManager.default.removeItem(at: file) }
        try input.write(to: file)
        let fromFile = try ToolRunner.run("cs-filter", ["-q", file.path])
        XCTAssertEqual(fromFile.status, 2)
        XCTAssertTrue(fromFile.stderr.contains("\(file.path):2:"), fromFile.stderr)
    }

    func testUsageErrors() throws {
        let badWhere = try ToolRunner.run("cs-filter", ["--where", "severity >= high and (tags has"], stdin: Self.input)
        XCTAssertEqual(badWhere.status, 64)
        XCTAssertTrue(badWhere.stderr.contains("expected a value after 'has', found the end of the expression at column 31"), badWhere.stderr)
        XCTAssertTrue(badWhere.stdout.isEmpty)
        for args in [["--sev", "severe-ish"], ["--tactic", "credential acces"], ["--since", "yesterday"],
                     ["--grep", "(unclosed"], ["--grep", "(a)\\1"], ["--where", "title =~ \"[\""], ["--limit", "0"], ["--tag", " "], ["--vendor", "_"]] {
            let r = try ToolRunner.run("cs-filter", args, stdin: Self.input)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stdout.isEmpty)
        }
    }

    func testDescribeAndHelp() throws {
        let d = try ToolRunner.run("cs-filter", ["--describe"])
        XCTAssertEqual(d.status, 0)
        XCTAssertEqual(d.lines.count, 1)
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: d.stdout) as? [String: Any])
        XCTAssertEqual(o["name"] as? String, "cs-filter")
        let names = (o["options"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        for flag in ["--sev", "--tactic", "--where", "--exit-status", "--dedupe"] { XCTAssertTrue(names.contains(flag), flag) }
        let h = try ToolRunner.run("cs-filter", ["--help"])
        XCTAssertTrue(h.text.contains("EXAMPLES:") && h.text.contains("cs-filter --sev high"), h.text)
    }
}
