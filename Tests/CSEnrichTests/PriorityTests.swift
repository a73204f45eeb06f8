import CSCore
@testable import CSEnrich
import CSTestSupport
import Foundation
import XCTest

/// Severity evidence in records (CVSS vectors and written scores, vendor ratings) and what it does to the record.
final class PriorityTests: XCTestCase {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let kevPath = repoRoot.appendingPathComponent("examples/data/kev.json").path
    static let epssPath = repoRoot.appendingPathComponent("examples/data/epss.csv").path

    func line(title: String = "Advisory", summary: String? = nil, text: String? = nil, tags: [String] = [],
              severity: String? = nil, exploited: Bool? = nil, extensions: [String: Any] = [:], cves: [String] = []) -> String {
        recordLine(title: title, summary: summary, text: text, tags: tags, cves: cves,
                   extra: ["severity": severity ?? NSNull(), "severities": severity.map { [$0] } ?? [],
                           "exploited": exploited ?? NSNull(), "extensions": extensions])
    }

    func enriched(_ line: String, _ enricher: Enricher = Enricher()) throws -> [String: Any] {
        let out = try enricher.enrich(line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    }

    func priority(_ o: [String: Any]) -> [String: Any] { o["priority"] as? [String: Any] ?? [:] }

    func evidence(_ text: String) -> PriorityEvidence {
        var e = PriorityEvidence()
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { EvidenceScanner.scan(UnsafeBufferPointer($0), via: "text", into: &e) }
        return e
    }

    // MARK: the text

    func testVectorsInTextAreScored() {
        let e = evidence("Fixed in 2.1. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H. Older: (AV:N/AC:L/Au:N/C:P/I:P/A:P) and CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
        XCTAssertEqual(e.cvss.map(\.score), [9.8, 7.5, 9.3])
        XCTAssertEqual(e.cvss.map(\.version), ["3.1", "2.0", "4.0"])
        XCTAssertEqual(e.cvss[0].vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        XCTAssertEqual(e.problems, [])
    }

    func testWrittenScores() {
        XCTAssertEqual(evidence("It has a CVSS 9.8 rating.").cvss.map(\.score), [9.8])
        XCTAssertEqual(evidence("CVSSv3 base score: 7.5").cvss.map(\.score), [7.5])
        XCTAssertEqual(evidence("CVSSv3 base score: 7.5").cvss.map(\.version), ["3"])
        XCTAssertEqual(evidence("CVSS:3.1 base score 8.8").cvss.map(\.score), [8.8])
        XCTAssertEqual(evidence("CVSS v3.1: 6.5 (Medium)").cvss.map(\.score), [6.5])
        XCTAssertEqual(evidence("CVSS 3.1 base score 9.1").cvss.map(\.score), [9.1])
        XCTAssertEqual(evidence("a CVSS score of 10.0").cvss.map(\.score), [10.0])
        XCTAssertEqual(evidence("It has a CVSS 9.8 rating.").cvss.first?.via, "text:CVSS 9.8")
    }

    /// A version after "CVSS" is not a score, and numbers that are not scores are not read as scores.
    func testNumbersThatAreNotScores() {
        for text in ["FIRST published CVSS 4.0 in 2023.", "CVSS 3.1 and CVSS 4.0 differ.", "CVSS 3.1.", "CVSSv3 vectors",
                     "the CVSS calculator", "CVSS 98% of the time", "CVSSv5 scores", "CVSS 10,000 times", "Discuss 9.8"] {
            XCTAssertEqual(evidence(text).cvss, [], text)
            XCTAssertEqual(evidence(text).problems, [], text)
        }
    }

    func testRatingsNeedTheirContext() {
        XCTAssertEqual(evidence("Severity: Critical").ratings.map(\.severity), [.critical])
        XCTAssertEqual(evidence("Maximum Severity Rating: Important").ratings.map(\.severity), [.high])
        XCTAssertEqual(evidence("a high-severity flaw").ratings.map(\.severity), [.high])
        XCTAssertEqual(evidence("a High Severity flaw").ratings.map(\.severity), [.high])
        XCTAssertEqual(evidence("The severity is moderate.").ratings.map(\.severity), [.medium])
        XCTAssertEqual(evidence("severity = low").ratings.map(\.via), ["text:severity = low"])
        for text in ["critical infrastructure operators", "a high number of attempts", "Critical vulnerability",
                     "the highest severity", "severity of the issue", "criticality: high"] {
            XCTAssertEqual(evidence(text).ratings, [], text)
        }
    }

    func testTitleAndCategoryRatings() throws {
        var e = PriorityEvidence()
        FieldEvidence.title("[Critical] RCE in the gateway", into: &e)
        FieldEvidence.title("RHSA-2026:1234: Important: kernel security update", into: &e)
        FieldEvidence.title("Critical infrastructure: a report", into: &e)   // a colon after more words
        FieldEvidence.title("Protecting critical: systems", into: &e)        // not capitalized
        XCTAssertEqual(e.ratings.map(\.via), ["title:[Critical]", "title:Important:"])
        var t = PriorityEvidence()
        for tag in ["critical", "severity-high", "moderate-severity", "critical-infrastructure", "high-availability", "lowlevel"] {
            FieldEvidence.tag(tag, into: &t)
        }
        XCTAssertEqual(t.ratings.map(\.severity), [.critical, .high, .medium])
    }

    func testMalformedAndOutOfRangeEvidenceIsReportedAndNotUsed() {
        let e = evidence("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H and CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H; CVSS score: 12.5; AV:N/AC:L/Au:N/C:P/I:P")
        XCTAssertEqual(e.cvss, [])
        XCTAssertEqual(e.problems.count, 4, "\(e.problems)")
        XCTAssertTrue(e.problems[0].contains("missing metric A"), e.problems[0])
        XCTAssertTrue(e.problems[1].contains("AV has no value \"Q\""), e.problems[1])
        XCTAssertTrue(e.problems[2].contains("12.5 is out of range"), e.problems[2])
        XCTAssertTrue(e.problems[3].contains("malformed CVSS v2 vector"), e.problems[3])
    }

    func testAWrittenScoreThatDisagreesWithItsVectorIsReported() {
        let e = evidence("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H (7.5)")
        XCTAssertEqual(e.cvss.map(\.score), [9.8])
        XCTAssertEqual(e.problems.count, 1)
        XCTAssertEqual(evidence("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H (9.8)").problems, [])
    }

    // MARK: the record

    func testEvidenceFillsANullSeverity() throws {
        let o = try enriched(line(text: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"))
        XCTAssertEqual(o["severity"] as? String, "high")
        XCTAssertEqual(o["severities"] as? [String], ["high"])
        let p = priority(o)
        XCTAssertEqual(p["severity_via"] as? [String], ["cvss:8.8"])
        XCTAssert(p["feed_severity"] is NSNull)
        XCTAssertEqual(p["cvss_score"] as? Double, 8.8)
        let cvss = try XCTUnwrap(p["cvss"] as? [[String: Any]])
        XCTAssertEqual(cvss.first?["severity"] as? String, "high")
        XCTAssertEqual(cvss.first?["via"] as? [String], ["text"])
    }

    func testNoEvidenceLeavesSeverityNull() throws {
        let o = try enriched(line(title: "Critical infrastructure operators targeted", text: "A high number of phishing e-mails."))
        XCTAssert(o["severity"] is NSNull)
        XCTAssertEqual(o["severities"] as? [String], [])
        XCTAssertEqual(priority(o)["severity_via"] as? [String], [])
    }

    func testTheFeedsSeverityStaysUnlessReassess() throws {
        let l = line(text: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", severity: "medium")
        let kept = try enriched(l)
        XCTAssertEqual(kept["severity"] as? String, "medium")
        XCTAssertEqual(priority(kept)["severity_via"] as? [String], ["feed"])
        let raised = try enriched(l, Enricher(reassess: true))
        XCTAssertEqual(raised["severity"] as? String, "critical")
        XCTAssertEqual(raised["severities"] as? [String], ["medium", "critical"])
        XCTAssertEqual(priority(raised)["severity_via"] as? [String], ["cvss:9.8"])
        XCTAssertEqual(priority(raised)["feed_severity"] as? String, "medium")
        // Evidence lower than the feed's never lowers it.
        let low = try enriched(line(text: "Severity: Low", severity: "high"), Enricher(reassess: true))
        XCTAssertEqual(low["severity"] as? String, "high")
    }

    func testContradictoryRatingsAreNotUsed() throws {
        let enricher = Enricher()
        let o = try enriched(line(text: "Severity: Low. Elsewhere: severity: critical."), enricher)
        XCTAssert(o["severity"] is NSNull)
        XCTAssertEqual((priority(o)["ratings"] as? [Any])?.count, 0)
        XCTAssertEqual(enricher.problems.count, 1)
        XCTAssertTrue(enricher.problems[0].contains("contradictory severity ratings"), enricher.problems[0])
    }

    func testExtensionsFields() throws {
        let o = try enriched(line(extensions: ["cvss_v3": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "_psirt": ["cvssScore": 7.2, "severity": "Important"]]))
        let p = priority(o)
        let cvss = try XCTUnwrap(p["cvss"] as? [[String: Any]])
        XCTAssertEqual(Set(cvss.compactMap { $0["score"] as? Double }), [6.1, 7.2])
        XCTAssertEqual(o["severity"] as? String, "high")
        XCTAssertEqual(Set(p["severity_via"] as? [String] ?? []), ["cvss:7.2", "rating:Important"])
    }

    func testKEVAndEPSS() throws {
        var problems: [String] = []
        let data = PriorityData()
        data.kev = try KEVCatalog.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.kevPath))), path: "kev.json", problems: &problems)
        data.epss = try EPSSTable.load(path: Self.epssPath, problems: &problems)
        XCTAssertEqual(problems, [])
        let o = try enriched(line(title: "Guidance for CVE-2023-4966"), Enricher(priorityData: data))
        XCTAssertEqual(o["severity"] as? String, "high")
        XCTAssertEqual(o["exploited"] as? Bool, true)
        let p = priority(o)
        XCTAssertEqual(p["severity_via"] as? [String], ["kev:CVE-2023-4966"])
        let kev = try XCTUnwrap((p["kev"] as? [[String: Any]])?.first)
        XCTAssertEqual(kev["date_added"] as? String, "2023-10-18")
        XCTAssertEqual(kev["due_date"] as? String, "2023-11-08")
        XCTAssertEqual(kev["known_ransomware_campaign_use"] as? String, "Known")
        XCTAssertNotNil(kev["required_action"] as? String)
        let epss = try XCTUnwrap((p["epss"] as? [[String: Any]])?.first)
        XCTAssertEqual(epss["score"] as? Double, 0.94213)
        XCTAssertEqual(epss["percentile"] as? Double, 0.99931)
        XCTAssertEqual(epss["date"] as? String, "2026-12-03T12:55:00Z")
        XCTAssertEqual(p["epss_score"] as? Double, 0.94213)
        // The feed said it is not exploited: that stays; a stated severity stays too.
        let stated = try enriched(line(title: "CVE-2023-4966", severity: "low", exploited: false), Enricher(priorityData: data))
        XCTAssertEqual(stated["exploited"] as? Bool, false)
        XCTAssertEqual(stated["severity"] as? String, "low")
    }

    /// Enriching an enriched record gives the same bytes (the rebuild path appends the same members).
    func testEnrichingTwiceGivesTheSameRecord() throws {
        let data = PriorityData()
        var problems: [String] = []
        data.kev = try KEVCatalog.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.kevPath))), path: "kev.json", problems: &problems)
        for l in [line(text: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H for CVE-2024-3400"),
                  line(text: "nothing here"), line(text: "Severity: High", severity: "low")] {
            let enricher = Enricher(priorityData: data)
            // Foundation writes "\/"; jansson (the rebuild path) writes "/".
            let once = try enricher.enrich(line: l.replacingOccurrences(of: "\\/", with: "/"))
            let twice = try enricher.enrich(line: once)
            XCTAssertEqual(once, twice)
        }
    }

    func testTheSameRatingTwiceIsNamedOnce() throws {
        let o = try enriched(line(title: "[Important] Privilege escalation", tags: ["important"]))
        XCTAssertEqual(o["severity"] as? String, "high")
        XCTAssertEqual(priority(o)["severity_via"] as? [String], ["rating:Important"])
    }

    // MARK: data files

    func testStaleDataIsReported() throws {
        let week = PriorityData.staleAfterSeconds
        // The example catalog says dateReleased 2026-12-03T17:02:11Z and the EPSS file score_date 2026-12-03T12:55:00Z.
        let released = RFC3339.parse("2026-12-03T17:02:11Z")!
        let fresh = PriorityData.load(kevPath: Self.kevPath, epssPath: Self.epssPath, dataDir: nil, environment: [:], now: released + 3600)
        XCTAssertEqual(fresh.messages.map(\.2), [])
        XCTAssertEqual(fresh.kev?.count, 3)
        XCTAssertEqual(fresh.epss?.count, 5)
        let stale = PriorityData.load(kevPath: Self.kevPath, epssPath: Self.epssPath, dataDir: nil, environment: [:], now: released + week + 86_400)
        XCTAssertEqual(stale.messages.count, 2, "\(stale.messages.map(\.2))")
        XCTAssertTrue(stale.messages.allSatisfy { $0.0 == .warning && $0.2.contains("days old") })
        XCTAssertNotNil(stale.kev, "old data is still used")
    }

    func testDataDirectoryDefaultsAndPublishedNames() throws {
        XCTAssertEqual(PriorityData.defaultDirectory(environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]), "/x/cs")
        XCTAssertEqual(PriorityData.defaultDirectory(environment: ["HOME": "/h"]), "/h/.local/share/cs")
        let examples = Self.repoRoot.appendingPathComponent("examples/data").path
        let found = PriorityData.load(kevPath: nil, epssPath: nil, dataDir: nil, environment: ["XDG_DATA_HOME": examples + "/.."], now: 0)
        XCTAssertNil(found.kev, "examples/cs does not exist: nothing found, nothing reported")
        XCTAssertEqual(found.messages.count, 0)
        let named = PriorityData.load(kevPath: nil, epssPath: nil, dataDir: examples, environment: [:], now: 0)
        XCTAssertEqual(named.kev?.count, 3)
        XCTAssertEqual(named.epss?.count, 5)
    }

    func testTruncatedKEVIsAnErrorWithItsLine() throws {
        let text = try String(contentsOfFile: Self.kevPath, encoding: .utf8)
        let truncated = Array(text.utf8.prefix(900))
        var problems: [String] = []
        XCTAssertThrowsError(try KEVCatalog.parse(truncated, path: "kev.json", problems: &problems)) { error in
            let message = (error as? StageError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("kev.json:"), message)
            XCTAssertTrue(message.contains("not a KEV catalog"), message)
        }
        XCTAssertThrowsError(try KEVCatalog.parse(Array(#"{"title":"x"}"#.utf8), path: "kev.json", problems: &problems))
        // The line is jansson's, through CSCore's JSON.parse: the bad token is on the third line.
        XCTAssertThrowsError(try KEVCatalog.parse(Array("{\n\"count\": 1,\n\"vulnerabilities\": nope}".utf8), path: "kev.json", problems: &problems)) { error in
            let message = (error as? StageError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("kev.json:3: not a KEV catalog: "), message)
        }
        let bad = try KEVCatalog.parse(Array(#"{"count":2,"vulnerabilities":[{"cveID":"nope"},{"cveID":"CVE-2024-3400"}]}"#.utf8), path: "k.json", problems: &problems)
        XCTAssertEqual(bad.count, 1)
        XCTAssertEqual(problems, ["k.json: vulnerabilities[0]: no valid cveID; entry skipped"])
    }

    func testEPSSRowsThatDoNotParseAreReportedWithTheirLine() throws {
        let csv = "#model_version:v2025.03.14,score_date:2026-12-03T12:55:00Z\ncve,epss,percentile\nCVE-2024-3400,0.94321,0.99950\nCVE-2024-1,0.5,0.5\nCVE-2024-9999,1.7,0.5\nCVE-2024-8888,0.00012\nCVE-2024-7777,9.5e-05,0.0123\nCVE-2023-0001,0.1,0.2\nCVE-2024-3400,0.95,0.99\n"
        var problems: [String] = []
        let t = try EPSSTable.parse(Array(csv.utf8), path: "e.csv", problems: &problems)
        XCTAssertEqual(t.count, 3)
        XCTAssertEqual(t.modelVersion, "v2025.03.14")
        // Out of order rows are found; of a repeated CVE the later row counts.
        XCTAssertEqual(t.score(forCVE: "cve-2024-3400"), EPSSTable.Score(score: 0.95, percentile: 0.99))
        XCTAssertEqual(t.score(forCVE: "CVE-2023-0001"), EPSSTable.Score(score: 0.1, percentile: 0.2))
        XCTAssertEqual(t.score(forCVE: "CVE-2024-7777")?.score, 9.5e-05)
        XCTAssertNil(t.score(forCVE: "CVE-2024-3401"))
        XCTAssertEqual(problems.map { String($0.prefix(8)) }, ["e.csv:4:", "e.csv:5:", "e.csv:6:"])
        XCTAssertThrowsError(try EPSSTable.parse(Array("CVE-2024-3400,0.9,0.9\n".utf8), path: "e.csv", problems: &problems))
    }

}
