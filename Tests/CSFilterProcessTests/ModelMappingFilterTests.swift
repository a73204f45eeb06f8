import Foundation
import XCTest
import CSTestSupport

/// Techniques a model mapped (`via: ["model:0.91"]`, with `evidence`) are techniques like any other for
/// --technique and --tactic; --where reaches their evidence; --min-confidence sets the score they need.
final class ModelMappingFilterTests: XCTestCase {
    /// Record a: T1105 only from the model (0.91), which implies TA0011. Record b: T1105 from the model at
    /// 0.55. Record c: T1105 from the model at 0.40 and from a phrase. Record d: T1110 from a phrase.
    static func line(_ id: String, techniques: [[String: Any]], tactics: [[String: Any]]) -> String {
        let o: [String: Any] = [
            "schema": "cs.advisory/1", "id": id, "uid": String(repeating: id, count: 32), "title": "Advisory \(id)",
            "severity": "high", "tags": [],
            "attack": ["version": "18.1", "tactics": tactics, "techniques": techniques, "groups": [], "software": []] as [String: Any],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
    }

    static func t1105(_ via: [String], score: Double) -> [String: Any] {
        ["id": "T1105", "name": "Ingress Tool Transfer", "tactics": ["TA0011"], "reference": "", "via": via,
         "evidence": [["text": "The loader downloads its second stage.", "score": score, "field": "content_text"]]]
    }

    static var c2: [String: Any] { ["id": "TA0011", "name": "Command and Control", "reference": "", "via": ["technique:T1105"]] }
    static let lines = [
        line("a", techniques: [t1105(["model:0.91"], score: 0.91)], tactics: [c2]),
        line("b", techniques: [t1105(["model:0.55"], score: 0.55)], tactics: [c2]),
        line("c", techniques: [t1105(["model:0.40", "phrase:ingress tool transfer"], score: 0.40)], tactics: [c2]),
        line("d", techniques: [["id": "T1110", "name": "Brute Force", "tactics": ["TA0006"], "reference": "", "via": ["phrase:brute force"]]],
             tactics: [["id": "TA0006", "name": "Credential Access", "reference": "", "via": ["technique:T1110"]]]),
    ]
    static let input = Data((lines.joined(separator: "\n") + "\n").utf8)

    func select(_ args: [String]) throws -> [String] {
        let r = try ToolRunner.run("cs-filter", args, stdin: Self.input)
        XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        return r.lines
    }

    func testModelTechniquesMatchTechniqueAndTactic() throws {
        XCTAssertEqual(try select(["--technique", "T1105"]), Array(Self.lines[0...2]))
        XCTAssertEqual(try select(["--technique", "ingress_tool_transfer"]), Array(Self.lines[0...2]))
        XCTAssertEqual(try select(["--tactic", "command_and_control"]), Array(Self.lines[0...2]))
        XCTAssertEqual(try select(["--not-technique", "T1105"]), [Self.lines[3]])
    }

    func testWhereReachesEvidence() throws {
        XCTAssertEqual(try select(["--where", "attack.techniques.evidence.score >= 0.9"]), [Self.lines[0]])
        XCTAssertEqual(try select(["--where", "attack.techniques.evidence.text =~ \"second stage\""]), Array(Self.lines[0...2]))
        XCTAssertEqual(try select(["--where", "attack.techniques.via == \"model:0.55\""]), [Self.lines[1]])
        XCTAssertEqual(try select(["--where", "not attack.techniques.evidence"]), [Self.lines[3]])
    }

    func testMinConfidence() throws {
        // b (0.55, model only) does not count; c counts through its phrase whatever its score.
        XCTAssertEqual(try select(["--technique", "T1105", "--min-confidence", "0.8"]), [Self.lines[0], Self.lines[2]])
        XCTAssertEqual(try select(["--tactic", "TA0011", "--min-confidence", "0.8"]), [Self.lines[0], Self.lines[2]])
        XCTAssertEqual(try select(["--not-technique", "T1105", "--min-confidence", "0.95"]), [Self.lines[0], Self.lines[1], Self.lines[3]])
        XCTAssertEqual(try select(["--technique", "T1105", "--min-confidence", "0.5"]), Array(Self.lines[0...2]))
        XCTAssertEqual(try select(["--tactic", "TA0006", "--min-confidence", "0.99"]), [Self.lines[3]])
        for args in [["--min-confidence", "0.8"], ["--technique", "T1105", "--min-confidence", "1.5"]] {
            let r = try ToolRunner.run("cs-filter", args, stdin: Self.input)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stdout.isEmpty)
            XCTAssertTrue(r.stderr.contains("--min-confidence"), r.stderr)
        }
    }
}
