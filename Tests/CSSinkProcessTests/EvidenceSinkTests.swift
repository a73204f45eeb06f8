import Foundation
import XCTest
import CSTestSupport

/// Technique evidence (a model's scored sentences, record.md's `evidence`) in the table, markdown and csv
/// formats, escaped like all feed text.
final class EvidenceSinkTests: XCTestCase {
    /// T1105 from the model with two sentences (the first carries markup, Markdown metacharacters and ESC),
    /// T1110 from a phrase, T1059 from the model with a score in `via` only.
    static let withEvidence = #"{"schema":"cs.advisory/1","id":"a","uid":"00000000000000000000000000000001","title":"Loader pulls tools over HTTPS","url":"https://psirt.example.com/a","summary":"s","published":"2026-12-02T09:00:00Z","severity":"high","cves":[],"attack":{"version":"18.1","tactics":[{"id":"TA0011","name":"Command and Control","reference":"","via":["technique:T1105"]}],"techniques":[{"id":"T1059","name":"Command and Scripting Interpreter","tactics":["TA0002"],"reference":"","via":["model:0.71"]},{"id":"T1105","name":"Ingress Tool Transfer","tactics":["TA0011"],"reference":"","via":["model:0.93"],"evidence":[{"text":"The loader *downloads* <b>tools</b>\u001b[31m from [cdn](javascript:x).","score":0.93,"field":"content_text"},{"text":"It fetches more.","score":0.41,"field":"summary"}]},{"id":"T1110","name":"Brute Force","tactics":["TA0006"],"reference":"","via":["phrase:brute force"]}],"groups":[],"software":[]}}"#
    static let without = #"{"schema":"cs.advisory/1","id":"b","uid":"00000000000000000000000000000002","title":"A phrase match","url":null,"summary":null,"published":"2026-11-23T12:00:00Z","severity":"low","cves":[],"attack":{"version":"18.1","tactics":[],"techniques":[{"id":"T1110","name":"Brute Force","tactics":["TA0006"],"reference":"","via":["phrase:brute force"]}],"groups":[],"software":[]}}"#
    static let input = Data((withEvidence + "\n" + without + "\n").utf8)

    func testTableShowsTechniquesWithTheirBestScoreOnlyWhenSomeCarryOne() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "table"], stdin: Self.input, environment: ["COLUMNS": "160", "NO_COLOR": "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.lines[0].hasSuffix("TECHNIQUES"), r.text)
        // Best score first, then the technique without one.
        XCTAssertTrue(r.lines[1].hasSuffix("T1105 0.93, T1059 0.71, T1110"), r.text)
        XCTAssertTrue(r.lines[2].hasSuffix("T1110"), r.text)
        // The column starts at the same place on every line.
        let column = try XCTUnwrap(r.lines[0].range(of: "TECHNIQUES")).lowerBound.utf16Offset(in: r.lines[0])
        XCTAssertEqual(try XCTUnwrap(r.lines[1].range(of: "T1105")).lowerBound.utf16Offset(in: r.lines[1]), column, r.text)
        let plain = try ToolRunner.run("cs-sink", ["--format", "table"], stdin: Data((Self.without + "\n").utf8), environment: ["COLUMNS": "160", "NO_COLOR": "1"])
        XCTAssertFalse(plain.text.contains("TECHNIQUES"), plain.text)
    }

    func testMarkdownQuotesTheBestSentenceEscaped() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "markdown"], stdin: Self.input)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.text.contains("  - Ingress Tool Transfer ([T1105](https://attack.mitre.org/techniques/T1105/)) · via model:0.93\n"), r.text)
        XCTAssertTrue(r.text.contains("    > The loader \\*downloads\\* &lt;b&gt;tools&lt;/b&gt; \\[31m from \\[cdn\\]\\(javascript:x\\). (0.93, content\\_text)\n"), r.text)
        XCTAssertFalse(r.text.contains("It fetches more"), "only the best sentence")
        XCTAssertTrue(r.text.contains("  - Brute Force ([T1110](https://attack.mitre.org/techniques/T1110/)) · via phrase:brute force\n"), r.text)
        XCTAssertTrue(r.text.contains("  - Command and Scripting Interpreter ([T1059](https://attack.mitre.org/techniques/T1059/)) · via model:0.71\n"), r.text)
        XCTAssertFalse(r.text.unicodeScalars.contains { $0.value == 0x1B }, "no ESC reaches the digest")
        // A record without evidence keeps the one-line form.
        XCTAssertTrue(r.text.contains("- Techniques: Brute Force ([T1110](https://attack.mitre.org/techniques/T1110/))\n"), r.text)
    }

    func testCSVEvidenceColumn() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "csv", "--fields", "uid,techniques,evidence"], stdin: Self.input)
        XCTAssertEqual(r.status, 0, r.stderr)
        // CSV ends its lines with CRLF (one Character in Swift: split on the string).
        XCTAssertEqual(r.text.components(separatedBy: "\r\n"), [
            "uid,techniques,evidence",
            "00000000000000000000000000000001,T1059; T1105; T1110,The loader *downloads* <b>tools</b> [31m from [cdn](javascript:x).; It fetches more.",
            "00000000000000000000000000000002,T1110,", "",
        ])
        let scores = try ToolRunner.run("cs-sink", ["--format", "csv", "--fields", "attack.techniques.evidence.score"], stdin: Self.input)
        XCTAssertEqual(scores.text.components(separatedBy: "\r\n"), ["attack.techniques.evidence.score", "0.93; 0.41", "", ""])
    }
}
