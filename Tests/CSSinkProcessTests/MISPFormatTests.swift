import Foundation
import XCTest
import CSTestSupport

/// `--format misp`: events and the `--to DIR` feed, loaded by PyMISP.
final class MISPFormatTests: XCTestCase {
    /// Loads each event line (or each `<uuid>.json` of a feed folder) with PyMISP's MISPEvent.
    static let load = """
    import json, sys, os, hashlib, warnings
    warnings.simplefilter("ignore")
    from pymisp import MISPEvent
    def summary(e):
        return {"uuid": e.uuid, "info": e.info, "date": str(e.date), "threat_level_id": int(e.threat_level_id),
                "analysis": int(e.analysis), "tags": [t.name for t in e.tags],
                "attributes": [{"type": a.type, "value": a.value, "to_ids": a.to_ids, "category": a.category,
                                "comment": a.comment} for a in e.attributes]}
    out = {"events": []}
    source = sys.argv[1]
    if os.path.isdir(source):
        manifest = json.load(open(os.path.join(source, "manifest.json")))
        out["manifest"] = manifest
        out["hashes"] = [l.split(",") for l in open(os.path.join(source, "hashes.csv")).read().splitlines()]
        for uuid in sorted(manifest):
            e = MISPEvent()
            e.load_file(os.path.join(source, uuid + ".json"))
            assert e.uuid == uuid, (e.uuid, uuid)
            out["events"].append(summary(e))
        # Every attribute of every listed event is in hashes.csv, and nothing else is.
        expected = sorted([hashlib.md5(a["value"].encode()).hexdigest(), ev["uuid"]] for ev in out["events"] for a in ev["attributes"])
        out["hashes_match"] = sorted(out["hashes"]) == sorted(map(list, {tuple(x) for x in expected}))
    else:
        for line in open(source):
            e = MISPEvent()
            e.load(line)
            out["events"].append(summary(e))
    print(json.dumps(out))
    """

