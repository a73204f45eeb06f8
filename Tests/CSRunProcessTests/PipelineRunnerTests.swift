import Foundation
import XCTest
@testable import CSRun

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
