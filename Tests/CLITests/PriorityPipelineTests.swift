import Foundation
import XCTest

/// Priority evidence through the real pipeline: a PSIRT-shaped feed without severity fields.
final class PriorityPipelineTests: XCTestCase {
    /// The issue's "done when": `--sev high` gives exactly the items whose evidence is high or critical, each
    /// with its evidence; items without evidence stay null.
    func testSevHighOnAFeedWithoutSeverityFields() throws {
        let dir = try Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = try Shell.run("cs-normalize examples/psirt/psirt.rss.xml | cs-enrich -q --data-dir examples/data",
                                env: ["XDG_DATA_HOME": dir.path])
        XCTAssertEqual(all.status, 0, all.stderr)
        try SchemaValidator.assertValid(all.stdout)
        let severities = Dictionary(uniqueKeysWithValues: all.records.map { ($0["id"] as? String ?? "", $0["severity"] as? String ?? "null") })
        XCTAssertEqual(severities, ["EX-SA-2026-0041": "critical", "EX-SA-2026-0040": "high", "EX-SA-2026-0039": "medium",
                                    "EX-SA-2026-0038": "low", "EX-SA-2026-0037": "high", "EX-SA-2026-0036": "high",
                                    "EX-PROCESS-2026": "null"])

        let high = try Shell.run("cs-normalize examples/psirt/psirt.rss.xml | cs-enrich -q --data-dir examples/data | cs-filter --sev high")
        XCTAssertEqual(high.status, 0, high.stderr)
        XCTAssertEqual(Set(high.records.compactMap { $0["id"] as? String }), ["EX-SA-2026-0041", "EX-SA-2026-0040", "EX-SA-2026-0037", "EX-SA-2026-0036"])
        for r in high.records {
            let via = (r["priority"] as? [String: Any])?["severity_via"] as? [String] ?? []
            XCTAssertFalse(via.isEmpty || via == ["feed"], "\(r["id"] ?? "") \(via)")
        }
        let kevListed = high.records.first { $0["id"] as? String == "EX-SA-2026-0037" }
        XCTAssertEqual(kevListed?["exploited"] as? Bool, true)
    }

    /// Without KEV/EPSS data the feed's CVSS and ratings still work, and a broken data file is reported with
    /// its file and line while every record goes through.
    func testBrokenDataFilesAreReportedAndRecordsFlowOn() throws {
        let dir = try Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kev = try String(contentsOfFile: Shell.repoRoot.appendingPathComponent("examples/data/kev.json").path, encoding: .utf8)
        try String(kev.prefix(700)).write(to: dir.appendingPathComponent("kev.json"), atomically: true, encoding: .utf8)
        try "cve,epss\n".write(to: dir.appendingPathComponent("epss.csv"), atomically: true, encoding: .utf8)
        let r = try Shell.run("cs-normalize examples/psirt/psirt.rss.xml | cs-enrich --data-dir \(dir.path) --log-format json")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.records.count, 7)
        XCTAssertTrue(r.stderr.contains("kev.json:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("not a KEV catalog"), r.stderr)
        XCTAssertTrue(r.stderr.contains("epss.csv:1: not an EPSS file"), r.stderr)
        // The KEV-only item has no evidence now: null, not guessed.
        let kevOnly = r.records.first { $0["id"] as? String == "EX-SA-2026-0037" }
        XCTAssertTrue(kevOnly?["severity"] is NSNull)
        XCTAssertEqual(r.records.first { $0["id"] as? String == "EX-SA-2026-0041" }?["severity"] as? String, "critical")
    }

    /// Bad evidence in a record is a warning with the input's line; the record goes through without it.
    func testMalformedVectorIsAWarningWithItsLine() throws {
        let good = #"{"schema":"cs.advisory/1","id":"a","title":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","severity":null,"severities":[],"exploited":null}"#
        let bad = #"{"schema":"cs.advisory/1","id":"b","title":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H","severity":null,"severities":[],"exploited":null}"#
        let dir = try Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Shell.run("cs-enrich --data-dir \(dir.path) | jq -c '[.id, .severity]'", stdin: good + "\n" + bad + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("<stdin>:2: malformed CVSS vector \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H\": missing metric I"), r.stderr)
        XCTAssertEqual(r.stdout, "[\"a\",\"critical\"]\n[\"b\",null]\n")
    }
}
