import Foundation
import XCTest
import CSTestSupport

/// `--format navigator`, loaded by mitreattack-python's navlayers.
final class NavigatorFormatTests: XCTestCase {
    static let load = """
    import io, json, sys, contextlib
    from mitreattack.navlayers import Layer
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        layer = Layer()
        layer.from_file(sys.argv[1])
    l = layer.layer
    print(json.dumps({
        "printed": printed.getvalue(),
        "versions": l.versions.get_dict(),
        "domain": l.domain,
        "techniques": [{"id": t.techniqueID, "tactic": t.tactic, "score": t.score, "comment": t.comment} for t in l.techniques],
        "gradient": l.gradient.get_dict(),
        "legend": [i.get_dict() for i in l.legendItems],
    }))
    """

    func loaded(_ data: Data, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try PythonValidator.requireModule("mitreattack.navlayers", package: "mitreattack-python")
        let path = ToolRunner.temporaryFile("layer.json")
        defer { try? FileManager.default.removeItem(at: path) }
        try data.write(to: path)
        let r = try PythonValidator.run(NavigatorFormatTests.load, arguments: [path.path])
        XCTAssertEqual(r.status, 0, r.output, file: file, line: line)
        let answer = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((r.output.split(separator: "\n").last ?? "").utf8)) as? [String: Any], r.output)
        // navlayers prints what it had to fix or could not read: a clean layer prints nothing.
        XCTAssertEqual(answer["printed"] as? String, "", file: file, line: line)
        return answer
    }

    func testLayerScoresAreAdvisoryCounts() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "navigator", "--title", "Week 17"], stdin: ExchangeFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        let layer = try loaded(r.stdout)
        XCTAssertEqual(layer["domain"] as? String, "enterprise-attack")
        let versions = try XCTUnwrap(layer["versions"] as? [String: Any])
        XCTAssertEqual(versions["layer"] as? String, "4.5")
        XCTAssertEqual(versions["attack"] as? String, "18")
        XCTAssertTrue((versions["navigator"] as? String)?.hasPrefix("5.") == true)
        let techniques = try XCTUnwrap(layer["techniques"] as? [[String: Any]])
        func entry(_ id: String) -> [String: Any]? { techniques.first { $0["id"] as? String == id } }
        // T1110 is mapped by both exchange fixtures and by SinkFixtures' record 1: three advisories.
        XCTAssertEqual(entry("T1110")?["score"] as? Int, 3)
        XCTAssertEqual(entry("T1110")?["tactic"] as? String, "credential-access")
        XCTAssertEqual(entry("T1110.003")?["score"] as? Int, 2)
        XCTAssertEqual(entry("T1059.001")?["score"] as? Int, 1)
        let comment = try XCTUnwrap(entry("T1110")?["comment"] as? String)
        XCTAssertTrue(comment.hasPrefix("3 advisories: "), comment)
        XCTAssertTrue(comment.contains("Password spraying against Entra ID"), comment)
        XCTAssertFalse(comment.contains("\u{202E}"), "no bidi override")
        XCTAssertEqual((layer["gradient"] as? [String: Any])?["maxValue"] as? Int, 3)
        XCTAssertEqual((layer["legend"] as? [[String: Any]])?.count, 2)
        XCTAssertTrue(r.text.hasPrefix("{\"name\":\"Week 17\""), r.text)
        let again = try ToolRunner.run("cs-sink", ["--format", "navigator", "--title", "Week 17"], stdin: ExchangeFixtures.ndjson)
        XCTAssertEqual(again.stdout, r.stdout, "byte-identical for the same input")
    }

    /// A technique in several tactics gets an entry per tactic; titles in a comment are bounded.
    func testTacticEntriesAndBoundedComments() throws {
        let many = (0..<15).map { i in
            SinkFixtures.line(ExchangeFixtures.record(10 + i, title: String(repeating: "long title \(i) ", count: 30), severity: "low",
                                                      published: "2026-04-22T18:43:05Z", url: "https://x.example/\(i)",
                                                      techniques: [("T1078", "Valid Accounts")]))
        }
        let r = try ToolRunner.run("cs-sink", ["--format", "navigator"], stdin: Data((many.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let layer = try loaded(r.stdout)
        let entries = (layer["techniques"] as? [[String: Any]] ?? []).filter { $0["id"] as? String == "T1078" }
        XCTAssertEqual(Set(entries.compactMap { $0["tactic"] as? String }),
                       ["defense-evasion", "persistence", "privilege-escalation", "initial-access"])
        for e in entries {
            XCTAssertEqual(e["score"] as? Int, 15)
            let comment = e["comment"] as? String ?? ""
            XCTAssertTrue(comment.hasSuffix("; and 5 more"), comment)
            XCTAssertLessThan(comment.count, 1400)
        }
    }
}