    func loaded(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try PythonValidator.requireModule("pymisp", package: "pymisp")
        let r = try PythonValidator.run(MISPFormatTests.load, arguments: [path])
        XCTAssertEqual(r.status, 0, r.output, file: file, line: line)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((r.output.split(separator: "\n").last ?? "").utf8)) as? [String: Any], r.output)
    }

    func testEventsLoadInPyMISP() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "misp"], stdin: ExchangeFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.lines.count, SinkFixtures.lines.count + ExchangeFixtures.lines.count, "one event per line")
        let path = ToolRunner.temporaryFile("events.ndjson")
        defer { try? FileManager.default.removeItem(at: path) }
        try r.stdout.write(to: path)
        let events = try XCTUnwrap(try loaded(path.path)["events"] as? [[String: Any]])
        let apt = try XCTUnwrap(events.first { ($0["info"] as? String)?.hasPrefix("APT29") == true })
        XCTAssertEqual(apt["threat_level_id"] as? Int, 1, "high")
        XCTAssertEqual(apt["date"] as? String, "2026-04-22")
        let attributes = try XCTUnwrap(apt["attributes"] as? [[String: Any]])
        func attribute(_ type: String) -> [String: Any]? { attributes.first { $0["type"] as? String == type } }
        for type in ["ip-dst", "domain", "url", "md5", "sha1", "sha256"] {
            XCTAssertEqual(attribute(type)?["to_ids"] as? Bool, true, type)
        }
        XCTAssertEqual(attributes.filter { $0["type"] as? String == "ip-dst" }.count, 2, "IPv4 and IPv6")
        XCTAssertEqual(attribute("url")?["value"] as? String, ExchangeFixtures.hostileURL)
        XCTAssertEqual(attribute("vulnerability")?["value"] as? String, "CVE-2024-3400")
        XCTAssertEqual(attribute("vulnerability")?["to_ids"] as? Bool, false)
        XCTAssertEqual(attributes.filter { $0["type"] as? String == "vulnerability" }.count, 1, "'<b>CVE</b>' is no CVE")
        XCTAssertEqual(attribute("link")?["value"] as? String, "https://feed.example.org/briefs/apt29")
        XCTAssertTrue((attribute("text")?["comment"] as? String)?.contains("T1110") == true, "model evidence")
        let tags = try XCTUnwrap(apt["tags"] as? [String])
        XCTAssertTrue(tags.contains("tlp:amber"))
        XCTAssertTrue(tags.contains(#"misp-galaxy:mitre-attack-pattern="Brute Force - T1110""#), "\(tags)")
        XCTAssertTrue(tags.contains(#"misp-galaxy:mitre-attack-pattern="Password Spraying - T1110.003""#))
        XCTAssertTrue(tags.contains(#"misp-galaxy:mitre-intrusion-set="APT29 - G0016""#))
        XCTAssertTrue(tags.contains(#"misp-galaxy:mitre-tool="Mimikatz - S0002""#))
        XCTAssertTrue(tags.contains(#"misp-galaxy:mitre-malware="Cobalt Strike - S0154""#))
        XCTAssertFalse((apt["info"] as? String)?.contains("\u{202E}") ?? true, "no bidi override")
        let unrated = try XCTUnwrap(events.first { $0["info"] as? String == "Password spraying against Entra ID" })
        XCTAssertEqual(unrated["threat_level_id"] as? Int, 4, "undefined")
        XCTAssertFalse((unrated["attributes"] as? [[String: Any]] ?? []).contains { $0["type"] as? String == "link" }, "javascript: is no link")
        let again = try ToolRunner.run("cs-sink", ["--format", "misp"], stdin: ExchangeFixtures.ndjson)
        XCTAssertEqual(again.stdout, r.stdout, "byte-identical for the same input")
    }

    /// `--to DIR`: a feed PyMISP reads; a rerun updates it (same files), a second input is merged in.
    func testFeedFolderIsMergedOnRerun() throws {
        let dir = ToolRunner.temporaryFile("misp-feed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = Data((ExchangeFixtures.lines.joined(separator: "\n") + "\n").utf8)
        let r1 = try ToolRunner.run("cs-sink", ["--format", "misp", "--to", dir.path], stdin: first)
        XCTAssertEqual(r1.status, 0, r1.stderr)
        XCTAssertTrue(r1.stdout.isEmpty)
        let feed1 = try loaded(dir.path)
        XCTAssertEqual((feed1["events"] as? [Any])?.count, 2)
        XCTAssertEqual(feed1["hashes_match"] as? Bool, true)
        let snapshot = try feedFiles(dir)
        let r2 = try ToolRunner.run("cs-sink", ["--format", "misp", "--to", dir.path], stdin: first)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertEqual(try feedFiles(dir), snapshot, "a rerun leaves the same files, byte for byte")

        let r3 = try ToolRunner.run("cs-sink", ["--format", "misp", "--to", dir.path], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(r3.status, 0, r3.stderr)
        let feed = try loaded(dir.path)
        let events = try XCTUnwrap(feed["events"] as? [[String: Any]])
        XCTAssertEqual(events.count, 2 + SinkFixtures.lines.count, "merged, not replaced")
        XCTAssertEqual(feed["hashes_match"] as? Bool, true)
        let manifest = try XCTUnwrap(feed["manifest"] as? [String: [String: Any]])
        for (uuid, entry) in manifest {
            for key in ["info", "date", "analysis", "threat_level_id", "timestamp", "Orgc", "Tag"] {
                XCTAssertNotNil(entry[key], "\(uuid) manifest entry has \(key)")
            }
        }
        // The same advisory (same uid) with a new title: its event is updated, not added.
        var changed = ExchangeFixtures.records[1]
        changed["title"] = "Password spraying against Entra ID (updated)"
        let r4 = try ToolRunner.run("cs-sink", ["--format", "misp", "--to", dir.path], stdin: Data((SinkFixtures.line(changed) + "\n").utf8))
        XCTAssertEqual(r4.status, 0, r4.stderr)
        let updated = try loaded(dir.path)
        let infos = (updated["events"] as? [[String: Any]] ?? []).compactMap { $0["info"] as? String }
        XCTAssertEqual(infos.count, 2 + SinkFixtures.lines.count)
        XCTAssertTrue(infos.contains("Password spraying against Entra ID (updated)"))
        XCTAssertFalse(infos.contains("Password spraying against Entra ID"))
        XCTAssertEqual(updated["hashes_match"] as? Bool, true)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no temporary files left")
        let notDir = ToolRunner.temporaryFile("plain-file")
        defer { try? FileManager.default.removeItem(at: notDir) }
        try Data("x".utf8).write(to: notDir)
        let bad = try ToolRunner.run("cs-sink", ["--format", "misp", "--to", notDir.path], stdin: first)
        XCTAssertEqual(bad.status, 3, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("not a folder"), bad.stderr)
    }

    func feedFiles(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return out
    }
}
