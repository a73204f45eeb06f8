import Foundation
import XCTest
import CSCore
@testable import CSRun

/// What expansions may produce: never an option, never an unbounded glob; and what a dry run shows when a value is missing.
final class PipelineExpansionTests: XCTestCase {
    private func parse(_ text: String, env: [String: String] = [:], unresolved: PipelineFile.Unresolved = .fail,
                       limits: Glob.Limits = .standard) throws -> PipelineFile {
        try PipelineFile(path: "p", text: text, unresolved: unresolved, globLimits: limits) { env[$0] }
    }

    private func temporaryDirectory(files: [String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-expand-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in files { FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data()) }
        return dir
    }

    func testAValueThatWouldStartAnOptionIsRefused() throws {
        for (text, env) in [("fetch $FEEDS", ["FEEDS": "a.xml --dead-letter=x"]),
                            ("fetch ${FEEDS:-x}", ["FEEDS": "--dead-letter=x"]),
                            ("sink --to ${OUT:-out}/digest.md", ["OUT": "--dead-letter=x"]),
                            (#"sink --to "$OUT/digest.md""#, ["OUT": "-x"]),
                            ("fetch $EMPTY$FEEDS", ["FEEDS": "--state=y"])] {
            XCTAssertThrowsError(try parse(text, env: env), text) { error in
                let e = error as! PipelineFile.ParseError
                XCTAssertTrue(e.message.contains("which a stage would read as an option"), e.message)
                XCTAssertEqual(e.code, .invalidArgument)
                XCTAssertEqual(e.column, text.hasPrefix("sink") ? 11 : 7, text)
            }
        }
        // '-' alone is standard input; a '-' written in the file, or after a literal start, is the author's.
        XCTAssertEqual(try parse("normalize $IN", env: ["IN": "-"]).steps[0].arguments, ["-"])
        XCTAssertEqual(try parse("filter --sev=$SEV -q", env: ["SEV": "-high"]).steps[0].arguments, ["--sev=-high", "-q"])
    }

    func testAGlobMatchStartingWithADashIsGivenAsAPath() throws {
        let dir = try temporaryDirectory(files: ["--dead-letter=x", "a.xml"])
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir.path))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        XCTAssertEqual(try parse("normalize *").steps[0].arguments, ["./--dead-letter=x", "a.xml"])
        XCTAssertEqual(try parse("normalize $FEEDS", env: ["FEEDS": "*"]).steps[0].arguments, ["./--dead-letter=x", "a.xml"])
    }

    func testAGlobIsBoundedInPathsAndInWork() throws {
        let dir = try temporaryDirectory(files: (1...6).map { "f\($0).xml" })
        XCTAssertEqual(try parse("normalize \(dir.path)/*.xml", limits: Glob.Limits(paths: 6, entriesRead: 100)).steps[0].arguments.count, 6)
        for limits in [Glob.Limits(paths: 5, entriesRead: 100), Glob.Limits(paths: 100, entriesRead: 5)] {
            for text in ["normalize \(dir.path)/*.xml", "normalize $FEEDS"] {
                XCTAssertThrowsError(try parse(text, env: ["FEEDS": dir.path + "/*"], limits: limits)) { error in
                    let e = error as! PipelineFile.ParseError
                    XCTAssertEqual(e.code, .resourceExhausted, e.message)
                    XCTAssertTrue(e.message.contains(limits.paths == 5 ? "expands to more than 5 paths" : "reads more than 5 directory entries"), e.message)
                    XCTAssertTrue(e.description.hasSuffix("(RESOURCE_EXHAUSTED)"), e.description)
                }
            }
        }
        XCTAssertEqual(Glob.Limits.standard.paths, 10_000)
    }

    func testADryRunMarksAnUnsetRequiredValue() throws {
        let text = "sink --to ${URL:?set it to the endpoint} --dead-letter \"${OUT:-out}/d \\$x.ndjson\""
        XCTAssertThrowsError(try parse(text))
        let file = try parse(text, unresolved: .mark)
        XCTAssertEqual(file.unresolved.map(\.name), ["URL"])
        XCTAssertEqual(file.unresolved.first?.message, "set it to the endpoint")
        XCTAssertEqual(file.steps[0].arguments.map(ShellQuote.quote), ["--to", #""${URL}""#, "--dead-letter", #"'out/d $x.ndjson'"#])
        let inside = try parse(#"sink --to "http://$H:${PORT:?p}/a\"b""#, env: ["H": "h"], unresolved: .mark)
        XCTAssertEqual(ShellQuote.quote(inside.steps[0].arguments[1]), #""http://h:${PORT}/a\"b""#)
    }
}
