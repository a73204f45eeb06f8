import Foundation
import XCTest
@testable import CSRun

final class PipelineFileTests: XCTestCase {
    private func parse(_ text: String, env: [String: String] = [:]) throws -> [PipelineFile.Step] {
        try PipelineFile(path: "p", text: text) { env[$0] }.steps
    }

    func testStagesArgumentsCommentsAndContinuations() throws {
        let steps = try parse("""
            # a digest
            normalize a.xml b.json   # two feeds
            enrich
            filter --sev high \\
                   --tag 'entra id'
            sink --format table
            """)
        XCTAssertEqual(steps.map(\.stage), ["normalize", "enrich", "filter", "sink"])
        XCTAssertEqual(steps[0].arguments, ["a.xml", "b.json"])
        XCTAssertEqual(steps[2].arguments, ["--sev", "high", "--tag", "entra id"])
        XCTAssertEqual(steps[2].line, 4)
    }

    func testEnvironmentValuesAndDefaults() throws {
        let steps = try parse(#"sink --to "${OUT:-out}/digest.md" --sev $SEV --x ${UNSET} "${EMPTY:-d}""#, env: ["SEV": "high", "EMPTY": ""])
        XCTAssertEqual(steps[0].arguments, ["--to", "out/digest.md", "--sev", "high", "--x", "d"])
    }

    func testAnUnquotedExpansionSplitsIntoWords() throws {
        let steps = try parse(#"fetch $FEEDS ${MORE:-c.xml d.xml} "$FEEDS""#, env: ["FEEDS": "a.xml  b.json"])
        XCTAssertEqual(steps[0].arguments, ["a.xml", "b.json", "c.xml", "d.xml", "a.xml  b.json"])
    }

    func testRequiredValueNamesTheVariableAndColumn() {
        XCTAssertThrowsError(try parse("sink --to ${SPLUNK_URL:?set it to the HEC endpoint}")) { error in
            let e = error as! PipelineFile.ParseError
            XCTAssertTrue(e.message.contains("SPLUNK_URL is not set: set it to the HEC endpoint"), e.message)
            XCTAssertEqual(e.line, 1)
        }
    }

    func testShellSyntaxIsRefusedWithItsColumn() {
        XCTAssertThrowsError(try parse("enrich | filter")) { error in
            XCTAssertEqual((error as! PipelineFile.ParseError).column, 8)
        }
        XCTAssertThrowsError(try parse("filter --tag 'open"))
        XCTAssertThrowsError(try parse("# only comments\n"))
    }

    func testGlobsExpandUnquotedOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-glob-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for n in ["b.xml", "a.xml"] { FileManager.default.createFile(atPath: dir.appendingPathComponent(n).path, contents: Data()) }
        let steps = try parse("normalize \(dir.path)/*.xml '\(dir.path)/*.xml'")
        XCTAssertEqual(steps[0].arguments, [dir.path + "/a.xml", dir.path + "/b.xml", dir.path + "/*.xml"])
    }

    func testShellQuoteRoundTrips() {
        XCTAssertEqual(ShellQuote.quote("--sev"), "--sev")
        XCTAssertEqual(ShellQuote.quote("it's here"), #"'it'\''s here'"#)
    }
}
