import Foundation
import XCTest
import CSTestSupport

/// `--kev`, `--epss-min`, `--cvss-min`, `--where` on `priority`, and the warning when `--sev` meets only
/// unrated records.
final class PriorityFilterTests: XCTestCase {
    static func record(_ id: String, severity: String?, cvss: Double?, epss: Double?, kev: [String]) -> String {
        let sev = severity.map { "\"\($0)\"" } ?? "null"
        let kevList = kev.map { #"{"cve":"\#($0)","date_added":"2024-04-12","due_date":"2024-04-19","known_ransomware_campaign_use":"Unknown","required_action":"Apply mitigations.","via":["kev:\#($0)"]}"# }
        return #"{"schema":"cs.advisory/1","id":"\#(id)","title":"t","severity":\#(sev),"severities":[],"exploited":null,"priority":{"feed_severity":null,"severity_via":[],"cvss_score":\#(cvss.map { "\($0)" } ?? "null"),"epss_score":\#(epss.map { "\($0)" } ?? "null"),"cvss":[],"ratings":[],"kev":[\#(kevList.joined(separator: ","))],"epss":[]}}"#
    }

    static let lines = [
        record("a", severity: "critical", cvss: 9.8, epss: 0.94321, kev: ["CVE-2024-3400"]),
        record("b", severity: "high", cvss: 7.0, epss: 0.5, kev: []),
        record("c", severity: "medium", cvss: 6.9, epss: 0.49999, kev: []),
        record("d", severity: nil, cvss: nil, epss: nil, kev: []),
        #"{"schema":"cs.advisory/1","id":"e","title":"not enriched","severity":null}"#,
    ]
    static let input = Data((lines.joined(separator: "\n") + "\n").utf8)

    func ids(_ args: [String]) throws -> [String] {
        let r = try ToolRunner.run("cs-filter", args, stdin: Self.input)
        XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        return r.lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
    }

    func testPriorityOptions() throws {
        XCTAssertEqual(try ids(["--kev"]), ["a"])
        XCTAssertEqual(try ids(["--epss-min", "0.5"]), ["a", "b"])
        XCTAssertEqual(try ids(["--cvss-min", "7.0"]), ["a", "b"])
        XCTAssertEqual(try ids(["--cvss-min", "7", "--not-tag", "x", "-v"]), ["c", "d", "e"])
        XCTAssertEqual(try ids(["--where", "priority.kev.cve == \"CVE-2024-3400\""]), ["a"])
        XCTAssertEqual(try ids(["--where", "priority.epss_score >= 0.5 and not priority.kev"]), ["b"])
    }

    func testOutOfRangeValuesAreUsageErrors() throws {
        for args in [["--epss-min", "1.5"], ["--cvss-min", "11"], ["--cvss-min", "-1"]] {
            let r = try ToolRunner.run("cs-filter", args, stdin: Self.input)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
        }
    }

    func testSevOnOnlyUnratedRecordsSaysSo() throws {
        let unrated = Data((Self.lines[3...].joined(separator: "\n") + "\n").utf8)
        let r = try ToolRunner.run("cs-filter", ["--sev", "high"], stdin: unrated)
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.text, "")
        XCTAssertTrue(r.stderr.contains("none of the 2 records has a severity"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--include-unrated"), r.stderr)
        // Some rated records, none high enough: no warning, that is an ordinary empty answer.
        let rated = try ToolRunner.run("cs-filter", ["--sev", "critical", "--tag", "nothing"], stdin: Self.input)
        XCTAssertEqual(rated.stderr, "")
        // With --include-unrated there is nothing to warn about.
        let included = try ToolRunner.run("cs-filter", ["--sev", "high", "--include-unrated"], stdin: unrated)
        XCTAssertEqual(included.lines.count, 2)
        XCTAssertEqual(included.stderr, "")
    }
}
