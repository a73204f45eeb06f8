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

final class PipelineRunnerTests: XCTestCase {
    /// Stages as small shell scripts on PATH: the runner must wire them as a real pipeline and apply pipefail.
    func testRunsStagesAsAPipelineWithPipefail() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func script(_ name: String, _ body: String) throws {
            let path = dir.appendingPathComponent(name).path
            try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        try script("cs-gen", "printf 'a\\nb\\nc\\n'")
        try script("cs-upper", "tr a-z A-Z")
        try script("cs-fail3", "cat; exit 3")
        try script("cs-out", "cat > \"$1\"")
        let out = dir.appendingPathComponent("out.txt").path
        setenv("PATH", dir.path + ":" + String(cString: getenv("PATH")), 1)

        let ok = try PipelineRunner(pipeline: PipelineFile(path: "p", text: "gen\nupper\nout \(out)") { _ in nil })
        let results = try ok.run(collectStats: false)
        XCTAssertEqual(results.map(\.status), [0, 0, 0])
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "A\nB\nC\n")

        let failing = try PipelineRunner(pipeline: PipelineFile(path: "p", text: "gen\nfail3\nupper\nout \(out)") { _ in nil })
        let r2 = try failing.run(collectStats: false)
        XCTAssertEqual(PipelineRunner.status(of: r2), 3)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "A\nB\nC\n")

        XCTAssertThrowsError(try PipelineRunner(pipeline: PipelineFile(path: "p", text: "gen\nno-such-stage") { _ in nil })) { error in
            XCTAssertTrue("\(error)".contains("p:2: no executable cs-no-such-stage"), "\(error)")
        }
        XCTAssertTrue(ok.shellCommand.contains("cs-gen \\\n  | cs-upper"), ok.shellCommand)
    }
}
