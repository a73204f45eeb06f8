import Foundation
import XCTest

/// A pipeline shown in the docs is the one pipelines/ holds: every plain ``` block whose first line is
/// `# pipelines/NAME` (README.md, docs/*.md) has the stage lines of that file, and only comments it has.
final class DocPipelinesTests: XCTestCase {
    static func blocks(in text: String) -> [(line: Int, lines: [String])] {
        var blocks: [(Int, [String])] = []
        var current: (Int, [String])? = nil
        var inFence = false
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            if line.hasPrefix("```") {
                if let c = current { blocks.append(c); current = nil } else if !inFence && line == "```" { current = (index + 2, []) }
                inFence.toggle()
                continue
            }
            current?.1.append(line)
        }
        return blocks.filter { $0.1.first?.hasPrefix("# pipelines/") == true }
    }

    static func stageLines(_ lines: [String]) -> [String] {
        lines.filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    func testPipelinesShownInTheDocsMatchPipelinesFiles() throws {
        var pages = [Shell.repoRoot.appendingPathComponent("README.md")]
        let docs = Shell.repoRoot.appendingPathComponent("docs")
        for name in try FileManager.default.contentsOfDirectory(atPath: docs.path).sorted() where name.hasSuffix(".md") {
            pages.append(docs.appendingPathComponent(name))
        }
        var checked = 0
        for page in pages {
            for block in Self.blocks(in: try String(contentsOf: page, encoding: .utf8)) {
                let where_ = "\(page.lastPathComponent):\(block.line)"
                let name = String(block.lines[0].dropFirst("# ".count)).split(separator: ":").first.map(String.init) ?? ""
                let file = Shell.repoRoot.appendingPathComponent(name)
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { XCTFail("\(where_): no file \(name)"); continue }
                let fileLines = text.components(separatedBy: "\n")
                XCTAssertEqual(Self.stageLines(Array(block.lines.dropFirst())), Self.stageLines(fileLines), "\(where_): the stages of \(name)")
                for comment in block.lines.dropFirst() where comment.hasPrefix("#") {
                    XCTAssertTrue(fileLines.contains(comment), "\(where_): \(name) has no line '\(comment)'")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 2, "README.md and docs/pipelines.md show pipelines")
    }
}
