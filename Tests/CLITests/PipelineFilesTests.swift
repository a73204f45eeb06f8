import Foundation
import XCTest

/// The shipped pipelines/, run with `cs run` on the bundled example feeds, and plugins joining them.
final class PipelineFilesTests: XCTestCase {
    func testHighSeverityDigestHoldsOnlyHighAndCritical() throws {
        let out = try Shell.temporaryDirectory()
        let r = try Shell.run("cs run pipelines/high-severity-digest OUT='\(out.path)'")
        XCTAssertEqual(r.status, 0, r.stderr)
        let digest = try String(contentsOf: out.appendingPathComponent("high-severity-digest.md"), encoding: .utf8)
        let expected = try Shell.run("cs-normalize examples/feeds/* | cs-filter --sev high --count").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(digest.contains("\(expected) advisories"), digest)
        XCTAssertTrue(digest.contains("## Critical"))
        XCTAssertFalse(digest.contains("## Medium"))
        XCTAssertTrue(digest.contains("[TA0006](https://attack.mitre.org/tactics/TA0006/)"), digest)
    }

    func testWatchSelectsTheTag() throws {
        let r = try Shell.run("cs run pipelines/entra-id-watch")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Illicit OAuth Consent Grant"), r.stdout)
        XCTAssertFalse(r.stdout.contains("VMware ESXi"), r.stdout)
        let other = try Shell.run("cs run pipelines/entra-id-watch TAG=kerberos")
        XCTAssertTrue(other.stdout.contains("Kerberoasting"), other.stdout)
    }

    /// The incremental archive: a second run on unchanged feeds appends nothing.
    func testArchiveIsIncremental() throws {
        let out = try Shell.temporaryDirectory()
        let archive = out.appendingPathComponent("advisories.ndjson").path
        XCTAssertEqual(try Shell.run("cs run pipelines/ndjson-archive OUT='\(out.path)'").status, 0)
        let first = try String(contentsOfFile: archive, encoding: .utf8).split(separator: "\n").count
        XCTAssertEqual(first, try Shell.run("cs-normalize examples/feeds/*").lines.count)
        let second = try Shell.run("cs run --stats pipelines/ndjson-archive OUT='\(out.path)'")
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try String(contentsOfFile: archive, encoding: .utf8).split(separator: "\n").count, first)
        XCTAssertTrue(second.stderr.contains("cs-fetch"), "stats table on stderr: \(second.stderr)")
        let sinkRow = try XCTUnwrap(second.stderr.split(separator: "\n").first(where: { $0.contains("cs-sink") }))
        XCTAssertEqual(sinkRow.split(separator: " ").suffix(4), ["0", "0", "0", "0"], "nothing new on the second run: \(sinkRow)")
        let fresh = try Shell.run("cs run --stats pipelines/ndjson-archive OUT='\(try Shell.temporaryDirectory().path)'")
        let firstSink = try XCTUnwrap(fresh.stderr.split(separator: "\n").first(where: { $0.contains("cs-sink") }))
        XCTAssertEqual(firstSink.split(separator: " ").suffix(3).first.map(String.init), "14", "records delivered to the file count as output: \(firstSink)")
    }

    func testSQLiteStoreIsIdempotent() throws {
        let out = try Shell.temporaryDirectory()
        let db = out.appendingPathComponent("a.db").path
        for _ in 0..<2 { XCTAssertEqual(try Shell.run("cs run pipelines/sqlite-store DB='\(db)'").status, 0) }
        let tables = try Shell.run("sqlite3 '\(db)' .tables").stdout.split(whereSeparator: \.isWhitespace).map(String.init)
        let table = try XCTUnwrap(tables.first, "no table in \(db)")
        let count = try Shell.run("sqlite3 '\(db)' 'select count(*) from \(table)'").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(Int(count), try Shell.run("cs-normalize examples/feeds/*").lines.count)
    }

    func testDryRunPrintsTheShellPipeline() throws {
        let r = try Shell.run("cs run --dry-run pipelines/high-severity-digest FEEDS=a.xml")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("set -o pipefail; cs-fetch a.xml \\\n  | cs-enrich"), r.stdout)
    }

    func testAFailingStageIsNamedWithItsStatus() throws {
        let dir = try Shell.temporaryDirectory()
        let file = dir.appendingPathComponent("p").path
        try "fetch examples/feeds/advisories.feed.json no-such-feed.xml\nenrich\nsink\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try Shell.run("cs run '\(file)'")
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("stage 1 (cs-fetch) exited with status 2"), r.stderr)
        XCTAssertGreaterThan(r.records.count, 0, "the good feed still arrives")
    }

    /// A plugin in another language (examples/plugins/cs-tlp, Python) shows in `cs plugins` and joins a pipeline.
    func testPythonPluginJoinsAPipelineAndIsListed() throws {
        let env = ["PATH": Shell.repoRoot.appendingPathComponent("examples/plugins").path + ":" + Shell.binDir.path + ":/usr/bin:/bin"]
        let list = try Shell.run("cs plugins --json", env: env)
        let tlp = try XCTUnwrap(list.records.first(where: { $0["name"] as? String == "cs-tlp" }), list.stdout)
        XCTAssertEqual(tlp["ok"] as? Bool, true, "\(tlp)")
        let dir = try Shell.temporaryDirectory()
        let file = dir.appendingPathComponent("p").path
        try "normalize examples/feeds/*\ntlp\nfilter --sev critical\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try Shell.run("cs run '\(file)'", env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.records.isEmpty)
        XCTAssertTrue(r.records.allSatisfy { $0["tlp"] as? String == "amber" })
        let viaUmbrella = try Shell.run("cs normalize examples/feeds/advisories.feed.json | cs tlp --level red", env: env)
        XCTAssertTrue(viaUmbrella.records.allSatisfy { $0["tlp"] as? String == "red" })
    }

    func testPluginBreakingTheContractIsFlagged() throws {
        let dir = try Shell.temporaryDirectory()
        let bad = dir.appendingPathComponent("cs-broken").path
        try "#!/bin/sh\necho not-json\n".write(toFile: bad, atomically: true, encoding: .utf8)
        chmod(bad, 0o755)
        let r = try Shell.run("cs plugins", env: ["PATH": dir.path + ":" + Shell.binDir.path + ":/usr/bin:/bin"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stdout.contains("cs-broken") && r.stdout.contains("did not print one JSON object"), r.stdout)
        XCTAssertTrue(r.stdout.contains("cs-filter"), r.stdout)
    }
}
