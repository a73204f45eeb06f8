import Foundation
import XCTest

/// Every ```console block in README.md and docs/*.md is run, and its output must match what the
/// page shows: `$ ` starts a command (a trailing `\` continues it on the next line); the lines after
/// it, up to the next command, are its stdout and stderr together. So no documented example goes stale.
/// Commands run from the repository root with the built executables first on PATH, COLUMNS=100 and NO_COLOR=1.
final class DocExamplesTests: XCTestCase {
    struct Example {
        var file: String
        var line: Int
        var command: String
        var expected: [String]
    }

    static func examples(in path: URL) throws -> [Example] {
        let lines = try String(contentsOf: path, encoding: .utf8).components(separatedBy: "\n")
        var examples: [Example] = []
        var inConsole = false
        var current: Example? = nil
        var continuing = false
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("```") {
                if inConsole, let c = current { examples.append(c); current = nil }
                inConsole = !inConsole && line.trimmingCharacters(in: .whitespaces) == "```console"
                continue
            }
            guard inConsole else { continue }
            if continuing, current != nil {
                current!.command += "\n" + line
                continuing = line.hasSuffix("\\")
            } else if line.hasPrefix("$ ") {
                if let c = current { examples.append(c) }
                current = Example(file: path.lastPathComponent, line: index + 1, command: String(line.dropFirst(2)), expected: [])
                continuing = line.hasSuffix("\\")
            } else {
                current?.expected.append(line)
            }
        }
        return examples
    }

    func testEveryConsoleExampleInTheDocsRunsAsShown() throws {
        var pages = [Shell.repoRoot.appendingPathComponent("README.md")]
        let docs = Shell.repoRoot.appendingPathComponent("docs")
        for name in try FileManager.default.contentsOfDirectory(atPath: docs.path).sorted() where name.hasSuffix(".md") {
            pages.append(docs.appendingPathComponent(name))
        }
        var count = 0
        for page in pages {
            for example in try Self.examples(in: page) {
                count += 1
                let r = try Shell.run("exec 2>&1\n" + example.command, env: ["COLUMNS": "100", "NO_COLOR": "1"])
                let actual = r.stdout.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n").map { $0.trimmingTrailingSpaces }
                var expected = example.expected.map { $0.trimmingTrailingSpaces }
                while expected.last == "" { expected.removeLast() }
                var got = actual
                while got.last == "" { got.removeLast() }
                XCTAssertEqual(got, expected, "\(example.file):\(example.line): `\(example.command)` printed:\n\(got.joined(separator: "\n"))")
            }
        }
        XCTAssertGreaterThan(count, 5, "the docs hold runnable examples")
    }

    /// cs-enrich's page shows its output (`via`, indicators, `--map`) as runnable examples, so the page
    /// says what the tool writes, not what it once wrote.
    func testTheCSEnrichPageShowsItsOutputAsRunnableExamples() throws {
        let examples = try Self.examples(in: Shell.repoRoot.appendingPathComponent("docs/cs-enrich.md"))
        let commands = examples.map(\.command)
        XCTAssertTrue(commands.contains { $0.contains("cs-enrich") && $0.contains(".attack") }, "an example of attack and via")
        XCTAssertTrue(commands.contains { $0.contains("cs-enrich") && $0.contains(".indicators") }, "an example of indicators")
        XCTAssertTrue(commands.contains { $0.contains("cs-enrich --map") }, "an example of --map")
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s.removeLast() }
        return String(s)
    }
}
