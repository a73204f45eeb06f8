import Foundation
import XCTest
import CSTestSupport

/// CVSS, KEV and EPSS from cs-enrich's `priority` in the table, markdown, html and ECS formats.
final class PrioritySinkTests: XCTestCase {
    static let withPriority = #"{"schema":"cs.advisory/1","id":"a","uid":"00000000000000000000000000000001","title":"Command injection in the gateway","url":"https://psirt.example.com/a","summary":"s","published":"2026-12-02T09:00:00Z","severity":"critical","exploited":true,"cves":["CVE-2024-3400"],"priority":{"feed_severity":null,"severity_via":["cvss:9.3"],"cvss_score":9.3,"epss_score":0.94321,"cvss":[{"version":"3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H","score":8.8,"severity":"high","via":["text"]},{"version":"4.0","vector":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N","score":9.3,"severity":"critical","via":["text"]}],"ratings":[],"kev":[{"cve":"CVE-2024-3400","date_added":"2024-04-12","due_date":"2024-04-19","known_ransomware_campaign_use":"Unknown","required_action":"Apply mitigations.","via":["kev:CVE-2024-3400"]}],"epss":[{"cve":"CVE-2024-3400","score":0.94321,"percentile":0.9995,"date":"2026-12-03T12:55:00Z","via":["epss:CVE-2024-3400"]}]}}"#
    static let without = #"{"schema":"cs.advisory/1","id":"b","uid":"00000000000000000000000000000002","title":"A process note","url":null,"summary":null,"published":"2026-11-23T12:00:00Z","severity":null,"exploited":null,"cves":[]}"#
    static let input = Data((withPriority + "\n" + without + "\n").utf8)

    func testTableShowsAPriorityColumnOnlyWhenRecordsCarryIt() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "table"], stdin: Self.input, environment: ["COLUMNS": "120", "NO_COLOR": "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.lines[0].contains("CVSS KEV EPSS"), r.text)
        XCTAssertTrue(r.lines[1].contains("9.3 KEV 0.94"), r.text)
        XCTAssertTrue(r.lines[2].contains("- - -"), r.text)
        let plain = try ToolRunner.run("cs-sink", ["--format", "table"], stdin: Data((Self.without + "\n").utf8), environment: ["COLUMNS": "120", "NO_COLOR": "1"])
        XCTAssertFalse(plain.text.contains("CVSS"), plain.text)
    }

    func testDigestsShowScoreKEVAndEPSS() throws {
        let md = try ToolRunner.run("cs-sink", ["--format", "markdown"], stdin: Self.input)
        XCTAssertTrue(md.text.contains(#"CVSS 9.3 \(v4.0\) · **KEV**: CVE-2024-3400 \(added 2024-04-12, due 2024-04-19\) · EPSS 0.94 \(99.95th percentile\)"#), md.text)
        let html = try ToolRunner.run("cs-sink", ["--format", "html"], stdin: Self.input)
        XCTAssertTrue(html.text.contains("CVSS 9.3 (v4.0) · <strong>KEV</strong>: CVE-2024-3400 (added 2024-04-12, due 2024-04-19) · EPSS 0.94"), html.text)
    }

    func testECSVulnerabilityScore() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "ecs"], stdin: Self.input)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.lines[0].contains(#""vulnerability":{"id":["CVE-2024-3400"],"score":{"base":9.3,"version":"4.0"},"classification":"CVSS","severity":"critical"}"#), r.lines[0])
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.lines[0].utf8)) as? [String: Any])
        let labels = try XCTUnwrap(doc["labels"] as? [String: Any])
        XCTAssertEqual(labels["kev"] as? String, "CVE-2024-3400")
        XCTAssertEqual(labels["epss_score"] as? String, "0.94")
        let second = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.lines[1].utf8)) as? [String: Any])
        XCTAssertNil(second["vulnerability"])
    }
}
