import Foundation
import XCTest

/// The whole pipeline, run the way users run it.
final class PipelineTests: XCTestCase {
    func testSeedsHighSeverityGivesTheTwoHighItems() throws {
        _ = try Shell.requireShared()
        let r = try Shell.run("cs-normalize ../shared/seeds/* | cs-enrich | cs-filter --sev high")
        XCTAssertEqual(r.status, 0, r.stderr)
        let records = r.records
        XCTAssertEqual(records.count, 2, r.stdout)
        let byTitle = Dictionary(uniqueKeysWithValues: records.map { ($0["title"] as? String ?? "", $0) })
        let lockouts = try XCTUnwrap(byTitle["Entra ID Excessive Account Lockouts Detected"])
        XCTAssertEqual(lockouts["severity"] as? String, "high")
        XCTAssertTrue(tacticIDs(lockouts).contains("TA0006"))
        XCTAssertTrue(techniqueIDs(lockouts).contains("T1110"))
        let federated = try XCTUnwrap(byTitle["Entra ID Federated Identity Credential Issuer Modified"])
        XCTAssertTrue(tacticIDs(federated).isSuperset(of: ["TA0003", "TA0004"]), "\(tacticIDs(federated))")
    }

    func testSeedsNormalizeToFourValidRecords() throws {
        _ = try Shell.requireShared()
        let r = try Shell.run("cs-normalize ../shared/seeds/*")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.records.count, 4)
        try SchemaValidator.assertValid(r.stdout)
    }

    func testExamplesCoverEverySeverityAndSixTactics() throws {
        let r = try Shell.run("cs-normalize examples/feeds/* | cs-enrich")
        XCTAssertEqual(r.status, 0, r.stderr)
        let records = r.records
        XCTAssertGreaterThanOrEqual(records.count, 12)
        XCTAssertEqual(Set(records.compactMap { $0["severity"] as? String }), ["info", "low", "medium", "high", "critical"])
        let tactics = records.reduce(into: Set<String>()) { $0.formUnion(tacticIDs($1)) }
        XCTAssertGreaterThanOrEqual(tactics.count, 6, "\(tactics)")
        try SchemaValidator.assertValid(r.stdout)
    }

    func testSeverityFilterKeepsExactlyTheRecordsAtOrAboveTheLevel() throws {
        let all = try Shell.run("cs-normalize examples/feeds/* | cs-enrich").records
        let expected = all.filter { ["high", "critical"].contains($0["severity"] as? String ?? "") }.count
        let r = try Shell.run("cs-normalize examples/feeds/* | cs-enrich | cs-filter --sev high")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.records.count, expected)
        XCTAssertGreaterThan(expected, 0)
    }

    func testFilterPassesRecordsThroughByteForByte() throws {
        let dir = try Shell.temporaryDirectory()
        let path = dir.appendingPathComponent("in.ndjson").path
        try Shell.run("cs-normalize examples/feeds/* | cs-enrich > '\(path)'")
        let r = try Shell.run("cs-filter --sev info < '\(path)'")
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let rated = original.split(separator: "\n").filter { $0.contains("\"severity\":\"") }
        XCTAssertEqual(r.lines, rated.map(String.init))
    }

    func testTableSinkShowsEveryRecordSortedBySeverity() throws {
        let r = try Shell.run("cs-normalize examples/feeds/* | cs-enrich | cs-sink --format table")
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = r.stdout
        XCTAssertTrue(text.contains("Ransomware Encrypting VMware ESXi"), text)
        let critical = try XCTUnwrap(text.range(of: "critical")), info = try XCTUnwrap(text.range(of: "info"))
        XCTAssertLessThan(critical.lowerBound, info.lowerBound, "critical rows come before info rows")
        XCTAssertFalse(text.contains("\u{1B}["), "no colour escapes when stdout is not a terminal")
    }

    func testSinkAppendsWholeLinesToAFile() throws {
        let dir = try Shell.temporaryDirectory()
        let file = dir.appendingPathComponent("archive.ndjson").path
        for _ in 0..<2 { XCTAssertEqual(try Shell.run("cs-normalize examples/feeds/* | cs-sink --to '\(file)'").status, 0) }
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let n = try Shell.run("cs-normalize examples/feeds/*").lines.count
        XCTAssertEqual(lines.count, 2 * n)
        for l in lines { XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(l.utf8))) }
    }

    private func tacticIDs(_ r: [String: Any]) -> Set<String> {
        Set(((r["attack"] as? [String: Any])?["tactics"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
    }
    private func techniqueIDs(_ r: [String: Any]) -> Set<String> {
        Set(((r["attack"] as? [String: Any])?["techniques"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
    }
}
