import CSTestSupport
import Foundation
import XCTest

/// The built cs-enrich executable, the way pipelines use it.
final class EnrichCommandTests: XCTestCase {
    func testGarbageLineIsRejectedWithItsLineNumberAndTheRestGoesOn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-enrich-dl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let deadLetter = dir.appendingPathComponent("dead.ndjson").path
        let input = [recordLine(title: "Password spraying wave", tags: ["credential_access"]),
                     "this is { not json",
                     recordLine(title: "Second", tags: ["attack.persistence"]),
                     #"{"schema":"something/else"}"#].joined(separator: "\n") + "\n"
        let r = try runTool("cs-enrich", ["--dead-letter", deadLetter], stdin: input)
        XCTAssertEqual(r.status, 2, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        for line in lines {
            let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertNotNil(o["attack"])
            XCTAssertNotNil(o["indicators"])
        }
        XCTAssertTrue(r.stdout.contains("\"TA0006\""))
        XCTAssertTrue(r.stdout.contains("\"TA0003\""))
        XCTAssertTrue(r.stderr.contains("line 2") || r.stderr.contains(":2:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("line 4") || r.stderr.contains(":4:"), r.stderr)
        let kept = try String(contentsOfFile: deadLetter, encoding: .utf8)
        XCTAssertEqual(kept, "this is { not json\n" + #"{"schema":"something/else"}"# + "\n")
    }

    func testDescribeIsOneJSONObjectWithTheATTACKVersion() throws {
        let r = try runTool("cs-enrich", ["--describe"])
        XCTAssertEqual(r.status, 0)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(o["name"] as? String, "cs-enrich")
        XCTAssertEqual((o["attack"] as? [String: Any])?["version"] as? String, "18.1")
        let options = (o["options"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertTrue(options.contains("--map"), "\(options)")
    }

    func testHelpShowsExamplesAndTheMapFormat() throws {
        let r = try runTool("cs-enrich", ["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("EXAMPLES:"))
        XCTAssertTrue(r.stdout.contains("phrase:golden SAML"))
    }

    func testBadMapFileStopsWithFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-enrich-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = dir.appendingPathComponent("team.map")
        try "# ok\nimpossible-travel = T1078.004\nbad-line = T0000\n".write(to: map, atomically: true, encoding: .utf8)
        let r = try runTool("cs-enrich", ["--map", map.path], stdin: recordLine() + "\n")
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("team.map:3"), r.stderr)
        XCTAssertEqual(r.stdout, "")

        try "impossible-travel = T1078.004, TA0001\n".write(to: map, atomically: true, encoding: .utf8)
        let ok = try runTool("cs-enrich", ["--map", map.path], stdin: recordLine(tags: ["impossible_travel"]) + "\n")
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains(#""via":["map:impossible_travel"]"#), ok.stdout)
    }

    func testSwitchingOffAPhraseThatIsNotBuiltInIsReported() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-enrich-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = dir.appendingPathComponent("team.map")
        try "phrase:phishing =\nphrase:phishng =\n".write(to: map, atomically: true, encoding: .utf8)
        let r = try runTool("cs-enrich", ["--map", map.path], stdin: recordLine(text: "A phishing wave.") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("team.map:2: 'phishng' is no built-in phrase: nothing switched off"), r.stderr)
        XCTAssertFalse(r.stderr.contains("team.map:1"), r.stderr)
        XCTAssertFalse(r.stdout.contains("T1566"), r.stdout)
    }
}
