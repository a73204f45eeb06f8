import Foundation
import XCTest

/// What `cs run` does with the values it is given: output folders created, expansions never options,
/// globs bounded, a dry run shown even when a required value is missing.
final class RunInputsTests: XCTestCase {
    func testOutputFoldersAreCreated() throws {
        let out = try Shell.temporaryDirectory().appendingPathComponent("new/digest")
        let r = try Shell.run("cs run pipelines/high-severity-digest OUT='\(out.path)'")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("high-severity-digest.md").path))

        let archive = try Shell.temporaryDirectory().appendingPathComponent("archive")
        let a = try Shell.run("cs run pipelines/ndjson-archive OUT='\(archive.path)'")
        XCTAssertEqual(a.status, 0, a.stderr)
        for name in ["advisories.ndjson", "fetch-state.db"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: archive.appendingPathComponent(name).path), name)
        }
    }

    func testDryRunShowsAnUnsetRequiredVariable() throws {
        let r = try Shell.run("cs run --dry-run pipelines/splunk-hec-export", env: ["SPLUNK_HEC_URL": ""])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains(#"| cs-sink --to "${SPLUNK_HEC_URL}" --token-env SPLUNK_HEC_TOKEN"#), r.stdout)
        XCTAssertTrue(r.stderr.contains("SPLUNK_HEC_URL is not set"), r.stderr)
        let run = try Shell.run("cs run pipelines/splunk-hec-export < /dev/null", env: ["SPLUNK_HEC_URL": ""])
        XCTAssertEqual(run.status, 64, "a real run still refuses to start: \(run.stderr)")
    }

    func testExpandedWordsNeverBecomeOptions() throws {
        let dir = try Shell.temporaryDirectory()
        let r = try Shell.run("cd '\(dir.path)' && cs run '\(Shell.repoRoot.path)/pipelines/high-severity-digest' FEEDS='--dead-letter=x'")
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("gives '--dead-letter=x', which a stage would read as an option"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing ran")

        for name in ["--dead-letter=x", "a.xml"] { _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data()) }
        try "normalize *\nsink\n".write(to: dir.appendingPathComponent("p"), atomically: true, encoding: .utf8)
        let glob = try Shell.run("cd '\(dir.path)' && cs run --dry-run p")
        XCTAssertEqual(glob.status, 0, glob.stderr)
        XCTAssertTrue(glob.stdout.contains("cs-normalize ./--dead-letter=x a.xml p \\"), glob.stdout)
    }

    /// 22 × 22 × 22 folders: a pattern over them expands to more than 10,000 paths and is refused.
    func testAGlobOverTooManyPathsIsRefused() throws {
        let dir = try Shell.temporaryDirectory()
        for a in 0..<22 { for b in 0..<22 { for c in 0..<22 {
            try FileManager.default.createDirectory(atPath: dir.path + "/\(a)/\(b)/\(c)", withIntermediateDirectories: true)
        } } }
        let r = try Shell.run("cs run --dry-run pipelines/high-severity-digest FEEDS='\(dir.path)/*/*/*'")
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("expands to more than 10000 paths (RESOURCE_EXHAUSTED)"), r.stderr)
        XCTAssertEqual(r.stdout, "")
        try? FileManager.default.removeItem(at: dir)
    }
}
