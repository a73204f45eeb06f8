import Foundation
import XCTest
import CSTestSupport

/// `--format stix`, checked by OASIS's stix2-validator and by reading the bundle back.
final class STIXFormatTests: XCTestCase {
    static let validate = """
    import json, sys, uuid
    from stix2validator import validate_file, ValidationOptions
    text = open(sys.argv[1]).read()
    result = validate_file(sys.argv[1], ValidationOptions(version="2.1"))
    errors = [f"{o.object_id}: {e}" for o in result.object_results for e in o.errors]
    if result.fatal: errors.append(str(result.fatal))
    bundle = json.loads(text)
    objects = bundle.get("objects", [])
    ids = {o["id"] for o in objects}
    missing = [r for o in objects if o["type"] == "report" for r in o["object_refs"] if r not in ids]
    missing += [o[k] for o in objects if o["type"] == "relationship" for k in ("source_ref", "target_ref") if o[k] not in ids]
    print(json.dumps({"valid": result.is_valid, "errors": errors, "missing": missing, "objects": objects}))
    """

    /// Validates the bundle in `data`; returns its objects.
    func validated(_ data: Data, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try PythonValidator.requireModule("stix2validator", package: "stix2-validator")
        let path = ToolRunner.temporaryFile("bundle.json")
        defer { try? FileManager.default.removeItem(at: path) }
        try data.write(to: path)
        let r = try PythonValidator.run(STIXFormatTests.validate, arguments: [path.path])
        XCTAssertEqual(r.status, 0, r.output, file: file, line: line)
        let lastLine = r.output.split(separator: "\n").last.map(String.init) ?? ""
        let answer = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any], r.output)
        XCTAssertEqual(answer["errors"] as? [String], [], "stix2-validator errors", file: file, line: line)
        XCTAssertEqual(answer["valid"] as? Bool, true, file: file, line: line)
        XCTAssertEqual(answer["missing"] as? [String], [], "references to objects not in the bundle", file: file, line: line)
        return answer["objects"] as? [[String: Any]] ?? []
    }

    func testBundleOfHostileRecordsValidates() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "stix"], stdin: ExchangeFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        let objects = try validated(r.stdout)
        func of(_ type: String) -> [[String: Any]] { objects.filter { $0["type"] as? String == type } }
        XCTAssertEqual(of("report").count, SinkFixtures.lines.count + ExchangeFixtures.lines.count, "a report per advisory")
        // The url indicator's quote and backslash are escaped inside the pattern's string literal.
        let patterns = of("indicator").compactMap { $0["pattern"] as? String }
        XCTAssertTrue(patterns.contains(#"[url:value = 'http://evil.example/a\'b\\c"d']"#), "\(patterns)")
        XCTAssertTrue(patterns.contains("[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']"))
        XCTAssertTrue(patterns.contains("[ipv6-addr:value = '2001:db8::1']"))
        // ATT&CK objects carry their IDs; software is malware or tool as ATT&CK classifies it.
        let mimikatz = try XCTUnwrap(of("tool").first { $0["name"] as? String == "Mimikatz" })
        let ref = try XCTUnwrap((mimikatz["external_references"] as? [[String: Any]])?.first)
        XCTAssertEqual(ref["source_name"] as? String, "mitre-attack")
        XCTAssertEqual(ref["external_id"] as? String, "S0002")
        XCTAssertEqual(of("malware").first?["name"] as? String, "Cobalt Strike")
        XCTAssertEqual(of("intrusion-set").first?["name"] as? String, "APT29")
        // One attack-pattern for T1110 although two advisories map it.
        let bruteForce = of("attack-pattern").filter { ($0["external_references"] as? [[String: Any]])?.first?["external_id"] as? String == "T1110" }
        XCTAssertEqual(bruteForce.count, 1)
        XCTAssertEqual(of("vulnerability").map { $0["name"] as? String }, ["CVE-2024-3400"], "'<b>CVE</b>' is no CVE")
        let uses = of("relationship").filter { $0["relationship_type"] as? String == "uses" && $0["target_ref"] as? String == bruteForce.first?["id"] as? String }
        XCTAssertEqual(uses.count, 1, "APT29 uses T1110")
        XCTAssertTrue((uses.first?["description"] as? String)?.contains("sprayed passwords") == true, "model evidence in the relationship")
        XCTAssertTrue(of("relationship").contains { $0["relationship_type"] as? String == "indicates" })
        // Hostile text is inert: no bidi override, the javascript: link is not a reference.
        XCTAssertFalse(r.text.contains("\u{202E}"))
        let links = of("report").flatMap { ($0["external_references"] as? [[String: Any]] ?? []).compactMap { $0["url"] as? String } }
        XCTAssertFalse(links.isEmpty)
        XCTAssertTrue(links.allSatisfy { $0.hasPrefix("https://") }, "\(links)")
        let hostile = try XCTUnwrap(of("report").first { ($0["name"] as? String)?.hasPrefix("APT29") == true })
        XCTAssertEqual(hostile["published"] as? String, "2026-04-22T18:43:05.000Z")
        XCTAssertEqual(hostile["labels"] as? [String], ["severity:high", "tlp:amber", "entra-id"])
    }

    /// Ids are UUIDv5 (RFC 9562) from the record's uid: Python's uuid5 gives the same.
    func testIdsAreDeterministicUUIDv5() throws {
        let a = try ToolRunner.run("cs-sink", ["--format", "stix"], stdin: ExchangeFixtures.ndjson)
        let b = try ToolRunner.run("cs-sink", ["--format", "stix"], stdin: ExchangeFixtures.ndjson)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout, "byte-identical for the same input")
        let uid = String(format: "%032x", 0xabc001)
        let r = try PythonValidator.run("""
            import uuid, sys
            ns = uuid.UUID("3f6c1d0e-8a47-4b5e-9c2d-71e0a5b9f4c3")
            print("report--" + str(uuid.uuid5(ns, sys.argv[1] + "\\nreport")))
            print("attack-pattern--" + str(uuid.uuid5(ns, "attack-pattern:T1110")))
            """, arguments: [uid])
        XCTAssertEqual(r.status, 0, r.output)
        for id in r.output.split(separator: "\n") { XCTAssertTrue(a.text.contains("\"id\":\"\(id)\""), "\(id) not in the bundle") }
        let empty = try ToolRunner.run("cs-sink", ["--format", "stix"], stdin: Data())
        XCTAssertEqual(empty.status, 0)
        XCTAssertTrue(empty.text.hasPrefix("{\"type\":\"bundle\",\"id\":\"bundle--"), empty.text)
    }

    /// The bundled example feeds through cs-normalize and cs-enrich validate with zero errors.
    func testBundledExamplesValidate() throws {
        let enriched = try ExchangePipeline.enrichedExamples()
        let r = try ToolRunner.run("cs-sink", ["--format", "stix"], stdin: enriched)
        XCTAssertEqual(r.status, 0, r.stderr)
        let objects = try validated(r.stdout)
        let records = String(decoding: enriched, as: UTF8.self).split(separator: "\n").count
        XCTAssertEqual(objects.filter { $0["type"] as? String == "report" }.count, records)
        XCTAssertTrue(objects.contains { $0["type"] as? String == "attack-pattern" })
        XCTAssertTrue(objects.contains { $0["type"] as? String == "indicator" })
    }
}

/// The bundled example feeds as enriched records (cs-normalize | cs-enrich).
enum ExchangePipeline {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func enrichedExamples() throws -> Data {
        let feeds = ["advisories.feed.json", "detections.rss.xml"].map { repoRoot.appendingPathComponent("examples/feeds/\($0)").path }
        let normalized = try ToolRunner.run("cs-normalize", feeds)
        XCTAssertEqual(normalized.status, 0, normalized.stderr)
        let enriched = try ToolRunner.run("cs-enrich", [], stdin: normalized.stdout)
        XCTAssertEqual(enriched.status, 0, enriched.stderr)
        XCTAssertFalse(enriched.stdout.isEmpty)
        return enriched.stdout
    }
}
